"""Train an MLP on scikit-learn's breast-cancer data (tabular, real) and export it as ONNX.

A fourth real model for the quantization benchmark: dense layers with tanh
(quantized as int8 TABLEs) on standardized tabular features, a different domain
from the digits images.

    input [1,30] (raw features, ranges from ~1e-3 to ~4e3)
    scale Sub(mean), Mul(1/std)                       the StandardScaler, as graph ops
    fc1   Gemm 30->32, Tanh
    fc2   Gemm 32->16, Tanh
    head  Gemm 16->2                                   logits [1,2]

Data: load_breast_cancer (569 samples, 2 classes), train_test_split(test_size=0.25,
stratify=y, random_state=0): 426 train / 143 held out. Training: scikit-learn's
MLPClassifier (numpy; adam, alpha 1e-3, 600 iterations, random_state 0). Its
single logistic output z becomes two logits [-z/2, z/2] (argmax = its decision).
Writes cancer_mlp/model.onnx, test.npz (x [143,30], y), calib/calib_00..31.npz
(32 training rows, 16 per class).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

OUT = Path(__file__).resolve().parent / "cancer_mlp"


def main() -> None:
    data = load_breast_cancer()
    xtr, xte, ytr, yte = train_test_split(data.data, data.target, test_size=0.25, stratify=data.target,
                                          random_state=0)
    scaler = StandardScaler().fit(xtr)
    mlp = MLPClassifier(hidden_layer_sizes=(32, 16), activation="tanh", alpha=1e-3, max_iter=600, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp.fit(scaler.transform(xtr), ytr)
    (w1, w2, w3), (b1, b2, b3) = mlp.coefs_, mlp.intercepts_
    w3f = np.concatenate([-w3 / 2, w3 / 2], axis=1)
    b3f = np.concatenate([-b3 / 2, b3 / 2])
    inits = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in [
        ("scale.mean", scaler.mean_), ("scale.inv_std", 1.0 / scaler.scale_),
        ("fc1.W", w1), ("fc1.B", b1), ("fc2.W", w2), ("fc2.B", b2), ("head.W", w3f), ("head.B", b3f)]]
    nodes = [
        helper.make_node("Sub", ["input", "scale.mean"], ["centered"], name="scale_sub"),
        helper.make_node("Mul", ["centered", "scale.inv_std"], ["scaled"], name="scale_mul"),
        helper.make_node("Gemm", ["scaled", "fc1.W", "fc1.B"], ["fc1_out"], name="fc1"),
        helper.make_node("Tanh", ["fc1_out"], ["act1_out"], name="act1"),
        helper.make_node("Gemm", ["act1_out", "fc2.W", "fc2.B"], ["fc2_out"], name="fc2"),
        helper.make_node("Tanh", ["fc2_out"], ["act2_out"], name="act2"),
        helper.make_node("Gemm", ["act2_out", "head.W", "head.B"], ["logits"], name="head"),
    ]
    graph = helper.make_graph(nodes, "cancer_mlp", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 30])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="npu-bench")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    OUT.mkdir(parents=True, exist_ok=True)
    onnx.save(model, OUT / "model.onnx")
    np.savez(OUT / "test.npz", x=xte.astype(np.float32), y=yte.astype(np.int64))
    (OUT / "calib").mkdir(exist_ok=True)
    picks = [int(i) for c in (0, 1) for i in np.flatnonzero(ytr == c)[:16]]
    for k, i in enumerate(picks):
        np.savez(OUT / "calib" / f"calib_{k:02d}.npz", input=xtr[i:i + 1].astype(np.float32))
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = np.concatenate([sess.run(None, {"input": x[None].astype(np.float32)})[0] for x in xte])
    print(f"scikit-learn held-out top-1 {mlp.score(scaler.transform(xte), yte):.4f}; "
          f"onnxruntime top-1 {np.mean(got.argmax(1) == yte):.4f}")


if __name__ == "__main__":
    main()
