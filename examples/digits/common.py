"""Shared helpers for the bundled digits example models.

Everything here depends only on numpy and scikit-learn (whose bundled
``load_digits`` dataset is the data source; nothing is downloaded).

It provides:

* :func:`load_split` -- the one stratified train/test split both models use;
* a tiny reverse-mode autodiff over numpy arrays (:class:`Tensor` and the op
  functions below) with exactly the ops the two training scripts need;
* :class:`Adam`, a plain Adam optimizer.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erf as _erf

SEED = 0
TEST_SIZE = 0.25


def load_split():
    """Return (x_train, y_train, x_test, y_test, idx_train, idx_test).

    ``x_*`` are float32 images in [0, 1] of shape [N, 8, 8]; ``y_*`` int64.
    The split is stratified, 25% held out, with a fixed random_state, so every
    script sees the same indices.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    idx = np.arange(len(y))
    idx_tr, idx_te = train_test_split(
        idx, test_size=TEST_SIZE, stratify=y, random_state=SEED
    )
    idx_tr = np.sort(idx_tr)
    idx_te = np.sort(idx_te)
    return x[idx_tr], y[idx_tr], x[idx_te], y[idx_te], idx_tr, idx_te


def shift_augment(x, rng):
    """Randomly translate each image by -1..1 pixels (zero fill)."""
    out = np.zeros_like(x)
    dy = rng.integers(-1, 2, size=len(x))
    dx = rng.integers(-1, 2, size=len(x))
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for i in range(len(x)):
        out[i] = xp[i, :, 1 + dy[i] : 9 + dy[i], 1 + dx[i] : 9 + dx[i]]
    return out


# --------------------------------------------------------------------------
# Tiny reverse-mode autodiff
# --------------------------------------------------------------------------


class Tensor:
    """A numpy array plus the closure that propagates its gradient."""

    def __init__(self, data, parents=(), backward=None, requires_grad=False):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = None
        self.parents = parents
        self._backward = backward
        self.requires_grad = requires_grad or any(p.requires_grad for p in parents)

    @property
    def shape(self):
        return self.data.shape

    def _acc(self, g):
        if not self.requires_grad:
            return
        self.grad = g if self.grad is None else self.grad + g

    def backward(self):
        order, seen = [], set()

        def visit(t):
            if id(t) in seen:
                return
            seen.add(id(t))
            for p in t.parents:
                visit(p)
            order.append(t)

        visit(self)
        self.grad = np.ones_like(self.data)
        for t in reversed(order):
            if t._backward is not None and t.grad is not None:
                t._backward(t.grad)

    # operator sugar
    def __add__(self, o):
        return add(self, o)

    def __mul__(self, o):
        return mul(self, o)

    def __matmul__(self, o):
        return matmul(self, o)


def param(arr):
    return Tensor(arr, requires_grad=True)


