"""Bundled models through the spatial pipeline and the performance model: never below the roofline.

For each bundled digits model and target preset: lower to level 4
(npu.perf.models.lower_for_timing), run in timing mode, and check that

* the outputs are exactly those of the functional level-4 interpreter;
* the simulated cycles are at least the roofline bound, both with the
  program's own external traffic and with the compulsory traffic (the ratio
  bound / cycles is printed; bench/perf_roofline.py records it);
* every layer's span is at least its own roofline bound;
* the per-layer breakdown is keyed by ONNX node names (or phases, see npu.perf.models).

The edge preset runs by default; the larger presets are marked slow (their
lowering takes tens of seconds here).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from npu.interp.level4 import Level4Machine, run_level4
from npu.perf import simulate
from npu.perf.models import lower_for_timing
from npu.target import load_target

ROOT = Path(__file__).resolve().parents[2]
DIGITS = ROOT / "examples" / "digits"


def _input(model: str) -> np.ndarray:
    data = np.load(DIGITS / ("digits_test_seq.npz" if "transformer" in model else "digits_test.npz"))
    return data["x"][:1].astype(np.float32)


CASES = [
    pytest.param("digits_cnn", "edge-lpddr"),
    pytest.param("digits_transformer", "edge-lpddr"),
    pytest.param("digits_cnn", "datacenter-hbm", marks=pytest.mark.slow),
    pytest.param("digits_transformer", "datacenter-hbm", marks=pytest.mark.slow),
    pytest.param("digits_cnn", "large-inference", marks=pytest.mark.slow),
    pytest.param("digits_transformer", "large-inference", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("model,preset", CASES)
def test_simulated_cycles_never_below_roofline(model, preset):
    target = load_target(preset)
    low = lower_for_timing(str(DIGITS / f"{model}.onnx"), target)
    name = Level4Machine(low.module, target).inputs[0].name
    inputs = {name: _input(model)}
    outputs, report = simulate(low.module, inputs, target, layer_names=low.layer_names)
    with low.module.context:
        reference = run_level4(low.module, inputs, target=target)
    assert outputs.keys() == reference.keys()
    for key in outputs:
        assert np.array_equal(outputs[key], reference[key], equal_nan=True)
    print(f"\n{model} on {preset}: {report.cycles:,.0f} cycles, roofline bound {report.bound.cycles:,.0f} "
          f"({report.bound.kind}), ratio {report.roofline_ratio:.4f}; ideal bound {report.ideal_bound.cycles:,.0f}")
    assert report.cycles >= report.bound.cycles
    assert report.cycles >= report.ideal_bound.cycles
    assert report.ext_read + report.ext_write >= report.ideal_bound.ext_bytes
    for layer in report.layers:
        assert layer.cycles >= layer.bound.cycles * (1 - 1e-12), layer.name
    names = [layer.name for layer in report.layers]
    assert all(n in low.layer_names or n.startswith("phase ") for n in names), names
    # float matmuls run on the matrix unit where the target rates f32 (edge-lpddr has no f32 MACs:
    # the lowering emulates them with vector multiplies and sums, which the report counts as vector ops)
    assert (report.macs > 0) == (target.pe.matrix.macs_per_cycle["fp32"] > 0)
    assert report.energy.total_pj > 0
