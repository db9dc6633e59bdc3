"""Golden-interpreter kernels of the recurrent ops: npu_tensor.lstm, gru, rnn.

ONNX semantics (opset 14+ incl. `layout`), computed in float64 and rounded
once to the result dtype. Directions: forward, reverse, bidirectional (the
reverse pass of a batch entry starts at its own sequence_lens[b] - 1). Entries
of Y past a sequence's length are zero; Y_h / Y_c hold the state after the
last valid step. The input projection X @ W^T + biases is one matmul over all
time steps; the loop runs over time steps only (vectorized over the batch).
Gate pre-activations are clipped to [-clip, clip] (clip = inf: no clipping).

Operands (absent optional ones are None): lstm(X, W, R, B, sequence_lens,
initial_h, initial_c, P), gru/rnn(X, W, R, B, sequence_lens, initial_h).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from npu.errors import NpuError
from npu.interp.registry import kernel

# (function, default alpha, default beta); alpha/beta None = the activation takes none.
_ACTIVATIONS: dict[str, tuple[Callable, float | None, float | None]] = {
    "relu": (lambda x, a, b: np.maximum(x, 0.0), None, None),
    "tanh": (lambda x, a, b: np.tanh(x), None, None),
    "sigmoid": (lambda x, a, b: 0.5 * (1.0 + np.tanh(0.5 * x)), None, None),
    "affine": (lambda x, a, b: a * x + b, 1.0, 0.0),
    "leakyrelu": (lambda x, a, b: np.where(x >= 0, x, a * x), 0.01, None),
    "thresholdedrelu": (lambda x, a, b: np.where(x > a, x, 0.0), 1.0, None),
    "scaledtanh": (lambda x, a, b: a * np.tanh(b * x), 1.0, 1.0),
    "hardsigmoid": (lambda x, a, b: np.clip(a * x + b, 0.0, 1.0), 0.2, 0.5),
    "elu": (lambda x, a, b: np.where(x >= 0, x, a * (np.exp(np.minimum(x, 0.0)) - 1.0)), 1.0, None),
    "softsign": (lambda x, a, b: x / (1.0 + np.abs(x)), None, None),
    "softplus": (lambda x, a, b: np.logaddexp(0.0, x), None, None),
}


ACTIVATION_NAMES = frozenset(_ACTIVATIONS)  # lower-case ONNX names


def activation_functions(names: list[str], alphas: list[float], betas: list[float]) -> list[Callable]:
    """Bind each activation to its alpha/beta; the lists are consumed in order by
    the activations that take the parameter (onnxruntime's reading of the spec)."""
    fns = []
    ai = bi = 0
    for name in names:
        key = name.lower()
        if key not in _ACTIVATIONS:
            raise NpuError(f"unsupported RNN activation '{name}'")
        fn, da, db = _ACTIVATIONS[key]
        a = b = 0.0
        if da is not None:
            a = alphas[ai] if ai < len(alphas) else da
            ai += 1
        if db is not None:
            b = betas[bi] if bi < len(betas) else db
            bi += 1
        fns.append(lambda x, fn=fn, a=a, b=b: fn(x, a, b))
    return fns


def _directions(direction: str) -> list[bool]:
    """Per direction index: whether it runs in reverse."""
    return {"forward": [False], "reverse": [True], "bidirectional": [False, True]}[direction]


def _time_index(step: int, lens: np.ndarray, reverse: bool, seq: int) -> tuple[np.ndarray, np.ndarray]:
    """Per batch entry: the time index processed at `step` and whether it is valid."""
    valid = step < lens
    t = (lens - 1 - step) if reverse else np.full(lens.shape, step)
    return np.clip(t, 0, seq - 1), valid


def run_recurrence(
    x: np.ndarray,
    lens: np.ndarray,
    reverse: bool,
    state0: list[np.ndarray],
    step_fn: Callable,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Drive `step_fn(x_t, states) -> new states (first = h)` over time.

    x: [seq, batch, gates] projected inputs. Returns Y [seq, batch, H] and final states.
    """
    seq, batch = x.shape[:2]
    hidden = state0[0].shape[-1]
    y = np.zeros((seq, batch, hidden))
    states = [s.copy() for s in state0]
    rows = np.arange(batch)
    for step in range(seq):
        t, valid = _time_index(step, lens, reverse, seq)
        new = step_fn(x[t, rows], states)
        v = valid[:, None]
        states = [np.where(v, n, s) for n, s in zip(new, states)]
        y[t[valid], rows[valid]] = new[0][valid]
    return y, states


def _common(inputs: list, attrs: dict, n_gates: int, n_states: int):
    """Unpack X/W/R/B/sequence_lens/initial states into time-major float64 arrays."""
    x, w, r, b, lens = (list(inputs) + [None] * 5)[:5]
    layout = int(attrs.get("layout", 0))
    x = np.asarray(x, dtype=np.float64)
    if layout:
        x = x.transpose(1, 0, 2)
    seq, batch = x.shape[:2]
    hidden = int(attrs["hidden_size"])
    dirs = w.shape[0]
    w = np.asarray(w, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    b = np.zeros((dirs, 2 * n_gates * hidden)) if b is None else np.asarray(b, dtype=np.float64)
    lens = np.full(batch, seq, dtype=np.int64) if lens is None else np.asarray(lens, dtype=np.int64).reshape(batch)
    initial = (list(inputs) + [None] * 8)[5 : 5 + n_states]  # initial_h (, initial_c)
    states = []
    for s in initial:
        if s is None:
            states.append(np.zeros((dirs, batch, hidden)))
        else:
            s = np.asarray(s, dtype=np.float64)
            states.append(s.transpose(1, 0, 2) if layout else s)
    return x, w, r, b, lens, states, layout, hidden, dirs


def _outputs(ys: list[np.ndarray], finals: list[list[np.ndarray]], layout: int, results) -> list[np.ndarray]:
    y = np.stack(ys, axis=1)  # [seq, dirs, batch, H]
    if layout:
        y = y.transpose(2, 0, 1, 3)  # [batch, seq, dirs, H]
    outs = [y]
    for k in range(len(finals[0])):
        s = np.stack([f[k] for f in finals], axis=0)  # [dirs, batch, H]
        outs.append(s.transpose(1, 0, 2) if layout else s)
    return [o.astype(spec.dtype).reshape(spec.shape) for o, spec in zip(outs, results)]


def _clipper(attrs: dict) -> Callable:
    clip = float(attrs.get("clip", np.inf))
    if not np.isfinite(clip):
        return lambda v: v
    return lambda v: np.clip(v, -clip, clip)


@kernel("npu_tensor.lstm")
def _lstm_kernel(inputs, attrs, results):
    """LSTM, gates in ONNX order i, o, f, c; peepholes P = [Pi, Po, Pf]."""
    x, w, r, b, lens, (h0, c0), layout, hid, dirs = _common(inputs, attrs, 4, 2)
    p = inputs[7] if len(inputs) > 7 else None
    p = np.zeros((dirs, 3 * hid)) if p is None else np.asarray(p, dtype=np.float64)
    acts = activation_functions(
        list(attrs.get("activations") or ["Sigmoid", "Tanh", "Tanh"] * dirs),
        list(attrs.get("activation_alpha") or []),
        list(attrs.get("activation_beta") or []),
    )
    clip = _clipper(attrs)
    coupled = int(attrs.get("input_forget", 0))
    ys, finals = [], []
    for d, reverse in enumerate(_directions(attrs.get("direction", "forward"))):
        f, g, h = acts[3 * d : 3 * d + 3]
        proj = x @ w[d].T + b[d, : 4 * hid] + b[d, 4 * hid :]  # [seq, batch, 4H]
        rt = r[d].T
        pi, po, pf = p[d, :hid], p[d, hid : 2 * hid], p[d, 2 * hid :]

        def step(xt, states, rt=rt, f=f, g=g, h=h, pi=pi, po=po, pf=pf):
            hp, cp = states
            gates = xt + hp @ rt
            gi, go, gf, gc = (gates[:, k * hid : (k + 1) * hid] for k in range(4))
            i = f(clip(gi + pi * cp))
            fg = 1.0 - i if coupled else f(clip(gf + pf * cp))
            c = fg * cp + i * g(clip(gc))
            o = f(clip(go + po * c))
            return [o * h(c), c]

        y, fin = run_recurrence(proj, lens, reverse, [h0[d], c0[d]], step)
        ys.append(y)
        finals.append(fin)
    return _outputs(ys, finals, layout, results)


@kernel("npu_tensor.gru")
def _gru_kernel(inputs, attrs, results):
    """GRU, gates in ONNX order z, r, h; linear_before_reset selects where r applies."""
    x, w, r, b, lens, (h0,), layout, hid, dirs = _common(inputs, attrs, 3, 1)
    acts = activation_functions(
        list(attrs.get("activations") or ["Sigmoid", "Tanh"] * dirs),
        list(attrs.get("activation_alpha") or []),
        list(attrs.get("activation_beta") or []),
    )
    clip = _clipper(attrs)
    lbr = int(attrs.get("linear_before_reset", 0))
    ys, finals = [], []
    for d, reverse in enumerate(_directions(attrs.get("direction", "forward"))):
        f, g = acts[2 * d : 2 * d + 2]
        wb, rb = b[d, : 3 * hid], b[d, 3 * hid :]
        proj = x @ w[d].T + wb  # [seq, batch, 3H]
        rz_rr = r[d, : 2 * hid].T
        rh = r[d, 2 * hid :].T

        def step(xt, states, rz_rr=rz_rr, rh=rh, rb=rb, f=f, g=g):
            (hp,) = states
            zr = xt[:, : 2 * hid] + hp @ rz_rr + rb[: 2 * hid]
            z = f(clip(zr[:, :hid]))
            rr = f(clip(zr[:, hid:]))
            if lbr:
                hh = g(clip(xt[:, 2 * hid :] + rr * (hp @ rh + rb[2 * hid :])))
            else:
                hh = g(clip(xt[:, 2 * hid :] + (rr * hp) @ rh + rb[2 * hid :]))
            return [(1.0 - z) * hh + z * hp]

        y, fin = run_recurrence(proj, lens, reverse, [h0[d]], step)
        ys.append(y)
        finals.append(fin)
    return _outputs(ys, finals, layout, results)


@kernel("npu_tensor.rnn")
def _rnn_kernel(inputs, attrs, results):
    """Simple RNN: H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb)."""
    x, w, r, b, lens, (h0,), layout, hid, dirs = _common(inputs, attrs, 1, 1)
    acts = activation_functions(
        list(attrs.get("activations") or ["Tanh"] * dirs),
        list(attrs.get("activation_alpha") or []),
        list(attrs.get("activation_beta") or []),
    )
    clip = _clipper(attrs)
    ys, finals = [], []
    for d, reverse in enumerate(_directions(attrs.get("direction", "forward"))):
        proj = x @ w[d].T + b[d, :hid] + b[d, hid:]
        rt = r[d].T

        def step(xt, states, rt=rt, f=acts[d]):
            return [f(clip(xt + states[0] @ rt))]

        y, fin = run_recurrence(proj, lens, reverse, [h0[d]], step)
        ys.append(y)
        finals.append(fin)
    return _outputs(ys, finals, layout, results)
