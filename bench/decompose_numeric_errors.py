"""Measured errors of the npu.decompose.numeric float rewrites (pow with a run-time exponent, long float
cum_prod) against the golden interpreter, and the exactness of the bit-identical ones on level 4.

    .venv/bin/python bench/decompose_numeric_errors.py

pow (f32): x ~ +-logspace(-20, 20), y ~ U(-4, 4) (every third y an integer), seed 11 as in
test/python/test_decompose_numeric.py: max relative error of the decomposed module on the golden
interpreter against golden's powf over normal results, and its largest fraction of the stated bound,
(2 |y ln|x|| + 3) 2^-24 for exp-log and (2 |y| + 1) 2^-24 for square-and-multiply (integer |y| < 64); pow (f32), x ~ U(0.2, 3), y ~ U(-3, 3) lowered to level 4 on edge-lpddr:
max relative error against golden. cum_prod over a 200-long f32 axis (shift-and-multiply rounds):
max relative error and its fraction of 2 (n - 1) 2^-24. bit_cast f32 <-> i32 / f64 <-> i64 on level 4
(edge-lpddr): the count of elements whose bits differ from golden outside NaNs (0 expected).
Writes bench/results/decompose_numeric_errors.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test" / "python"))

import test_decompose_numeric as t  # noqa: E402  (the tests' module builders and probes)
from npu.decompose.golden import run_both  # noqa: E402
from npu.target import load_target  # noqa: E402

U = 2.0**-24


def pow_golden() -> dict:
    rng = np.random.default_rng(11)
    n = 4000
    x = (rng.choice([-1, 1], n) * np.logspace(-20, 20, n)).astype(np.float32)
    y = rng.uniform(-4, 4, n).astype(np.float32)
    y[::3] = np.round(y[::3])
    before, after, _ = run_both(t.pow_text(n, "f32", "f32"), {"a0": x, "a1": y})
    g, a = before["y0"].astype(np.float64), after["y0"].astype(np.float64)
    ok = np.isfinite(g) & (np.abs(g) >= 2.0**-126)
    g, a, x, y = g[ok], a[ok], x[ok].astype(np.float64), y[ok].astype(np.float64)
    tt = np.abs(y * np.log(np.abs(x)))
    rel = np.abs(a - g) / np.abs(g)
    square = (y == np.floor(y)) & (np.abs(y) < 64)
    return {"exp_log": {"cases": int((~square).sum()), "max_rel_err": float(rel[~square].max()),
                        "max_fraction_of_bound": float(np.max(rel[~square] / ((2 * tt[~square] + 3) * U))),
                        "max_abs_y_ln_x": float(tt[~square].max())},
            "square_and_multiply": {"cases": int(square.sum()), "max_rel_err": float(rel[square].max()),
                                    "max_fraction_of_bound": float(np.max(rel[square] / ((2 * np.abs(y[square]) + 1) * U)))}}


def pow_level4(target) -> dict:
    rng = np.random.default_rng(5)
    x = rng.uniform(0.2, 3, 64).astype(np.float32)
    y = rng.uniform(-3, 3, 64).astype(np.float32)
    gold, got = t._level4(t.pow_text(64, "f32", "f32"), {"a0": x, "a1": y}, target)
    g, a = gold["y0"].astype(np.float64), got["y0"].astype(np.float64)
    return {"cases": 64, "max_rel_err_vs_golden": float(np.max(np.abs(a - g) / np.abs(g)))}


def cum_prod_long() -> dict:
    n = 200
    x = (1 + 0.05 * np.random.default_rng(0).standard_normal((4, n))).astype(np.float32)
    before, after, _ = run_both(t._cum_text((4, n), "f32", -1, 0, 0), {"a0": x})
    g, a = before["y0"].astype(np.float64), after["y0"].astype(np.float64)
    rel = float(np.max(np.abs(a - g) / np.abs(g)))
    return {"axis_length": n, "max_rel_err": rel, "fraction_of_bound": rel / (2 * (n - 1) * U)}


def bit_cast_level4(target) -> dict:
    rng = np.random.default_rng(1)
    out = {}
    for src, dst in (("f32", "i32"), ("f64", "i64"), ("i32", "f32"), ("i64", "f64")):
        fl = t._float_probe(rng, t.NP[src if src.startswith("f") else dst])
        x = fl if src.startswith("f") else fl.view(t.NP[src])
        gold, got = t._level4(t.module("bit_cast", [((x.size,), src)], [((x.size,), dst)]), {"a0": x}, target)
        g, a = gold["y0"], got["y0"]
        ints = np.int32 if g.itemsize == 4 else np.int64
        nan = np.isnan(fl)
        out[f"{src}->{dst}"] = {"elements": int(x.size), "nan_elements": int(nan.sum()),
                                "bit_differences_outside_nan": int(np.sum(g.view(ints)[~nan] != a.view(ints)[~nan]))}
    return out


def main() -> int:
    edge = load_target("edge-lpddr")
    result = {"pow_golden": pow_golden(), "pow_level4_edge_lpddr": pow_level4(edge),
              "cum_prod_long_axis_golden": cum_prod_long(), "bit_cast_level4_edge_lpddr": bit_cast_level4(edge)}
    path = ROOT / "bench" / "results" / "decompose_numeric_errors.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
