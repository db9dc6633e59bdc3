"""The trained real models of bench/quant_models (cancer MLP, digits ResNet) on level 4, every preset.

Float: within the accumulation-order bound (max |level4 - golden| <= 1e-5 x max |golden|, the
spatial conformance tolerance; measured 7e-8 .. 1.7e-7) on held-out samples. int8 (npu.quant with the
model's calibration set): every output bit equal to golden's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import npu.quant as quant
import npu.spatial as spatial
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.onnx.importer import import_model
from npu.target import load_target

MODELS = Path(__file__).resolve().parents[2] / "bench" / "quant_models"
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
SAMPLES = 3


def _module(name: str, scheme: str | None):
    path = MODELS / name / "model.onnx"
    if scheme:
        return quant.quantize(str(path), str(MODELS / name / "calib"), scheme)[0]
    return import_model(str(path), context=make_context())


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("scheme", [None, "int8"])
@pytest.mark.parametrize("name", ["cancer_mlp", "digits_resnet"])
def test_real_model_on_level4(name, scheme, preset):
    module = _module(name, scheme)
    prog = Program(module)
    spec = prog.inputs[0]
    with np.load(MODELS / name / "test.npz") as data:
        samples = data["x"][:SAMPLES]
    target = load_target(preset)
    lowered = spatial.lower_module(module, target)
    for x in samples:
        feed = {spec.name: x.reshape(spec.shape).astype(spec.dtype)}
        gold = prog.run(feed)
        out = run_level4(lowered, feed, target=target)
        assert set(out) == set(gold)
        for key, g in gold.items():
            if scheme == "int8":
                assert out[key].dtype == g.dtype and np.array_equal(out[key], g), key
            else:
                err = float(np.abs(g.astype(np.float64) - out[key]).max())
                assert err <= 1e-5 * max(1.0, float(np.abs(g).max())), (key, err)
