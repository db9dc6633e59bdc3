"""Calibration methods: from a tensor's statistics to the real range [lo, hi] it is quantized over.

    minmax      [min, max] seen over the calibration set
    percentile  the (100 - p)% and p% points of the histogram (p = 99.99 by default),
                clipped to [min, max]
    entropy     TensorRT's KL-divergence threshold T on |x| (reference: "8-bit
                Inference with TensorRT", Migacz 2017): for each candidate T (a bin
                edge), P = |x| histogram up to T with the tail folded into the last
                bin, Q = P merged into `levels` bins and expanded back over P's
                non-empty bins; T minimizes KL(P || Q). The bin holding 0 first gets
                its neighbour's count (as NVIDIA's pytorch-quantization does), so the
                spike of a ReLU output at 0 does not drive T. The range is
                [max(min, -T), min(max, T)].
    mse         the range [f*min, f*max] (f in (0, 1]) whose quantize -> dequantize of the
                histogram's bin centres has the least expected squared error; the
                quantizer is npu.numerics' affine rule for the scheme's int8 grid.

Ranges always contain 0 (qparams_from_range widens them). All methods are
vectorized over candidates except entropy, which loops over at most
`entropy_candidates` thresholds.
"""

from __future__ import annotations

import numpy as np

from npu.errors import NpuError
from npu.numerics import dequantize_affine, qparams_from_range, quantize_affine
from npu.quant.calib import TensorStats

METHODS = ("minmax", "percentile", "entropy", "mse")


def tensor_range(st: TensorStats, method: str = "minmax", *, percentile: float = 99.99, symmetric: bool = False,
                 dtype: str = "int8") -> tuple[float, float]:
    """The [lo, hi] range to quantize tensor `st` over with `method`."""
    if method == "minmax":
        return st.min, st.max
    if st.hist.sum() == 0 or st.absmax == 0:
        return st.min, st.max
    if method == "percentile":
        return _percentile(st, percentile)
    if method == "entropy":
        t = _entropy_threshold(st)
        return max(st.min, -t), min(st.max, t)
    if method == "mse":
        return _mse(st, symmetric, dtype)
    raise NpuError(f"unknown calibration method '{method}' (expected one of: {', '.join(METHODS)})")


def _percentile(st: TensorStats, p: float) -> tuple[float, float]:
    if not 50.0 < p <= 100.0:
        raise NpuError(f"percentile must be in (50, 100], got {p}")
    edges = st.edges()
    cdf = np.cumsum(st.hist) / st.hist.sum()
    lo_i = int(np.searchsorted(cdf, 1.0 - p / 100.0, side="left"))
    hi_i = int(np.searchsorted(cdf, p / 100.0, side="left"))
    lo = float(edges[min(lo_i, len(edges) - 1)])
    hi = float(edges[min(hi_i + 1, len(edges) - 1)])
    return max(st.min, lo), min(st.max, hi)


def _abs_hist(st: TensorStats) -> np.ndarray:
    """Histogram of |x| over [0, absmax] with BINS/2 bins (the symmetric edges fold exactly)."""
    h = st.hist
    half = len(h) // 2
    return h[half:] + h[:half][::-1]


def _entropy_threshold(st: TensorStats, levels: int = 128, entropy_candidates: int = 128) -> float:
    hist = _abs_hist(st).astype(np.float64)
    hist[0] = hist[1]  # a ReLU's spike at 0 would otherwise decide the threshold (as pytorch-quantization does)
    n = len(hist)
    width = st.absmax / n
    starts = np.unique(np.linspace(levels, n, entropy_candidates).astype(int))
    best, best_t = np.inf, st.absmax
    for i in starts:
        p = hist[:i].copy()
        p[-1] += hist[i:].sum()
        nonzero = p > 0
        # merge i bins into `levels` groups, spread each group's mass over its non-empty bins
        group = (np.arange(i) * levels) // i
        mass = np.bincount(group, weights=hist[:i], minlength=levels)
        filled = np.bincount(group, weights=nonzero.astype(np.float64), minlength=levels)
        q = np.where(nonzero, mass[group] / np.maximum(filled[group], 1), 0.0)
        ps, qs = p.sum(), q.sum()
        if ps == 0 or qs == 0:
            continue
        pn, qn = p / ps, q / qs
        mask = pn > 0
        kl = float(np.sum(pn[mask] * np.log(pn[mask] / np.maximum(qn[mask], 1e-12))))
        if kl < best:
            best, best_t = kl, (i + 0.5) * width
    return min(best_t, st.absmax)


def _mse(st: TensorStats, symmetric: bool, dtype: str, candidates: int = 100) -> tuple[float, float]:
    edges = st.edges()
    centres = 0.5 * (edges[:-1] + edges[1:])
    keep = st.hist > 0
    x, w = centres[keep], st.hist[keep].astype(np.float64)
    f = np.linspace(1.0 / candidates, 1.0, candidates)
    if symmetric:
        lo, hi = -f * st.absmax, f * st.absmax
    else:
        lo, hi = f * min(st.min, 0.0), f * max(st.max, 0.0)
    scale, zp = qparams_from_range(lo, hi, dtype, symmetric=symmetric)
    xs = np.broadcast_to(x, (candidates, x.size))
    q = quantize_affine(xs, scale, zp, dtype, axis=0)
    err = dequantize_affine(q, scale, zp, axis=0).astype(np.float64) - xs
    cost = (err ** 2) @ w
    k = int(np.argmin(cost))
    return float(lo[k]), float(hi[k])
