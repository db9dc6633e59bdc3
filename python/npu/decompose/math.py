"""Decompositions of composite math ops into elementwise, reduction and matmul ops the spatial lowering has.

Owns the rules for activations, normalizations, the non-sum reductions, gemm with
alpha/beta, dequantize_float and the ONNX integer products (matmul_integer, conv_integer;
qlinear_* refused). Equations (x the input; everything in f32, an
f16/bf16 input is cast to f32 first and the result cast back once, as the golden
kernels compute narrow floats in f32; the comparisons and where are the eltwise family's
compare / select):

    softsign(x)        = x / (1 + |x|)                                         bit-identical
    hard_sigmoid(x)    = clip(x * alpha + beta, 0, 1)                          bit-identical
    hard_swish(x)      = x * clip(x * f32(1/6) + 0.5, 0, 1)                    bit-identical
    thresholded_relu   = where(x > alpha, x, 0)                                bit-identical
    shrink(x)          = where(x < -l, x + bias, where(x > l, x - bias, 0))    bit-identical
    em1(v <= 0)        = 2t / (1 - t),  t = tanh(v / 2)       (expm1 without cancellation near 0)
    elu(x)             = relu(x) + alpha * em1(min(x, 0))
    selu(x)            = gamma * (relu(x) + alpha * em1(min(x, 0)))
    celu(x)            = max(x, 0) + min(0, alpha * em1(min(x, 0) / alpha))     (alpha > 0, else refused)
    l1p(e)             = log(w) + (e - (w - 1)) / w,  w = 1 + e  (compensated log1p: exact first-order
                         correction of the rounding of 1 + e; e itself when 1 + e rounds to 1)
    softplus(x)        = relu(x) + l1p(exp(-|x|))
    mish(x)            = x * tanh(softplus(x))
    gelu(tanh form)    = x * sigmoid(2 sqrt(2/pi) * x * (1 + 0.044715 x^2))    (0.5 (1 + tanh z) = sigmoid 2z)
    pow(x, c)          (c a constant scalar other than 2 and 0.5, the eltwise family's own):
                         integer n: square-and-multiply of x (n > 0) or 1/x (n < 0); c = 0: ones;
                         half-integer: x^k sqrt(x) or (1/x)^k / sqrt(x); else exp(c log x) (NaN for x < 0);
                         (-inf)^c and (+-0)^(c < 0) fixed up by selects as IEEE pow; integer data:
                         square-and-multiply in the data type (wraps as golden)      integers bit-identical
    reduce_l1          = reduce_sum(|x|);  reduce_sum_square = reduce_sum(x * x)
    reduce_l2          = sqrt(reduce_sum(x * x));  reduce_log_sum = log(reduce_sum(x))
    reduce_log_sum_exp = m + log(reduce_sum(exp(x - m))),  m = reduce_max(x), 0 where not finite (m - m != 0)
                         (over an empty extent each reduction is its constant: 0, or -inf for the logs)
    hardmax            = where(iota == reduce_min(where(x == max or isnan(x), iota, n)), 1, 0)  bit-identical
    reduce_prod        = pairwise products of the halves of the reduced extent (slices + mul), integers exact;
                         an empty extent gives a constant 1
    reduce_sum / l1 / sum_square on integer data (the rows family reduces floats only): pairwise adds
                         of x, |x|, x * x in the data type, wrapping like golden's narrowed int64 sum  bit-identical
    instance_norm      = layer_normalization over the spatial dims of [N, C, S] * scale[c] + bias[c]
    group_norm         = layer_normalization over [N, G, C/G * S], reshaped back, * scale[c] + bias[c]
    mean_var_norm      = d / (sqrt(reduce_mean(d * d)) + 1e-9),  d = x - reduce_mean(x)
    lp_norm p=1        = x / max(reduce_sum(|x|), 2^-149)            (a zero norm gives zeros)
    lp_norm p=2        = s / max(sqrt(reduce_sum(s * s)), 1),  s = x / max(reduce_max(|x|), 2^-149)
                         (scaled so squares neither overflow nor underflow; a zero norm gives zeros)
    rms_norm           = x / sqrt(reduce_mean(x * x) + eps) * scale
    batch_norm         (non-constant statistics) = x * a + (bias - mean * a),  a = scale / sqrt(var + eps)
    batch_norm_training: y from the batch mean / population variance over every axis but 1,
                         running = stat * momentum + batch_stat * (1 - momentum)
    gemm(alpha, beta)  = gemm(A, B) * alpha + C * beta  (transA/transB kept on the inner gemm)
    dequantize_float   = cast_f32(q) * scale                                   bit-identical
    quantize_float     (saturate = 0, f8E4M3FN) = quantize_float(where(|v| > 464, NaN, v)) {scale 1, saturate 1},
                         v = f32(x) / scale (464: the midpoint past the largest finite 448; the NaN
                         keeps v's sign)                                        bit-identical
    cast to fp8        saturate = 0 to f8E4M3FN: cast(where(|x| > 464, +-NaN, x)) {saturate 1};
                       saturate = 1 to f8E5M2: cast(clip(x, -57344, 57344)) {saturate 0}   bit-identical
    matmul_integer     = matmul_int(a8, b8) {lhs_zp, rhs_zp}; uint8 data and zero points move to int8 by
                         -128 (constants folded, else RESCALE u8 -> i8 with input_zp 128, exact); a per-row /
                         per-column zero point is taken out with row / column sums    bit-identical (int32 wrap)
    conv_integer       = conv_int(x8, w8) {input_zp, weight_zp}; a per-output-channel w_zp is taken out:
                         - w_zp[m] * window sums of (x - x_zp) (conv_int with a ones kernel)  bit-identical

Float bounds against the golden kernels (which compute normalizations, reductions and gemm
in float64, activations in f32 with numpy's expm1/log1p/logaddexp), measured with the golden
interpreter before and after the rewrite (test/python/test_decompose_math.py asserts the bounds in
brackets) on x ~ U(-30, 30), N(0, 1), +-logspace(-40, 2) and 0, +-1e-30, +-1e-8, +-88, +-1e4,
+-3e38, +-inf (non-finite results identical):
    elu / selu / celu:   max rel error 2.3e-7 / 2.8e-7 / 2.5e-7          [8 ulp = 4.8e-7, + 8 subnormal steps]
    softplus / mish:     max rel error 3.1e-7 / 3.4e-7                    [same]
    gelu(tanh):          max abs error 1.4e-7 * max(1, |x|)               [3e-7 * max(1, |x|)]
                         (golden evaluates 1 + tanh in float64 and loses the tail below x ~ -5,
                         where the sigmoid form is the more accurate one)
    reductions (sums):   max rel error 1.2e-7 of the largest result (the golden run of the decomposed
                         sums is float64 too; on the chip f32 sums add <= n * 2^-24 of sum |terms|)
    pow:                 rel error <= (2|n| + 1) ulp (integer n), (2|c| + 2) ulp (half-integer),
                         (4 |c ln x| + 4) ulp otherwise (log/exp carry |c ln x| ulp into the result);
                         measured 1.8e-6 (n = -20), 6.1e-7 (c = -7.5), 6.6e-6 (c = -1.7 over |x| up to 3e38)
    reduce_prod (float): max rel error 1.9e-6 (64 factors); bound (n + 1) * 2^-24 while partial
                         products stay in f32 range (golden multiplies in float64)
    normalizations:      <= 1.0e-7 of max |y| (instance, group, mvn, lp, rms, batch norm)  [16 ulp]
    gemm alpha/beta:     <= 4.5e-8 of sum |terms|                         [10 ulp of max |y| + terms]
Level 4 (edge-lpddr, f32 on the chip, test_level4_*): measured <= 1.6e-7 of max |y| over its 20 float
instances (group norm the largest; exact ones bit-identical)  [32 ulp]; the 131 ONNX node cases that
reach level 4 match their references within ONNX tolerances.
Known limits: reduce_l2/sum_square/rms_norm square in f32 (|x| < 1.8e19, golden squares in float64).
Instance / group normalization become one layer_normalization whose rows (H*W, or C/G*H*W) the rows
family never splits: rows larger than the target's SRAM budget fail to tile (1x4x256x256 on edge-lpddr).
The integer rules (reduce_sum/l1/sum_square/prod, pow, the zero-point corrections of matmul_integer /
conv_integer) wrap like golden, at level 2 and at level 4 (add_wrap / sub_wrap / mul_wrap).
Refused with a located error: integer data for float-only ops, celu alpha <= 0, lp_normalization
with p not in {1, 2}, integer gemm with alpha/beta != 1 (pow with a run-time exponent: npu.decompose.numeric),
conv_integer with a non-uniform constant x_zp. Run-time zero points of matmul_integer / conv_integer and
qlinear_matmul / qlinear_conv: npu.decompose.quant_linear (requantization in f64, half to even).
Level 4 has no uint8 buffers: a uint8 *input* of matmul_integer / conv_integer decomposes (golden-exact)
but its RESCALE does not lower; uint8 constants are folded to int8 and do.
"""

