#!/usr/bin/env python3
"""Train the bundled digits CNN with plain numpy and export it to ONNX.

Data: scikit-learn's bundled ``load_digits`` (1797 8x8 grayscale digits,
10 classes), pixels scaled to [0, 1]; a stratified 25% held-out test split
(see ``common.load_split``). Nothing is downloaded.

Architecture (NCHW, static batch 1 in the exported model)::

    input [1,1,8,8]
    conv1  Conv 3x3 1->8 pad 1 (no bias) -> bn1 BatchNormalization -> relu1
    conv2  Conv 3x3 8->16 pad 1          -> relu2
    pool1  MaxPool 2x2 stride 2                        -> [1,16,4,4]
    conv3  Conv 3x3 16->16 pad 1         -> relu3
    flatten Flatten(axis=1)                            -> [1,256]
    fc     Gemm (transB=1) 256->10                     -> logits [1,10]

Training: the tiny numpy autodiff in ``common.py`` (im2col convolutions,
real batch-statistics BatchNorm with running stats), Adam, cosine learning
rate, random +-1 pixel shift augmentation, fixed seeds. Runs in a few seconds
on 2 CPU cores and is deterministic.

Outputs (next to this file):
  digits_cnn.onnx   opset 17, input ``input`` [1,1,8,8] float32,
                    output ``logits`` [1,10] float32
  digits_test.npz   held-out split: ``x`` float32 [N,1,8,8], ``y`` int64 [N]
  calib/calib_XX.npz  8 calibration inputs ``input`` [1,1,8,8] from the
                    TRAINING split

Usage: python examples/digits/train_cnn.py
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import common as C  # noqa: E402

SEED = 0
EPOCHS = 40
BATCH = 32
LR = 3e-3
N_CALIB = 8


def init_params(rng):
    def he(shape, fan_in):
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)

    p = {
        "conv1.W": C.param(he((8, 1, 3, 3), 9)),
        "bn1.scale": C.param(np.ones(8)),
        "bn1.B": C.param(np.zeros(8)),
        "conv2.W": C.param(he((16, 8, 3, 3), 72)),
        "conv2.B": C.param(np.zeros(16)),
        "conv3.W": C.param(he((16, 16, 3, 3), 144)),
        "conv3.B": C.param(np.zeros(16)),
        "fc.W": C.param(rng.normal(0.0, np.sqrt(1.0 / 256), size=(10, 256))),
        "fc.B": C.param(np.zeros(10)),
    }
    bn_state = {"mean": np.zeros(8), "var": np.ones(8)}
    return p, bn_state


_ZERO8 = C.Tensor(np.zeros(8))


def forward(p, bn_state, x, train):
    """x: float [B,1,8,8] -> logits Tensor [B,10]."""
    h = C.conv2d(C.Tensor(x), p["conv1.W"], _ZERO8)
    h = C.relu(C.batchnorm2d(h, p["bn1.scale"], p["bn1.B"], bn_state, train))
    h = C.relu(C.conv2d(h, p["conv2.W"], p["conv2.B"]))
    h = C.maxpool2x2(h)
    h = C.relu(C.conv2d(h, p["conv3.W"], p["conv3.B"]))
    h = C.reshape(h, (h.shape[0], -1))
    return C.add(C.matmul(h, C.transpose(p["fc.W"], (1, 0))), p["fc.B"])



def predict(p, bn_state, x, batch=256):
    return np.concatenate(
        [forward(p, bn_state, x[i : i + batch], False).data for i in range(0, len(x), batch)]
    )


def train(x_tr, y_tr, x_te, y_te):
    rng = np.random.default_rng(SEED)
    p, bn_state = init_params(rng)
    params = list(p.values())
    opt = C.Adam(params, lr=LR, weight_decay=1e-4)
    steps_per_epoch = int(np.ceil(len(x_tr) / BATCH))
    total = EPOCHS * steps_per_epoch
    step = 0
    for epoch in range(EPOCHS):
        perm = rng.permutation(len(x_tr))
        xa = C.shift_augment(x_tr, rng) if epoch < EPOCHS - 5 else x_tr
        losses = []
        for s in range(steps_per_epoch):
            idx = perm[s * BATCH : (s + 1) * BATCH]
            opt.lr = LR * 0.5 * (1 + np.cos(np.pi * step / total))
            opt.zero_grad()
            loss = C.cross_entropy(forward(p, bn_state, xa[idx], True), y_tr[idx])
            loss.backward()
            opt.step()
            losses.append(float(loss.data))
            step += 1
        if epoch % 5 == 4 or epoch == EPOCHS - 1:
            acc = (predict(p, bn_state, x_te).argmax(1) == y_te).mean()
            print(f"epoch {epoch + 1:3d}  loss {np.mean(losses):.4f}  test acc {acc:.4f}")
    return p, bn_state


def build_onnx(p, bn_state):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def init(name, arr):
        return numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name)

    inits = [init(k, v.data) for k, v in p.items()]
    inits += [init("bn1.mean", bn_state["mean"]), init("bn1.var", bn_state["var"])]
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    nodes = [
        helper.make_node("Conv", ["input", "conv1.W"], ["conv1_out"], name="conv1", **conv),
        helper.make_node(
            "BatchNormalization",
            ["conv1_out", "bn1.scale", "bn1.B", "bn1.mean", "bn1.var"],
            ["bn1_out"],
            name="bn1",
            epsilon=1e-5,
        ),
        helper.make_node("Relu", ["bn1_out"], ["relu1_out"], name="relu1"),
        helper.make_node(
            "Conv", ["relu1_out", "conv2.W", "conv2.B"], ["conv2_out"], name="conv2", **conv
        ),
        helper.make_node("Relu", ["conv2_out"], ["relu2_out"], name="relu2"),
        helper.make_node(
            "MaxPool", ["relu2_out"], ["pool1_out"], name="pool1",
            kernel_shape=[2, 2], strides=[2, 2],
        ),
        helper.make_node(
            "Conv", ["pool1_out", "conv3.W", "conv3.B"], ["conv3_out"], name="conv3", **conv
        ),
        helper.make_node("Relu", ["conv3_out"], ["relu3_out"], name="relu3"),
        helper.make_node("Flatten", ["relu3_out"], ["flatten_out"], name="flatten", axis=1),
        helper.make_node(
            "Gemm", ["flatten_out", "fc.W", "fc.B"], ["logits"], name="fc", transB=1
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "digits_cnn",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17)],
        producer_name="npu-examples",
        doc_string="Digits CNN trained with numpy by examples/digits/train_cnn.py",
    )
    model.ir_version = 8
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    return model


def main():
    t0 = time.time()
    x_tr, y_tr, x_te, y_te, idx_tr, idx_te = C.load_split()
    x_tr4, x_te4 = x_tr[:, None], x_te[:, None]
    print(f"train {len(x_tr)}  test {len(x_te)}")
    p, bn_state = train(x_tr4, y_tr, x_te4, y_te)
    ref = predict(p, bn_state, x_te4)
    acc = (ref.argmax(1) == y_te).mean()
    print(f"numpy held-out accuracy: {acc:.4f}  ({time.time() - t0:.1f}s)")

    import onnx
    import onnxruntime as ort

    model = build_onnx(p, bn_state)
    path = os.path.join(HERE, "digits_cnn.onnx")
    onnx.save(model, path)

    # Cross-check the exported graph against the numpy model.
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = np.concatenate([sess.run(None, {"input": x_te4[i : i + 1]})[0] for i in range(len(x_te4))])
    err = np.abs(got - ref).max()
    ort_acc = (got.argmax(1) == y_te).mean()
    print(f"onnxruntime held-out accuracy: {ort_acc:.4f}  max |ort - numpy| = {err:.2e}")
    assert err < 1e-3, err

    np.savez_compressed(
        os.path.join(HERE, "digits_test.npz"),
        x=x_te4.astype(np.float32),
        y=y_te.astype(np.int64),
        idx=idx_te.astype(np.int64),
    )
    calib_dir = os.path.join(HERE, "calib")
    os.makedirs(calib_dir, exist_ok=True)
    rng = np.random.default_rng(SEED + 1)
    # one training sample from each of 8 distinct classes, chosen at random
    picks = []
    for cls in rng.permutation(10)[:N_CALIB]:
        cand = np.flatnonzero(y_tr == cls)
        picks.append(int(rng.choice(cand)))
    for k, i in enumerate(picks):
        np.savez_compressed(
            os.path.join(calib_dir, f"calib_{k:02d}.npz"),
            input=x_tr4[i : i + 1].astype(np.float32),
        )
    print(f"wrote {path}, digits_test.npz, {N_CALIB} calibration files  ({time.time() - t0:.1f}s)")


if __name__ == "__main__":
    main()
