"""Export the integer core of a level-2 module to TOSA, for the TOSA reference model as an oracle.

The core runs from the int8 result of the graph input's `quantize` to the integer
operand of the `dequantize` that produces the returned value: the quantize and
dequantize themselves are float <-> int conversions that TOSA does not define the same
way, so the cross-check feeds the int8 input and compares the integer output.
`export(module)` returns a `TosaCore`: the MLIR text (upstream `tosa` dialect, one
`func.func @main`) and how to lay out its input and read back its output.

Layouts: a rank-4 graph input is NHWC in TOSA (level 2 is NCHW) and is given
transposed; conv and max_pool read NHWC, weights are transposed when exported;
every other op reads level 2's own layout. Each exported value remembers its
layout and is transposed (tosa.transpose) where a consumer needs the other one.
Op mapping:

    conv_int (group 1)        tosa.conv2d (OHWI weight, int32 bias, zero points)
    conv_int (group = C)      tosa.depthwise_conv2d ([KH, KW, C, M] weight)
    rescale                   tosa.rescale; per channel along a non-last axis: transposed so the
                              channel axis is last, and back
    clamp, table              tosa.clamp, tosa.table
    max_pool                  tosa.max_pool2d
    reshape, transpose        tosa.reshape, tosa.transpose
    concat                    tosa.concat
    matmul_int                tosa.reshape to rank 3 (batch dims flattened; a constant operand
                              tiled over the batch), tosa.matmul, tosa.add (bias), tosa.reshape
    add_int                   tosa.add
    reduce_sum_int            tosa.cast to int32, tosa.sub (zero point), tosa.reduce_sum per axis
    softmax_int,              their TOSA expansions (npu.quant.tosa_export_norm): reduce_max,
    layer_norm_int            cast, sub, mul, rescale, table (int16), clz, logical_left_shift,
                              bitwise_and, arithmetic_right_shift, reduce_sum, add
Anything else raises NpuError naming the op (the core must be integer end to end).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mlir import ir

from npu.errors import NpuError
from npu.quant.graph import Graph, Node

_NCHW_TO_NHWC = (0, 2, 3, 1)
_AXIS_NHWC = {0: 0, 1: 3, 2: 1, 3: 2}


@dataclass
class TosaCore:
    text: str
    input_name: str  # the func argument whose quantize starts the core
    input_nhwc: bool  # give the int8 input transposed NCHW -> NHWC
    output_shape: tuple[int, ...]
    output_nhwc: bool  # the output is NHWC; transpose (0, 3, 1, 2) to compare


def _elt(v: ir.Value) -> str:
    from npu.quant.qtypes import qparams_of

    q = qparams_of(v)
    if q is not None:
        return "i" + q.storage.removeprefix("int")
    return str(v.type.element_type)


def _ttype(shape, elt: str) -> str:
    return "tensor<" + "".join(f"{int(d)}x" for d in shape) + elt + ">"


_NP = {"i8": np.int8, "i16": np.int16, "i32": np.int32}


def _dense(values, elt: str) -> str:
    """A dense literal of any shape as little-endian hex (MLIR's flat lists are 1-D only)."""
    v = np.ascontiguousarray(np.asarray(values).reshape(-1).astype(np.dtype(_NP[elt]).newbyteorder("<")))
    return f'dense<"0x{v.tobytes().hex().upper()}">'


def _arr(values, t: str = "i64") -> str:
    return f"array<{t}: " + ", ".join(str(int(v)) for v in values) + ">"


class _Writer:
    def __init__(self, graph: Graph):
        self.g = graph
        self.lines: list[str] = []
        self.n = 0
        self.env: dict[ir.Value, tuple[str, list[int], str, bool]] = {}  # value -> (ssa, shape, elt, nhwc)

    def fresh(self) -> str:
        self.n += 1
        return f"%v{self.n}"

    def const(self, values, shape, elt: str) -> str:
        name = self.fresh()
        t = _ttype(shape, elt)
        self.lines.append(f'  {name} = "tosa.const"() {{values = {_dense(values, elt)} : {t}}} : () -> {t}')
        return name

    def shape_const(self, shape) -> str:
        name = self.fresh()
        self.lines.append(f"  {name} = tosa.const_shape {{values = dense<[{', '.join(str(int(d)) for d in shape)}]> "
                          f": tensor<{len(shape)}xindex>}} : () -> !tosa.shape<{len(shape)}>")
        return name

    def op(self, text: str) -> str:
        name = self.fresh()
        self.lines.append(f"  {name} = {text}")
        return name

    # ---------------------------------------------------------------- layout helpers

    def get(self, v: ir.Value, nhwc: bool | None = None):
        """(ssa, shape, element type, is NHWC) of `v`, transposed to the layout asked for (None: as it is)."""
        ssa, shape, elt, is_nhwc = self.env[v]
        if nhwc is False and is_nhwc:
            return self.transpose(ssa, shape, (0, 3, 1, 2), elt), [shape[0], shape[3], shape[1], shape[2]], elt, False
        if nhwc is True and not is_nhwc:
            if len(shape) != 4:
                raise NpuError(f"tosa export: a rank-{len(shape)} value cannot be NHWC")
            return self.transpose(ssa, shape, _NCHW_TO_NHWC, elt), _nhwc_shape(shape), elt, True
        return ssa, shape, elt, is_nhwc

    def transpose(self, ssa: str, shape, perm, elt: str) -> str:
        out = [shape[p] for p in perm]
        return self.op(f"tosa.transpose {ssa} {{perms = {_arr(perm, 'i32')}}} : ({_ttype(shape, elt)}) -> {_ttype(out, elt)}")

    def binary(self, kind: str, a: str, b: str, shape_a, shape_b, elt: str, out_elt: str | None = None,
               attrs: str = "") -> str:
        """tosa.<kind> of two tensors of one rank (numpy broadcasting of size-1 dims)."""
        out = [max(p, q) for p, q in zip(shape_a, shape_b)]
        return self.op(f"tosa.{kind} {a}, {b}{attrs} : ({_ttype(shape_a, elt)}, {_ttype(shape_b, elt)}) "
                       f"-> {_ttype(out, out_elt or elt)}")

    def scalar(self, value: int, rank: int, elt: str = "i32") -> tuple[str, list[int]]:
        """A constant of shape [1] * rank (TOSA broadcasts only between equal ranks)."""
        shape = [1] * rank
        return self.const([value], shape, elt), shape

    def mul(self, a: str, b: str, shape_a, shape_b, shift: int) -> str:
        """tosa.mul of int32 tensors: (a * b + 2^(shift-1)) >> shift (shift > 0), REQUIRE an int32 result."""
        s = self.const([shift], [1], "i8")
        out = [max(p, q) for p, q in zip(shape_a, shape_b)]
        return self.op(f"tosa.mul {a}, {b}, {s} : ({_ttype(shape_a, 'i32')}, {_ttype(shape_b, 'i32')}, tensor<1xi8>) "
                       f"-> {_ttype(out, 'i32')}")

    def unary(self, kind: str, ssa: str, shape, elt: str, out_elt: str | None = None, attrs: str = "") -> str:
        return self.op(f"tosa.{kind} {ssa}{attrs} : ({_ttype(shape, elt)}) -> {_ttype(shape, out_elt or elt)}")

    def reduce(self, kind: str, ssa: str, shape, axis: int, elt: str) -> tuple[str, list[int]]:
        out = list(shape)
        out[axis] = 1
        return self.op(f"tosa.{kind} {ssa} {{axis = {axis} : i32}} : ({_ttype(shape, elt)}) -> {_ttype(out, elt)}"), out

    def rescale(self, ssa: str, shape, elt_in: str, elt_out: str, mult, shift, in_zp: int, out_zp: int,
                rounding: str = "SINGLE_ROUND") -> str:
        mult, shift = list(mult), list(shift)
        cm = self.const(mult, [len(mult)], "i32")
        cs = self.const(shift, [len(shift)], "i8")
        ci = self.const([in_zp], [1], elt_in)
        co = self.const([out_zp], [1], elt_out)
        return self.op(f"tosa.rescale {ssa}, {cm}, {cs}, {ci}, {co} {{input_unsigned = false, output_unsigned = false, "
                       f"per_channel = {str(len(mult) > 1).lower()}, rounding_mode = {rounding}, scale32 = true}} : "
                       f"({_ttype(shape, elt_in)}, tensor<{len(mult)}xi32>, tensor<{len(shift)}xi8>, "
                       f"tensor<1x{elt_in}>, tensor<1x{elt_out}>) -> {_ttype(shape, elt_out)}")

    def table(self, ssa: str, shape, values, elt: str) -> str:
        """tosa.table: int8 (256 entries, int8 out) or int16 (513 entries, int32 out)."""
        n, out = (256, elt) if elt == "i8" else (513, "i32")
        ct = self.const(np.asarray(values).astype(np.int64), [n], elt)
        return self.op(f"tosa.table {ssa}, {ct} : ({_ttype(shape, elt)}, tensor<{n}x{elt}>) -> {_ttype(shape, out)}")

    def put(self, v: ir.Value, ssa: str, shape, elt: str, nhwc: bool) -> None:
        self.env[v] = (ssa, list(shape), elt, nhwc)

    def reshape(self, ssa: str, shape, new_shape, elt: str) -> str:
        s = self.shape_const(new_shape)
        return self.op(f"tosa.reshape {ssa}, {s} : ({_ttype(shape, elt)}, !tosa.shape<{len(new_shape)}>) "
                       f"-> {_ttype(new_shape, elt)}")


def _nhwc_shape(shape) -> list[int]:
    return [shape[i] for i in _NCHW_TO_NHWC]


def _conv(w: _Writer, node: Node) -> None:
    x, wv, b = (node.operands + [None])[:3]
    ssa, xs, _, _ = w.get(x, nhwc=True)
    weight = w.g.consts[wv].astype(np.int64)
    m, cg, kh, kw = weight.shape
    c, group = xs[3], int(node.attrs["group"])
    bias = w.g.consts[b].astype(np.int64) if b is not None else np.zeros(m, dtype=np.int64)
    t, l, bo, r = node.attrs["pads"]
    out = _nhwc_shape(list(node.result.type.shape))
    cb = w.const(bias, [m], "i32")
    zx = w.const([node.attrs["input_zp"]], [1], "i8")
    zw = w.const([node.attrs["weight_zp"]], [1], "i8")
    geo = (f"acc_type = i32, dilation = {_arr(node.attrs['dilations'])}, pad = {_arr([t, bo, l, r])}, "
           f"stride = {_arr(node.attrs['strides'])}")
    if group == 1:
        wt = weight.transpose(0, 2, 3, 1)  # OIHW -> OHWI
        kind = "conv2d"
    elif group == c and cg == 1:
        mult = m // c
        wt = weight.reshape(c, mult, kh, kw).transpose(2, 3, 0, 1)  # [C*M, 1, KH, KW] -> [KH, KW, C, M]
        kind = "depthwise_conv2d"
    else:
        raise NpuError(f"tosa export: conv '{node.name}' with group {group} is neither dense nor depthwise")
    cw = w.const(wt, wt.shape, "i8")
    res = w.op(f"tosa.{kind} {ssa}, {cw}, {cb}, {zx}, {zw} {{{geo}}} : ({_ttype(xs, 'i8')}, {_ttype(wt.shape, 'i8')}, "
               f"tensor<{m}xi32>, tensor<1xi8>, tensor<1xi8>) -> {_ttype(out, 'i32')}")
    w.put(node.result, res, out, "i32", True)


def _rescale(w: _Writer, node: Node) -> None:
    ssa, shape, elt_in, nhwc = w.get(node.operands[0])
    mult, shift = list(node.attrs["multiplier"]), list(node.attrs["shift"])
    axis = _AXIS_NHWC[int(node.attrs["axis"])] if nhwc else int(node.attrs["axis"])
    elt_out = _elt(node.result)
    args = (elt_in, elt_out, mult, shift, int(node.attrs["input_zp"]), int(node.attrs["output_zp"]),
            node.attrs["rounding_mode"])
    if len(mult) == 1 or axis == len(shape) - 1:
        w.put(node.result, w.rescale(ssa, shape, *args), shape, elt_out, nhwc)
        return
    perm = [i for i in range(len(shape)) if i != axis] + [axis]  # TOSA's channel is the last axis
    inv = [perm.index(i) for i in range(len(shape))]
    moved = [shape[p] for p in perm]
    res = w.rescale(w.transpose(ssa, shape, perm, elt_in), moved, *args)
    w.put(node.result, w.transpose(res, moved, inv, elt_out), shape, elt_out, nhwc)


def _matmul_operand(w: _Writer, v: ir.Value, shape3: list[int], batch: int) -> str:
    """An int8 matmul operand as TOSA's rank 3 [batch, rows, cols]: a constant tiled over the batch."""
    if w.g.is_const(v):
        c = w.g.consts[v].astype(np.int64)
        return w.const(np.broadcast_to(c.reshape((-1,) + c.shape[-2:]), [batch] + shape3[1:]), [batch] + shape3[1:], "i8")
    ssa, shape, _, _ = w.get(v, nhwc=False)
    return w.reshape(ssa, shape, shape3, "i8")


def _matmul(w: _Writer, node: Node) -> None:
    """[..., M, K] x [..., K, N]: a constant right operand folds the lhs batch into rows; otherwise the
    batch dims (equal after broadcasting) become TOSA's batch and a constant operand is tiled."""
    a, b, bias = (node.operands + [None])[:3]
    sa, sb = list(a.type.shape), list(b.type.shape)
    out = list(node.result.type.shape)
    m, k, n = sa[-2], sa[-1], sb[-1]
    if w.g.is_const(b) and len(sb) == 2:
        batch, a3, b3 = 1, [1, int(np.prod(sa[:-1])), k], [1, k, n]
    else:
        batch = int(np.prod(out[:-2]))
        for v, s in ((a, sa), (b, sb)):
            if not w.g.is_const(v) and int(np.prod(s[:-2])) != batch:
                raise NpuError(f"tosa export: matmul '{node.name}' broadcasts a dynamic operand over the batch")
        a3, b3 = [batch, m, k], [batch, k, n]
    ta = _matmul_operand(w, a, a3, a3[0])
    tb = _matmul_operand(w, b, b3, b3[0])
    za = w.const([node.attrs["lhs_zp"]], [1], "i8")
    zb = w.const([node.attrs["rhs_zp"]], [1], "i8")
    o3 = [a3[0], a3[1], n]
    acc = w.op(f"tosa.matmul {ta}, {tb}, {za}, {zb} : ({_ttype(a3, 'i8')}, {_ttype(b3, 'i8')}, "
               f"tensor<1xi8>, tensor<1xi8>) -> {_ttype(o3, 'i32')}")
    if bias is not None:
        bv = np.broadcast_to(w.g.consts[bias].astype(np.int64), out).reshape(o3)
        acc = w.binary("add", acc, w.const(bv, o3, "i32"), o3, o3, "i32")
    w.put(node.result, w.reshape(acc, o3, out, "i32"), out, "i32", False)


def _reduce_sum(w: _Writer, node: Node) -> None:
    ssa, shape, elt, nhwc = w.get(node.operands[0])
    wide = w.op(f"tosa.cast {ssa} : ({_ttype(shape, elt)}) -> {_ttype(shape, 'i32')}")
    zp = w.const([node.attrs["input_zp"]], [1] * len(shape), "i32")
    cur = w.op(f"tosa.sub {wide}, {zp} : ({_ttype(shape, 'i32')}, {_ttype([1] * len(shape), 'i32')}) "
               f"-> {_ttype(shape, 'i32')}")
    cur_shape = list(shape)
    for a in node.attrs["axes"]:
        ax = _AXIS_NHWC[a] if nhwc else a
        nxt = list(cur_shape)
        nxt[ax] = 1
        cur = w.op(f"tosa.reduce_sum {cur} {{axis = {ax} : i32}} : ({_ttype(cur_shape, 'i32')}) -> {_ttype(nxt, 'i32')}")
        cur_shape = nxt
    out = list(node.result.type.shape)
    if int(node.attrs["keepdims"]):
        w.put(node.result, cur, cur_shape, "i32", nhwc)
    else:
        ssa2 = cur
        if nhwc:
            w.put(node.result, cur, cur_shape, "i32", True)
            ssa2, cur_shape, _, _ = w.get(node.result, nhwc=False)
        w.put(node.result, w.reshape(ssa2, cur_shape, out, "i32"), out, "i32", False)


def _simple(w: _Writer, node: Node) -> None:
    kind = node.kind
    if kind == "clamp":
        ssa, shape, elt, nhwc = w.get(node.operands[0])
        t = _ttype(shape, elt)
        res = w.op(f"tosa.clamp {ssa} {{max_val = {int(node.attrs['max'])} : {elt}, min_val = {int(node.attrs['min'])} "
                   f": {elt}}} : ({t}) -> {t}")
        w.put(node.result, res, shape, elt, nhwc)
    elif kind == "table":
        ssa, shape, elt, nhwc = w.get(node.operands[0])
        w.put(node.result, w.table(ssa, shape, w.g.consts[node.operands[1]], "i8"), shape, elt, nhwc)
    elif kind == "max_pool":
        ssa, shape, elt, nhwc = w.get(node.operands[0], nhwc=True)
        t, l, bo, r = node.attrs["pads"]
        if list(node.attrs.get("dilations", [1, 1])) != [1, 1]:
            raise NpuError(f"tosa export: max_pool '{node.name}' needs dilation 1")
        out = _nhwc_shape(list(node.result.type.shape))
        res = w.op(f"tosa.max_pool2d {ssa} {{kernel = {_arr(node.attrs['kernel_shape'])}, pad = {_arr([t, bo, l, r])}, "
                   f"stride = {_arr(node.attrs['strides'])}}} : ({_ttype(shape, elt)}) -> {_ttype(out, elt)}")
        w.put(node.result, res, out, elt, True)
    elif kind == "reshape":
        ssa, shape, elt, _ = w.get(node.operands[0], nhwc=False)
        out = list(node.result.type.shape)
        w.put(node.result, w.reshape(ssa, shape, out, elt), out, elt, False)
    elif kind == "transpose":
        ssa, shape, elt, _ = w.get(node.operands[0], nhwc=False)
        perm = [int(p) for p in node.attrs["perm"]]
        w.put(node.result, w.transpose(ssa, shape, perm, elt), [shape[p] for p in perm], elt, False)
    elif kind == "concat":
        (sa, shape_a, elt, _), (sb, shape_b, _, _) = (w.get(v, nhwc=False) for v in node.operands)
        axis = int(node.attrs["axis"])
        out = list(node.result.type.shape)
        res = w.op(f"tosa.concat {sa}, {sb} {{axis = {axis} : i32}} : ({_ttype(shape_a, elt)}, {_ttype(shape_b, elt)}) "
                   f"-> {_ttype(out, elt)}")
        w.put(node.result, res, out, elt, False)
    elif kind == "add_int":
        same = w.env[node.operands[0]][3] == w.env[node.operands[1]][3]
        (sa, shape_a, _, na), (sb, shape_b, _, _) = (w.get(v, None if same else False) for v in node.operands)
        if len(shape_a) != len(shape_b):
            raise NpuError(f"tosa export: add_int '{node.name}' mixes ranks")
        w.put(node.result, w.binary("add", sa, sb, shape_a, shape_b, "i32"), [max(p, q) for p, q in zip(shape_a, shape_b)],
              "i32", na)
    else:
        raise NpuError(f"tosa export: no TOSA form for '{node.op.name}' at '{node.name}' (the core must be integer)")


_HANDLERS = {"conv_int": _conv, "rescale": _rescale, "matmul_int": _matmul, "reduce_sum_int": _reduce_sum}


def export(module: ir.Module) -> TosaCore:
    """The integer core of `module` (see the module docstring) as TOSA MLIR text."""
    from npu.quant.tosa_export_norm import layer_norm, softmax

    handlers = dict(_HANDLERS, softmax_int=softmax, layer_norm_int=layer_norm)
    g = Graph(module)
    w = _Writer(g)
    start = [n for n in g.nodes if n.kind == "quantize" and n.operands[0] in g.args]
    if len(start) != 1 or len(g.outputs) != 1:
        raise NpuError("tosa export: expects one graph input quantized once and one result")
    q = start[0]
    shape = list(q.result.type.shape)
    nhwc = len(shape) == 4
    in_shape = _nhwc_shape(shape) if nhwc else shape
    w.put(q.result, "%arg0", in_shape, "i8", nhwc)
    end = g.producer.get(g.outputs[0])
    if end is None or end.kind != "dequantize":
        raise NpuError("tosa export: the result must come from a dequantize")
    for node in g.nodes:
        if node is q or node is end:
            continue
        handlers.get(node.kind, _simple)(w, node)
    ssa, oshape, oelt, onhwc = w.get(end.operands[0])
    body = "\n".join(w.lines)
    text = (f"func.func @main(%arg0: {_ttype(in_shape, 'i8')}) -> {_ttype(oshape, oelt)} {{\n{body}\n"
            f"  return {ssa} : {_ttype(oshape, oelt)}\n}}\n")
    return TosaCore(text, g.arg_names[g.args.index(q.operands[0])], nhwc, tuple(oshape), onhwc)