from __future__ import annotations

from math import prod, sqrt, pi

import numpy as np
from mlir import ir

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.errors import NpuError
from npu.ir import dtypes
from npu.ir.attrs import from_attr

TINY = 2.0**-149  # smallest positive f32 (subnormal)


# ------------------------------------------------------------------ helpers

def _attr(op: ir.Operation, name: str, default=None):
    return from_attr(op.attributes[name]) if name in op.attributes else default


def _kept(op: ir.Operation, *names: str) -> dict:
    """The named attributes of `op` that it has, as they are (to copy onto a replacement op)."""
    return {n: op.attributes[n] for n in names if n in op.attributes}


def _np(elem: ir.Type) -> np.dtype:
    return dtypes.numpy_dtype(elem)


def _is_float(elem: ir.Type) -> bool:
    d = _np(elem)
    return d.kind == "f" or d.name in ("bfloat16",) or "float8" in d.name


class _F:
    """Op construction at one builder: float rules work in f32 (f64 data stays f64; `wide` casts narrower
    floats up and `back` rounds once to the result type), integer rules in the data type."""

    def __init__(self, op: ir.Operation, b: Builder):
        self.op, self.b = op, b
        self.f32 = ir.F32Type.get()
        self._scalars: dict[tuple, ir.Value] = {}  # one constant per (value, type, rank) in a rewrite

    def fattr(self, value: float) -> ir.FloatAttr:
        return ir.FloatAttr.get(self.f32, float(value), loc=self.b.loc)

    # types
    def wide(self, v: ir.Value) -> ir.Value:
        """v as f32 when its type is a narrower float (f16, bf16, fp8), else v."""
        elem = self.b.elem(v)
        if not _is_float(elem):
            raise NpuError(f"'{self.op.name}' decomposition expects float data, got {elem}")
        if _np(elem).itemsize < 4:
            return self.cast(v, self.f32)
        return v

    def cast(self, v: ir.Value, elem: ir.Type) -> ir.Value:
        if self.b.elem(v) == elem:
            return v
        return self.b.op("npu_tensor.cast", [v], shape_of(v), elem, {"saturate": 1, "round_mode": "up"})

    def back(self, v: ir.Value, result: ir.Value) -> ir.Value:
        """v in `result`'s element type and shape."""
        v = self.cast(v, self.b.elem(result))
        return self.b.reshape(v, shape_of(result))

    # ops
    def c(self, value, like: ir.Value) -> ir.Value:
        key = (np.float64(value).tobytes(), str(self.b.elem(like)), len(shape_of(like)))  # bits: -NaN != NaN, -0.0 != 0.0
        if key not in self._scalars:
            self._scalars[key] = self.b.scalar(float(value), like)
        return self._scalars[key]

    def un(self, name: str, x: ir.Value) -> ir.Value:
        return self.b.op(f"npu_tensor.{name}", [x], shape_of(x), self.b.elem(x))

    def bin(self, name: str, x: ir.Value, y: ir.Value | float) -> ir.Value:
        if not isinstance(y, ir.Value):
            y = self.c(y, x)
        return self.b.op(f"npu_tensor.{name}", [x, y], self.broadcast(x, y), self.b.elem(x))

    def broadcast(self, *values: ir.Value) -> tuple[int, ...]:
        try:
            return tuple(np.broadcast_shapes(*(shape_of(v) for v in values)))
        except ValueError:
            shapes = " and ".join(str(list(shape_of(v))) for v in values)
            raise NpuError(f"'{self.op.name}' decomposition: operand shapes {shapes} do not broadcast") from None

    def add(self, x, y):
        return self.bin("add", x, y)

    def sub(self, x, y):
        return self.bin("sub", x, y)

    def mul(self, x, y):
        return self.bin("mul", x, y)

    def div(self, x, y):
        return self.bin("div", x, y)

    def max(self, x, y):
        return self.bin("max", x, y)

    def min(self, x, y):
        return self.bin("min", x, y)

    def rsub(self, value: float, x: ir.Value) -> ir.Value:
        """value - x."""
        return self.bin("sub", self.c(value, x), x)

    def clip(self, x: ir.Value, lo: float, hi: float) -> ir.Value:
        return self.b.op("npu_tensor.clip", [x], shape_of(x), self.b.elem(x),
                         {"min": self.fattr(lo), "max": self.fattr(hi)})

    def reduce(self, name: str, x: ir.Value, axes) -> ir.Value:
        """reduce_<name> over `axes` with keepdims = 1."""
        shape = [1 if i in axes else d for i, d in enumerate(shape_of(x))]
        return self.b.op(f"npu_tensor.{name}", [x], shape, self.b.elem(x), {"axes": sorted(axes), "keepdims": 1})

    def cmp(self, name: str, x: ir.Value, y: ir.Value | float) -> ir.Value:
        """An i1 mask: `name` in equal / less / greater ..."""
        if not isinstance(y, ir.Value):
            y = self.c(y, x)
        return self.b.op(f"npu_tensor.{name}", [x, y], self.broadcast(x, y), ir.IntegerType.get_signless(1))

    def where(self, cond: ir.Value, x: ir.Value | float, y: ir.Value | float, like: ir.Value | None = None) -> ir.Value:
        """cond ? x : y; scalar branches take the element type of the other branch (or of `like`)."""
        like = x if isinstance(x, ir.Value) else y if isinstance(y, ir.Value) else like
        x = x if isinstance(x, ir.Value) else self.c(x, like)
        y = y if isinstance(y, ir.Value) else self.c(y, like)
        return self.b.op("npu_tensor.where", [cond, x, y], self.broadcast(cond, x, y), self.b.elem(like))

    # building blocks
    def em1(self, v: ir.Value) -> ir.Value:
        """exp(v) - 1 for v <= 0, without cancellation: 2t / (1 - t), t = tanh(v / 2)."""
        t = self.un("tanh", self.mul(v, 0.5))
        return self.div(self.add(t, t), self.rsub(1.0, t))

    def log1p(self, e: ir.Value) -> ir.Value:
        """log(1 + e) for e >= 0 with the rounding of 1 + e corrected to first order."""
        w = self.add(e, 1.0)
        lost = self.sub(e, self.sub(w, 1.0))
        return self.add(self.un("log", w), self.div(lost, w))

    def softplus(self, x: ir.Value) -> ir.Value:
        e = self.un("exp", self.un("neg", self.un("abs", x)))
        return self.add(self.un("relu", x), self.log1p(e))

    def channel(self, v: ir.Value, rank: int) -> ir.Value:
        """A per-channel vector reshaped to broadcast along axis 1 of a rank-`rank` tensor."""
        n = prod(shape_of(v))
        return self.b.reshape(self.wide(v), (1, n) + (1,) * (rank - 2))


