#!/usr/bin/env python3
"""Train the bundled tiny transformer-encoder digits classifier (numpy only).

Data: scikit-learn's bundled ``load_digits``, pixels scaled to [0, 1], the
same stratified 25% held-out split as the CNN (``common.load_split``). Each
8x8 image is read as a sequence of 8 tokens (its rows), each of dim 8.

Architecture (static batch 1 in the exported model, d=32, 2 heads of 16,
pre-LayerNorm blocks, MLP hidden 64)::

    input [1,8,8]
    embed     MatMul [8,32] + Add bias + Add learned positional [1,8,32]
    2 x block:
      ln1     LayerNormalization(axis=-1)
      attn    q/k/v: MatMul + Add; Reshape [1,8,2,16]; Transpose;
              scores = MatMul(q, k^T) / 4 (Div); Softmax(axis=-1);
              MatMul(., v); Transpose; Reshape [1,8,32]; out MatMul + Add
      add     residual Add
      ln2     LayerNormalization
      mlp     MatMul [32,64] + Add; GELU as PyTorch exports it
              (Div by sqrt(2), Erf, Add 1, Mul x, Mul 0.5);
              MatMul [64,32] + Add
      add     residual Add
    ln_f      LayerNormalization
    pool      ReduceMean(axes=[1], keepdims=0)     -> [1,32]
    head      MatMul [32,10] + Add                 -> logits [1,10]

Training: the tiny numpy reverse-mode autodiff in ``common.py``, Adam with
linear warm-up + cosine decay, light weight decay, random +-1 pixel shift
augmentation, fixed seeds; deterministic, well under a minute on 2 cores.

Outputs (next to this file):
  digits_transformer.onnx  opset 17, input ``input`` [1,8,8] float32,
                           output ``logits`` [1,10] float32
  digits_test_seq.npz      held-out split: ``x`` float32 [N,8,8], ``y`` int64

Usage: python examples/digits/train_transformer.py
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
T, D_IN, D, HEADS, D_FF, N_CLS = 8, 8, 32, 2, 64, 10
DH = D // HEADS
N_BLOCKS = 2
EPOCHS = 60
BATCH = 32
LR = 2e-3
WARMUP = 200
LN_EPS = 1e-5


def init_params(rng):
    def lin(fan_in, fan_out):
        return C.param(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out)))

    def zeros(*s):
        return C.param(np.zeros(s))

    def ones(*s):
        return C.param(np.ones(s))

    p = {
        "embed.W": lin(D_IN, D),
        "embed.B": zeros(D),
        "pos": C.param(rng.normal(0.0, 0.1, size=(1, T, D))),
    }
    for b in range(N_BLOCKS):
        pre = f"block{b}."
        p.update(
            {
                pre + "ln1.scale": ones(D),
                pre + "ln1.B": zeros(D),
                pre + "q.W": lin(D, D),
                pre + "q.B": zeros(D),
                pre + "k.W": lin(D, D),
                pre + "k.B": zeros(D),
                pre + "v.W": lin(D, D),
                pre + "v.B": zeros(D),
                pre + "o.W": C.param(rng.normal(0.0, 0.5 / np.sqrt(D), size=(D, D))),
                pre + "o.B": zeros(D),
                pre + "ln2.scale": ones(D),
                pre + "ln2.B": zeros(D),
                pre + "fc1.W": lin(D, D_FF),
                pre + "fc1.B": zeros(D_FF),
                pre + "fc2.W": C.param(rng.normal(0.0, 0.5 / np.sqrt(D_FF), size=(D_FF, D))),
                pre + "fc2.B": zeros(D),
            }
        )
    p.update(
        {
            "ln_f.scale": ones(D),
            "ln_f.B": zeros(D),
            "head.W": lin(D, N_CLS),
            "head.B": zeros(N_CLS),
        }
    )
    return p


def forward(p, x):
    """x: float [B,8,8] -> logits Tensor [B,10]."""
    bsz = x.shape[0]
    h = C.add(C.add(C.matmul(C.Tensor(x), p["embed.W"]), p["embed.B"]), p["pos"])
    inv_scale = 1.0 / np.sqrt(DH)
    for b in range(N_BLOCKS):
        pre = f"block{b}."
        a = C.layernorm(h, p[pre + "ln1.scale"], p[pre + "ln1.B"], LN_EPS)

        def proj(n):
            t = C.add(C.matmul(a, p[pre + n + ".W"]), p[pre + n + ".B"])
            return C.reshape(t, (bsz, T, HEADS, DH))

        q = C.transpose(proj("q"), (0, 2, 1, 3))  # [B,H,T,dh]
        kT = C.transpose(proj("k"), (0, 2, 3, 1))  # [B,H,dh,T]
        v = C.transpose(proj("v"), (0, 2, 1, 3))  # [B,H,T,dh]
        att = C.softmax(C.mul(C.matmul(q, kT), inv_scale), axis=-1)
        o = C.transpose(C.matmul(att, v), (0, 2, 1, 3))
        o = C.reshape(o, (bsz, T, D))
        o = C.add(C.matmul(o, p[pre + "o.W"]), p[pre + "o.B"])
        h = C.add(h, o)
        m = C.layernorm(h, p[pre + "ln2.scale"], p[pre + "ln2.B"], LN_EPS)
        m = C.gelu(C.add(C.matmul(m, p[pre + "fc1.W"]), p[pre + "fc1.B"]))
        m = C.add(C.matmul(m, p[pre + "fc2.W"]), p[pre + "fc2.B"])
        h = C.add(h, m)
    h = C.layernorm(h, p["ln_f.scale"], p["ln_f.B"], LN_EPS)
    h = C.mean(h, axis=1)
    return C.add(C.matmul(h, p["head.W"]), p["head.B"])


def predict(p, x, batch=256):
    return np.concatenate([forward(p, x[i : i + batch]).data for i in range(0, len(x), batch)])


def train(x_tr, y_tr, x_te, y_te):
    rng = np.random.default_rng(SEED)
    p = init_params(rng)
    opt = C.Adam(list(p.values()), lr=LR, weight_decay=1e-2)
    steps_per_epoch = int(np.ceil(len(x_tr) / BATCH))
    total = EPOCHS * steps_per_epoch
    step = 0
    for epoch in range(EPOCHS):
        perm = rng.permutation(len(x_tr))
        xa = C.shift_augment(x_tr[:, None], rng)[:, 0] if epoch < EPOCHS - 5 else x_tr
        losses = []
        for s in range(steps_per_epoch):
            idx = perm[s * BATCH : (s + 1) * BATCH]
            warm = min(1.0, (step + 1) / WARMUP)
            opt.lr = LR * warm * 0.5 * (1 + np.cos(np.pi * step / total))
            opt.zero_grad()
            loss = C.cross_entropy(forward(p, xa[idx]), y_tr[idx])
            loss.backward()
            opt.step()
            losses.append(float(loss.data))
            step += 1
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            acc = (predict(p, x_te).argmax(1) == y_te).mean()
            print(f"epoch {epoch + 1:3d}  loss {np.mean(losses):.4f}  test acc {acc:.4f}")
    return p


def build_onnx(p):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = [numpy_helper.from_array(np.asarray(v.data, np.float32), k) for k, v in p.items()]

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    shape_heads = const("shape_heads", np.array([1, T, HEADS, DH], np.int64))
    shape_model = const("shape_model", np.array([1, T, D], np.int64))
    attn_scale = const("attn_scale", np.array(np.sqrt(DH), np.float32))
    sqrt2 = const("gelu_sqrt2", np.array(np.sqrt(2.0), np.float32))
    one = const("gelu_one", np.array(1.0, np.float32))
    half = const("gelu_half", np.array(0.5, np.float32))

    nodes = []

    def node(op, inputs, name, **attrs):
        out = name + "_out"
        nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def linear(x, pre):
        y = node("MatMul", [x, pre + ".W"], pre + "_matmul")
        return node("Add", [y, pre + ".B"], pre + "_add")

    def ln(x, pre):
        return node(
            "LayerNormalization", [x, pre + ".scale", pre + ".B"], pre, axis=-1, epsilon=LN_EPS
        )

    h = linear("input", "embed")
    h = node("Add", [h, "pos"], "pos_add")
    for b in range(N_BLOCKS):
        pre = f"block{b}."
        n = f"block{b}_"
        a = ln(h, pre + "ln1")
        heads = {}
        for t, perm in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])):
            y = linear(a, pre + t)
            y = node("Reshape", [y, shape_heads], n + t + "_reshape")
            heads[t] = node("Transpose", [y], n + t + "_transpose", perm=perm)
        s = node("MatMul", [heads["q"], heads["k"]], n + "attn_scores")
        s = node("Div", [s, attn_scale], n + "attn_scale")
        s = node("Softmax", [s], n + "attn_softmax", axis=-1)
        o = node("MatMul", [s, heads["v"]], n + "attn_context")
        o = node("Transpose", [o], n + "attn_transpose", perm=[0, 2, 1, 3])
        o = node("Reshape", [o, shape_model], n + "attn_reshape")
        o = linear(o, pre + "o")
        h = node("Add", [h, o], n + "residual1")
        m = ln(h, pre + "ln2")
        m = linear(m, pre + "fc1")
        g = node("Div", [m, sqrt2], n + "gelu_div")
        g = node("Erf", [g], n + "gelu_erf")
        g = node("Add", [g, one], n + "gelu_add")
        g = node("Mul", [m, g], n + "gelu_mul")
        g = node("Mul", [g, half], n + "gelu_half")
        m = linear(g, pre + "fc2")
        h = node("Add", [h, m], n + "residual2")
    h = ln(h, "ln_f")
    h = node("ReduceMean", [h], "pool", axes=[1], keepdims=0)
    y = node("MatMul", [h, "head.W"], "head_matmul")
    nodes.append(helper.make_node("Add", [y, "head.B"], ["logits"], name="head_add"))

    graph = helper.make_graph(
        nodes,
        "digits_transformer",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, T, D_IN])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, N_CLS])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17)],
        producer_name="npu-examples",
        doc_string="Digits transformer trained with numpy by "
        "examples/digits/train_transformer.py",
    )
    model.ir_version = 8
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    return model


def main():
    t0 = time.time()
    x_tr, y_tr, x_te, y_te, idx_tr, idx_te = C.load_split()
    print(f"train {len(x_tr)}  test {len(x_te)}")
    p = train(x_tr, y_tr, x_te, y_te)
    ref = predict(p, x_te)
    acc = (ref.argmax(1) == y_te).mean()
    print(f"numpy held-out accuracy: {acc:.4f}  ({time.time() - t0:.1f}s)")

    import onnx
    import onnxruntime as ort

    model = build_onnx(p)
    path = os.path.join(HERE, "digits_transformer.onnx")
    onnx.save(model, path)

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = np.concatenate([sess.run(None, {"input": x_te[i : i + 1]})[0] for i in range(len(x_te))])
    err = np.abs(got - ref).max()
    ort_acc = (got.argmax(1) == y_te).mean()
    print(f"onnxruntime held-out accuracy: {ort_acc:.4f}  max |ort - numpy| = {err:.2e}")
    assert err < 1e-3, err

    np.savez_compressed(
        os.path.join(HERE, "digits_test_seq.npz"),
        x=x_te.astype(np.float32),
        y=y_te.astype(np.int64),
        idx=idx_te.astype(np.int64),
    )
    print(f"wrote {path}, digits_test_seq.npz  ({time.time() - t0:.1f}s)")


if __name__ == "__main__":
    main()
