"""Decompositions of f64 compute into the exact f64 kinds level 4 has (add, sub, mul, div, max, min).

Level 4 moves f64 data and computes only exact elementwise kinds on it (npu.spatial.rules_eltwise
WIDE_FLOAT_OPS); the matmul and rows families refuse it. These rules rewrite f64 instances (every
other element type is left alone: the rule returns None):

    reduce_max / reduce_min = pairwise max / min of the halves of the reduced extent   bit-identical
                              (max / min are exact; a NaN propagates as in numpy's max)
    matmul                  = reduce over K, by pairwise adds, of a[.., M, 1, K] * b^T[.., 1, N, K]

matmul bound: golden sums the K products in f64 in its own order (|err_g| <= K u (|a| @ |b|)); the tree
has depth ceil(log2 K) after one rounded product (|err_t| <= (ceil(log2 K) + 1) u (|a| @ |b|)), so
|after - golden| <= (K + ceil(log2 K) + 1) u (|a| @ |b|), u = 2^-53. reduce_sum of f64 data is the
same pairwise tree (npu.decompose.math). The product tensor has M * N * K elements (no K blocking).
Measured vs golden (standard-normal data): matmul K = 300 max |err| = 1.6 u (|a| @ |b|) (bound 310 u);
reduce_sum n = 1000: 0.12 u sum|x|; cum_sum n = 257 (data.py): 1.4 u sum|x| (bound 257 u); the f64 ONNX
node cases (CumSum, Einsum, Cast) bit-identical to golden at level 4.
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.decompose.math import _F, _reduced_axes, _tree


def _is_f64(b: Builder, v: ir.Value) -> bool:
    return b.elem(v) == ir.F64Type.get()


def _extremum(name: str):
    @decomposes(f"npu_tensor.reduce_{name}")
    def rule(op: ir.Operation, b: Builder):
        x, out = op.operands[0], op.results[0]
        if not _is_f64(b, x):
            return None
        axes = _reduced_axes(op)
        if axes is None:
            return [b.reshape(x, shape_of(out))]
        if any(shape_of(x)[a] == 0 for a in axes):
            return None  # npu-fold-empty folds empty reductions before this pass
        return [b.reshape(_tree(_F(op, b), x, axes, name), shape_of(out))]

    rule.__name__ = f"reduce_{name}"
    return rule


reduce_max = _extremum("max")
reduce_min = _extremum("min")


@decomposes("npu_tensor.matmul")
def matmul(op: ir.Operation, b: Builder):
    """f64 matmul as products and a pairwise sum over K (module docstring bound)."""
    a, w = op.operands[0], op.operands[1]
    out = op.results[0]
    if not (_is_f64(b, a) and _is_f64(b, w)):
        return None
    sa, sw = shape_of(a), shape_of(w)
    a2 = b.reshape(a, (1,) + sa) if len(sa) == 1 else a
    w2 = b.reshape(w, sw + (1,)) if len(sw) == 1 else w
    sa, sw = shape_of(a2), shape_of(w2)
    k = sa[-1]
    f = _F(op, b)
    lhs = b.reshape(a2, sa[:-1] + (1, k))                                   # [.., M, 1, K]
    perm = list(range(len(sw) - 2)) + [len(sw) - 1, len(sw) - 2]
    rhs = b.reshape(b.transpose(w2, perm), sw[:-2] + (1, sw[-1], k))        # [.., 1, N, K]
    prod = f.mul(lhs, rhs)                                                  # [.., M, N, K]
    if k == 0:
        return None
    y = _tree(f, prod, (len(shape_of(prod)) - 1,), "add")
    return [b.reshape(y, shape_of(out))]
