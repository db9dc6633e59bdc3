"""Decompositions of the selecting and scattering ops: arg_max / arg_min, top_k, scatter_elements,
scatter_nd, max_unpool, col2im and deform_conv, into compares (i1 masks), where, reductions, eltwise
ops, matmuls and takes.

Equations (x the input; "take" is npu.decompose.data's gather by a constant index vector, built
from slices, expands and concats; iota a constant 0, 1, .. along one axis; counts and positions
are f32 integers, exact below 2^24, which every axis length here is checked to be):

- arg_max / arg_min along `axis`: m = reduce_max / reduce_min(x) (keepdims);
  hit = (x == m) or is_nan(x);  index = reduce_min(where(hit, iota, n))  (select_last_index:
  reduce_max(where(hit, iota, -1))), cast to i64. np.max / np.min propagate NaN (golden and the
  level-4 reduce alike), so a row holding a NaN has m = NaN, hit = its NaNs, and the index is its
  first (last) NaN, as numpy's argmax / argmin. Float data narrower than f32 is widened exactly;
  integer data reduces by pairwise eltwise max / min of halves (the rows family reduces floats only).
- top_k (k constant): a comparison-count ranking over the axis moved last, [O, n]:
  before[i, j] = x_j beats x_i (x_j > x_i, or < for smallest) or (x_j == x_i and j < i),
  with NaN after every number and NaNs equal (the golden's stable argsort of -x / x / ~x puts NaN
  last); rank_i = sum_j before[i, j] (a permutation of 0..n-1); sel[i, p] = (rank_i == p) for p < k;
  indices[p] = sum_i where(sel, i, 0); values[p] = reduce_max(where(sel, x_i, -inf)) (floats: the one
  selected value, NaN included) or the pairwise sum of where(sel, x_i, 0) (integers: one non-zero term).
  Intermediate size O * n * n; above ONE_HOT_LIMIT elements, k rounds instead: among the entries still
  alive (NaNs only once no number is left) the extreme's first position (reduce + compare + reduce_min
  of positions) is taken and marked dead: O(k * n) per row.
- scatter_elements / scatter_nd with run-time indices: as [M, P, R] data D, [M, Q, R] updates U and
  a one-hot H[m, q, p] = (idx[m, q] == p) (indices compared in their own integer type, negatives
  wrapped by where(idx < 0, idx + n, idx); scatter_elements: P the axis, R = 1, M the other dims of
  the indices' box, the rest of data joined back by concats; scatter_nd: P the flattened indexed
  dims, idx = sum_j wrap(idx_j) * stride_j in the index type, M = 1, R the slice size):
    none: last[p] = reduce_max(where(H, iota_q, -1)); H' = H and iota_q == last;
          out = where(last >= 0, sum/max over q of where(H', U, fill), D)     (last write wins, as golden)
    add:  out = D + sum_q where(H, U, -0.0 (floats) / 0)
    mul:  out = D * prod_q where(H, U, 1)
    max / min: out = max / min(D, reduce over q of where(H, U, -inf / +inf or the integer limits))
  Intermediate size M * Q * P * R (refused above ONE_HOT_LIMIT elements).
- scatter_* with constant indices: exact data movement in golden's update order. none: one take
  of concat(D, U) (rows of R elements); reductions: round r takes, per position, its r-th update
  (identity fill where it has fewer), and out = op(out, that) round by round: the golden's
  ufunc.at sequence, bit-identical for floats too.
- max_unpool: the pooled-from tensor is a scatter (none) of x at the flat indices into zeros
  (constant indices: one take with zero fill; run-time: the one-hot form above, M = R = 1), then
  cropped / zero-padded to the result shape by takes.
- col2im: per kernel offset, the block column [N, C, *grid] is placed into the padded image by a
  take per spatial axis (zero fill between strides), the placed images are added in golden's
  offset order in f64 starting from +0.0 (golden accumulates f32 / f16 data in float64 in that
  order and rounds once; integers wrap in their type), then the pads are cropped.
- deform_conv (float): sampling coordinates hs = oh * s - pad + kh * d + dy (and ws) in f32; tent
  weights relu(1 - |hs - ih|) over the H rows (and W columns) are golden's two bilinear corner
  weights inside the image and 0 elsewhere; their outer product [N, OG, K * P, H * W] @ x
  [N, OG, H * W, C/OG] gives the samples, * mask, reordered to golden's columns [N, g, C/g * K, P];
  weight [g, M/g, C/g * K] @ columns + bias. Refused above ONE_HOT_LIMIT sampling-matrix elements.

Exactness. arg_max / arg_min / top_k indices and values, max_unpool, scatter none / max / min,
every constant-index scatter and col2im (f32, f64, integers) are bit-identical to the golden
interpreter (the sign of a zero picked by max / min among +0 and -0 updates at one position
excepted: numpy's maximum keeps its first operand on equality, and the reduction's order differs).
Integer add / mul scatter with run-time indices are exact (wrapping is associative).
Float bounds (run-time indices; u = 2^-24 for f32): scatter add |out - golden| <= (c + 1) * u *
(|D| + sum |U_q|), c the number of updates at the position (golden adds them one by one in f32, the
decomposition sums them first: in float64 on the golden interpreter, in f32 on level 4); scatter mul
relative error <= (2c + 1) * u while the partial products stay in range. f16 / bf16 col2im on
level 4 rounds the f64 sum through f32 (a double rounding the golden does not do). deform_conv (golden
computes in float64): |y - golden| <= (C/g * K + 2 (H + W) + 4 max|offset| + 16) * u * max|x| *
max|mask| * sum |w[m]| + u |y| (rounding of the coordinates and tent weights, the two f32 matmuls).
Measured (test_decompose_select, golden before / after): scatter add <= 0.66 of its bound, mul <= 0.44
(the same on level 4, edge-lpddr, against the golden of the original op); deform_conv <= 0.008 of its
bound (max |err| 1.8e-6); the 64 ONNX node cases of these ops equal the golden on level 4 on all three
presets (max error 0, python -m npu.spatial.conformance filtered to them).
Differences: an out-of-range run-time index is ignored (golden raises); constant ones are
compile-time errors. Refused with a located error: quantized or bool data (except constant-index
scatter none and max_unpool, which only move values), k = 0, run-time f16 / bf16 scatter add / mul.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.decompose.data import FILL, take
from npu.errors import NpuError
from npu.ir import dtypes
from npu.ir.attrs import from_attr

ONE_HOT_LIMIT = 2**26  # elements of a run-time-index one-hot selection (M * Q * P * R) beyond which it is refused
EXACT_F32 = 2**24  # counts and positions are f32 integers: exact below this
CAST = {"saturate": 1, "round_mode": "up"}


# ------------------------------------------------------------------ helpers


def _attrs(op: ir.Operation) -> dict:
    return {name: from_attr(op.attributes[name]) for name in op.attributes}


def _i64(values) -> ir.DenseI64ArrayAttr:
    return ir.DenseI64ArrayAttr.get([int(v) for v in values])


def _kind(elem: ir.Type) -> str:
    """'q' quantized, 'b' bool, 'f' float (ml_dtypes' included), 'i' / 'u' integers."""
    if isinstance(elem, quant.QuantizedType):
        return "q"
    dt = dtypes.numpy_dtype(elem)
    if dt == np.bool_:
        return "b"
    if dt.kind == "f" or dt.name.startswith(("bfloat", "float")):
        return "f"
    return dt.kind


class _G:
    """Op construction for one rewrite: results typed from broadcast shapes."""

    def __init__(self, op: ir.Operation, b: Builder):
        self.op, self.b = op, b
        self.f32 = ir.F32Type.get()
        self.f64 = ir.F64Type.get()
        self.i1 = ir.IntegerType.get_signless(1)

    def shape(self, *values: ir.Value) -> list[int]:
        return list(np.broadcast_shapes(*(shape_of(v) for v in values)))

    def const(self, array, elem: ir.Type, rank: int | None = None) -> ir.Value:
        array = np.asarray(array)
        if rank is not None:
            array = array.reshape((1,) * (rank - array.ndim) + array.shape)
        return self.b.const(array, elem)

    def along(self, values, elem: ir.Type, rank: int, axis: int) -> ir.Value:
        """A constant vector laid along `axis` of a rank-`rank` tensor."""
        values = np.asarray(values)
        shape = [1] * rank
        shape[axis] = values.size
        return self.b.const(values.reshape(shape), elem)

    def bin(self, name: str, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.op(f"npu_tensor.{name}", [x, y], self.shape(x, y), self.b.elem(x))

    def cmp(self, name: str, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.op(f"npu_tensor.{name}", [x, y], self.shape(x, y), self.i1)

    def logic(self, name: str, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.op(f"npu_tensor.{name}", [x, y], self.shape(x, y), self.i1)

    def not_(self, x: ir.Value) -> ir.Value:
        return self.b.op("npu_tensor.not", [x], shape_of(x), self.i1)

    def is_nan(self, x: ir.Value) -> ir.Value:
        return self.b.op("npu_tensor.is_nan", [x], shape_of(x), self.i1)

    def where(self, c: ir.Value, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.op("npu_tensor.where", [c, x, y], self.shape(c, x, y), self.b.elem(x))

    def cast(self, x: ir.Value, elem: ir.Type) -> ir.Value:
        if self.b.elem(x) == elem:
            return x
        return self.b.op("npu_tensor.cast", [x], shape_of(x), elem, CAST)

    def reduce(self, kind: str, x: ir.Value, axis: int) -> ir.Value:
        """`kind` (sum, max, min, prod) over `axis`, kept with size 1: the float reductions
        (rows family; prod decomposed by npu.decompose.math), pairwise halves for integers."""
        if _kind(self.b.elem(x)) == "f":
            shape = list(shape_of(x))
            shape[axis] = 1
            return self.b.op(f"npu_tensor.reduce_{kind}", [x], shape, self.b.elem(x),
                             {"axes": _i64([axis]), "keepdims": 1})
        name = {"sum": "add", "prod": "mul", "max": "max", "min": "min"}[kind]
        n = shape_of(x)[axis]
        while n > 1:
            h = n // 2
            p = self.bin(name, self.b.slice(x, [axis], [0], [h]), self.b.slice(x, [axis], [h], [2 * h]))
            if n % 2:
                p = self.b.concat([p, self.b.slice(x, [axis], [2 * h], [n])], axis)
            x, n = p, h + n % 2
        return x


def _data_kind(op: ir.Operation, x: ir.Value, what: str) -> str:
    kind = _kind(Builder.elem(x))
    if kind in "qb":
        raise NpuError(f"{what} of {Builder.elem(x)} data has no decomposition (plain numbers only)")
    return kind


def _widen(g: _G, x: ir.Value) -> ir.Value:
    """Float data narrower than f32 cast (exactly) to f32; anything else as it is."""
    elem = g.b.elem(x)
    if _kind(elem) == "f" and dtypes.numpy_dtype(elem).itemsize < 4:
        return g.cast(x, g.f32)
    return x


def _limits(elem: ir.Type) -> tuple:
    """(lowest, highest) of `elem`: -inf / +inf for floats, the integer limits otherwise."""
    if _kind(elem) == "f":
        return -np.inf, np.inf
    info = np.iinfo(dtypes.numpy_dtype(elem))
    return info.min, info.max


def _index_type(b: Builder, idx: ir.Value, what: str) -> ir.Type:
    elem = b.elem(idx)
    if _kind(elem) not in "iu":
        raise NpuError(f"{what} indices of type {elem} have no decomposition (integers only)")
    return elem


def _wrap(g: _G, idx: ir.Value, n: int) -> ir.Value:
    """where(idx < 0, idx + n, idx) in the index type (unsigned indices are never negative)."""
    elem = g.b.elem(idx)
    if _kind(elem) == "u":
        return idx
    rank = len(shape_of(idx))
    neg = g.cmp("less", idx, g.const(0, elem, rank))
    return g.where(neg, g.bin("add", idx, g.const(n, elem, rank)), idx)


# ------------------------------------------------------------------ arg_max / arg_min


def _arg(op: ir.Operation, b: Builder, kind: str):
    g = _G(op, b)
    x = op.operands[0]
    what = op.name.split(".")[-1]
    dkind = _data_kind(op, x, what)
    attrs = _attrs(op)
    shape = shape_of(x)
    rank = len(shape)
    axis = int(attrs["axis"]) % max(rank, 1)
    n = shape[axis]
    if n == 0 or n >= EXACT_F32:
        raise NpuError(f"{what} over an axis of {n} entries has no decomposition (1 .. 2^24 - 1)")
    x = _widen(g, x)
    m = g.reduce(kind, x, axis)
    hit = g.cmp("equal", x, m)
    if dkind == "f":
        hit = g.logic("or", hit, g.is_nan(x))
    iota = g.along(np.arange(n), g.f32, rank, axis)
    if attrs.get("select_last_index", 0):
        pos = g.reduce("max", g.where(hit, iota, g.const(-1.0, g.f32, rank)), axis)
    else:
        pos = g.reduce("min", g.where(hit, iota, g.const(float(n), g.f32, rank)), axis)
    out = op.results[0]
    return [b.reshape(g.cast(pos, b.elem(out)), shape_of(out))]


@decomposes("npu_tensor.arg_max")
def arg_max(op: ir.Operation, b: Builder):
    return _arg(op, b, "max")


@decomposes("npu_tensor.arg_min")
def arg_min(op: ir.Operation, b: Builder):
    return _arg(op, b, "min")


# ------------------------------------------------------------------ top_k


@decomposes("npu_tensor.top_k")
def top_k(op: ir.Operation, b: Builder):
    g = _G(op, b)
    x = op.operands[0]
    dkind = _data_kind(op, x, "top_k")
    attrs = _attrs(op)
    shape = list(shape_of(x))
    rank = len(shape)
    axis = int(attrs["axis"]) % max(rank, 1)
    k, n = int(attrs["k"]), shape[axis]
    if k == 0:
        raise NpuError("top_k with k = 0 has no decomposition (empty results)")
    if n >= EXACT_F32:
        raise NpuError(f"top_k over an axis of {n} >= 2^24 entries has no decomposition")
    perm = [d for d in range(rank) if d != axis] + [axis]
    lead = [shape[d] for d in perm[:-1]]
    o = math.prod(lead)
    xt = b.reshape(b.transpose(x, perm), [o, n])
    xw = _widen(g, xt)
    largest = bool(attrs.get("largest", 1))
    if o * n * n > ONE_HOT_LIMIT:
        vals, idx = _top_k_rounds(g, xw, k, largest, dkind == "f")
    else:
        vals, idx = _top_k_ranking(g, xw, k, largest, dkind == "f")
    back = [perm.index(d) for d in range(rank)]
    results = []
    for v, res in ((vals, op.results[0]), (idx, op.results[1])):
        v = b.reshape(g.cast(v, b.elem(res)), lead + [k])
        results.append(b.transpose(v, back))
    return results


def _top_k_ranking(g: _G, xw: ir.Value, k: int, largest: bool, is_float: bool) -> tuple[ir.Value, ir.Value]:
    """Values and f32 positions [O, 1, k] of the top k of each row of xw [O, n] by the comparison-count rank."""
    b = g.b
    o, n = shape_of(xw)
    xi, xj = b.reshape(xw, [o, n, 1]), b.reshape(xw, [o, 1, n])
    beats = g.cmp("greater" if largest else "less", xj, xi)
    equal = g.cmp("equal", xj, xi)
    if is_float:  # NaN after every number, NaNs tied
        ni, nj = g.is_nan(xi), g.is_nan(xj)
        beats = g.logic("or", beats, g.logic("and", g.not_(nj), ni))
        equal = g.logic("or", equal, g.logic("and", ni, nj))
    lower = g.cmp("less", g.const(np.arange(n).reshape(1, 1, n), g.f32), g.const(np.arange(n).reshape(1, n, 1), g.f32))
    before = g.logic("or", beats, g.logic("and", equal, lower))
    rank_of = g.reduce("sum", g.cast(before, g.f32), 2)  # [o, n, 1]
    sel = g.cmp("equal", rank_of, g.const(np.arange(k).reshape(1, 1, k), g.f32))  # [o, n, k]
    iota = g.const(np.arange(n).reshape(1, n, 1), g.f32)
    idx = g.reduce("sum", g.where(sel, iota, g.const(0.0, g.f32, 3)), 1)  # [o, 1, k]
    xv = b.reshape(xw, [o, n, 1])
    if is_float:
        vals = g.reduce("max", g.where(sel, xv, g.const(-np.inf, b.elem(xv), 3)), 1)
    else:
        vals = g.reduce("sum", g.where(sel, xv, g.const(0, b.elem(xv), 3)), 1)
    return vals, idx


def _top_k_rounds(g: _G, xw: ir.Value, k: int, largest: bool, is_float: bool) -> tuple[ir.Value, ir.Value]:
    """The same by k rounds of pick-the-best over the rows of xw [O, n] (for rows too long to rank:
    O(k n) instead of O(n^2)): among the entries still alive (NaNs only once no number is left) the
    extreme value's first position is taken and marked dead."""
    b = g.b
    o, n = shape_of(xw)
    elem = b.elem(xw)
    lo, hi = _limits(elem)
    worst, pick = (lo, "max") if largest else (hi, "min")
    iota = g.const(np.arange(n).reshape(1, n), g.f32)
    alive = None
    nan = g.is_nan(xw) if is_float else None
    vals, idxs = [], []
    for r in range(k):
        valid = alive
        if is_float:
            num = g.not_(nan)
            valid = num if alive is None else g.logic("and", alive, num)
        m = g.reduce(pick, xw if valid is None else g.where(valid, xw, g.const(worst, elem, 2)), 1)  # [O, 1]
        hit = g.cmp("equal", xw, m)
        if valid is not None:
            hit = g.logic("and", hit, valid)
        if is_float:  # no number left in the row: its first alive NaN
            left = g.cmp("greater", g.reduce("max", g.cast(valid, g.f32), 1), g.const(0.0, g.f32, 2))
            spare = nan if alive is None else g.logic("and", alive, nan)
            hit = g.where(left, hit, spare)
        pos = g.reduce("min", g.where(hit, iota, g.const(float(n), g.f32, 2)), 1)  # [O, 1]
        chosen = g.cmp("equal", iota, pos)
        if is_float:
            vals.append(g.reduce("max", g.where(chosen, xw, g.const(-np.inf, elem, 2)), 1))
        else:
            vals.append(g.reduce("sum", g.where(chosen, xw, g.const(0, elem, 2)), 1))
        idxs.append(pos)
        if r + 1 < k:  # (no dead ops: the spatial lowering stores every op's result)
            dead = g.not_(chosen)
            alive = dead if alive is None else g.logic("and", alive, dead)
    return b.concat(vals, 1), b.concat(idxs, 1)


# ------------------------------------------------------------------ scatter core


REDUCTIONS = ("none", "add", "mul", "max", "min")


def _reduction(op: ir.Operation, elem: ir.Type) -> str:
    red = str(from_attr(op.attributes["reduction"])) if "reduction" in op.attributes else "none"
    if red not in REDUCTIONS:
        raise NpuError(f"unknown scatter reduction '{red}'")
    if red != "none" and _kind(elem) in "qb":
        raise NpuError(f"scatter reduction '{red}' of {elem} data has no decomposition (plain numbers only)")
    return red


def _identity(red: str, elem: ir.Type):
    """The value u with op(x, u) == x bit for bit for every x (the fill of absent updates)."""
    lo, hi = _limits(elem)
    return {"add": -0.0 if _kind(elem) == "f" else 0, "mul": 1, "max": lo, "min": hi}[red]


def _scatter_onehot(g: _G, data: ir.Value, hot: ir.Value, upd: ir.Value, red: str) -> ir.Value:
    """data [M, P, R] with updates [M, Q, R] scattered by the i1 one-hot hot [M, Q, P] (see the module
    docstring); the golden's semantics for in-range indices."""
    b = g.b
    mm, p, r = shape_of(data)
    q = shape_of(hot)[1]
    if mm * q * p * r > ONE_HOT_LIMIT:
        raise NpuError(f"scatter with run-time indices selecting over {mm} x {q} x {p} x {r} elements "
                       f"(more than {ONE_HOT_LIMIT}) has no one-hot decomposition")
    if q >= EXACT_F32:
        raise NpuError(f"scatter of {q} >= 2^24 updates has no decomposition")
    elem = b.elem(data)
    kind = _kind(elem)
    if kind in "qb":
        raise NpuError(f"scatter of {elem} data with run-time indices has no decomposition (plain numbers only)")
    d, u = data, upd
    if kind == "f" and dtypes.numpy_dtype(elem).itemsize < 4 and red in ("none", "max", "min"):
        d, u = g.cast(d, g.f32), g.cast(u, g.f32)  # exact both ways: values only move
    work = b.elem(d)
    if red == "none":
        iota = g.const(np.arange(q).reshape(1, q, 1), g.f32)
        last = g.reduce("max", g.where(hot, iota, g.const(-1.0, g.f32, 3)), 1)  # [M, 1, P]
        hot = g.logic("and", hot, g.cmp("equal", iota, last))
        hit = b.reshape(g.cmp("greater_or_equal", last, g.const(0.0, g.f32, 3)), [mm, p, 1])
    h4 = b.reshape(hot, [mm, q, p, 1])
    u4 = b.reshape(u, [mm, q, 1, r])
    if red == "none":
        fill, kind_r = (-np.inf, "max") if kind == "f" else (0, "sum")
    else:
        fill, kind_r = _identity(red, work), {"add": "sum", "mul": "prod", "max": "max", "min": "min"}[red]
    if kind == "f" and red in ("add", "mul") and dtypes.numpy_dtype(work).itemsize < 4:
        raise NpuError(f"scatter reduction '{red}' of {elem} data with run-time indices has no decomposition (f32, f64, integers)")
    v = g.reduce(kind_r, g.where(h4, u4, g.const(fill, work, 4)), 1)  # [M, 1, P, R]
    v = b.reshape(v, [mm, p, r])
    if red == "none":
        out = g.where(hit, v, d)
    else:
        out = g.bin({"add": "add", "mul": "mul", "max": "max", "min": "min"}[red], d, v)
    return g.cast(out, elem)


def _scatter_rows(g: _G, data: ir.Value, upd: ir.Value, targets: np.ndarray, red: str) -> ir.Value:
    """data [P, R] with the rows of updates [Q, R] scattered to the constant rows `targets` [Q]
    (in range) in golden's order, by takes: exact data movement plus golden's own ufunc sequence."""
    b = g.b
    p, r = shape_of(data)
    q = len(targets)
    order: list[list[int]] = [[] for _ in range(p)]
    for j, t in enumerate(targets):
        order[int(t)].append(j)
    if red == "none":
        src = np.array([p + o[-1] if o else i for i, o in enumerate(order)])
        return take(b, b.concat([data, upd], 0), 0, src)
    out = data
    rounds = max(len(o) for o in order)
    elem = b.elem(data)
    fill = _identity(red, elem)
    name = {"add": "add", "mul": "mul", "max": "max", "min": "min"}[red]
    for k in range(rounds):
        src = np.array([o[k] if len(o) > k else FILL for o in order])
        if np.all(src == FILL):
            continue
        step = take(b, upd, 0, src, fill) if q else None
        out = g.bin(name, out, step)
    return out


def _check_const(value: np.ndarray, dims: Sequence[int] | int, what: str) -> np.ndarray:
    """Constant indices wrapped; an out-of-range one is a compile-time error."""
    dims = np.asarray(dims, dtype=np.int64)
    idx = value.astype(np.int64)
    idx = np.where(idx < 0, idx + dims, idx)
    bad = (idx < 0) | (idx >= dims)
    if bad.any():
        where = tuple(int(v) for v in np.argwhere(bad)[0])
        d = int(np.broadcast_to(dims, idx.shape)[where])
        raise NpuError(f"{what} index {int(value[where])} out of range [-{d}, {d - 1}]")
    return idx


# ------------------------------------------------------------------ scatter_elements


@decomposes("npu_tensor.scatter_elements")
def scatter_elements(op: ir.Operation, b: Builder):
    g = _G(op, b)
    data, indices, updates = op.operands[:3]
    elem = b.elem(data)
    red = _reduction(op, elem)
    shape, ishape = list(shape_of(data)), list(shape_of(indices))
    rank = len(shape)
    axis = int(from_attr(op.attributes["axis"])) % max(rank, 1)
    if shape_of(updates) != tuple(ishape) or len(ishape) != rank:
        raise NpuError(f"scatter_elements updates {list(shape_of(updates))} and indices {ishape} must have one shape of rank {rank}")
    if any(i > s for d, (i, s) in enumerate(zip(ishape, shape)) if d != axis):
        raise NpuError(f"scatter_elements indices {ishape} exceed data {shape} outside the axis")
    if math.prod(ishape) == 0:
        return [data]
    n = shape[axis]
    value = b.constant_value(indices)
    if value is not None:
        idx = _check_const(value, n, "scatter_elements")
        where = list(np.indices(idx.shape))
        where[axis] = idx
        flat = np.ravel_multi_index(tuple(where), shape).reshape(-1)
        size = math.prod(shape)
        y = _scatter_rows(g, b.reshape(data, [size, 1]), b.reshape(updates, [flat.size, 1]), flat, red)
        return [b.reshape(y, shape)]
    _index_type(b, indices, "scatter_elements")
    box = [n if d == axis else ishape[d] for d in range(rank)]
    sub = b.slice(data, list(range(rank)), [0] * rank, box)
    perm = [d for d in range(rank) if d != axis] + [axis]
    lead = [box[d] for d in perm[:-1]]
    mm, m = math.prod(lead), ishape[axis]
    d3 = b.reshape(b.transpose(sub, perm), [mm, n, 1])
    u3 = b.reshape(b.transpose(updates, perm), [mm, m, 1])
    i3 = b.reshape(b.transpose(_wrap(g, indices, n), perm), [mm, m, 1])
    hot = g.cmp("equal", i3, g.const(np.arange(n).reshape(1, 1, n), b.elem(indices)))
    y = _scatter_onehot(g, d3, hot, u3, red)
    y = b.transpose(b.reshape(y, lead + [n]), [perm.index(d) for d in range(rank)])
    # the data outside the indices' box joined back, last dim first
    for d in reversed(range(rank)):
        if box[d] < shape[d]:
            rest = b.slice(data, list(range(rank)), [0] * rank,
                           [box[j] if j < d else shape[j] for j in range(rank)])
            rest = b.slice(rest, [d], [box[d]], [shape[d]])
            y = b.concat([y, rest], d)
            box[d] = shape[d]
    return [y]


# ------------------------------------------------------------------ scatter_nd


@decomposes("npu_tensor.scatter_nd")
def scatter_nd(op: ir.Operation, b: Builder):
    g = _G(op, b)
    data, indices, updates = op.operands[:3]
    elem = b.elem(data)
    red = _reduction(op, elem)
    shape, ishape = list(shape_of(data)), list(shape_of(indices))
    k = ishape[-1]
    if k > len(shape):
        raise NpuError(f"scatter_nd index tuples of {k} entries into rank {len(shape)} data")
    dims = shape[:k]
    p, r = math.prod(dims), math.prod(shape[k:])
    q = math.prod(ishape[:-1])
    if list(shape_of(updates)) != ishape[:-1] + shape[k:]:
        raise NpuError(f"scatter_nd updates {list(shape_of(updates))} must be {ishape[:-1] + shape[k:]}")
    if q == 0:
        return [data]
    strides = [math.prod(dims[j + 1:]) for j in range(k)]
    d2 = b.reshape(data, [p, r])
    u2 = b.reshape(updates, [q, r])
    value = b.constant_value(indices)
    if value is not None:
        idx = _check_const(value.reshape(q, k), np.asarray(dims), "scatter_nd")
        flat = (idx * np.asarray(strides, dtype=np.int64)).sum(-1) if k else np.zeros(q, np.int64)
        return [b.reshape(_scatter_rows(g, d2, u2, flat, red), shape)]
    ielem = _index_type(b, indices, "scatter_nd")
    if np.iinfo(dtypes.numpy_dtype(ielem)).max < p:
        raise NpuError(f"scatter_nd flat indices over {p} rows do not fit {ielem}")
    i2 = b.reshape(indices, [q, k])
    flat = None
    for j in range(k):
        comp = _wrap(g, b.slice(i2, [1], [j], [j + 1]), dims[j])
        if strides[j] != 1:
            comp = g.bin("mul", comp, g.const(strides[j], ielem, 2))
        flat = comp if flat is None else g.bin("add", flat, comp)
    if flat is None:  # k = 0: every update replaces the whole data
        flat = g.const(np.zeros((q, 1)), ielem)
    hot = g.cmp("equal", b.reshape(flat, [1, q, 1]), g.const(np.arange(p).reshape(1, 1, p), ielem))
    y = _scatter_onehot(g, b.reshape(d2, [1, p, r]), hot, b.reshape(u2, [1, q, r]), red)
    return [b.reshape(y, shape)]


# ------------------------------------------------------------------ max_unpool


@decomposes("npu_tensor.max_unpool")
def max_unpool(op: ir.Operation, b: Builder):
    from npu.interp.kernels_nn import unpool_shape

    g = _G(op, b)
    x, indices = op.operands[:2]
    out = op.results[0]
    attrs = _attrs(op)
    xs = list(shape_of(x))
    nd = len(xs) - 2
    kernel = list(attrs["kernel_shape"])
    strides = list(attrs.get("strides") or [1] * nd)
    pads = list(attrs.get("pads") or [0] * (2 * nd))
    shape = unpool_shape(xs, kernel, strides, pads)
    size, q = math.prod(shape), math.prod(xs)
    if q == 0 or size == 0 or 0 in shape_of(out):
        raise NpuError("max_unpool of an empty tensor has no decomposition")
    elem = b.elem(x)
    x1 = b.reshape(x, [q, 1])
    value = b.constant_value(indices)
    if value is not None:
        flat = _check_const(value.reshape(-1), size, "max_unpool")
        order = np.full(size, FILL)
        order[flat] = np.arange(q)  # numpy keeps the last of repeated targets, as the golden's y[flat] = x
        y = take(b, x1, 0, order, 0)
    else:
        _index_type(b, indices, "max_unpool")
        if _kind(elem) in "qb":
            raise NpuError(f"max_unpool of {elem} data with run-time indices has no decomposition")
        ielem = b.elem(indices)
        if np.iinfo(dtypes.numpy_dtype(ielem)).max < size:
            raise NpuError(f"max_unpool indices of type {ielem} cannot address {size} elements")
        hot = g.cmp("equal", b.reshape(indices, [1, q, 1]), g.const(np.arange(size).reshape(1, 1, size), ielem))
        zeros = g.const(np.zeros((1, size, 1)), elem)
        y = _scatter_onehot(g, zeros, hot, b.reshape(x1, [1, q, 1]), "none")
    y = b.reshape(y, shape)
    for axis, (have, want) in enumerate(zip(shape, shape_of(out))):
        if have != want:  # the golden keeps the common corner and zero-fills the rest
            keep = min(have, want)
            y = take(b, y, axis, np.concatenate([np.arange(keep), np.full(want - keep, FILL)]), 0)
    return [y]


# ------------------------------------------------------------------ col2im


@decomposes("npu_tensor.col2im")
def col2im(op: ir.Operation, b: Builder):
    g = _G(op, b)
    x = op.operands[0]
    out = op.results[0]
    elem = b.elem(x)
    kind = _data_kind(op, x, "col2im")
    attrs = _attrs(op)
    image, block = list(attrs["image_shape"]), list(attrs["block_shape"])
    nd = len(image)
    strides = list(attrs.get("strides") or [1] * nd)
    dil = list(attrs.get("dilations") or [1] * nd)
    pads = list(attrs.get("pads") or [0] * (2 * nd))
    n, ck, l = shape_of(x)
    kk = math.prod(block)
    c = ck // kk
    padded = [image[i] + pads[i] + pads[nd + i] for i in range(nd)]
    grid = [(padded[i] - (block[i] - 1) * dil[i] - 1) // strides[i] + 1 for i in range(nd)]
    if c * kk != ck or math.prod(grid) != l or min(grid) <= 0:
        raise NpuError(f"col2im input {[n, ck, l]} does not match blocks {block} over image {image}")
    work = g.f64 if kind == "f" else elem
    cols = b.reshape(g.cast(x, work), [n, c, kk] + grid)
    acc = None
    for ki, off in enumerate(np.ndindex(*block)):
        y = b.reshape(b.slice(cols, [2], [ki], [ki + 1]), [n, c] + grid)
        for i in range(nd):
            src = np.full(padded[i], FILL)
            src[off[i] * dil[i]: off[i] * dil[i] + strides[i] * (grid[i] - 1) + 1: strides[i]] = np.arange(grid[i])
            y = take(b, y, 2 + i, src, 0)
        if acc is None:  # golden's canvas starts at +0.0: 0 + y turns a -0.0 into +0.0 as it does
            acc = g.bin("add", g.const(0, work, nd + 2), y) if kind == "f" else y
        else:
            acc = g.bin("add", acc, y)
    acc = b.slice(acc, list(range(2, 2 + nd)), pads[:nd], [pads[i] + image[i] for i in range(nd)])
    return [b.reshape(g.cast(acc, b.elem(out)), shape_of(out))]


# ------------------------------------------------------------------ deform_conv


def _optional_operands(op: ir.Operation, count: int) -> list:
    """op's operands by position (absent optional ones None), from operandSegmentSizes."""
    values = list(op.operands)
    if "operandSegmentSizes" in op.attributes:
        sizes = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
    else:
        sizes = [1] * len(values) + [0] * (count - len(values))
    out, i = [], 0
    for size in sizes:
        out.append(values[i] if size else None)
        i += size
    return out + [None] * (count - len(out))


@decomposes("npu_tensor.deform_conv")
def deform_conv(op: ir.Operation, b: Builder):
    """Bilinear sampling as a matmul with tent weights, then the grouped convolution as a matmul.

    hs = oh * s - pad + kh * d + dy (f32), the same for w; the tent weights relu(1 - |hs - ih|) over
    ih in [0, H) are exactly golden's two bilinear corner weights inside the image and 0 elsewhere
    (taps outside contribute 0); their outer product over (ih, iw) [N, OG, K * P, H * W] times x
    [N, OG, H * W, C/OG] gives the samples, * mask, reordered to golden's columns [N, g, C/g * K, P],
    and weight [g, M/g, C/g * K] @ columns + bias. f32 throughout (narrower floats widened, rounded
    once at the end). Bound in the module docstring.
    """
    g_ = _G(op, b)
    x, w, offset, bias, mask = _optional_operands(op, 5)
    out = op.results[0]
    elem = b.elem(x)
    if _kind(elem) != "f" or any(v is not None and _kind(b.elem(v)) != "f" for v in (w, offset, bias, mask)):
        raise NpuError(f"deform_conv of {elem} data has no decomposition (float only)")
    attrs = {k: v for k, v in _attrs(op).items() if k != "operandSegmentSizes"}
    n, c, h, wd = shape_of(x)
    m, cw, kh, kw = shape_of(w)
    _, _, oh, ow = shape_of(out)
    grp, og = int(attrs.get("group", 1)), int(attrs.get("offset_group", 1))
    strides = list(attrs.get("strides") or [1, 1])
    dil = list(attrs.get("dilations") or [1, 1])
    pads = list(attrs.get("pads") or [0, 0, 0, 0])
    k, p, s, cg = kh * kw, oh * ow, h * wd, c // og
    if n * og * k * p * s > ONE_HOT_LIMIT:
        raise NpuError(f"deform_conv with a sampling matrix of {n} x {og} x {k * p} x {s} elements "
                       f"(more than {ONE_HOT_LIMIT}) has no tent-weight decomposition")
    f32 = g_.f32
    wide = lambda v: g_.cast(v, f32) if dtypes.numpy_dtype(b.elem(v)).itemsize < 4 else v
    x, w, offset = wide(x), wide(w), wide(offset)
    work = b.elem(x)
    kk = np.array(list(np.ndindex(kh, kw)))  # [K, 2] in golden's tap order
    base_h = (np.arange(oh) * strides[0] - pads[0])[None, :, None] + (kk[:, 0] * dil[0])[:, None, None]  # [K, OH, 1]
    base_w = (np.arange(ow) * strides[1] - pads[1])[None, None, :] + (kk[:, 1] * dil[1])[:, None, None]  # [K, 1, OW]
    off = b.reshape(offset, [n, og, k, 2, p])
    tents = []
    for axis, base, size in ((0, np.broadcast_to(base_h, (k, oh, ow)), h), (1, np.broadcast_to(base_w, (k, oh, ow)), wd)):
        coord = b.reshape(b.slice(off, [3], [axis], [axis + 1]), [n, og, k, p])
        coord = g_.bin("add", coord, g_.const(base.reshape(1, 1, k, p).astype(np.float32), work))
        coord = b.reshape(coord, [n, og, k * p, 1])
        dist = b.op("npu_tensor.abs", [g_.bin("sub", coord, g_.const(np.arange(size).reshape(1, 1, 1, size), work))],
                    [n, og, k * p, size], work)
        tent = b.op("npu_tensor.relu", [g_.bin("sub", g_.const(1.0, work, 4), dist)], [n, og, k * p, size], work)
        tents.append(tent)
    weights = g_.bin("mul", b.reshape(tents[0], [n, og, k * p, h, 1]), b.reshape(tents[1], [n, og, k * p, 1, wd]))
    weights = b.reshape(weights, [n, og, k * p, s])
    xg = b.transpose(b.reshape(x, [n, og, cg, s]), [0, 1, 3, 2])
    samples = b.op("npu_tensor.matmul", [weights, xg], [n, og, k * p, cg], work)  # [N, OG, K*P, Cg]
    if mask is not None:
        msk = b.reshape(wide(mask), [n, og, k * p, 1])
        samples = g_.bin("mul", samples, msk)
    cols = b.transpose(b.reshape(samples, [n, og, k, p, cg]), [0, 1, 4, 2, 3])  # [N, OG, Cg, K, P]
    cols = b.reshape(cols, [n, grp, cw * k, p])
    wm = b.reshape(w, [1, grp, m // grp, cw * k])
    y = b.op("npu_tensor.matmul", [wm, cols], [n, grp, m // grp, p], work)
    y = b.reshape(y, [n, m, oh, ow])
    if bias is not None:
        y = g_.bin("add", y, b.reshape(wide(bias), [1, m, 1, 1]))
    return [g_.cast(y, b.elem(out))]