def _unary_rule(name: str):
    """Register a rule computing f(F, x) on the (widened) single operand."""

    def wrap(fn):
        @decomposes(f"npu_tensor.{name}")
        def rule(op: ir.Operation, b: Builder):
            f = _F(op, b)
            y = fn(f, f.wide(op.operands[0]), op)
            if y is None:
                return None
            return [f.back(y, op.results[0])]

        rule.__name__ = name
        return rule

    return wrap


# ------------------------------------------------------------------ activations

@_unary_rule("softsign")
def _softsign(f: _F, x, op):
    return f.div(x, f.add(f.un("abs", x), 1.0))


@_unary_rule("hard_sigmoid")
def _hard_sigmoid(f: _F, x, op):
    return f.clip(f.add(f.mul(x, _attr(op, "alpha", 0.2)), _attr(op, "beta", 0.5)), 0.0, 1.0)


@_unary_rule("hard_swish")
def _hard_swish(f: _F, x, op):
    return f.mul(x, f.clip(f.add(f.mul(x, np.float32(1 / 6)), 0.5), 0.0, 1.0))


@_unary_rule("thresholded_relu")
def _thresholded_relu(f: _F, x, op):
    return f.where(f.cmp("greater", x, _attr(op, "alpha", 1.0)), x, 0.0)


@_unary_rule("shrink")
def _shrink(f: _F, x, op):
    lambd, bias = _attr(op, "lambd", 0.5), _attr(op, "bias", 0.0)
    upper = f.where(f.cmp("greater", x, lambd), f.sub(x, bias), 0.0)
    return f.where(f.cmp("less", x, -lambd), f.add(x, bias), upper)


@_unary_rule("elu")
def _elu(f: _F, x, op):
    neg = f.em1(f.min(x, 0.0))
    return f.add(f.un("relu", x), f.mul(neg, _attr(op, "alpha", 1.0)))


