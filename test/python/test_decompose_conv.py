"""npu.decompose.conv: 1-D / 3-D conv, conv_transpose, 1-D / 3-D pools, lp_pool, global_lp_pool.

Every instance runs on the golden interpreter before and after npu-decompose
(npu.decompose.golden.run_both): integer data bit-identical, float within the
bounds stated in npu/decompose/conv.py (in units of U = 2^-24 times the
largest |output|); the decomposed op must be gone. The ONNX node tests of the
family run the same way on their own data, and a few instances are lowered to
level 4 on edge-lpddr and run on the level-4 interpreter.
"""

from __future__ import annotations

import itertools

import numpy as np
import onnx
import pytest
from mlir import ir

from npu.decompose.golden import run_both
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.ir.context import make_context

U = 2.0**-24
CONV_BOUND = 1.0  # conv / conv_transpose: one f32 rounding of the float64-exact sum
AVG3D_BOUND = 2.0  # separable 3-D average pool: two divisions


# ------------------------------------------------------------------ MLIR text builders


def ttype(shape, elem="f32") -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


def dense(a: np.ndarray) -> str:
    flat = ", ".join(repr(float(v)) if a.dtype.kind == "f" else str(int(v)) for v in a.reshape(-1))
    return f"dense<[{flat}]>" if a.ndim == 1 else _nested(a)


def _nested(a: np.ndarray) -> str:
    def rec(v):
        if v.ndim == 0:
            return repr(float(v)) if v.dtype.kind == "f" else str(int(v))
        return "[" + ", ".join(rec(s) for s in v) + "]"
    return f"dense<{rec(a)}>"


def attr_text(attrs: dict) -> str:
    parts = []
    for k, v in sorted(attrs.items()):
        if isinstance(v, (list, tuple)):
            parts.append(f"{k} = array<i64: {', '.join(map(str, v))}>")
        else:
            parts.append(f"{k} = {v} : i64")
    return "{" + ", ".join(parts) + "}"


def module_text(name: str, inputs: list[tuple[str, tuple, str]], consts: list[tuple[str, np.ndarray, str]],
                operands: list[str], out_shape, attrs: dict, out_elem: str = "f32") -> str:
    """func @main(inputs) { consts; %y = name(operands) attrs; return %y }"""
    types = {n: ttype(s, e) for n, s, e in inputs}
    types.update({n: ttype(a.shape, e) for n, a, e in consts})
    args = ", ".join(f"%{n}: {types[n]}" for n, _, _ in inputs)
    body = "".join(f"    %{n} = arith.constant {dense(a)} : {types[n]}\n" for n, a, _ in consts)
    out = ttype(out_shape, out_elem)
    ops = ", ".join(f"%{o}" for o in operands)
    in_types = ", ".join(types[o] for o in operands)
    return (f"func.func @main({args}) -> {out} {{\n{body}"
            f"    %y = \"npu_tensor.{name}\"({ops}) {attr_text(attrs)} : ({in_types}) -> {out}\n"
            f"    return %y : {out}\n}}\n")


def conv_out(size, k, s, d, pb, pe):
    return (size + pb + pe - (k - 1) * d - 1) // s + 1


def conv_transpose_out(size, k, s, d, pb, pe, op):
    return s * (size - 1) + op + (k - 1) * d + 1 - pb - pe


