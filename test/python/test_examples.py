"""Checks for the bundled example models in examples/digits/.

The models are real (trained by examples/digits/train_*.py on scikit-learn's
bundled digits dataset); these tests pin down their interface (names, static
shapes, opset, op types) and their held-out accuracy under onnxruntime.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

DIGITS = Path(__file__).resolve().parents[2] / "examples" / "digits"

# name -> (model file, test split, input shape, expected op types, min accuracy)
MODELS = {
    "cnn": (
        "digits_cnn.onnx",
        "digits_test.npz",
        [1, 1, 8, 8],
        {"Conv", "BatchNormalization", "Relu", "MaxPool", "Flatten", "Gemm"},
        0.95,
    ),
    "transformer": (
        "digits_transformer.onnx",
        "digits_test_seq.npz",
        [1, 8, 8],
        {
            "MatMul", "Add", "Mul", "Div", "Erf", "Reshape", "Transpose",
            "Softmax", "LayerNormalization", "ReduceMean",
        },
        0.90,
    ),
}


def _static_dims(value_info):
    dims = value_info.type.tensor_type.shape.dim
    assert all(d.HasField("dim_value") for d in dims), f"{value_info.name} not static"
    return [d.dim_value for d in dims]


@pytest.fixture(scope="module", params=sorted(MODELS))
def case(request):
    model_file, data_file, in_shape, ops, min_acc = MODELS[request.param]
    path = DIGITS / model_file
    return {
        "name": request.param,
        "path": path,
        "model": onnx.load(str(path)),
        "data": np.load(DIGITS / data_file),
        "in_shape": in_shape,
        "ops": ops,
        "min_acc": min_acc,
    }


def test_model_is_valid_and_small(case):
    assert case["path"].stat().st_size < 1_000_000
    onnx.checker.check_model(case["model"], full_check=True)
    opsets = {o.domain: o.version for o in case["model"].opset_import}
    assert opsets.get("", opsets.get("ai.onnx")) == 17


def test_interface_names_and_static_shapes(case):
    g = case["model"].graph
    init_names = {i.name for i in g.initializer}
    inputs = [i for i in g.input if i.name not in init_names]
    assert [i.name for i in inputs] == ["input"]
    assert [o.name for o in g.output] == ["logits"]
    assert inputs[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert g.output[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert _static_dims(inputs[0]) == case["in_shape"]
    assert _static_dims(g.output[0]) == [1, 10]


def test_value_info_populated_and_static(case):
    g = case["model"].graph
    known = {v.name for v in list(g.value_info) + list(g.output)}
    for node in g.node:
        assert node.name, f"unnamed {node.op_type} node"
        for out in node.output:
            assert out in known, f"no value_info for {out}"
    for v in g.value_info:
        _static_dims(v)
    inferred = onnx.shape_inference.infer_shapes(case["model"], strict_mode=True)
    assert len(inferred.graph.value_info) >= len(g.value_info)


def test_op_types(case):
    ops = {n.op_type for n in case["model"].graph.node}
    assert case["ops"] <= ops, case["ops"] - ops


def test_heldout_accuracy(case):
    x, y = case["data"]["x"], case["data"]["y"]
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert list(x.shape[1:]) == case["in_shape"][1:]
    assert len(x) == len(y) > 400
    assert 0.0 <= x.min() and x.max() <= 1.0
    sess = ort.InferenceSession(str(case["path"]), providers=["CPUExecutionProvider"])
    # fixed batch 1: loop
    preds = np.array([sess.run(None, {"input": x[i : i + 1]})[0].argmax() for i in range(len(x))])
    acc = float((preds == y).mean())
    assert acc >= case["min_acc"], acc
    # the committed accuracy.json must report what the committed files give
    report = json.loads((DIGITS / "accuracy.json").read_text())
    key = "digits_" + case["name"]
    assert report["models"][key]["top1_accuracy"] == pytest.approx(acc, abs=1e-3)


def test_splits_agree():
    a = np.load(DIGITS / "digits_test.npz")
    b = np.load(DIGITS / "digits_test_seq.npz")
    np.testing.assert_array_equal(a["y"], b["y"])
    np.testing.assert_array_equal(a["idx"], b["idx"])
    np.testing.assert_array_equal(a["x"][:, 0], b["x"])
    assert sorted(np.unique(a["y"]).tolist()) == list(range(10))


def test_calibration_inputs():
    files = sorted((DIGITS / "calib").glob("*.npz"))
    assert len(files) == 8
    for f in files:
        arr = np.load(f)["input"]
        assert arr.dtype == np.float32 and arr.shape == (1, 1, 8, 8)
        assert 0.0 <= arr.min() and arr.max() <= 1.0 and arr.max() > 0


def test_calibration_inputs_come_from_training_split():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits

    images = (load_digits().images / 16.0).astype(np.float32)
    test_idx = np.load(DIGITS / "digits_test.npz")["idx"]
    train_mask = np.ones(len(images), bool)
    train_mask[test_idx] = False
    for f in sorted((DIGITS / "calib").glob("*.npz")):
        img = np.load(f)["input"][0, 0]
        matches = np.flatnonzero((images == img).all(axis=(1, 2)))
        assert len(matches) and train_mask[matches].all(), f.name


def test_sequence_calibration_inputs_are_the_cnn_ones_reshaped():
    """calib_seq/ holds the calib/ images in the transformer's [1, 8, 8] input shape."""
    from pathlib import Path

    base = Path(__file__).resolve().parents[2] / "examples" / "digits"
    names = sorted(p.name for p in (base / "calib").glob("*.npz"))
    assert names and names == sorted(p.name for p in (base / "calib_seq").glob("*.npz"))
    for name in names:
        img = np.load(base / "calib" / name)["input"]
        seq = np.load(base / "calib_seq" / name)["input"]
        assert seq.shape == (1, 8, 8) and seq.dtype == np.float32
        assert np.array_equal(seq, img.reshape(1, 8, 8))
