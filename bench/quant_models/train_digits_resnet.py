"""Train a small residual, depthwise-separable CNN on scikit-learn's digits with numpy; export ONNX.

A third real model for the quantization benchmark (bench/quant_accuracy.py). It
exercises what the bundled digits models do not: a depthwise (grouped) conv, a
residual Add followed by ReLU, HardSwish, and GlobalAveragePool.

    input [1,1,8,8]
    stem   Conv 3x3 1->16 pad 1, Relu
    dw     Conv 3x3 depthwise (group 16) pad 1, Relu
    pw     Conv 1x1 16->16
    res    Add(pw, stem), Relu
    pool   MaxPool 2x2                                  [1,16,4,4]
    conv3  Conv 3x3 16->24 pad 1, HardSwish
    gap    GlobalAveragePool, Flatten                    [1,24]
    fc     Gemm 24->10                                   logits [1,10]

Data: load_digits, pixels / 16, train_test_split(test_size=0.25, stratify=y,
random_state=0) (the same split as examples/digits). Training: Adam (lr 3e-3,
cosine decay), batch 32, 40 epochs, +-1 pixel shifts except the last 5 epochs,
seed 0; layers with hand-written backward passes (im2col convolutions). Writes,
next to this file in digits_resnet/: model.onnx, test.npz (x [450,1,8,8], y),
calib/calib_00..07.npz (8 training images, one per class 0..7).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

OUT = Path(__file__).resolve().parent / "digits_resnet"


# ----------------------------------------------------------------------------- layers


def im2col(x, k, pad):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, c, k, k, h, w), dtype=x.dtype)
    for ky in range(k):
        for kx in range(k):
            cols[:, :, ky, kx] = xp[:, :, ky:ky + h, kx:kx + w]
    return cols  # [N, C, K, K, H, W] (stride 1, "same" padding)


def col2im(cols, pad):
    n, c, k, _, h, w = cols.shape
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for ky in range(k):
        for kx in range(k):
            xp[:, :, ky:ky + h, kx:kx + w] += cols[:, :, ky, kx]
    return xp[:, :, pad:pad + h, pad:pad + w]


class Conv:
    """Grouped 2-D conv, stride 1, 'same' padding."""

    def __init__(self, rng, cin, cout, k, groups=1):
        fan_in = cin // groups * k * k
        self.w = rng.normal(0, np.sqrt(2.0 / fan_in), (cout, cin // groups, k, k))
        self.b = np.zeros(cout)
        self.k, self.g, self.pad = k, groups, k // 2

    def params(self):
        return [self.w, self.b]

    def forward(self, x):
        n, c, h, w = x.shape
        cols = im2col(x, self.k, self.pad)  # [N, C, K, K, H, W]
        g, cg, m = self.g, c // self.g, self.w.shape[0]
        cols = cols.reshape(n, g, cg * self.k * self.k, h * w)
        wg = self.w.reshape(g, m // g, cg * self.k * self.k)
        out = np.einsum("gmk,ngkp->ngmp", wg, cols).reshape(n, m, h, w) + self.b.reshape(1, -1, 1, 1)
        self.cache = (x.shape, cols, wg)
        return out

    def backward(self, dout):
        (n, c, h, w), cols, wg = self.cache
        g, m = self.g, self.w.shape[0]
        d = dout.reshape(n, g, m // g, h * w)
        self.gw = np.einsum("ngmp,ngkp->gmk", d, cols).reshape(self.w.shape)
        self.gb = dout.sum(axis=(0, 2, 3))
        dcols = np.einsum("gmk,ngmp->ngkp", wg, d).reshape(n, c, self.k, self.k, h, w)
        return col2im(dcols, self.pad)

    def grads(self):
        return [self.gw, self.gb]


class Relu:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, d):
        return d * self.mask


class HardSwish:
    """x * clip(x / 6 + 1/2, 0, 1) (ONNX HardSwish)."""

    def forward(self, x):
        self.x = x
        return x * np.clip(x / 6 + 0.5, 0, 1)

    def backward(self, d):
        x = self.x
        return d * np.where(x < -3, 0.0, np.where(x > 3, 1.0, x / 3 + 0.5))


class MaxPool2:
    def forward(self, x):
        n, c, h, w = x.shape
        r = x.reshape(n, c, h // 2, 2, w // 2, 2)
        out = r.max(axis=(3, 5))
        self.mask = r == out[:, :, :, None, :, None]
        return out

    def backward(self, d):
        n, c, h2, _, w2, _ = self.mask.shape
        g = self.mask * d[:, :, :, None, :, None]
        return g.reshape(n, c, h2 * 2, w2 * 2)


class Dense:
    def __init__(self, rng, cin, cout):
        self.w = rng.normal(0, np.sqrt(1.0 / cin), (cin, cout))
        self.b = np.zeros(cout)

    def params(self):
        return [self.w, self.b]

    def forward(self, x):
        self.x = x
        return x @ self.w + self.b

    def backward(self, d):
        self.gw, self.gb = self.x.T @ d, d.sum(0)
        return d @ self.w.T

    def grads(self):
        return [self.gw, self.gb]


class Net:
    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.stem, self.dw = Conv(rng, 1, 16, 3), Conv(rng, 16, 16, 3, groups=16)
        self.pw, self.conv3 = Conv(rng, 16, 16, 1), Conv(rng, 16, 24, 3)
        self.fc = Dense(rng, 24, 10)
        self.r1, self.r2, self.r3, self.pool, self.hs = Relu(), Relu(), Relu(), MaxPool2(), HardSwish()
        self.layers = [self.stem, self.dw, self.pw, self.conv3, self.fc]

    def forward(self, x):
        s = self.r1.forward(self.stem.forward(x))
        y = self.pw.forward(self.r2.forward(self.dw.forward(s)))
        y = self.pool.forward(self.r3.forward(y + s))
        y = self.hs.forward(self.conv3.forward(y))
        self.gap_shape = y.shape
        return self.fc.forward(y.mean(axis=(2, 3)))

    def backward(self, d):
        d = self.fc.backward(d)
        n, c, h, w = self.gap_shape
        d = np.broadcast_to(d[:, :, None, None] / (h * w), self.gap_shape)
        d = self.conv3.backward(self.hs.backward(d))
        d = self.r3.backward(self.pool.backward(d))
        ds = d.copy()
        d = self.dw.backward(self.r2.backward(self.pw.backward(d)))
        self.stem.backward(self.r1.backward(d + ds))

    def params(self):
        return [p for l in self.layers for p in l.params()]

    def grads(self):
        return [g for l in self.layers for g in l.grads()]


# ----------------------------------------------------------------------------- training


def split():
    d = load_digits()
    x = (d.images / 16.0).astype(np.float64)[:, None]
    return train_test_split(x, d.target, test_size=0.25, stratify=d.target, random_state=0)


def shift(x, rng):
    out = np.zeros_like(x)
    for i, (dy, dx) in enumerate(rng.integers(-1, 2, size=(len(x), 2))):
        out[i] = np.roll(np.roll(x[i], dy, axis=1), dx, axis=2)
        if dy > 0:
            out[i, :, :dy] = 0
        elif dy < 0:
            out[i, :, dy:] = 0
        if dx > 0:
            out[i, :, :, :dx] = 0
        elif dx < 0:
            out[i, :, :, dx:] = 0
    return out


def train(epochs=40, batch=32, lr=3e-3, seed=0):
    xtr, xte, ytr, yte = split()
    net, rng = Net(seed), np.random.default_rng(seed)
    params = net.params()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    steps, t = epochs * int(np.ceil(len(xtr) / batch)), 0
    for epoch in range(epochs):
        order = rng.permutation(len(xtr))
        xs = shift(xtr, rng) if epoch < epochs - 5 else xtr
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            logits = net.forward(xs[idx])
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(idx)), ytr[idx]] -= 1.0
            net.backward(p / len(idx))
            t += 1
            rate = lr * 0.5 * (1 + np.cos(np.pi * t / steps))
            for j, (w, g) in enumerate(zip(params, net.grads())):
                m[j] = 0.9 * m[j] + 0.1 * g
                v[j] = 0.999 * v[j] + 0.001 * g * g
                w -= rate * (m[j] / (1 - 0.9 ** t)) / (np.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8)
        if epoch % 10 == 9:
            acc = np.mean(net.forward(xte).argmax(1) == yte)
            print(f"epoch {epoch + 1}: held-out top-1 {acc:.4f} (progress only; nothing is selected on it)")
    return net, (xtr, xte, ytr, yte)


# ----------------------------------------------------------------------------- export


def export(net: Net) -> onnx.ModelProto:
    f32 = lambda a: a.astype(np.float32)  # noqa: E731
    inits = [numpy_helper.from_array(f32(a), n) for n, a in [
        ("stem.W", net.stem.w), ("stem.B", net.stem.b), ("dw.W", net.dw.w), ("dw.B", net.dw.b),
        ("pw.W", net.pw.w), ("pw.B", net.pw.b), ("conv3.W", net.conv3.w), ("conv3.B", net.conv3.b),
        ("fc.W", net.fc.w), ("fc.B", net.fc.b)]]
    conv = lambda name, i, w, b, o, k, g=1: helper.make_node(  # noqa: E731
        "Conv", [i, w, b], [o], name=name, kernel_shape=[k, k], pads=[k // 2] * 4, group=g)
    nodes = [
        conv("stem", "input", "stem.W", "stem.B", "stem_out", 3),
        helper.make_node("Relu", ["stem_out"], ["stem_relu_out"], name="stem_relu"),
        conv("dw", "stem_relu_out", "dw.W", "dw.B", "dw_out", 3, 16),
        helper.make_node("Relu", ["dw_out"], ["dw_relu_out"], name="dw_relu"),
        conv("pw", "dw_relu_out", "pw.W", "pw.B", "pw_out", 1),
        helper.make_node("Add", ["pw_out", "stem_relu_out"], ["res_out"], name="res"),
        helper.make_node("Relu", ["res_out"], ["res_relu_out"], name="res_relu"),
        helper.make_node("MaxPool", ["res_relu_out"], ["pool_out"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        conv("conv3", "pool_out", "conv3.W", "conv3.B", "conv3_out", 3),
        helper.make_node("HardSwish", ["conv3_out"], ["hswish_out"], name="hswish"),
        helper.make_node("GlobalAveragePool", ["hswish_out"], ["gap_out"], name="gap"),
        helper.make_node("Flatten", ["gap_out"], ["flat_out"], name="flatten"),
        helper.make_node("Gemm", ["flat_out", "fc.W", "fc.B"], ["logits"], name="fc"),
    ]
    graph = helper.make_graph(nodes, "digits_resnet",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="npu-bench")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return onnx.shape_inference.infer_shapes(model, strict_mode=True)


def main() -> None:
    net, (xtr, xte, ytr, yte) = train()
    model = export(net)
    OUT.mkdir(parents=True, exist_ok=True)
    onnx.save(model, OUT / "model.onnx")
    np.savez(OUT / "test.npz", x=xte.astype(np.float32), y=yte.astype(np.int64))
    (OUT / "calib").mkdir(exist_ok=True)
    for c in range(8):
        i = int(np.flatnonzero(ytr == c)[0])
        np.savez(OUT / "calib" / f"calib_{c:02d}.npz", input=xtr[i:i + 1].astype(np.float32))
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = np.concatenate([sess.run(None, {"input": x[None].astype(np.float32)})[0] for x in xte])
    ref = net.forward(xte)
    print(f"onnxruntime top-1 {np.mean(got.argmax(1) == yte):.4f}, max |onnx - numpy| {np.abs(got - ref).max():.2e}")


if __name__ == "__main__":
    main()