@_unary_rule("selu")
def _selu(f: _F, x, op):
    alpha, gamma = _attr(op, "alpha", 1.67326319217681884765625), _attr(op, "gamma", 1.05070102214813232421875)
    neg = f.mul(f.em1(f.min(x, 0.0)), alpha)
    return f.mul(f.add(f.un("relu", x), neg), gamma)


@_unary_rule("celu")
def _celu(f: _F, x, op):
    alpha = _attr(op, "alpha", 1.0)
    if not alpha > 0:
        raise NpuError(f"celu decomposition expects alpha > 0, got {alpha}")
    neg = f.mul(f.em1(f.div(f.min(x, 0.0), alpha)), alpha)
    return f.add(f.max(x, 0.0), f.min(neg, 0.0))


@_unary_rule("softplus")
def _softplus(f: _F, x, op):
    return f.softplus(x)


@_unary_rule("mish")
def _mish(f: _F, x, op):
    return f.mul(x, f.un("tanh", f.softplus(x)))


@_unary_rule("gelu")
def _gelu(f: _F, x, op):
    if _attr(op, "approximate", "none") != "tanh":
        return None  # the exact form is an eltwise op of its own
    inner = f.mul(x, f.add(f.mul(f.mul(x, x), 0.044715), 1.0))
    return f.mul(x, f.un("sigmoid", f.mul(inner, 2.0 * sqrt(2.0 / pi))))


def _power(f: _F, base: ir.Value, n: int) -> ir.Value:
    """base ** n (n >= 1) by square-and-multiply: every partial power lies between base and base ** n."""
    result, square = None, base
    while True:
        if n & 1:
            result = square if result is None else f.mul(result, square)
        n >>= 1
        if not n:
            return result
        square = f.mul(square, square)


@decomposes("npu_tensor.pow")
def pow_(op: ir.Operation, b: Builder):
    """pow(x, c) for a constant scalar c other than 2 and 0.5 (the eltwise family's own two)."""
    x, e = op.operands[:2]
    out = op.results[0]
    c = b.constant_value(e)
    if c is None or np.asarray(c).size != 1:
        from npu.decompose.numeric import pow_runtime  # a run-time exponent: numeric.py's rule

        return pow_runtime(op, b)
    c = np.asarray(c).reshape(())
    f = _F(op, b)
    elem = b.elem(x)
    if not _is_float(elem):
        if not (np.issubdtype(c.dtype, np.integer) and int(c) >= 0) or not np.issubdtype(_np(b.elem(out)), np.integer):
            raise NpuError(f"pow decomposition expects a non-negative integer exponent for integer data, got {c}")
        if int(c) == 2:
            return None
        if int(c) == 0:
            return [b.const(np.ones(shape_of(out), _np(b.elem(out))), b.elem(out))]
        y = _power(f, x, int(c))  # wraps in the data type, as the golden integer power
        return [b.reshape(y, shape_of(out))]
    c = float(np.float32(c)) if _np(elem).itemsize <= 4 else float(c)  # golden casts the exponent to the base type
    if c in (2.0, 0.5):
        return None
    xw = f.wide(x)
    if c == 0.0:
        return [b.const(np.ones(shape_of(out), _np(b.elem(out))), b.elem(out))]
    a = abs(c)
    inv = f.un("reciprocal", xw) if c < 0 else None
    if a == int(a) and a < 2**31:  # (1/x) ** n for c < 0 (1/x overflows only where the result does)
        return [f.back(_power(f, inv if c < 0 else xw, int(a)), out)]
    if a * 2 == int(a * 2) and a <= 1024:  # half-integer: x ** k * sqrt(x), or (1/x) ** k / sqrt(x)
        root = f.un("sqrt", xw) if c > 0 else f.un("reciprocal", f.un("sqrt", xw))
        y = f.mul(_power(f, inv if c < 0 else xw, int(a)), root) if int(a) else root
    else:  # exp(c log x): NaN for x < 0 as golden (a non-integer power of a negative base)
        y = f.un("exp", f.mul(f.un("log", xw), c))
    # IEEE pow of the signed specials: (-inf) ** c = +inf (c > 0) or +0; (+-0) ** c = +inf for c < 0
    y = f.where(f.cmp("equal", xw, float("-inf")), float("inf") if c > 0 else 0.0, y)
    if c < 0:
        y = f.where(f.cmp("equal", xw, 0.0), float("inf"), y)
    return [f.back(y, out)]


# ------------------------------------------------------------------ reductions

def _reduced_axes(op: ir.Operation) -> tuple[int, ...] | None:
    """The reduced axes (ONNX: empty means all, or none with noop_with_empty_axes)."""
    rank = len(shape_of(op.operands[0]))
    axes = list(_attr(op, "axes", []) or [])
    if not axes:
        return None if _attr(op, "noop_with_empty_axes", 0) else tuple(range(rank))
    return tuple(sorted(int(a) % rank for a in axes))


# integer data: the terms whose sum the reduction is (the sum by a tree of adds in the data type)
_INT_TERMS = {
    "reduce_sum": lambda f, x: x,
    "reduce_l1": lambda f, x: f.un("abs", x),
    "reduce_sum_square": lambda f, x: f.mul(x, x),
}


def _reduce_rule(name: str, empty: float):
    """Register reduce_<name>; `empty` is its value over an empty extent (a constant result)."""
    def wrap(fn):
        @decomposes(f"npu_tensor.{name}")
        def rule(op: ir.Operation, b: Builder):
            f = _F(op, b)
            x, out = op.operands[0], op.results[0]
            axes = _reduced_axes(op)
            if axes is None:  # the identity
                return [b.reshape(x, shape_of(out))]
            if any(shape_of(x)[a] == 0 for a in axes):
                return [b.const(np.full(shape_of(out), empty, _np(b.elem(out))), b.elem(out))]
            if not _is_float(b.elem(x)) and name in _INT_TERMS:  # exact: pairwise adds wrap like golden
                return [b.reshape(_tree(f, _INT_TERMS[name](f, x), axes, "add"), shape_of(out))]
            y = fn(f, f.wide(x), axes)
            return None if y is None else [f.back(y, out)]

        rule.__name__ = name
        return rule

    return wrap