def _unbroadcast(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, s in enumerate(shape):
        if s == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def add(a, b):
    a, b = _t(a), _t(b)
    out = Tensor(a.data + b.data, (a, b))

    def bw(g):
        a._acc(_unbroadcast(g, a.shape))
        b._acc(_unbroadcast(g, b.shape))

    out._backward = bw
    return out


def mul(a, b):
    a, b = _t(a), _t(b)
    out = Tensor(a.data * b.data, (a, b))

    def bw(g):
        a._acc(_unbroadcast(g * b.data, a.shape))
        b._acc(_unbroadcast(g * a.data, b.shape))

    out._backward = bw
    return out


def matmul(a, b):
    a, b = _t(a), _t(b)
    out = Tensor(np.matmul(a.data, b.data), (a, b))

    def bw(g):
        a._acc(_unbroadcast(np.matmul(g, np.swapaxes(b.data, -1, -2)), a.shape))
        b._acc(_unbroadcast(np.matmul(np.swapaxes(a.data, -1, -2), g), b.shape))

    out._backward = bw
    return out


def relu(x):
    mask = x.data > 0
    out = Tensor(x.data * mask, (x,))
    out._backward = lambda g: x._acc(g * mask)
    return out


def gelu(x):
    """Exact (erf) GELU: 0.5 * x * (1 + erf(x / sqrt(2)))."""
    cdf = 0.5 * (1.0 + _erf(x.data / np.sqrt(2.0)))
    out = Tensor(x.data * cdf, (x,))
    pdf = np.exp(-0.5 * x.data**2) / np.sqrt(2.0 * np.pi)
    out._backward = lambda g: x._acc(g * (cdf + x.data * pdf))
    return out


def reshape(x, shape):
    out = Tensor(x.data.reshape(shape), (x,))
    out._backward = lambda g: x._acc(g.reshape(x.shape))
    return out


def transpose(x, perm):
    inv = np.argsort(perm)
    out = Tensor(x.data.transpose(perm), (x,))
    out._backward = lambda g: x._acc(g.transpose(inv))
    return out


def mean(x, axis):
    n = x.shape[axis]
    out = Tensor(x.data.mean(axis=axis), (x,))
    out._backward = lambda g: x._acc(
        np.broadcast_to(np.expand_dims(g, axis), x.shape) / n
    )
    return out


def softmax(x, axis=-1):
    e = np.exp(x.data - x.data.max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)
    out = Tensor(y, (x,))
    out._backward = lambda g: x._acc(y * (g - (g * y).sum(axis=axis, keepdims=True)))
    return out


def layernorm(x, gamma, beta, eps=1e-5):
    """LayerNormalization over the last axis (ONNX axis=-1)."""
    mu = x.data.mean(axis=-1, keepdims=True)
    xc = x.data - mu
    var = (xc**2).mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    xhat = xc * rstd
    out = Tensor(xhat * gamma.data + beta.data, (x, gamma, beta))

    def bw(g):
        gamma._acc(_unbroadcast(g * xhat, gamma.shape))
        beta._acc(_unbroadcast(g, beta.shape))
        gx = g * gamma.data
        n = x.shape[-1]
        dx = (
            rstd
            / n
            * (
                n * gx
                - gx.sum(axis=-1, keepdims=True)
                - xhat * (gx * xhat).sum(axis=-1, keepdims=True)
            )
        )
        x._acc(dx)

    out._backward = bw
    return out


def _im2col(xp, kh, kw, h, w):
    """xp: padded [B, C, H+kh-1, W+kw-1] -> cols [B, C*kh*kw, H*W]."""
    b, c = xp.shape[:2]
    cols = np.empty((b, c, kh * kw, h * w), dtype=xp.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i * kw + j, :] = xp[:, :, i : i + h, j : j + w].reshape(b, c, -1)
    return cols.reshape(b, c * kh * kw, h * w)


def conv2d(x, w, bias, pad=1):
    """'Same' stride-1 convolution (NCHW, OIHW) via im2col."""
    b, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x.data, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = _im2col(xp, kh, kw, h, wd)  # [B, C*9, HW]
    wm = w.data.reshape(o, -1)
    y = np.matmul(wm, cols) + bias.data[None, :, None]
    out = Tensor(y.reshape(b, o, h, wd), (x, w, bias))

    def bw(g):
        g2 = g.reshape(b, o, h * wd)
        bias._acc(g2.sum(axis=(0, 2)))
        w._acc(np.einsum("boh,bkh->ok", g2, cols).reshape(w.shape))
        if x.requires_grad:
            dcols = np.matmul(wm.T, g2).reshape(b, c, kh * kw, h, wd)
            dxp = np.zeros_like(xp)
            for i in range(kh):
                for j in range(kw):
                    dxp[:, :, i : i + h, j : j + wd] += dcols[:, :, i * kw + j]
            x._acc(dxp[:, :, pad : pad + h, pad : pad + wd])

    out._backward = bw
    return out


def maxpool2x2(x):
    b, c, h, w = x.shape
    blocks = x.data.reshape(b, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5)
    blocks = blocks.reshape(b, c, h // 2, w // 2, 4)
    arg = blocks.argmax(axis=-1)
    y = np.take_along_axis(blocks, arg[..., None], axis=-1)[..., 0]
    out = Tensor(y, (x,))

    def bw(g):
        d = np.zeros_like(blocks)
        np.put_along_axis(d, arg[..., None], g[..., None], axis=-1)
        d = d.reshape(b, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
        x._acc(d.reshape(b, c, h, w))

    out._backward = bw
    return out


def batchnorm2d(x, gamma, beta, state, train, momentum=0.1, eps=1e-5):
    """BatchNormalization over (N, H, W) per channel.

    ``state`` holds running 'mean' / 'var' arrays (PyTorch convention:
    running var uses the unbiased batch variance). In eval mode the running
    statistics are used, exactly like ONNX BatchNormalization (training_mode=0).
    """
    if not train:
        scale = gamma.data / np.sqrt(state["var"] + eps)
        shift = beta.data - state["mean"] * scale
        y = x.data * scale[None, :, None, None] + shift[None, :, None, None]
        return Tensor(y)
    axes = (0, 2, 3)
    n = x.data.size // x.shape[1]
    mu = x.data.mean(axis=axes, keepdims=True)
    xc = x.data - mu
    var = (xc**2).mean(axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    xhat = xc * rstd
    state["mean"] = (1 - momentum) * state["mean"] + momentum * mu.ravel()
    state["var"] = (1 - momentum) * state["var"] + momentum * var.ravel() * n / (n - 1)
    gm = gamma.data[None, :, None, None]
    out = Tensor(xhat * gm + beta.data[None, :, None, None], (x, gamma, beta))

    def bw(g):
        gamma._acc((g * xhat).sum(axis=axes))
        beta._acc(g.sum(axis=axes))
        gx = g * gm
        dx = (
            rstd
            / n
            * (
                n * gx
                - gx.sum(axis=axes, keepdims=True)
                - xhat * (gx * xhat).sum(axis=axes, keepdims=True)
            )
        )
        x._acc(dx)

    out._backward = bw
    return out


def cross_entropy(logits, y):
    """Mean softmax cross-entropy of logits [B, K] against int labels [B]."""
    z = logits.data - logits.data.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    b = len(y)
    loss = -logp[np.arange(b), y].mean()
    out = Tensor(loss, (logits,))

    def bw(g):
        p = np.exp(logp)
        p[np.arange(b), y] -= 1.0
        logits._acc(g * p / b)

    out._backward = bw
    return out


class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params = params
        self.lr = lr
        self.b1, self.b2 = betas
        self.eps = eps
        self.wd = weight_decay
        self.m = [np.zeros_like(p.data) for p in params]
        self.v = [np.zeros_like(p.data) for p in params]
        self.t = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            g = p.grad
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            mh = m / (1 - self.b1**self.t)
            vh = v / (1 - self.b2**self.t)
            if self.wd and p.data.ndim > 1:  # decoupled decay on weights only
                p.data -= self.lr * self.wd * p.data
            p.data -= self.lr * mh / (np.sqrt(vh) + self.eps)


def gradcheck(fn, params, n=5, h=1e-6, seed=0):
    """Finite-difference check of d fn() / d params; returns max rel. error."""
    rng = np.random.default_rng(seed)
    for p in params:
        p.grad = None
    loss = fn()
    loss.backward()
    worst = 0.0
    for p in params:
        g = p.grad.copy()
        for _ in range(n):
            i = tuple(rng.integers(0, s) for s in p.shape)
            old = p.data[i]
            p.data[i] = old + h
            lp = float(fn().data)
            p.data[i] = old - h
            lm = float(fn().data)
            p.data[i] = old
            num = (lp - lm) / (2 * h)
            worst = max(worst, abs(num - g[i]) / max(1e-8, abs(num) + abs(g[i])))
    return worst
