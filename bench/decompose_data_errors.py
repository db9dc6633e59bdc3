"""Measured errors of the npu.decompose.data float rewrites against the golden interpreter.

    .venv/bin/python bench/decompose_data_errors.py

For resize (linear / cubic, every coordinate transformation mode, plain /
exclude_outside / antialias, 5 shape pairs of ranks 2-4), cum_sum (f32, all
exclusive/reverse variants) and einsum (18 equation forms, f32): the max abs
error of the decomposed module on the golden interpreter against the op's own
golden kernel, relative to max|x| (resize, cum_sum: to max of sum|x|) and as a
fraction of the bound stated in npu/decompose/data.py; then for a few
instances the same after lowering to level 4 on edge-lpddr. Standard-normal
inputs, seed 0. Writes bench/results/decompose_data_errors.json.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test" / "python"))

import test_decompose_data as t  # noqa: E402  (the tests' module builders and bounds)
from npu.decompose.golden import run_both  # noqa: E402


def main() -> int:
    t.RNG = np.random.default_rng(0)
    rows = []
    for mode in ("linear", "cubic"):
        for ctm in t.CTMS:
            worst_rel, worst_frac = 0.0, 0.0
            for ins, outs in t.RESIZE_SHAPES:
                scales = [o / i for i, o in zip(ins, outs)]
                for extra in ({}, {"exclude": 1, "a": -0.5}, {"antialias": 1}):
                    attrs = t.resize_attrs(mode, ctm, scales=scales, **extra)
                    x = t.data(ins, "f32")
                    before, after, _ = run_both(t.module("resize", [(ins, "f32")], (outs, "f32"), attrs), {"x0": x})
                    err = float(np.abs(before["y"].astype(np.float64) - after["y"]).max())
                    bound = t.resize_bound(t._attr_dict(attrs), ins, outs, x)
                    worst_rel = max(worst_rel, err / float(np.abs(x).max()))
                    worst_frac = max(worst_frac, err / bound)
            rows.append({"op": f"resize {mode} {ctm}", "level": "golden", "max_rel_error": worst_rel, "max_fraction_of_bound": worst_frac})
    worst_rel, worst_frac = 0.0, 0.0
    for shape, axis in (((7,), 0), ((3, 9), 1), ((5, 2, 4), 0), ((2, 33), -1), ((4, 200), 1)):
        for ex in (0, 1):
            for rev in (0, 1):
                x = t.data(shape, "f32")
                attrs = f"axis = {axis} : i64, exclusive = {ex} : i64, reverse = {rev} : i64"
                before, after, _ = run_both(t.module("cum_sum", [(shape, "f32")], (shape, "f32"), attrs), {"x0": x})
                err = np.abs(before["y"].astype(np.float64) - after["y"])
                s = np.abs(x).sum(axis=axis, keepdims=True).astype(np.float64)
                worst_rel = max(worst_rel, float((err / s).max()))
                worst_frac = max(worst_frac, float((err / (shape[axis] * t.U * s)).max()))
    rows.append({"op": "cum_sum f32", "level": "golden", "max_rel_error": worst_rel, "max_fraction_of_bound": worst_frac})
    worst_rel, worst_frac = 0.0, 0.0
    for eq, shapes in t.EINSUMS:
        xs = [t.data(s, "f32") for s in shapes]
        want = np.einsum(eq, *[v.astype(np.float64) for v in xs])
        before, after, _ = run_both(t.module("einsum", [(s, "f32") for s in shapes], (want.shape, "f32"), f'equation = "{eq}"'),
                                    {f"x{i}": v for i, v in enumerate(xs)})
        terms = np.maximum(np.einsum(eq, *[np.abs(v.astype(np.float64)) for v in xs]), 1e-30)
        length = math.prod(shapes[0]) * (math.prod(shapes[1]) if len(shapes) > 1 else 1) // max(want.size, 1)
        err = np.abs(before["y"].astype(np.float64) - after["y"])
        worst_rel = max(worst_rel, float((err / terms).max()))
        worst_frac = max(worst_frac, float((err / ((length + 2) * t.U * terms)).max()))
    rows.append({"op": "einsum f32", "level": "golden", "max_rel_error": worst_rel, "max_fraction_of_bound": worst_frac})
    for mode, ctm, scales in (("linear", "half_pixel", (2.0, 2.0)), ("cubic", "align_corners", (1.5, 0.5)),
                              ("linear", "asymmetric", (0.5, 3.0)), ("cubic", "half_pixel", (2.0, 1.5))):
        ins = (1, 3, 8, 6)
        outs = (1, 3, int(8 * scales[0]), int(6 * scales[1]))
        attrs = t.resize_attrs(mode, ctm, "floor", [1, 1, *scales])
        x = t.data(ins, "f32")
        gold, got = t._level4(t.module("resize", [(ins, "f32")], (outs, "f32"), attrs), {"x0": x})
        err = float(np.abs(gold["y"].astype(np.float64) - got["y"]).max())
        rows.append({"op": f"resize {mode} {ctm} {ins}->{outs}", "level": "level4 edge-lpddr",
                     "max_rel_error": err / float(np.abs(x).max()),
                     "max_fraction_of_bound": err / t.resize_bound(t._attr_dict(attrs), ins, outs, x)})
    out = ROOT / "bench" / "results" / "decompose_data_errors.json"
    out.write_text(json.dumps({"rows": rows}, indent=1) + "\n")
    for r in rows:
        print(f"{r['op']:45s} {r['level']:18s} rel {r['max_rel_error']:.3g}  bound fraction {r['max_fraction_of_bound']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