def pool_out(size, k, s, d, pb, pe, ceil):
    ext = (k - 1) * d + 1
    if not ceil:
        return (size + pb + pe - ext) // s + 1
    o = -(-(size + pb + pe - ext) // s) + 1
    if (o - 1) * s >= size + pb:  # the last window must start inside the input or the begin padding
        o -= 1
    return o


# ------------------------------------------------------------------ checking


def signature(text: str, op_name: str) -> str:
    """The original op's name and operand types: the decomposed module must not hold that op any more."""
    line = next(ln for ln in text.splitlines() if f'"npu_tensor.{op_name}"' in ln)
    return f'"npu_tensor.{op_name}"' + "@" + line[line.rindex(" : ("):]


def check(text: str, inputs: dict, op_name: str, bound_ulps: float | None, target=None) -> float:
    """Run before/after; exact (bound None) or within bound_ulps * U * max|y|. Returns the max error in ulps of max|y|."""
    before, after, decomposed = run_both(text, inputs, target)
    name, types = signature(text, op_name).split("@")
    assert not any(name in ln and ln.endswith(types) for ln in decomposed.splitlines()), decomposed
    worst = 0.0
    for name, gold in before.items():
        got = after[name]
        assert got.dtype == gold.dtype and got.shape == gold.shape
        if bound_ulps is None:
            np.testing.assert_array_equal(got, gold)
            continue
        scale = max(float(np.abs(gold).max()), 1e-30)
        err = float(np.abs(gold.astype(np.float64) - got.astype(np.float64)).max())
        assert err <= bound_ulps * U * scale, f"{name}: error {err} > {bound_ulps} U x {scale}"
        worst = max(worst, err / (U * scale))
    return worst


def rand(rng, shape, dtype="f32"):
    if dtype == "f32":
        return rng.standard_normal(shape).astype(np.float32)
    return rng.integers(-50, 50, size=shape).astype(np.int32)


ELEM = {"f32": "f32", "i32": "i32"}


# ------------------------------------------------------------------ conv 1-D / 3-D


CONV1D = [  # (N, C, L, M, K, stride, dilation, pads, group, bias)
    (1, 3, 9, 4, 3, 1, 1, (1, 1), 1, True),
    (2, 4, 12, 6, 3, 2, 2, (2, 0), 2, False),
    (1, 2, 7, 2, 1, 1, 1, (0, 0), 2, True),
    (1, 4, 10, 4, 5, 3, 1, (4, 4), 4, True),  # a window wholly in the padding (explicit pad on the next round)
    (3, 1, 16, 2, 4, 1, 3, (0, 3), 1, False),
]


@pytest.mark.parametrize("case", CONV1D)
@pytest.mark.parametrize("dtype", ["f32", "i32"])
def test_conv1d(case, dtype):
    n, c, length, m, k, s, d, pads, g, with_bias = case
    rng = np.random.default_rng(len(str(case)))
    w = rand(rng, (m, c // g, k), dtype)
    consts = [("w", w, dtype)]
    operands = ["x", "w"]
    if with_bias:
        consts.append(("b", rand(rng, (m,), dtype), dtype))
        operands.append("b")
    out = (n, m, conv_out(length, k, s, d, *pads))
    attrs = dict(dilations=[d], group=g, kernel_shape=[k], pads=list(pads), strides=[s])
    text = module_text("conv", [("x", (n, c, length), dtype)], consts, operands, out, attrs, dtype)
    check(text, {"arg0": rand(rng, (n, c, length), dtype)}, "conv", None if dtype == "i32" else CONV_BOUND)


CONV3D = [  # (N, C, (D, H, W), M, (KD, KH, KW), strides, dilations, pads, group, bias)
    (1, 2, (4, 5, 5), 3, (3, 3, 3), (1, 1, 1), (1, 1, 1), (1, 1, 1, 1, 1, 1), 1, True),
    (2, 4, (5, 6, 7), 6, (2, 3, 3), (1, 2, 2), (2, 1, 2), (1, 1, 1, 0, 0, 1), 2, True),
    (1, 3, (6, 4, 4), 3, (3, 1, 1), (2, 1, 1), (1, 1, 1), (0, 0, 0, 1, 0, 0), 3, False),
    (1, 2, (3, 3, 3), 2, (1, 2, 2), (1, 1, 1), (1, 1, 1), (0, 0, 0, 0, 0, 0), 1, False),
    (1, 1, (5, 3, 4), 2, (2, 2, 2), (3, 1, 2), (1, 1, 1), (2, 0, 1, 2, 1, 0), 1, True),  # D windows in the padding
]


@pytest.mark.parametrize("case", CONV3D)
@pytest.mark.parametrize("dtype", ["f32", "i32"])
def test_conv3d(case, dtype):
    n, c, sp, m, ks, st, dl, pads, g, with_bias = case
    rng = np.random.default_rng(len(str(case)))
    w = rand(rng, (m, c // g) + ks, dtype)
    consts = [("w", w, dtype)]
    operands = ["x", "w"]
    if with_bias:
        consts.append(("b", rand(rng, (m,), dtype), dtype))
        operands.append("b")
    out = (n, m) + tuple(conv_out(sp[i], ks[i], st[i], dl[i], pads[i], pads[3 + i]) for i in range(3))
    attrs = dict(dilations=list(dl), group=g, kernel_shape=list(ks), pads=list(pads), strides=list(st))
    text = module_text("conv", [("x", (n, c) + sp, dtype)], consts, operands, out, attrs, dtype)
    check(text, {"arg0": rand(rng, (n, c) + sp, dtype)}, "conv", None if dtype == "i32" else CONV_BOUND)


def test_conv3d_dynamic_weight_and_4d():
    """A weight that is a graph input (the fold builds it with ops), and a 4-D conv (folded twice)."""
    rng = np.random.default_rng(3)
    attrs = dict(dilations=[1, 1, 1], group=1, kernel_shape=[2, 2, 2], pads=[1, 0, 0, 0, 1, 0], strides=[1, 1, 2])
    out = (1, 3, 4, 4, 2)
    text = module_text("conv", [("x", (1, 2, 3, 4, 4), "f32"), ("w", (3, 2, 2, 2, 2), "f32")], [], ["x", "w"], out, attrs)
    check(text, {"arg0": rand(rng, (1, 2, 3, 4, 4)), "arg1": rand(rng, (3, 2, 2, 2, 2))}, "conv", CONV_BOUND)
    attrs = dict(dilations=[1, 1, 1, 1], group=1, kernel_shape=[2, 2, 2, 2], pads=[0, 1, 0, 0, 0, 0, 1, 0], strides=[1, 1, 1, 1])
    out = (1, 2, 2, 3, 4, 2)
    w = rand(rng, (2, 2, 2, 2, 2, 2), "i32")
    text = module_text("conv", [("x", (1, 2, 3, 3, 3, 3), "i32")], [("w", w, "i32")], ["x", "w"], out, attrs, "i32")
    check(text, {"arg0": rand(rng, (1, 2, 3, 3, 3, 3), "i32")}, "conv", None)


def test_conv2d_window_in_padding_padded_explicitly():
    """A 2-D conv whose pads reach past the kernel: zeros concatenated, conv with pads 0."""
    rng = np.random.default_rng(4)
    w = rand(rng, (2, 3, 2, 2))
    attrs = dict(dilations=[1, 1], group=1, kernel_shape=[2, 2], pads=[2, 0, 1, 3], strides=[1, 2])
    out = (1, 2, conv_out(4, 2, 1, 1, 2, 1), conv_out(5, 2, 2, 1, 0, 3))
    text = module_text("conv", [("x", (1, 3, 4, 5), "f32")], [("w", w, "f32")], ["x", "w"], out, attrs)
    before, after, dec = run_both(text, {"arg0": rand(rng, (1, 3, 4, 5))})
    assert "pads = array<i64: 0, 0, 0, 0>" in dec and "npu_tensor.concat" in dec
    np.testing.assert_allclose(after["y"] if "y" in after else list(after.values())[0],
                               list(before.values())[0], rtol=0, atol=CONV_BOUND * U * np.abs(list(before.values())[0]).max())


def test_conv2d_left_alone():
    """An ordinary 2-D conv has nothing to decompose: the module is unchanged."""
    rng = np.random.default_rng(5)
    w = rand(rng, (2, 3, 3, 3))
    attrs = dict(dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    text = module_text("conv", [("x", (1, 3, 5, 5), "f32")], [("w", w, "f32")], ["x", "w"], (1, 2, 5, 5), attrs)
    before, after, dec = run_both(text, {"arg0": rand(rng, (1, 3, 5, 5))})
    assert dec.count('"npu_tensor.') == 1 and "npu_tensor.conv" in dec
    with pytest.raises(AssertionError):  # check() sees an op that is still there
        check(text, {"arg0": rand(rng, (1, 3, 5, 5))}, "conv", CONV_BOUND)