@_reduce_rule("reduce_sum", 0.0)
def _reduce_sum(f: _F, x, axes):
    if f.b.elem(x) == ir.F64Type.get():  # level 4 has f64 add, no f64 rows family: pairwise adds
        return _tree(f, x, axes, "add")  # (|err| <= ceil(log2 n) u sum|x|, golden sums in its own order)
    return None  # other float data: the rows family's own reduce_sum


@_reduce_rule("reduce_l1", 0.0)
def _reduce_l1(f: _F, x, axes):
    return f.reduce("reduce_sum", f.un("abs", x), axes)


@_reduce_rule("reduce_sum_square", 0.0)
def _reduce_sum_square(f: _F, x, axes):
    return f.reduce("reduce_sum", f.mul(x, x), axes)


@_reduce_rule("reduce_l2", 0.0)
def _reduce_l2(f: _F, x, axes):
    return f.un("sqrt", f.reduce("reduce_sum", f.mul(x, x), axes))


@_reduce_rule("reduce_log_sum", -np.inf)
def _reduce_log_sum(f: _F, x, axes):
    return f.un("log", f.reduce("reduce_sum", x, axes))


@_reduce_rule("reduce_log_sum_exp", -np.inf)
def _reduce_log_sum_exp(f: _F, x, axes):
    m = f.reduce("reduce_max", x, axes)
    m = f.where(f.cmp("equal", f.sub(m, m), 0.0), m, 0.0)  # a non-finite max (all -inf, or +inf) shifts by 0
    return f.add(f.un("log", f.reduce("reduce_sum", f.un("exp", f.sub(x, m)), axes)), m)


def _tree(f: _F, x: ir.Value, axes, name: str) -> ir.Value:
    """Reduce `axes` of x pairwise with the binary op `name`: the reduced axes moved last and flattened,
    the extent halved by combining its two halves (an odd last element carried); keepdims = 0 shape."""
    b = f.b
    shape = shape_of(x)
    kept = [i for i in range(len(shape)) if i not in axes]
    n = prod(shape[a] for a in axes)
    v = b.reshape(b.transpose(x, kept + list(axes)), [shape[i] for i in kept] + [n])
    last = len(kept)
    while n > 1:
        h = n // 2
        p = f.bin(name, b.slice(v, [last], [0], [h]), b.slice(v, [last], [h], [2 * h]))
        if n % 2:
            p = b.concat([p, b.slice(v, [last], [2 * h], [n])], last)
        v, n = p, h + n % 2
    return v


@decomposes("npu_tensor.reduce_prod")
def reduce_prod(op: ir.Operation, b: Builder):
    """Pairwise products over the reduced extent (integers wrap in their type, as golden narrows)."""
    x, out = op.operands[0], op.results[0]
    axes = _reduced_axes(op)
    if axes is None:
        return [b.reshape(x, shape_of(out))]
    if any(shape_of(x)[a] == 0 for a in axes):  # an empty product is 1
        return [b.const(np.ones(shape_of(out), _np(b.elem(out))), b.elem(out))]
    f = _F(op, b)
    v = f.wide(x) if _is_float(b.elem(x)) else x
    return [f.back(_tree(f, v, axes, "mul"), out)]


@decomposes("npu_tensor.hardmax")
def hardmax(op: ir.Operation, b: Builder):
    """One-hot of the first maximum along `axis`: the index is the smallest position holding the max
    (a NaN counts as the max, as numpy's argmax), found by reduce_min over where(hit, iota, n)."""
    f = _F(op, b)
    x = f.wide(op.operands[0])
    shape = shape_of(x)
    axis = int(_attr(op, "axis", -1)) % len(shape)
    n = shape[axis]
    along = [n if i == axis else 1 for i in range(len(shape))]
    iota = b.const(np.arange(n, dtype=np.float32).reshape(along), b.elem(x))
    m = f.reduce("reduce_max", x, (axis,))
    i1 = ir.IntegerType.get_signless(1)
    hit = b.op("npu_tensor.or", [f.cmp("equal", x, m), b.op("npu_tensor.is_nan", [x], shape, i1)], shape, i1)
    first = f.reduce("reduce_min", f.where(hit, iota, float(n)), (axis,))
    return [f.back(f.where(f.cmp("equal", iota, first), 1.0, 0.0, like=x), op.results[0])]


# ------------------------------------------------------------------ normalizations

def _layer_norm(f: _F, x: ir.Value, axis: int, eps: float) -> ir.Value:
    """layer_normalization of x over dims [axis, rank) with unit scale and no bias."""
    shape = shape_of(x)
    n = prod(shape[axis:])
    ones = f.b.const(np.ones((n,) if axis == len(shape) - 1 else shape[axis:], np.float32), f.b.elem(x))
    stat = list(shape[:axis]) + [1] * (len(shape) - axis)
    elem = f.b.elem(x)
    y, _, _ = f.b.ops("npu_tensor.layer_normalization", [x, ones, None], [(shape, elem), (stat, elem), (stat, elem)],
                      {"axis": axis, "epsilon": f.fattr(eps), "stash_type": 1})
    return y


def _affine(f: _F, y: ir.Value, scale: ir.Value, bias: ir.Value | None) -> ir.Value:
    rank, c = len(shape_of(y)), shape_of(y)[1]
    for v, what in ((scale, "scale"), (bias, "bias")):
        if v is not None and prod(shape_of(v)) not in (1, c):
            raise NpuError(f"'{f.op.name}' decomposition expects one {what} value per channel ({c}), "
                           f"got {prod(shape_of(v))}")
    y = f.mul(y, f.channel(scale, rank))
    return f.add(y, f.channel(bias, rank)) if bias is not None else y


