"""Decompositions of the recurrent ops npu_tensor.lstm, npu_tensor.gru and npu_tensor.rnn.

ONNX semantics as the golden kernels (npu.interp.kernels_rnn): directions
forward / reverse / bidirectional, layout 0 / 1, optional B, initial_h,
initial_c, peepholes P, sequence_lens, clip, input_forget (LSTM),
linear_before_reset (GRU) and every activation of ACTIVATION_NAMES with its
alpha / beta. The recurrence is unrolled over the static sequence length:

- one matmul of all time steps of X with [W_0^T | W_1^T] (both directions)
  plus the folded biases (Wb + Rb; for GRU with linear_before_reset the
  recurrent bias of the h gate stays inside r * (...));
- per step and direction: a slice of that projection, a matmul of h with R^T,
  adds, clip, gate activations and muls exactly as the golden step function;
- Y is the concat of the steps' h (zeros past a sequence's length), Y_h / Y_c
  the concat of the final states. Constant W, R, B, P and initial states are
  transposed / split / summed with numpy at compile time; runtime ones with
  transpose / slice / reshape / add ops.

Activations: relu, tanh, sigmoid are ops; affine = a*x+b, leakyrelu =
leaky_relu, scaledtanh = a*tanh(b*x), hardsigmoid = clip(a*x+b, 0, 1),
elu = relu(x) + a*(exp(min(x, 0)) - 1), softsign = x / (1 + |x|),
softplus = relu(x) + log(1 + exp(-|x|)), thresholdedrelu = x * [x > a] with the
indicator clip((x - a') * 2^e * 2^e, 0, 1) (exact: a nonzero difference of
two floats times 2^(2e) is >= 1; a' is alpha rounded down to the element type
so that x > a' iff x > alpha). An unknown activation name is refused.

sequence_lens: absent, or a constant equal to the sequence length: no-op. A
constant with one value L < seq: L steps, the rest of Y zero. Otherwise
(constant with differing values, or a runtime tensor) exact masking with 0/1
masks m = clip(len - s, 0, 1): state = m*new + (1-m)*old, Y_s = m*new (exact
for finite values); the reverse direction gathers x[len_b - 1 - s] and
scatters Y back with 0/1 one-hot weights clip(1 - |len_b - 1 - s - t|, 0, 1)
and a reduce_sum over time (one nonzero term: exact). Runtime lengths must be
in [0, seq] as ONNX requires (not checked at run time); constant ones out of
that range are refused. Non-float element types are refused.

Float error: the golden kernel computes in float64 and rounds once; here
every op rounds to the element type and the dot products run in another
order, so each step's pre-activations differ by about (I + H + 3) * u *
sum|terms| (u = 2^-24 for f32), and the recurrence carries that on. With
saturating activations (the defaults; Sigmoid, Tanh, HardSigmoid, Softsign,
ScaledTanh) it stays at that level. Measured on 450 random instances (N(0, 1)
data, weights N(0, 0.25), I, H <= 32, seq <= 10, batch <= 4, all options):
per output max |after - before| <= 4.3e-7 * (1 + max|before|). Unbounded
activations (Relu, Affine, Elu, LeakyRelu, Softplus, ThresholdedRelu) let the
state grow and amplify the f32 rounding as the recurrence amplifies any
perturbation: up to 1.6e-5 * (1 + max|before|) measured (LSTM, Affine gates,
seq 10). The tests assert 4e-6 * (1 + max|before|) on their instances
(seq 5, I 3, H 4) and on level 4 (measured there <= 2.4e-7 absolute).
f16 runs the same ops, each rounding to f16 (bf16 too, untested): measured 4.9e-4
(f16, bidirectional defaults, values ~1), tested within 4 * 2^-11 * (1 + max|y|).
ThresholdedRelu's step can flip where a pre-activation lies within that
error of alpha (the function itself is exact).
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.errors import NpuError
from npu.interp.kernels_rnn import _ACTIVATIONS  # one source for the activations' default alpha / beta
from npu.ir import dtypes
from npu.ir.attrs import from_attr

_OPERANDS = {
    "lstm": ("x", "w", "r", "b", "sequence_lens", "initial_h", "initial_c", "p"),
    "gru": ("x", "w", "r", "b", "sequence_lens", "initial_h"),
    "rnn": ("x", "w", "r", "b", "sequence_lens", "initial_h"),
}
_GATES = {"lstm": 4, "gru": 3, "rnn": 1}
_DEFAULT_ACTS = {"lstm": ["Sigmoid", "Tanh", "Tanh"], "gru": ["Sigmoid", "Tanh"], "rnn": ["Tanh"]}
_DIRECTIONS = {"forward": [False], "reverse": [True], "bidirectional": [False, True]}


def _operands(op: ir.Operation, names: tuple[str, ...]) -> dict[str, ir.Value | None]:
    values = list(op.operands)
    if "operandSegmentSizes" in op.attributes:
        sizes = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
    else:
        sizes = [1] * len(values) + [0] * (len(names) - len(values))
    out, i = {}, 0
    for name, size in zip(names, sizes):
        out[name] = values[i] if size else None
        i += size
    return out


def _attr(op: ir.Operation, name: str, default):
    if name not in op.attributes:
        return default
    value = from_attr(op.attributes[name])
    return default if value is None else value


class _Emit:
    """Elementwise helpers over values of one float element type; None stands for an all-zero tensor."""

    def __init__(self, b: Builder, elem: ir.Type, np_dtype: np.dtype):
        self.b, self.elem, self.dtype = b, elem, np_dtype
        self._zeros: dict[tuple, ir.Value] = {}

    def const(self, array) -> ir.Value:
        return self.b.const(np.asarray(array, dtype=np.float64), self.elem)

    def zeros(self, shape) -> ir.Value:
        key = tuple(shape)
        if key not in self._zeros:
            self._zeros[key] = self.const(np.zeros(key))
        return self._zeros[key]

    def scalar(self, value: float, rank: int) -> ir.Value:
        key = ("scalar", float(value), rank)
        if key not in self._zeros:
            self._zeros[key] = self.const(np.full((1,) * rank, value))
        return self._zeros[key]

    def ew(self, name: str, *xs: ir.Value, attrs: dict | None = None) -> ir.Value:
        shape = np.broadcast_shapes(*(shape_of(x) for x in xs))
        return self.b.op(f"npu_tensor.{name}", list(xs), shape, self.elem, attrs)

    def add(self, x, y):
        if x is None:
            return y
        if y is None:
            return x
        return self.ew("add", x, y)

    def mul(self, x, y):
        if x is None or y is None:
            return None
        return self.ew("mul", x, y)

    def mul_s(self, x: ir.Value, a: float) -> ir.Value:
        return self.ew("mul", x, self.scalar(a, len(shape_of(x))))

    def add_s(self, x: ir.Value, a: float) -> ir.Value:
        return self.ew("add", x, self.scalar(a, len(shape_of(x))))

    def one_minus(self, x: ir.Value) -> ir.Value:
        return self.ew("sub", self.scalar(1.0, len(shape_of(x))), x)

    def clip(self, x: ir.Value, lo: float, hi: float) -> ir.Value:
        f32 = ir.F32Type.get()
        return self.ew("clip", x, attrs={"min": ir.FloatAttr.get(f32, lo), "max": ir.FloatAttr.get(f32, hi)})

    def matmul(self, a: ir.Value, w: ir.Value) -> ir.Value:
        (m, _), (_, n) = shape_of(a), shape_of(w)
        return self.b.op("npu_tensor.matmul", [a, w], (m, n), self.elem)

    def cols(self, x: ir.Value, start: int, stop: int) -> ir.Value:
        """x[:, start:stop] of a 2-D value."""
        return self.b.slice(x, [1], [start], [stop])

    # ------------------------------------------------------------------ activations
    def activation(self, name: str, alpha: float, beta: float, x: ir.Value) -> ir.Value:
        key = name.lower()
        if key == "relu":
            return self.ew("relu", x)
        if key == "tanh":
            return self.ew("tanh", x)
        if key == "sigmoid":
            return self.ew("sigmoid", x)
        if key == "affine":
            return self.add_s(self.mul_s(x, alpha), beta)
        if key == "leakyrelu":
            return self.ew("leaky_relu", x, attrs={"alpha": ir.FloatAttr.get(ir.F32Type.get(), alpha)})
        if key == "scaledtanh":
            return self.mul_s(self.ew("tanh", self.mul_s(x, beta)), alpha)
        if key == "hardsigmoid":
            return self.clip(self.add_s(self.mul_s(x, alpha), beta), 0.0, 1.0)
        if key == "elu":
            rank = len(shape_of(x))
            neg = self.ew("min", x, self.scalar(0.0, rank))
            return self.ew("add", self.ew("relu", x), self.mul_s(self.ew("sub", self.ew("exp", neg), self.scalar(1.0, rank)), alpha))
        if key == "softsign":
            return self.ew("div", x, self.add_s(self.ew("abs", x), 1.0))
        if key == "softplus":
            tail = self.ew("log", self.add_s(self.ew("exp", self.ew("neg", self.ew("abs", x))), 1.0))
            return self.ew("add", self.ew("relu", x), tail)
        if key == "thresholdedrelu":
            finfo = np.finfo(self.dtype)
            a = self.dtype.type(alpha)
            if float(a) > alpha:  # x > alpha  <=>  x > (alpha rounded down to the element type)
                a = np.nextafter(a, self.dtype.type(-np.inf))
            big = 2.0 ** (finfo.maxexp - 1)
            diff = self.ew("sub", x, self.scalar(float(a), len(shape_of(x))))
            step = self.clip(self.mul_s(self.mul_s(diff, big), big), 0.0, 1.0)
            return self.ew("mul", x, step)
        raise NpuError(f"unsupported RNN activation '{name}'")


def _bind_activations(names: list[str], alphas: list[float], betas: list[float]) -> list[tuple[str, float, float]]:
    """(name, alpha, beta) per activation, consuming the lists as the golden kernel does."""
    out, ai, bi = [], 0, 0
    for name in names:
        key = str(name).lower()
        if key not in _ACTIVATIONS:
            raise NpuError(f"unsupported RNN activation '{name}'")
        _, da, db = _ACTIVATIONS[key]
        a = b = 0.0
        if da is not None:
            a = float(alphas[ai]) if ai < len(alphas) else da
            ai += 1
        if db is not None:
            b = float(betas[bi]) if bi < len(betas) else db
            bi += 1
        out.append((key, a, b))
    return out


class _Recurrence:
    """One recurrent op unrolled; `build()` returns the values replacing its results."""

    def __init__(self, op: ir.Operation, b: Builder, kind: str):
        self.op, self.b, self.kind = op, b, kind
        v = _operands(op, _OPERANDS[kind])
        self.v = v
        elem = b.elem(v["x"])
        try:
            np_dtype = np.dtype(dtypes.numpy_dtype(elem))
        except Exception:
            np_dtype = None
        if np_dtype is None or np_dtype.kind != "f":
            raise NpuError(f"element type {elem} is not a float type")
        self.e = _Emit(b, elem, np_dtype)
        self.layout = int(_attr(op, "layout", 0))
        self.hid = int(_attr(op, "hidden_size", 0))
        self.reverse = _DIRECTIONS[str(_attr(op, "direction", "forward"))]
        self.dirs = len(self.reverse)
        xs = shape_of(v["x"])
        self.seq, self.batch = (xs[1], xs[0]) if self.layout else (xs[0], xs[1])
        self.inp = xs[2]
        self.g = _GATES[kind]
        self.gh = self.g * self.hid
        clip = float(_attr(op, "clip", np.inf))
        self.clip_at = clip if np.isfinite(clip) else None
        per_dir = len(_DEFAULT_ACTS[kind])
        names = list(_attr(op, "activations", []) or _DEFAULT_ACTS[kind] * self.dirs)
        if len(names) < per_dir * self.dirs:
            raise NpuError(f"{per_dir * self.dirs} activations needed, got {len(names)}")
        acts = _bind_activations(names, list(_attr(op, "activation_alpha", []) or []),
                                 list(_attr(op, "activation_beta", []) or []))
        self.acts = [acts[per_dir * d: per_dir * (d + 1)] for d in range(self.dirs)]
        self.time_axis = 1 if self.layout else 0

    # ------------------------------------------------------------------ helpers
    def act(self, spec, x):
        name, a, bb = spec
        return self.e.activation(name, a, bb, x)

    def clip(self, x):
        return x if self.clip_at is None else self.e.clip(x, -self.clip_at, self.clip_at)

    def const_of(self, name):
        value = self.v[name]
        return None if value is None else self.b.constant_value(value)

    def bias_vector(self) -> ir.Value | None:
        """The per-row bias of the projection, [dirs * gh] (None if zero); sets self.rbh for GRU lbr."""
        H, gh, dirs = self.hid, self.gh, self.dirs
        lbr = self.kind == "gru" and int(_attr(self.op, "linear_before_reset", 0))
        self.rbh = [None] * dirs
        bvalue = self.v["b"]
        if bvalue is None:
            return None
        const = self.const_of("b")
        if const is not None:
            const = np.asarray(const, dtype=np.float64).reshape(dirs, 2 * gh)
            wb, rb = const[:, :gh], const[:, gh:].copy()
            if lbr:
                for d in range(dirs):
                    if np.any(rb[d, 2 * H:]):
                        self.rbh[d] = self.e.const(rb[d, 2 * H:].reshape(1, H))
                rb[:, 2 * H:] = 0.0
            total = wb + rb
            return self.e.const(total.reshape(-1)) if np.any(total) else None
        b = self.b
        wb = b.slice(bvalue, [1], [0], [gh])
        if lbr:
            rb = b.slice(bvalue, [1], [gh], [gh + 2 * H])
            rb = b.concat([rb, self.e.zeros((dirs, H))], axis=1)
            for d in range(dirs):
                self.rbh[d] = b.reshape(b.slice(bvalue, [0, 1], [d, gh + 2 * H], [d + 1, 2 * gh]), (1, H))
        else:
            rb = b.slice(bvalue, [1], [gh], [2 * gh])
        return b.reshape(self.e.ew("add", wb, rb), (dirs * gh,))

    def projection(self) -> ir.Value:
        """X @ [W_d^T ...] + biases, shaped [seq, batch, dirs*gh] (layout 0) or [batch, seq, dirs*gh]."""
        b, e = self.b, self.e
        n = self.dirs * self.gh
        wc = self.const_of("w")
        if wc is not None:
            wt = e.const(np.transpose(np.asarray(wc, dtype=np.float64), (2, 0, 1)).reshape(self.inp, n))
        else:
            wt = b.reshape(b.transpose(self.v["w"], (2, 0, 1)), (self.inp, n))
        x2 = b.reshape(self.v["x"], (self.seq * self.batch, self.inp))
        proj = e.add(e.matmul(x2, wt), self.bias_vector())
        lead = (self.batch, self.seq) if self.layout else (self.seq, self.batch)
        return b.reshape(proj, (*lead, n))

    def recurrent_weight(self, d: int, rows: tuple[int, int]) -> ir.Value:
        """R[d, rows]^T: [H, rows]."""
        lo, hi = rows
        rc = self.const_of("r")
        if rc is not None:
            return self.e.const(np.asarray(rc, dtype=np.float64)[d, lo:hi].T)
        b = self.b
        r = b.reshape(b.slice(self.v["r"], [0, 1], [d, lo], [d + 1, hi]), (hi - lo, self.hid))
        return b.transpose(r, (1, 0))

    def peepholes(self, d: int) -> list:
        if self.kind != "lstm" or self.v["p"] is None:
            return [None, None, None]
        H = self.hid
        pc = self.const_of("p")
        if pc is not None:
            pc = np.asarray(pc, dtype=np.float64).reshape(self.dirs, 3 * H)
            return [self.e.const(pc[d, k * H:(k + 1) * H].reshape(1, H)) if np.any(pc[d, k * H:(k + 1) * H]) else None
                    for k in range(3)]
        b = self.b
        return [b.reshape(b.slice(self.v["p"], [0, 1], [d, k * H], [d + 1, (k + 1) * H]), (1, H)) for k in range(3)]

    def initial(self, name: str, d: int):
        value = self.v.get(name)
        if value is None:
            return None
        axis = 1 if self.layout else 0
        c = self.b.constant_value(value)
        if c is not None:
            c = np.take(np.asarray(c, dtype=np.float64), d, axis=axis)
            return self.e.const(c) if np.any(c) else None
        return self.b.reshape(self.b.slice(value, [axis], [d], [d + 1]), (self.batch, self.hid))

    # ------------------------------------------------------------------ sequence lengths
    def lengths(self):
        """('uniform', L) or ('mask', lens array) or ('runtime', lens as float [batch, 1])."""
        value = self.v["sequence_lens"]
        if value is None:
            return "uniform", self.seq
        c = self.b.constant_value(value)
        if c is not None:
            c = np.asarray(c).reshape(-1).astype(np.int64)
            if c.size != self.batch or np.any(c < 0) or np.any(c > self.seq):
                raise NpuError(f"sequence_lens must hold {self.batch} values in [0, {self.seq}], got {c.tolist()}")
            if np.all(c == c[0]):
                return "uniform", int(c[0])
            return "mask", c
        b = self.b
        lens = b.op("npu_tensor.cast", [value], shape_of(value), self.e.elem, {"saturate": 1, "round_mode": "up"})
        return "runtime", b.reshape(lens, (self.batch, 1))

    # ------------------------------------------------------------------ build
    def build(self) -> list[ir.Value]:
        b, e, H, B = self.b, self.e, self.hid, self.batch
        results = list(self.op.results)
        used = [bool(list(r.uses)) for r in results]
        if not any(used):
            return [e.zeros(shape_of(r)) for r in results]
        proj = self.projection()
        mode, lens = self.lengths()
        ys, finals = [], []
        for d, reverse in enumerate(self.reverse):
            y, states = self.direction(proj, d, reverse, mode, lens)
            ys.append(y)
            finals.append(states)
        out = [self.assemble_y(ys) if used[0] else e.zeros(shape_of(results[0]))]
        for k in range(1, len(results)):
            if not used[k]:
                out.append(e.zeros(shape_of(results[k])))
                continue
            parts = [f[k - 1] if f[k - 1] is not None else e.zeros((B, H)) for f in finals]
            shape = (B, 1, H) if self.layout else (1, B, H)
            out.append(b.concat([b.reshape(p, shape) for p in parts], axis=1 if self.layout else 0))
        return out

    def assemble_y(self, ys: list[list]) -> ir.Value:
        b, e, H, B = self.b, self.e, self.hid, self.batch
        rows = []
        for t in range(self.seq):
            parts = []
            for d in range(self.dirs):
                v = ys[d][t]
                parts.append(e.zeros((B, 1, 1, H) if self.layout else (1, 1, B, H)) if v is None
                             else b.reshape(v, (B, 1, 1, H) if self.layout else (1, 1, B, H)))
            rows.append(b.concat(parts, axis=2 if self.layout else 1))
        return b.concat(rows, axis=1 if self.layout else 0)

    def x_at(self, proj: ir.Value, d: int, t: int) -> ir.Value:
        """The projection of time step t for direction d: [batch, gh]."""
        b, ta = self.b, self.time_axis
        cols = (d * self.gh, (d + 1) * self.gh)
        return b.reshape(b.slice(proj, [ta, 2], [t, cols[0]], [t + 1, cols[1]]), (self.batch, self.gh))

    def onehot(self, mode: str, lens, s: int) -> ir.Value:
        """[seq, batch, 1] (layout 1: [batch, seq, 1]) weights [t == len_b - 1 - s] (symmetric in s and t)."""
        cache = self.__dict__.setdefault("_onehots", {})
        if s not in cache:
            cache[s] = self._onehot(mode, lens, s)
        return cache[s]

    def _onehot(self, mode: str, lens, s: int) -> ir.Value:
        e, S, B = self.e, self.seq, self.batch
        if mode == "mask":
            w = (np.arange(S)[:, None] == (lens[None, :] - 1 - s)).astype(np.float64)  # [seq, batch]
            return e.const((w.T if self.layout else w)[:, :, None])
        lens3 = self.b.reshape(lens, (B, 1, 1) if self.layout else (1, B, 1))
        t = np.arange(S, dtype=np.float64) + s + 1
        dist = e.ew("sub", lens3, e.const(t.reshape((1, S, 1) if self.layout else (S, 1, 1))))
        return e.clip(e.one_minus(e.ew("abs", dist)), 0.0, 1.0)

    def gather(self, weights: ir.Value, values: ir.Value) -> ir.Value:
        """sum over time of weights * values (one nonzero weight per batch entry at most): [batch, n]."""
        prod = self.e.ew("mul", weights, values)
        n = shape_of(values)[2]
        return self.b.op("npu_tensor.reduce_sum", [prod], (self.batch, n), self.e.elem,
                         {"axes": ir.DenseI64ArrayAttr.get([self.time_axis]), "keepdims": 0})

    def direction(self, proj: ir.Value, d: int, reverse: bool, mode: str, lens):
        b, e, S, B, H = self.b, self.e, self.seq, self.batch, self.hid
        states = [self.initial("initial_h", d)]
        if self.kind == "lstm":
            states.append(self.initial("initial_c", d))
        step = self.step_function(d)
        y_steps: list = [None] * S  # indexed by step s (time index for uniform mode)
        if mode == "uniform":
            for s in range(lens):
                t = lens - 1 - s if reverse else s
                states = step(self.x_at(proj, d, t), states)
                y_steps[t] = states[0]
            return y_steps, states
        proj_d = b.slice(proj, [2], [d * self.gh], [(d + 1) * self.gh]) if reverse else None
        nsteps = int(lens.max()) if mode == "mask" else S
        for s in range(nsteps):
            if mode == "mask":
                valid = (lens > s).astype(np.float64).reshape(B, 1)
                m = None if valid.all() else e.const(valid)
                nm = None if valid.all() else e.const(1.0 - valid)
            else:
                m = e.clip(lens if s == 0 else e.ew("sub", lens, e.scalar(float(s), 2)), 0.0, 1.0)
                nm = e.clip(e.ew("sub", e.scalar(float(s + 1), 2), lens), 0.0, 1.0)
            xs = self.gather(self.onehot(mode, lens, s), proj_d) if reverse else self.x_at(proj, d, s)
            new = step(xs, states)
            if m is None:
                states = new
                y_steps[s] = new[0]
            else:
                kept = [e.mul(m, n) for n in new]
                states = [e.add(k, e.mul(nm, o)) for k, o in zip(kept, states)]
                y_steps[s] = kept[0]
        if not reverse:
            return y_steps, states
        # scatter back: Y[t] = sum_s [s == len_b - 1 - t] * Y_s
        shape = (B, 1, H) if self.layout else (1, B, H)
        stack = b.concat([e.zeros(shape) if v is None else b.reshape(v, shape) for v in y_steps], axis=self.time_axis)
        return [self.gather(self.onehot(mode, lens, t), stack) for t in range(S)], states

    # ------------------------------------------------------------------ step functions
    def step_function(self, d: int):
        e, H = self.e, self.hid
        acts = self.acts[d]
        if self.kind == "rnn":
            rt = self.recurrent_weight(d, (0, H))

            def rnn_step(xs, states):
                (h,) = states
                rec = e.matmul(h, rt) if h is not None else None
                return [self.act(acts[0], self.clip(e.add(xs, rec)))]

            return rnn_step
        if self.kind == "lstm":
            rt = self.recurrent_weight(d, (0, 4 * H))
            pi, po, pf = self.peepholes(d)
            coupled = int(_attr(self.op, "input_forget", 0))
            f, g, hact = acts

            def lstm_step(xs, states):
                h, c = states
                rec = e.matmul(h, rt) if h is not None else None

                def pre(k):
                    r = e.cols(rec, k * H, (k + 1) * H) if rec is not None else None
                    return e.add(e.cols(xs, k * H, (k + 1) * H), r)

                i = self.act(f, self.clip(e.add(pre(0), e.mul(pi, c))))
                fg = e.one_minus(i) if coupled else self.act(f, self.clip(e.add(pre(2), e.mul(pf, c))))
                c_new = e.add(e.mul(fg, c), e.mul(i, self.act(g, self.clip(pre(3)))))
                o = self.act(f, self.clip(e.add(pre(1), e.mul(po, c_new))))
                return [e.mul(o, self.act(hact, c_new)), c_new]

            return lstm_step
        lbr = int(_attr(self.op, "linear_before_reset", 0))
        f, g = acts
        rbh = self.rbh[d]
        if lbr:
            rt = self.recurrent_weight(d, (0, 3 * H))
        else:
            rt_zr = self.recurrent_weight(d, (0, 2 * H))
            rt_h = self.recurrent_weight(d, (2 * H, 3 * H))

        def gru_step(xs, states):
            (h,) = states
            if h is None:
                rec_z = rec_r = rec_h = None
            else:
                rec = e.matmul(h, rt if lbr else rt_zr)
                rec_z, rec_r = e.cols(rec, 0, H), e.cols(rec, H, 2 * H)
                rec_h = e.cols(rec, 2 * H, 3 * H) if lbr else None
            z = self.act(f, self.clip(e.add(e.cols(xs, 0, H), rec_z)))
            r = self.act(f, self.clip(e.add(e.cols(xs, H, 2 * H), rec_r)))
            if lbr:
                inner = e.mul(r, e.add(rec_h, rbh))
            else:
                inner = e.matmul(e.mul(r, h), rt_h) if h is not None else None
            hh = self.act(g, self.clip(e.add(e.cols(xs, 2 * H, 3 * H), inner)))
            return [e.add(e.mul(e.one_minus(z), hh), e.mul(z, h))]

        return gru_step


def _build(op: ir.Operation, b: Builder, kind: str) -> list[ir.Value]:
    """Unroll `op`, then erase the ops built here that nothing uses (an unused Y or Y_c, the last masked steps)."""
    block = op.block
    before = {o.operation for o in block.operations}
    try:
        out = _Recurrence(op, b, kind).build()
    except NpuError as err:
        raise NpuError(f"cannot decompose '{op.name}': {err}") from None
    keep = {v.owner.operation for v in out if not isinstance(v.owner, ir.Block)}
    for o in reversed([o.operation for o in block.operations]):
        if o in before or o in keep:
            continue
        if all(not list(r.uses) for r in o.results):
            o.erase()
    return out


@decomposes("npu_tensor.lstm")
def lstm(op: ir.Operation, b: Builder) -> list[ir.Value]:
    """LSTM unrolled over time (see the module docstring)."""
    return _build(op, b, "lstm")


@decomposes("npu_tensor.gru")
def gru(op: ir.Operation, b: Builder) -> list[ir.Value]:
    """GRU unrolled over time (see the module docstring)."""
    return _build(op, b, "gru")


@decomposes("npu_tensor.rnn")
def rnn(op: ir.Operation, b: Builder) -> list[ir.Value]:
    """Elman RNN unrolled over time (see the module docstring)."""
    return _build(op, b, "rnn")
