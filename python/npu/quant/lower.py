"""Level 1 -> level 2: build the quantized module from a float module and its calibration.

`lower(graph, plan)` walks the level-1 ops in order and emits, into a new
module, each op's level-2 form. Every level-1 value has one or more
representations in the new module (`Rep`): its original-typed value, an int8
quantized value (with its QParams) and low-precision float copies; consumers
ask for the one they need and conversions (quantize / dequantize /
quantize_float) are emitted once, on demand. Algorithm:

1. arguments keep their float type; constants are copied on first use;
2. a layer (conv, matmul, gemm) is emitted at its precision (npu.quant.layers):
   int8 integer layer with a fused tail (bias adds -> scalar mul/div -> ReLU/Clip),
   a low-precision float layer, an int4 weight-only layer, or a float copy;
3. for the other ops, in order of preference, when their input is available as int8:
   an elementwise region whose only dynamic input is one int8 tensor -> one TABLE;
   ReLU/Clip -> CLAMP; data movement (reshape, transpose, max_pool, ...) -> the same
   op on int8; Add of two int8 tensors -> RESCALE to int32, ADD, RESCALE;
   ReduceMean/GlobalAveragePool -> reduce_sum_int + RESCALE; Softmax -> softmax_int;
   LayerNormalization -> layer_norm_int; Concat -> RESCALE to common parameters + concat
   (npu.quant.integer_ops);
4. anything else is copied as a float op, its int8 inputs dequantized first;
5. the results are returned in their original (float) types.

Each emitted op is located at the ONNX node whose value it holds (npu.quant.compare
reads this to compare layer by layer with the float module).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ml_dtypes
import numpy as np
from mlir import ir
from mlir.dialects import arith, func

from npu.errors import NpuError
from npu.interp.registry import ResultSpec, get_kernel
from npu.ir import dtypes
from npu.ir.attrs import to_attr
from npu.numerics import build_table_int8, max_finite, qparams_from_range, quantize_multiplier
from npu.quant.calib import TensorStats
from npu.quant.graph import Graph, Node
from npu.quant.qtypes import QParams, qparams_attrs, tensor_type
from npu.quant.ranges import tensor_range
from npu.quant.scheme import Scheme

# Ops that move or select int8 values without arithmetic: run on the storage, same quant params.
PASS_THROUGH = {"reshape", "transpose", "squeeze", "unsqueeze", "max_pool", "global_max_pool", "slice", "gather",
                "expand", "tile", "depth_to_space", "space_to_depth", "identity"}
# Elementwise float ops a TABLE can absorb (scalar constant operands only).
ELEMENTWISE = {"add", "sub", "mul", "div", "pow", "neg", "abs", "sqrt", "exp", "log", "tanh", "sigmoid", "erf",
               "reciprocal", "softplus", "softsign", "mish", "hard_swish", "hard_sigmoid", "leaky_relu", "elu",
               "celu", "selu", "thresholded_relu", "gelu", "relu", "clip", "sin", "cos", "max", "min", "floor",
               "ceil", "round", "sign"}
REDUCE_MEAN = {"reduce_mean", "global_average_pool"}
INTEGER_FORMS = {"softmax", "layer_normalization", "concat"}  # npu.quant.integer_ops
# Ops whose output range is known: quantized over it, not over what calibration happened to see
# (a softmax maximum seen on a few samples is rarely the largest; TFLite and onnxruntime do the same).
FIXED_RANGES = {"softmax": (0.0, 1.0), "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
ADD_SHIFT = 20  # int8 -> int32 left shift before an integer add (TFLite/TOSA convention)
REGION_WINDOW = 32


@dataclass
class Plan:
    """Everything the lowering needs besides the graph."""

    scheme: Scheme
    precisions: dict[str, str]  # layer name -> precision
    stats: dict[str, TensorStats]
    accumulators: dict[str, str]  # "int8", "fp8", "bf16", "fp16", "fp32" -> accumulator type


@dataclass
class LayerRecord:
    """What the lowering did with one layer (for the report)."""

    name: str
    kind: str
    precision: str
    fused: list[str] = field(default_factory=list)
    input: dict | None = None
    output: dict | None = None
    weight: dict | None = None
    note: str = ""


@dataclass
class Rep:
    orig: ir.Value | None = None
    q: tuple[ir.Value, QParams] | None = None
    fp: dict = field(default_factory=dict)  # fmt -> (value, scale)


def loc(name: str, kind: str) -> ir.Location:
    return ir.Location.name(name, childLoc=ir.Location.name(kind))


def qp_summary(qp: QParams) -> dict:
    s = qp.scale.reshape(-1)
    if s.size == 1:
        return {"dtype": qp.storage, "scale": float(s[0]), "zero_point": int(qp.zero_point.reshape(-1)[0])}
    return {"dtype": qp.storage, "scale_min": float(s.min()), "scale_max": float(s.max()), "channels": int(s.size),
            "axis": qp.axis, "block_size": qp.block_size}


class Lowering:
    """See the module docstring; `run()` returns the level-2 module."""

    def __init__(self, graph: Graph, plan: Plan):
        self.g = graph
        self.plan = plan
        self.scheme = plan.scheme
        self.rep: dict[ir.Value, Rep] = {}
        self.done: set[int] = set()  # node indices already emitted (fused or in a region)
        self.records: list[LayerRecord] = []
        self.float_ops: list[tuple[str, str]] = []  # (kind, name) copied as float ops
        self.region_ops: list[tuple[str, list[str]]] = []  # (table output name, region node names)
        self.integer_ops: list[tuple[str, str]] = []  # (kind, name) of softmax / layer norm / concat in integer form
        self._qp: dict[ir.Value, QParams] = {}
        self._shared: dict[str, ir.Value] = {}
        self._names: dict[str, int] = {}

    # ------------------------------------------------------------------ module

    def run(self) -> ir.Module:
        from npu.quant.layers import lower_layer

        old = self.g.func
        ftype = ir.FunctionType(old.attributes["function_type"].value)
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp("main", (list(ftype.inputs), list(ftype.results)), loc=old.location)
        for name in ("arg_attrs", "res_attrs"):
            if name in old.attributes:
                fn.attributes[name] = old.attributes[name]
        block = fn.add_entry_block()
        with ir.InsertionPoint(block):
            for a_old, a_new in zip(self.g.args, block.arguments):
                self.rep[a_old] = Rep(orig=a_new)
            for node in self.g.nodes:
                if node.index in self.done:
                    continue
                with node.op.location:
                    if node.kind in ("conv", "matmul", "gemm"):
                        lower_layer(self, node)
                    else:
                        self.lower_other(node)
            results = [self.as_orig(v) for v in self.g.outputs]
            func.ReturnOp(results, loc=ir.Location.unknown())
        return module

    # ------------------------------------------------------------------ emission helpers

    def emit(self, op_name: str, operands: list, result_types: list, attrs: dict | None = None,
             at: ir.Location | None = None) -> list[ir.Value]:
        attrs = {k: to_attr(v) for k, v in (attrs or {}).items()}
        if any(o is None for o in operands):
            attrs["operandSegmentSizes"] = ir.DenseI32ArrayAttr.get([0 if o is None else 1 for o in operands])
        op = ir.Operation.create(op_name, results=result_types, operands=[o for o in operands if o is not None],
                                 attributes=attrs, loc=at)
        return list(op.results)

    def resource_name(self, hint: str) -> str:
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in hint) or "q"
        n = self._names.get(base, 0)
        self._names[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    def constant(self, array: np.ndarray, ttype: ir.Type | None = None, hint: str = "cst") -> ir.Value:
        """An arith.constant holding `array`, typed `ttype` (a quant tensor type) or by its dtype."""
        array = np.ascontiguousarray(array)
        if ttype is None:
            ttype = dtypes.tensor_type(array.shape, array.dtype)
            if array.size <= 64 and dtypes.buffer_compatible(array.dtype):
                return arith.ConstantOp(ttype, to_attr(array)).result
        raw = array if dtypes.buffer_compatible(array.dtype) else dtypes.raw_view(array)
        attr = ir.DenseResourceElementsAttr.get_from_buffer(raw.reshape(-1).copy(), self.resource_name(hint), ttype)
        return arith.ConstantOp(ttype, attr).result

    # ------------------------------------------------------------------ representations

    def _rep(self, v: ir.Value) -> Rep:
        r = self.rep.get(v)
        if r is None:
            if v not in self.g.consts:
                raise NpuError(f"quantizer: value of '{self.g.value_name(v)}' used before it was lowered")
            r = self.rep[v] = Rep(orig=self.g.const_ops[v].clone().result)
        return r

    def as_orig(self, v: ir.Value) -> ir.Value:
        """The value in its level-1 type (int8 values dequantized)."""
        r = self._rep(v)
        if r.orig is None:
            val, qp = r.q
            name = self.g.value_name(v)
            r.orig = self.emit("npu_tensor.dequantize", [val], [v.type], qparams_attrs(qp), loc(name, "dequantize"))[0]
        return r.orig

    def has_int8(self, v: ir.Value | None) -> bool:
        return v is not None and v in self.rep and self.rep[v].q is not None

    def act_qparams(self, v: ir.Value) -> QParams:
        """int8 parameters of activation `v` from its calibrated range (per tensor)."""
        if v in self._qp:
            return self._qp[v]
        producer = self.g.producer.get(v)
        if v in self.g.consts:
            c = self.g.consts[v]
            lo, hi = float(np.min(c)), float(np.max(c))
        elif producer is not None and producer.kind in FIXED_RANGES:
            lo, hi = FIXED_RANGES[producer.kind]
        else:
            st = self.stats(v)
            lo, hi = tensor_range(st, self.scheme.method, percentile=self.scheme.percentile,
                                  symmetric=self.scheme.symmetric)
        scale, zp = qparams_from_range(lo, hi, "int8", symmetric=self.scheme.symmetric)
        qp = self._qp[v] = QParams("int8", float(scale), int(zp))
        return qp

    def fp_scale(self, v: ir.Value, fmt: str) -> float:
        if fmt in ("bf16", "fp16"):
            return 1.0
        if v in self.g.consts:
            amax = float(np.max(np.abs(self.g.consts[v])))
        else:
            lo, hi = tensor_range(self.stats(v), self.scheme.method, percentile=self.scheme.percentile,
                                  symmetric=True)
            amax = max(abs(lo), abs(hi))
        return float(np.float32(amax / max_finite(fmt))) if amax > 0 else 1.0

    def stats(self, v: ir.Value) -> TensorStats:
        key = self.g.value_key(v)
        st = self.plan.stats.get(key)
        if st is None:
            raise NpuError(f"quantizer: no calibration statistics for '{self.g.value_name(v)}' ({key}); "
                           "is it a float32 tensor?")
        return st

    def as_int8(self, v: ir.Value) -> tuple[ir.Value, QParams]:
        r = self._rep(v)
        if r.q is None:
            qp = self.act_qparams(v)
            f = self.as_orig(v)
            shape = list(v.type.shape)
            val = self.emit("npu_tensor.quantize", [f], [tensor_type(shape, qp)], qparams_attrs(qp),
                            loc(self.g.value_name(v), "quantize"))[0]
            r.q = (val, qp)
        return r.q

    def as_format(self, v: ir.Value, fmt: str) -> tuple[ir.Value, float]:
        """`v` rounded to float format `fmt` (fp8 with a per-tensor scale), emitted once."""
        r = self._rep(v)
        if fmt not in r.fp:
            scale = self.fp_scale(v, fmt)
            f = self.as_orig(v)
            ttype = dtypes.tensor_type(list(v.type.shape), _FORMAT_DTYPES[fmt])
            val = self.emit("npu_tensor.quantize_float", [f], [ttype], {"saturate": 1, "scale": scale},
                            loc(self.g.value_name(v), "quantize_float"))[0]
            r.fp[fmt] = (val, scale)
        return r.fp[fmt]

    def set_int8(self, v: ir.Value, val: ir.Value, qp: QParams) -> None:
        self.rep[v] = Rep(q=(val, qp))

    def pin_qparams(self, v: ir.Value, qp: QParams) -> None:
        """Give `v` fixed int8 parameters (not its calibrated range), e.g. the integer softmax's 1/255."""
        self._qp[v] = qp

    def shared_constant(self, key: str, build) -> ir.Value:
        """One constant per module, named `key`, for data no op parameter changes (a reciprocal TABLE)."""
        if key not in self._shared:
            self._shared[key] = self.constant(build(), None, key)
        return self._shared[key]

    def set_orig(self, v: ir.Value, val: ir.Value) -> None:
        self.rep[v] = Rep(orig=val)

    def rescale(self, x: ir.Value, ratio, out_type: ir.Type, input_zp: int, output_zp: int, axis: int,
                at: ir.Location) -> ir.Value:
        """TOSA RESCALE by real `ratio` (scalar or per channel along `axis`)."""
        ratio = np.asarray(ratio, dtype=np.float64).reshape(-1)
        if ratio.size > 1 and np.all(ratio == ratio[0]):
            ratio = ratio[:1]
        mult, shift = quantize_multiplier(ratio)
        attrs = {"axis": axis, "input_zp": input_zp, "multiplier": [int(m) for m in np.atleast_1d(mult)],
                 "output_zp": output_zp, "rounding_mode": self.scheme.rounding,
                 "shift": [int(s) for s in np.atleast_1d(shift)]}
        return self.emit("npu_tensor.rescale", [x], [out_type], attrs, at)[0]

    def clamp_for(self, val: ir.Value, qp: QParams, lo: float, hi: float, at: ir.Location) -> ir.Value:
        """CLAMP the int8 `val` to the real interval [lo, hi]; no op when that is the whole int8 range."""
        bounds = qp.quantize(np.clip(np.array([lo, hi], dtype=np.float64), -3.0e38, 3.0e38))
        qlo, qhi = max(int(bounds[0]), qp.qmin), min(int(bounds[1]), qp.qmax)
        if qlo <= qp.qmin and qhi >= qp.qmax:
            return val
        return self.emit("npu_tensor.clamp", [val], [val.type], {"max": qhi, "min": qlo}, at)[0]

    # ------------------------------------------------------------------ non-layer ops

    def lower_other(self, node: Node) -> None:
        data = node.operands[0] if node.operands else None
        int8_in = self.scheme.dtype != "fp32" and self.has_int8(data)
        if int8_in and node.kind in ("relu", "clip") and len(node.results) == 1:
            self._clamp_op(node)
        elif int8_in and self.scheme.tables and node.kind in ELEMENTWISE and self._table(node):
            return
        elif int8_in and node.kind in PASS_THROUGH and len(node.results) == 1 and all(
                self.g.is_const(v) or v is None for v in node.operands[1:]):
            self._pass_through(node)
        elif node.kind == "add" and all(self.has_int8(v) for v in node.operands):
            self._add_int(node)
        elif int8_in and node.kind in REDUCE_MEAN:
            self._reduce_mean(node)
        elif self.scheme.dtype != "fp32" and node.kind in INTEGER_FORMS and self._integer_form(node, int8_in):
            self.integer_ops.append((node.kind, node.name))
        else:
            self.copy_float(node)

    def _integer_form(self, node: Node, int8_in: bool) -> bool:
        from npu.quant import integer_ops

        if node.kind == "concat":
            return any(self.has_int8(v) for v in node.operands) and integer_ops.lower_concat(self, node)
        if not (int8_in and self.scheme.integer_norm):
            return False
        if node.kind == "softmax":
            return integer_ops.lower_softmax(self, node)
        return integer_ops.lower_layer_norm(self, node)

    def copy_float(self, node: Node) -> None:
        operands = [None if v is None else self.as_orig(v) for v in node.operands]
        attrs = {k: node.op.attributes[k] for k in node.op.attributes}
        op = ir.Operation.create(node.op.name, results=[r.type for r in node.results],
                                 operands=[o for o in operands if o is not None], attributes=attrs,
                                 loc=node.op.location)
        for old, new in zip(node.results, op.results):
            self.set_orig(old, new)
        self.float_ops.append((node.kind, node.name))

    def _clamp_op(self, node: Node) -> None:
        val, qp = self.rep[node.operands[0]].q
        lo, hi = (0.0, np.inf) if node.kind == "relu" else (float(node.attrs["min"]), float(node.attrs["max"]))
        out = self.clamp_for(val, qp, lo, hi, loc(node.name, "clamp"))  # may be `val` itself: nothing to clamp
        self.set_int8(node.result, out, qp)

    def _pass_through(self, node: Node) -> None:
        val, qp = self.rep[node.operands[0]].q
        rest = [None if v is None else self.as_orig(v) for v in node.operands[1:]]
        attrs = {k: node.op.attributes[k] for k in node.op.attributes}
        rtype = tensor_type(list(node.result.type.shape), qp)
        op = ir.Operation.create(node.op.name, results=[rtype], operands=[val] + [o for o in rest if o is not None],
                                 attributes=attrs, loc=node.op.location)
        self.set_int8(node.result, op.result, qp)

    def _act_tail(self, v: ir.Value) -> tuple[ir.Value, tuple[float, float] | None, list[Node]]:
        """A ReLU/Clip that is the only user of `v`: (its result, real bounds, [node])."""
        u = self.g.sole_user(v)
        if u is not None and u.kind == "relu":
            return u.result, (0.0, np.inf), [u]
        if u is not None and u.kind == "clip":
            return u.result, (float(u.attrs["min"]), float(u.attrs["max"])), [u]
        return v, None, []

    def _add_int(self, node: Node) -> None:
        """a + b on int8: rescale both to int32 at a common scale << ADD_SHIFT, add_int, rescale to int8."""
        (va, qa), (vb, qb) = (self.rep[v].q for v in node.operands)
        out, act, tail = self._act_tail(node.result)
        qo = self.act_qparams(out)
        common = 2.0 * max(float(qa.scale), float(qb.scale)) / (1 << ADD_SHIFT)
        q32 = QParams("int32", common, 0)
        shape = list(node.result.type.shape)
        at = loc(node.name, "add_int")
        a32 = self.rescale(va, float(qa.scale) / common, tensor_type(list(node.operands[0].type.shape), q32),
                           int(qa.zero_point), 0, 0, at)
        b32 = self.rescale(vb, float(qb.scale) / common, tensor_type(list(node.operands[1].type.shape), q32),
                           int(qb.zero_point), 0, 0, at)
        total = self.emit("npu_tensor.add_int", [a32, b32], [tensor_type(shape, q32)], {}, at)[0]
        name = self.g.value_name(out)
        y = self.rescale(total, common / float(qo.scale), tensor_type(shape, qo), 0, int(qo.zero_point), 0,
                         loc(name, "rescale"))
        if act is not None:
            y = self.clamp_for(y, qo, *act, loc(name, "clamp"))
        for t in tail:
            self.done.add(t.index)
        self.set_int8(out, y, qo)

    def _reduce_mean(self, node: Node) -> None:
        """mean = rescale(reduce_sum_int(x - zp), s_x / (N * s_out))."""
        val, qp = self.rep[node.operands[0]].q
        shape = list(node.operands[0].type.shape)
        if node.kind == "global_average_pool":
            axes, keep = list(range(2, len(shape))), 1
        else:
            axes = [a % len(shape) for a in node.attrs.get("axes", [])] or list(range(len(shape)))
            keep = int(node.attrs.get("keepdims", 1))
        count = int(np.prod([shape[a] for a in axes]))
        if count * 256 >= 1 << 31:
            return self.copy_float(node)
        out_shape = list(node.result.type.shape)
        q32 = QParams("int32", float(qp.scale), 0)
        at = loc(node.name, "reduce_sum_int")
        total = self.emit("npu_tensor.reduce_sum_int", [val], [tensor_type(out_shape, q32)],
                          {"axes": axes, "input_zp": int(qp.zero_point), "keepdims": keep}, at)[0]
        qo = self.act_qparams(node.result)
        y = self.rescale(total, float(qp.scale) / (count * float(qo.scale)), tensor_type(out_shape, qo), 0,
                         int(qo.zero_point), 0, loc(node.name, "rescale"))
        self.set_int8(node.result, y, qo)

    # ------------------------------------------------------------------ TABLE regions

    def _scalar_consts_only(self, node: Node, dynamic: set) -> bool:
        return all(v is None or v in dynamic or (self.g.is_const(v) and self.g.consts[v].size == 1)
                   for v in node.operands)

    def _region(self, start: Node):
        x = start.operands[0]
        dyn = {v for v in start.operands if v is not None and not self.g.is_const(v)}
        if dyn != {x} or not self._scalar_consts_only(start, dyn):
            return None
        nodes, values = [start], set(start.results)
        for m in self.g.nodes[start.index + 1:start.index + 1 + REGION_WINDOW]:
            if m.index in self.done or m.kind not in ELEMENTWISE or len(m.results) != 1:
                continue
            mdyn = {v for v in m.operands if v is not None and not self.g.is_const(v)}
            if mdyn and mdyn <= values | {x} and mdyn & values and self._scalar_consts_only(m, mdyn):
                nodes.append(m)
                values |= set(m.results)
        inside = {n.index for n in nodes}
        outs = [v for n in nodes for v in n.results
                if any(u.index not in inside for u in self.g.users.get(v, [])) or any(v == o for o in self.g.outputs)]
        if len(outs) != 1:
            return None
        last = self.g.producer[outs[0]].index
        return x, [n for n in nodes if n.index <= last], outs[0]

    def _table(self, start: Node) -> bool:
        found = self._region(start)
        if found is None:
            return False
        x, nodes, out = found
        val, qp = self.rep[x].q
        qo = self.act_qparams(out)
        fn = self._region_function(x, nodes, out)
        table = build_table_int8(fn, float(qp.scale), int(qp.zero_point), float(qo.scale), int(qo.zero_point))
        name = self.g.value_name(out)
        tval = self.constant(table, None, f"{name}_table")
        y = self.emit("npu_tensor.table", [val, tval], [tensor_type(list(out.type.shape), qo)], {},
                      loc(name, "table"))[0]
        self.set_int8(out, y, qo)
        for n in nodes:
            self.done.add(n.index)
        self.region_ops.append((name, [n.name for n in nodes]))
        return True

    def _region_function(self, x: ir.Value, nodes: list[Node], out: ir.Value):
        """f(real x) of the region, evaluated by the golden kernels in the model's float type."""
        g = self.g

        def fn(xs: np.ndarray) -> np.ndarray:
            env = {x: np.asarray(xs, dtype=dtypes.numpy_dtype(x.type.element_type))}
            for n in nodes:
                args = []
                for v in n.operands:
                    if v is None:
                        args.append(None)
                    elif v in env:
                        args.append(env[v])
                    else:
                        args.append(g.consts[v].reshape(()))
                specs = [ResultSpec(tuple(np.shape(xs)), dtypes.numpy_dtype(r.type.element_type)) for r in n.results]
                outs = get_kernel(n.op.name)(args, n.attrs, specs)
                for r, o in zip(n.results, outs):
                    env[r] = np.asarray(o)
            return env[out].astype(np.float64)

        return fn


_FORMAT_DTYPES = {
    "fp8e4m3": np.dtype(ml_dtypes.float8_e4m3fn),
    "fp8e5m2": np.dtype(ml_dtypes.float8_e5m2),
    "bf16": np.dtype(ml_dtypes.bfloat16),
    "fp16": np.dtype(np.float16),
    "fp32": np.dtype(np.float32),
}


def format_dtype(fmt: str) -> np.dtype:
    return _FORMAT_DTYPES[fmt]