@decomposes("npu_tensor.instance_normalization")
def instance_normalization(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x, scale, bias = op.operands[:3]
    shape = shape_of(x)
    v = b.reshape(f.wide(x), (shape[0], shape[1], prod(shape[2:])))
    y = b.reshape(_layer_norm(f, v, 2, _attr(op, "epsilon", 1e-5)), shape)
    return [f.back(_affine(f, y, scale, bias), op.results[0])]


@decomposes("npu_tensor.group_normalization")
def group_normalization(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x, scale, bias = op.operands[:3]
    shape = shape_of(x)
    g = int(_attr(op, "num_groups"))
    if shape[1] % g:
        raise NpuError(f"group_normalization: {shape[1]} channels do not split into {g} groups")
    v = b.reshape(f.wide(x), (shape[0], g, prod(shape[1:]) // g))
    y = b.reshape(_layer_norm(f, v, 2, _attr(op, "epsilon", 1e-5)), shape)
    return [f.back(_affine(f, y, scale, bias), op.results[0])]


@decomposes("npu_tensor.mean_variance_normalization")
def mean_variance_normalization(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x = f.wide(op.operands[0])
    rank = len(shape_of(x))
    axes = tuple(sorted(int(a) % rank for a in (_attr(op, "axes", [0, 2, 3]))))
    d = f.sub(x, f.reduce("reduce_mean", x, axes))
    sd = f.un("sqrt", f.reduce("reduce_mean", f.mul(d, d), axes))
    return [f.back(f.div(d, f.add(sd, 1e-9)), op.results[0])]


@decomposes("npu_tensor.lp_normalization")
def lp_normalization(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x = f.wide(op.operands[0])
    rank = len(shape_of(x))
    axes = (int(_attr(op, "axis", -1)) % rank,)
    p = int(_attr(op, "p", 2))
    if p == 1:
        y = f.div(x, f.max(f.reduce("reduce_sum", f.un("abs", x), axes), TINY))
    elif p == 2:
        s = f.div(x, f.max(f.reduce("reduce_max", f.un("abs", x), axes), TINY))
        y = f.div(s, f.max(f.un("sqrt", f.reduce("reduce_sum", f.mul(s, s), axes)), 1.0))
    else:
        raise NpuError(f"lp_normalization decomposition expects p = 1 or 2, got {p}")
    return [f.back(y, op.results[0])]


@decomposes("npu_tensor.rms_normalization")
def rms_normalization(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x, scale = f.wide(op.operands[0]), f.wide(op.operands[1])
    rank = len(shape_of(x))
    axes = tuple(range(int(_attr(op, "axis", -1)) % rank, rank))
    ms = f.reduce("reduce_mean", f.mul(x, x), axes)
    y = f.mul(f.div(x, f.un("sqrt", f.add(ms, _attr(op, "epsilon", 1e-5)))), scale)
    return [f.back(y, op.results[0])]


@decomposes("npu_tensor.batch_normalization")
def batch_normalization(op: ir.Operation, b: Builder):
    """Only instances with a non-constant scale, bias, mean or variance (the eltwise family folds constants)."""
    if all(b.constant_value(v) is not None for v in op.operands[1:5]):
        return None
    f = _F(op, b)
    x = f.wide(op.operands[0])
    rank = len(shape_of(x))
    scale, bias, mean, var = (f.channel(v, rank) for v in op.operands[1:5])
    a = f.div(scale, f.un("sqrt", f.add(var, _attr(op, "epsilon", 1e-5))))
    shift = f.sub(bias, f.mul(mean, a))
    return [f.back(f.add(f.mul(x, a), shift), op.results[0])]


@decomposes("npu_tensor.batch_normalization_training")
def batch_normalization_training(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x = f.wide(op.operands[0])
    shape = shape_of(x)
    rank = len(shape)
    axes = (0,) + tuple(range(2, rank))
    eps, momentum = _attr(op, "epsilon", 1e-5), _attr(op, "momentum", 0.9)
    bmean = f.reduce("reduce_mean", x, axes)
    d = f.sub(x, bmean)
    bvar = f.reduce("reduce_mean", f.mul(d, d), axes)
    y = f.div(d, f.un("sqrt", f.add(bvar, eps)))
    y = _affine(f, y, op.operands[1], op.operands[2])
    out = [f.back(y, op.results[0])]
    for stat, batch, res in ((op.operands[3], bmean, op.results[1]), (op.operands[4], bvar, op.results[2])):
        run = f.mul(f.wide(stat), momentum)
        out.append(f.back(f.add(run, f.mul(b.reshape(batch, shape_of(stat)), 1.0 - momentum)), res))
    return out


# ------------------------------------------------------------------ gemm, dequantize_float

@decomposes("npu_tensor.gemm")
def gemm(op: ir.Operation, b: Builder):
    """Only alpha != 1, or beta != 1 with C: the matmul family takes alpha = beta = 1 (any transA/transB)."""
    alpha, beta = _attr(op, "alpha", 1.0), _attr(op, "beta", 1.0)
    a, w = op.operands[0], op.operands[1]
    c = op.operands[2] if len(op.operands) > 2 else None
    if alpha == 1.0 and (beta == 1.0 or c is None):
        return None
    out = op.results[0]
    if not _is_float(b.elem(out)) or not _is_float(b.elem(a)):
        raise NpuError(f"gemm decomposition expects float data for alpha = {alpha}, beta = {beta}")
    f = _F(op, b)
    attrs = {"alpha": f.fattr(1.0), "beta": f.fattr(1.0),
             "transA": int(_attr(op, "transA", 0)), "transB": int(_attr(op, "transB", 0))}
    inner = f.f32 if _np(b.elem(out)).itemsize < 4 else b.elem(out)  # narrow results round once, at the end
    y = b.op("npu_tensor.gemm", [a, w, None], shape_of(out), inner, attrs)
    if alpha != 1.0:
        y = f.mul(y, alpha)
    if c is not None and beta != 0.0:
        cw = f.wide(c)
        y = f.add(y, cw if beta == 1.0 else f.mul(cw, beta))
    return [f.back(y, out)]


@decomposes("npu_tensor.dequantize_float")
def dequantize_float(op: ir.Operation, b: Builder):
    f = _F(op, b)
    q = f.cast(op.operands[0], f.f32)
    return [f.back(f.mul(q, float(np.float32(_attr(op, "scale")))), op.results[0])]


def _e4m3_overflow_to_nan(f: "_F", v: ir.Value) -> ir.Value:
    """v (f32) with NaN, of v's sign, where |v| rounds past the largest finite f8E4M3FN (beyond the
    midpoint to the next step; a tie goes to the even, finite value), as numpy's unsaturated cast."""
    import ml_dtypes

    top = ml_dtypes.finfo(ml_dtypes.float8_e4m3fn).max
    below = np.array([top], ml_dtypes.float8_e4m3fn).view(np.uint8) - np.uint8(1)
    limit = float(top) + (float(top) - float(below.view(ml_dtypes.float8_e4m3fn)[0])) / 2
    nan = f.where(f.cmp("less", v, 0.0), -float("nan"), float("nan"), like=v)  # NaN keeps v's sign, as golden's cast
    return f.where(f.cmp("greater", f.un("abs", v), limit), nan, v)


@decomposes("npu_tensor.quantize_float")
def quantize_float(op: ir.Operation, b: Builder):
    """Only saturate = 0 to f8E4M3FN (the eltwise family's cast saturates): v = f32(x) / scale, NaN where
    |v| rounds past the largest finite value, then the saturating quantize_float with scale 1 (which
    leaves every other v as it is)."""
    import ml_dtypes

    out = op.results[0]
    if int(_attr(op, "saturate", 1)) or _np(b.elem(out)) != np.dtype(ml_dtypes.float8_e4m3fn):
        return None
    f = _F(op, b)
    v = f.div(f.wide(op.operands[0]), float(np.float32(_attr(op, "scale"))))
    v = _e4m3_overflow_to_nan(f, v)
    return [b.op("npu_tensor.quantize_float", [v], shape_of(out), b.elem(out), {"saturate": 1, "scale": f.fattr(1.0)})]


@decomposes("npu_tensor.cast")
def cast_to_float8(op: ir.Operation, b: Builder):
    """Float -> fp8 casts whose `saturate` differs from what npu_pe.cast does (it saturates f8E4M3FN and
    overflows f8E5M2 to inf), bit-identical to golden (clip when saturating, then numpy's cast):
    f8E4M3FN, saturate = 0: NaN of the value's sign past the largest finite value, then the saturating cast;
    f8E5M2, saturate = 1: clip to +-57344 (NaN stays NaN), then the overflowing cast (now in range)."""
    import ml_dtypes

    out = op.results[0]
    to = _np(b.elem(out))
    saturate = int(_attr(op, "saturate", 1))
    if not _is_float(b.elem(op.operands[0])):
        return None
    f = _F(op, b)
    if to == np.dtype(ml_dtypes.float8_e4m3fn) and not saturate:
        v = _e4m3_overflow_to_nan(f, f.wide(op.operands[0]))
        return [b.op("npu_tensor.cast", [v], shape_of(out), b.elem(out), {**_kept(op, "round_mode"), "saturate": 1})]
    if to == np.dtype(ml_dtypes.float8_e5m2) and saturate:
        top = float(ml_dtypes.finfo(ml_dtypes.float8_e5m2).max)
        v = f.clip(f.wide(op.operands[0]), -top, top)
        return [b.op("npu_tensor.cast", [v], shape_of(out), b.elem(out), {**_kept(op, "round_mode"), "saturate": 0})]
    return None


# ------------------------------------------------------------------ integer products (level 1 -> level 2 forms)

def _zero_points(op: ir.Operation, b: Builder, v: ir.Value, what: str) -> np.ndarray:
    """The zero points held by constant `v`, as int64 (scalar or a vector)."""
    zp = b.constant_value(v)
    if zp is None:
        raise NpuError(f"'{op.name}' decomposition expects a constant {what} zero point")
    return np.asarray(zp).astype(np.int64).reshape(-1)


def _as_int8(op: ir.Operation, b: Builder, v: ir.Value, zp: np.ndarray, what: str) -> tuple[ir.Value, np.ndarray]:
    """(int8 tensor, zero points) with the same differences v - zp: uint8 data and zero points move down by
    128 (a constant folded, else a RESCALE u8 -> i8 with input_zp 128, which is exact)."""
    dtype = _np(b.elem(v))
    if dtype == np.int8:
        return v, zp
    if dtype != np.uint8:
        raise NpuError(f"'{op.name}' decomposition expects int8 or uint8 {what}, got {b.elem(v)}")
    i8 = ir.IntegerType.get_signless(8)
    value = b.constant_value(v)
    if value is not None:
        return b.const((value.astype(np.int16) - 128).astype(np.int8), i8), zp - 128
    moved = b.op("npu_tensor.rescale", [v], shape_of(v), i8,
                 {"axis": 0, "input_zp": 128, "output_zp": 0, "multiplier": [1 << 30], "shift": [30],
                  "rounding_mode": "SINGLE_ROUND"})
    return moved, zp - 128


def _run_time(b: Builder, *zps: ir.Value | None) -> bool:
    """Whether a zero point is a run-time tensor (npu.decompose.quant_linear takes those)."""
    return any(v is not None and b.constant_value(v) is None for v in zps)


def _uniform(zp: np.ndarray) -> int | None:
    return int(zp[0]) if np.all(zp == zp[0]) else None


def _i32(b: Builder, array) -> ir.Value:
    """An i32 constant (values wrapped modulo 2^32, as the int32 results wrap)."""
    wrapped = ((np.asarray(array, np.int64) + 2**31) % 2**32 - 2**31).astype(np.int32)
    return b.const(wrapped, ir.IntegerType.get_signless(32))


def _isub(b: Builder, x: ir.Value, y: ir.Value) -> ir.Value:
    shape = np.broadcast_shapes(shape_of(x), shape_of(y))
    return b.op("npu_tensor.sub", [x, y], shape, b.elem(x))


def _imul(b: Builder, x: ir.Value, y: ir.Value) -> ir.Value:
    shape = np.broadcast_shapes(shape_of(x), shape_of(y))
    return b.op("npu_tensor.mul", [x, y], shape, b.elem(x))


@decomposes("npu_tensor.matmul_integer")
def matmul_integer(op: ir.Operation, b: Builder):
    """(a - a_zp) @ (b - b_zp) -> matmul_int on int8 operands. A per-row a_zp / per-column b_zp is taken
    out of the product: sum_k (a - za_m)(b - zb_n) = P - za_m C_n - R_m zb_n + K za_m zb_n, with P, the
    row sums R and the column sums C from matmul_int (ones as the other operand); all in int32, wrapping
    like the golden int64 result narrowed to int32 (bit-identical)."""
    a, w, azp, wzp = op.operands[:4]
    out = op.results[0]
    if _np(b.elem(out)) != np.int32:
        raise NpuError(f"matmul_integer decomposition expects an i32 result, got {b.elem(out)}")
    if _run_time(b, azp, wzp):
        from npu.decompose.quant_linear import zero_point_matmul
        return [zero_point_matmul(op, b, a, azp, w, wzp, shape_of(out))]
    a8, za = _as_int8(op, b, a, _zero_points(op, b, azp, "lhs"), "lhs")
    w8, zw = _as_int8(op, b, w, _zero_points(op, b, wzp, "rhs"), "rhs")
    ua, uw = _uniform(za), _uniform(zw)
    i32, i8 = b.elem(out), ir.IntegerType.get_signless(8)
    sa, sw, so = shape_of(a8), shape_of(w8), shape_of(out)
    k = sa[-1]

    def mm(x, y, zx, zy, shape):
        return b.op("npu_tensor.matmul_int", [x, y, None], shape, i32, {"lhs_zp": zx, "rhs_zp": zy})

    y = mm(a8, w8, ua if ua is not None else 0, uw if uw is not None else 0, so)
    if ua is None:  # per row: - za_m * sum_k (b - zb)
        cols = mm(b.const(np.ones((1, k), np.int8), i8), w8, 0, uw if uw is not None else 0, sw[:-2] + (1, sw[-1]))
        y = _isub(b, y, _imul(b, _i32(b, za.reshape(-1, 1)), cols))
    if uw is None:  # per column: - zb_n * sum_k (a - za) (za the row's own zero point)
        rows = mm(a8, b.const(np.ones((k, 1), np.int8), i8), ua if ua is not None else 0, 0, sa[:-1] + (1,))
        if ua is None:  # rows hold sum_k a: - zb_n R_m + K za_m zb_n
            y = _isub(b, y, _imul(b, rows, _i32(b, zw.reshape(1, -1))))
            y = b.op("npu_tensor.add", [y, _i32(b, k * np.outer(za, zw))], so, i32)
        else:
            y = _isub(b, y, _imul(b, rows, _i32(b, zw.reshape(1, -1))))
    return [y]


@decomposes("npu_tensor.conv_integer")
def conv_integer(op: ir.Operation, b: Builder):
    """(x - x_zp) conv (w - w_zp) -> conv_int on int8 operands (2-D, NCHW). A per-output-channel w_zp is
    taken out: - zw_m * S, S = the window sums of x - x_zp (conv_int with a ones kernel per group);
    int32 wrapping like the golden result (bit-identical)."""
    x, w, xzp, wzp = op.operands[:4]
    out = op.results[0]
    if len(shape_of(x)) != 4:
        raise NpuError("conv_integer decomposition expects a 2-D convolution (rank-4 input), "
                       f"got rank {len(shape_of(x))}")
    if _np(b.elem(out)) != np.int32:
        raise NpuError(f"conv_integer decomposition expects an i32 result, got {b.elem(out)}")
    if _run_time(b, xzp, wzp):
        from npu.decompose.quant_linear import zero_point_conv
        return [zero_point_conv(op, b, x, xzp, w, wzp, shape_of(out))]
    x8, zx = _as_int8(op, b, x, _zero_points(op, b, xzp, "input"), "input")
    w8, zw = _as_int8(op, b, w, _zero_points(op, b, wzp, "weight"), "weight")
    ux, uw = _uniform(zx), _uniform(zw)
    if ux is None:
        raise NpuError("conv_integer decomposition expects one input zero point, "
                       f"got {np.unique(zx).size} different ones")
    attrs = {n: op.attributes[n] for n in ("dilations", "group", "kernel_shape", "pads", "strides")}
    i32, i8 = b.elem(out), ir.IntegerType.get_signless(8)
    so = shape_of(out)
    y = b.op("npu_tensor.conv_int", [x8, w8, None], so, i32,
             {**attrs, "input_zp": ux, "weight_zp": uw if uw is not None else 0})
    if uw is None:
        m, cg, kh, kw = shape_of(w8)
        g = int(_attr(op, "group", 1))
        ones = b.const(np.ones((g, cg, kh, kw), np.int8), i8)
        sums = b.op("npu_tensor.conv_int", [x8, ones, None], (so[0], g) + so[2:], i32,
                    {**attrs, "input_zp": ux, "weight_zp": 0})
        per = b.reshape(sums, (so[0], g, 1) + so[2:])
        corr = _imul(b, per, _i32(b, zw.reshape(1, g, m // g, 1, 1)))
        y = _isub(b, y, b.reshape(corr, so))
    return [y]
