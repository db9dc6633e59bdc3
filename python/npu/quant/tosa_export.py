"""Export the integer core of a level-2 module to TOSA, for the TOSA reference model as an oracle.

The core runs from the int8 result of the graph input's `quantize` to the integer
operand of the `dequantize` that produces the returned value: the quantize and
dequantize themselves are float <-> int conversions that TOSA does not define the same
way, so the cross-check feeds the int8 input and compares the integer output.
`export(module)` returns a `TosaCore`: the MLIR text (upstream `tosa` dialect, one
`func.func @main`) and how to lay out its input and read back its output.

Rank-4 tensors are NHWC in TOSA (level 2 is NCHW): the int8 input is given
transposed, weights are transposed when exported, and a reshape of a rank-4 tensor
first transposes back to NCHW so the element order is level 2's. Op mapping:

    conv_int (group 1)        tosa.conv2d (OHWI weight, int32 bias, zero points)
    conv_int (group = C)      tosa.depthwise_conv2d ([KH, KW, C, M] weight)
    rescale                   tosa.rescale (per channel along the last NHWC axis)
    clamp, table              tosa.clamp, tosa.table
    max_pool                  tosa.max_pool2d
    reshape                   [tosa.transpose to NCHW] tosa.reshape
    matmul_int (const rhs)    tosa.reshape to rank 3, tosa.matmul, tosa.add (bias), tosa.reshape
    add_int                   tosa.add
    reduce_sum_int            tosa.cast to int32, tosa.sub (zero point), tosa.reduce_sum per axis
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
        ssa, shape, elt, is_nhwc = self.env[v]
        if nhwc is False and is_nhwc:
            t_in = _ttype(shape, elt)
            nchw = [shape[0], shape[3], shape[1], shape[2]]
            ssa = self.op(f"tosa.transpose {ssa} {{perms = {_arr((0, 3, 1, 2), 'i32')}}} : ({t_in}) -> {_ttype(nchw, elt)}")
            return ssa, nchw, elt, False
        return ssa, shape, elt, is_nhwc

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
    ssa, xs, _, nhwc = w.get(x)
    if not nhwc:
        raise NpuError(f"tosa export: conv '{node.name}' input is not NHWC")
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
    axis = int(node.attrs["axis"])
    if len(mult) > 1 and (_AXIS_NHWC[axis] if nhwc else axis) != len(shape) - 1:
        raise NpuError(f"tosa export: rescale '{node.name}' is per channel along a non-last axis")
    elt_out = _elt(node.result)
    cm = w.const(mult, [len(mult)], "i32")
    cs = w.const(shift, [len(shift)], "i8")
    ci = w.const([node.attrs["input_zp"]], [1], elt_in)
    co = w.const([node.attrs["output_zp"]], [1], elt_out)
    res = w.op(f"tosa.rescale {ssa}, {cm}, {cs}, {ci}, {co} {{input_unsigned = false, output_unsigned = false, "
               f"per_channel = {str(len(mult) > 1).lower()}, rounding_mode = {node.attrs['rounding_mode']}, "
               f"scale32 = true}} : ({_ttype(shape, elt_in)}, tensor<{len(mult)}xi32>, tensor<{len(shift)}xi8>, "
               f"tensor<1x{elt_in}>, tensor<1x{elt_out}>) -> {_ttype(shape, elt_out)}")
    w.put(node.result, res, shape, elt_out, nhwc)


def _matmul(w: _Writer, node: Node) -> None:
    a, b, bias = (node.operands + [None])[:3]
    if not w.g.is_const(b):
        raise NpuError(f"tosa export: matmul '{node.name}' needs a constant right operand")
    ssa, shape, _, _ = w.get(a, nhwc=False)
    k, n = w.g.consts[b].shape
    rows = int(np.prod(shape[:-1]))
    a3 = w.reshape(ssa, shape, [1, rows, k], "i8")
    cb = w.const(w.g.consts[b].astype(np.int64), [1, k, n], "i8")
    za = w.const([node.attrs["lhs_zp"]], [1], "i8")
    zb = w.const([node.attrs["rhs_zp"]], [1], "i8")
    acc = w.op(f"tosa.matmul {a3}, {cb}, {za}, {zb} : ({_ttype([1, rows, k], 'i8')}, {_ttype([1, k, n], 'i8')}, "
               f"tensor<1xi8>, tensor<1xi8>) -> {_ttype([1, rows, n], 'i32')}")
    if bias is not None:
        bv = np.broadcast_to(w.g.consts[bias].astype(np.int64), tuple(shape[:-1]) + (n,)).reshape(1, rows, n)
        cbias = w.const(bv, [1, rows, n], "i32")
        acc = w.op(f"tosa.add {acc}, {cbias} : ({_ttype([1, rows, n], 'i32')}, {_ttype([1, rows, n], 'i32')}) "
                   f"-> {_ttype([1, rows, n], 'i32')}")
    out = list(node.result.type.shape)
    w.put(node.result, w.reshape(acc, [1, rows, n], out, "i32"), out, "i32", False)


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
        ct = w.const(w.g.consts[node.operands[1]].astype(np.int64), [256], "i8")
        res = w.op(f"tosa.table {ssa}, {ct} : ({_ttype(shape, elt)}, tensor<256xi8>) -> {_ttype(shape, elt)}")
        w.put(node.result, res, shape, elt, nhwc)
    elif kind == "max_pool":
        ssa, shape, elt, nhwc = w.get(node.operands[0])
        t, l, bo, r = node.attrs["pads"]
        if list(node.attrs.get("dilations", [1, 1])) != [1, 1] or not nhwc:
            raise NpuError(f"tosa export: max_pool '{node.name}' needs dilation 1 and an NHWC input")
        out = _nhwc_shape(list(node.result.type.shape))
        res = w.op(f"tosa.max_pool2d {ssa} {{kernel = {_arr(node.attrs['kernel_shape'])}, pad = {_arr([t, bo, l, r])}, "
                   f"stride = {_arr(node.attrs['strides'])}}} : ({_ttype(shape, elt)}) -> {_ttype(out, elt)}")
        w.put(node.result, res, out, elt, True)
    elif kind == "reshape":
        ssa, shape, elt, _ = w.get(node.operands[0], nhwc=False)
        out = list(node.result.type.shape)
        res = w.reshape(ssa, shape, out, elt)
        if len(out) == 4:
            res = w.op(f"tosa.transpose {res} {{perms = {_arr(_NCHW_TO_NHWC, 'i32')}}} : ({_ttype(out, elt)}) "
                       f"-> {_ttype(_nhwc_shape(out), elt)}")
            w.put(node.result, res, _nhwc_shape(out), elt, True)
        else:
            w.put(node.result, res, out, elt, False)
    elif kind == "add_int":
        (sa, shape_a, _, na), (sb, shape_b, _, nb) = (w.get(v) for v in node.operands)
        if na != nb or len(shape_a) != len(shape_b):
            raise NpuError(f"tosa export: add_int '{node.name}' mixes layouts or ranks")
        out = [max(p, q) for p, q in zip(shape_a, shape_b)]
        res = w.op(f"tosa.add {sa}, {sb} : ({_ttype(shape_a, 'i32')}, {_ttype(shape_b, 'i32')}) -> {_ttype(out, 'i32')}")
        w.put(node.result, res, out, "i32", na)
    else:
        raise NpuError(f"tosa export: no TOSA form for '{node.op.name}' at '{node.name}' (the core must be integer)")


_HANDLERS = {"conv_int": _conv, "rescale": _rescale, "matmul_int": _matmul, "reduce_sum_int": _reduce_sum}


def export(module: ir.Module) -> TosaCore:
    """The integer core of `module` (see the module docstring) as TOSA MLIR text."""
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
        _HANDLERS.get(node.kind, _simple)(w, node)
    ssa, oshape, oelt, onhwc = w.get(end.operands[0])
    body = "\n".join(w.lines)
    text = (f"func.func @main(%arg0: {_ttype(in_shape, 'i8')}) -> {_ttype(oshape, oelt)} {{\n{body}\n"
            f"  return {ssa} : {_ttype(oshape, oelt)}\n}}\n")
    return TosaCore(text, g.arg_names[g.args.index(q.operands[0])], nhwc, tuple(oshape), onhwc)
