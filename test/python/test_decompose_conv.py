"""npu.decompose.conv: 1-D / 3-D conv, conv_transpose, 1-D / 3-D pools, lp_pool, global_lp_pool.

Every instance runs on the golden interpreter before and after npu-decompose
(npu.decompose.golden.run_both): integer data bit-identical, float within the
bounds stated in npu/decompose/conv.py (in units of U = 2^-24 times the
largest |output|); the decomposed op must be gone. The ONNX node tests of the
family run the same way on their own data, and a few instances are lowered to
level 4 on edge-lpddr and run on the level-4 interpreter.
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from mlir import ir

from npu.decompose.golden import run_both
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


def assert_verifies(text: str) -> None:
    """The test module itself is valid IR (MLIR and npu verifiers)."""
    from npu.decompose.golden import check_verifies

    with make_context(), ir.Location.unknown():
        check_verifies(ir.Module.parse(text))


def check(text: str, inputs: dict, op_name: str, bound_ulps: float | None, target=None) -> float:
    """Run before/after; exact (bound None) or within bound_ulps * U * max|y|. Returns the max error in ulps of max|y|."""
    assert_verifies(text)
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
        finite = np.isfinite(gold)  # NaN / inf where the golden kernel gives them (windows in the padding)
        np.testing.assert_array_equal(got[~finite], gold[~finite])
        gold, got = gold[finite], got[finite]
        if gold.size == 0:
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
    (1, 4, 10, 4, 5, 3, 1, (5, 6), 4, True),  # windows wholly in the padding (explicit pad on the next round)
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
    out = (1, 3, 3, 4, 2)
    text = module_text("conv", [("x", (1, 2, 3, 4, 4), "f32"), ("w", (3, 2, 2, 2, 2), "f32")], [], ["x", "w"], out, attrs)
    check(text, {"arg0": rand(rng, (1, 2, 3, 4, 4)), "arg1": rand(rng, (3, 2, 2, 2, 2))}, "conv", CONV_BOUND)
    attrs = dict(dilations=[1, 1, 1, 1], group=1, kernel_shape=[2, 2, 2, 2], pads=[0, 1, 0, 0, 0, 0, 1, 0], strides=[1, 1, 1, 1])
    out = (1, 2, 2, 3, 3, 2)
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
    assert_verifies(text)
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


# ------------------------------------------------------------------ conv_transpose


CONVT = [  # (N, C, spatial, M/G, kernel, strides, dilations, pads, output_padding, group, bias)
    (1, 2, (4, 5), 3, (3, 3), (2, 2), (1, 1), (0, 0, 0, 0), (0, 0), 1, True),
    (2, 4, (3, 4), 2, (3, 2), (2, 3), (1, 2), (1, 0, 1, 1), (1, 2), 2, True),
    (1, 3, (5, 5), 2, (2, 2), (2, 2), (1, 1), (0, 0, 0, 0), (0, 0), 1, True),  # stride == kernel: depth-to-space
    (1, 4, (3, 3), 1, (2, 2), (2, 2), (1, 1), (1, 0, 0, 1), (0, 0), 4, True),  # the same with pads, depthwise
    (1, 2, (3, 4), 2, (3, 3), (3, 3), (1, 1), (0, 0, 0, 0), (1, 2), 1, False),  # s == k with output_padding
    (1, 2, (4, 4), 2, (3, 3), (1, 1), (2, 1), (2, 1, 3, 0), (0, 0), 1, True),  # pads > (k-1)*d: a crop
    (1, 1, (6,), 2, (3,), (2,), (1,), (0, 0), (1,), 1, True),  # 1-D
    (2, 2, (5,), 3, (4,), (4,), (1,), (1, 2), (0,), 2, True),  # 1-D, s == k
    (1, 2, (3, 3, 2), 2, (2, 3, 2), (2, 1, 2), (1, 1, 1), (0, 1, 0, 1, 0, 1), (1, 0, 0), 1, True),  # 3-D
    (1, 2, (2, 3, 2), 1, (2, 2, 2), (2, 2, 2), (1, 1, 1), (0, 0, 0, 0, 0, 0), (0, 0, 0), 2, True),  # 3-D, s == k
    (1, 2, (4, 4), 2, (3, 2), (2, 2), (2, 2), (0, 1, 1, 0), (1, 0), 1, True),  # phases no tap reaches: bias only
    (2, 2, (3, 3), 1, (3, 3), (5, 4), (1, 1), (1, 0, 0, 2), (2, 1), 2, True),  # 20 phases: zero-interleaved input
    (1, 3, (5,), 2, (5,), (3,), (2,), (3, 1), (2,), 1, True),  # 1-D, dilation 2 with stride 3
]


def convt_text(case, dtype, wconst=True, bconst=True, seed=0):
    n, c, sp, mg, ks, st, dl, pads, op, g, with_bias = case
    nd = len(sp)
    rng = np.random.default_rng(seed)
    w = rand(rng, (c, mg) + ks, dtype)
    m = mg * g
    inputs, consts, operands = [("x", (n, c) + sp, dtype)], [], ["x", "w"]
    feeds = {"arg0": rand(rng, (n, c) + sp, dtype)}
    if wconst:
        consts.append(("w", w, dtype))
    else:
        inputs.append(("w", w.shape, dtype))
        feeds[f"arg{len(feeds)}"] = w
    if with_bias:
        bias = rand(rng, (m,), dtype)
        operands.append("b")
        if bconst:
            consts.append(("b", bias, dtype))
        else:
            inputs.append(("b", (m,), dtype))
            feeds[f"arg{len(feeds)}"] = bias
    out = (n, m) + tuple(conv_transpose_out(sp[i], ks[i], st[i], dl[i], pads[i], pads[nd + i], op[i]) for i in range(nd))
    attrs = dict(dilations=list(dl), group=g, kernel_shape=list(ks), output_padding=list(op), pads=list(pads), strides=list(st))
    return module_text("conv_transpose", inputs, consts, operands, out, attrs, dtype), feeds


@pytest.mark.parametrize("case", CONVT)
@pytest.mark.parametrize("dtype", ["f32", "i32"])
def test_conv_transpose(case, dtype):
    text, feeds = convt_text(case, dtype, seed=len(str(case)))
    check(text, feeds, "conv_transpose", None if dtype == "i32" else CONV_BOUND)


@pytest.mark.parametrize("case", [CONVT[1], CONVT[3], CONVT[8], CONVT[10], CONVT[11]])
def test_conv_transpose_dynamic_weight_and_bias(case):
    """Weight and bias as graph inputs: the flip and channel swap are built with ops (slices, concat)."""
    text, feeds = convt_text(case, "f32", wconst=False, bconst=False, seed=7)
    check(text, feeds, "conv_transpose", CONV_BOUND)


def test_conv_transpose_dynamic_weight_too_long_refused():
    """A non-constant weight is flipped with one slice per tap; past FLIP_SLICE_LIMIT taps the rule refuses."""
    case = (1, 1, (4,), 1, (65,), (2,), (1,), (0, 0), (0,), 1, False)
    text, feeds = convt_text(case, "f32", wconst=False)
    assert_verifies(text)
    with pytest.raises(ir.MLIRError, match="conv_transpose: a non-constant weight with 65 taps on an axis"):
        run_both(text, feeds)


def test_conv_transpose_forms():
    """stride == kernel: a 1x1 conv + depth-to-space; other strides up to PHASE_LIMIT phases: one conv per
    output phase over x with the taps reaching it (no zeros); more phases: a zero-interleaved input."""
    text, feeds = convt_text(CONVT[2], "f32")
    _, _, dec = run_both(text, feeds)
    assert "kernel_shape = array<i64: 1, 1>" in dec and "npu_tensor.transpose" in dec
    text, feeds = convt_text(CONVT[0], "f32")  # kernel 3x3, stride 2: phases with 2x2, 2x1, 1x2 and 1x1 taps
    _, _, dec = run_both(text, feeds)
    for ks in ("2, 2", "2, 1", "1, 2", "1, 1"):
        assert f"kernel_shape = array<i64: {ks}>" in dec
    assert dec.count('"npu_tensor.conv"(%arg0, ') == 4 and dec.count('"npu_tensor.conv"') == 4  # x itself, no zeros
    text, feeds = convt_text(CONVT[11], "f32")
    _, _, dec = run_both(text, feeds)
    assert "kernel_shape = array<i64: 3, 3>" in dec and "dense<0.000000e+00>" in dec
    assert dec.count('"npu_tensor.conv"') == 1


# ------------------------------------------------------------------ pools


POOLS = [  # (spatial, kernel, strides, dilations, pads, ceil_mode, count_include_pad)
    ((9,), (3,), (2,), (1,), (1, 1), 0, 0),
    ((10,), (2,), (1,), (2,), (0, 1), 1, 1),
    ((8,), (3,), (3,), (1,), (2, 2), 1, 0),
    ((11,), (4,), (2,), (1,), (0, 0), 1, 1),
    ((4, 5, 6), (2, 3, 3), (2, 1, 2), (1, 1, 1), (1, 1, 0, 0, 1, 1), 0, 0),
    ((5, 5, 5), (3, 2, 2), (2, 2, 2), (1, 2, 1), (1, 0, 1, 1, 1, 0), 1, 1),
    ((6, 4, 7), (2, 2, 3), (2, 2, 2), (2, 1, 1), (0, 0, 1, 1, 0, 1), 1, 0),
    ((3, 3, 3), (3, 3, 3), (1, 1, 1), (1, 1, 1), (1, 1, 1, 1, 1, 1), 0, 1),
    ((3, 4, 4, 5), (2, 2, 2, 2), (1, 2, 1, 2), (1, 1, 1, 1), (1, 0, 0, 1, 0, 1, 1, 0), 0, 0),  # 4-D: folded twice
]


def pool_text(name, case, dtype="f32", n=2, c=3, p=None, indices=False):
    sp, ks, st, dl, pads, ceil, cip = case
    nd = len(sp)
    out = (n, c) + tuple(pool_out(sp[i], ks[i], st[i], dl[i], pads[i], pads[nd + i], ceil) for i in range(nd))
    attrs = dict(kernel_shape=list(ks), strides=list(st), dilations=list(dl), pads=list(pads), ceil_mode=ceil)
    if name == "average_pool":
        attrs["count_include_pad"] = cip
    if name == "max_pool":
        attrs["storage_order"] = 0
    if name == "lp_pool":
        attrs["p"] = p
    text = module_text(name, [("x", (n, c) + sp, dtype)], [], ["x"], out, attrs, dtype)
    if indices:  # a second (unused or returned) result
        out_t = ttype(out, dtype)
        text = text.replace("%y = ", "%y, %i = ").replace(f"-> {out_t}\n    return", f"-> ({out_t}, {ttype(out, 'i64')})\n    return")
    return text


@pytest.mark.parametrize("case", POOLS)
@pytest.mark.parametrize("dtype", ["f32", "i32"])
def test_max_pool(case, dtype):
    rng = np.random.default_rng(len(str(case)))
    x = rand(rng, (2, 3) + case[0], dtype)
    check(pool_text("max_pool", case, dtype), {"arg0": x}, "max_pool", None)


@pytest.mark.parametrize("case", POOLS)
def test_average_pool(case):
    rng = np.random.default_rng(len(str(case)))
    x = rand(rng, (2, 3) + case[0])
    bound = CONV_BOUND if len(case[0]) == 1 else AVG3D_BOUND + (len(case[0]) - 3)  # one rounding per pass
    check(pool_text("average_pool", case), {"arg0": x}, "average_pool", bound)


def test_max_pool_1d_indices():
    """A returned indices result of a 1-D max_pool: the 2-D pool's flat indices are the same numbers."""
    case = POOLS[0]
    text = pool_text("max_pool", case, indices=True)
    out = ttype((2, 3, 5))
    text = text.replace(f"return %y : {out}", f"return %y, %i : {out}, {ttype((2, 3, 5), 'i64')}")
    text = text.replace(f"-> {out} {{", f"-> ({out}, {ttype((2, 3, 5), 'i64')}) {{")
    rng = np.random.default_rng(8)
    check(text, {"arg0": rand(rng, (2, 3, 9))}, "max_pool", None)


def test_max_pool_3d_unused_indices_and_used_refused():
    rng = np.random.default_rng(9)
    case = POOLS[4]
    text = pool_text("max_pool", case, indices=True)
    check(text, {"arg0": rand(rng, (2, 3) + case[0])}, "max_pool", None)
    out = ttype((2, 3, 2, 5, 3))
    assert out in text
    used = text.replace(f"return %y : {out}", f"return %y, %i : {out}, {ttype((2, 3, 2, 5, 3), 'i64')}")
    used = used.replace(f"-> {out} {{", f"-> ({out}, {ttype((2, 3, 2, 5, 3), 'i64')}) {{")
    assert_verifies(used)
    with pytest.raises(ir.MLIRError, match="max_pool: the indices result of a 3-D max_pool has no decomposition"):
        run_both(used, {"arg0": rand(rng, (2, 3) + case[0])})


LP = [(POOLS[i], p) for i, p in ((0, 2), (1, 1), (2, 3), (3, 2), (4, 2), (5, 1), (6, 3))] + [
    (((6, 7), (3, 2), (2, 1), (1, 2), (1, 0, 1, 1), 1, 0), 2),
]


def lp_bound(p):
    return p + 3.0


@pytest.mark.parametrize("case,p", LP)
def test_lp_pool(case, p):
    rng = np.random.default_rng(len(str(case)) + p)
    x = rand(rng, (2, 3) + case[0])
    check(pool_text("lp_pool", case, p=p), {"arg0": x}, "lp_pool", lp_bound(p))


@pytest.mark.parametrize("rank,p", [(3, 2), (4, 1), (5, 3), (5, 2)])
def test_global_lp_pool(rank, p):
    rng = np.random.default_rng(rank * 10 + p)
    shape = (2, 3) + (4, 5, 3)[: rank - 2]
    out = (2, 3) + (1,) * (rank - 2)
    text = module_text("global_lp_pool", [("x", shape, "f32")], [], ["x"], out, {"p": p})
    check(text, {"arg0": rand(rng, shape)}, "global_lp_pool", lp_bound(p))


def test_lp_pool_integer_refused():
    text = module_text("global_lp_pool", [("x", (1, 2, 3), "i32")], [], ["x"], (1, 2, 1), {"p": 2}, "i32")
    assert_verifies(text)
    with pytest.raises(ir.MLIRError, match="global_lp_pool: float data only"):
        run_both(text, {"arg0": np.ones((1, 2, 3), np.int32)})


# ------------------------------------------------------------------ ONNX node tests


def _onnx_cases():
    from npu.onnx.conformance import list_cases

    wanted = ("ConvTranspose", "Conv", "MaxPool", "AveragePool", "LpPool", "GlobalLpPool", "GlobalMaxPool",
              "GlobalAveragePool")
    return [c for c in list_cases() if c.op_type in wanted and c.numeric]


ONNX_CASES = _onnx_cases()


@pytest.mark.parametrize("case", ONNX_CASES, ids=[c.name for c in ONNX_CASES])
def test_onnx_node_case(case):
    """Import the case, decompose every instance a rule takes, compare with the golden run before and with
    the ONNX reference output. Cases of ops that need a rule (1-D / 3-D, transposed, Lp) must lose their op."""
    from npu.onnx.conformance import _data_sets, import_case, outputs_match

    model = onnx.load(str(case.path / "model.onnx"))
    init = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in init]
    inputs, expected = next(_data_sets(case))
    feeds = dict(zip(names, inputs))
    module, bound = import_case(model, feeds)
    text = str(module)
    prog_inputs = [s.name for s in Program(module).inputs]
    feeds = {k: v for k, v in feeds.items() if k in prog_inputs}
    before, after, dec = run_both(text, feeds)
    integer = all(v.dtype.kind in "iub" for v in before.values())
    for name, gold in before.items():
        if integer or case.op_type in ("MaxPool", "GlobalMaxPool"):
            np.testing.assert_array_equal(after[name], gold)
        else:
            bound = 4.0 * U * max(float(np.abs(gold).max()), 1e-30)
            assert float(np.abs(after[name].astype(np.float64) - gold).max()) <= bound
    for out, ref in zip(model.graph.output, expected):
        assert outputs_match(ref, after[out.name]) is None
    rule_ops = {"ConvTranspose": "conv_transpose", "LpPool": "lp_pool", "GlobalLpPool": "global_lp_pool",
                "Conv": "conv", "MaxPool": "max_pool", "AveragePool": "average_pool"}
    if case.op_type in rule_ops and (case.op_type in ("ConvTranspose", "LpPool", "GlobalLpPool")
                                     or len(inputs[0].shape) != 4):
        op = f'"npu_tensor.{rule_ops[case.op_type]}"'
        x_type = "tensor<" + "".join(f"{d}x" for d in inputs[0].shape)
        assert not any(op in ln and f": ({x_type}" in ln for ln in dec.splitlines()), dec


# ------------------------------------------------------------------ end to end: level 4


LEVEL4_RTOL = 1e-5  # docs/spatial.md: f32 accumulation-order bound, as the model tests accept it


def lower_and_run(text: str, feeds: dict):
    """(golden outputs of the level-1 module, level-4 outputs) on edge-lpddr, decomposed by the pipeline."""
    import npu.spatial as spatial
    from npu.interp.level4 import run_level4
    from npu.target import load_target

    target = load_target("edge-lpddr")
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        gold = Program(module).run(feeds)
        lowered = spatial.lower_module(module, target)
        assert "npu_tensor." not in str(lowered).split("{-#")[0]  # nothing of level 1 is left
        out = run_level4(lowered, {f"input{i}": v for i, v in enumerate(feeds.values())}, target=target)
    return list(gold.values()), list(out.values())


def assert_level4(text, feeds, exact=False):
    gold, out = lower_and_run(text, feeds)
    for g, o in zip(gold, out):
        assert g.shape == o.shape
        if exact:
            np.testing.assert_array_equal(o, g)
            continue
        finite = np.isfinite(g)
        np.testing.assert_array_equal(o[~finite], g[~finite])  # NaN where golden divides 0 by 0
        g, o = g[finite], o[finite]
        scale = max(float(np.abs(g).max()), 1e-30)
        assert float(np.abs(g.astype(np.float64) - o).max()) <= LEVEL4_RTOL * scale


@pytest.mark.parametrize("case", [CONVT[1], CONVT[2], CONVT[6], CONVT[8]])
def test_level4_conv_transpose(case):
    text, feeds = convt_text(case, "f32", seed=11)
    assert_level4(text, feeds)


@pytest.mark.parametrize("case", [CONV1D[1], CONV1D[3]])
def test_level4_conv1d(case):
    n, c, length, m, k, s, d, pads, g, with_bias = case
    rng = np.random.default_rng(12)
    consts = [("w", rand(rng, (m, c // g, k)), "f32")] + ([("b", rand(rng, (m,)), "f32")] if with_bias else [])
    out = (n, m, conv_out(length, k, s, d, *pads))
    attrs = dict(dilations=[d], group=g, kernel_shape=[k], pads=list(pads), strides=[s])
    text = module_text("conv", [("x", (n, c, length), "f32")], consts, ["x", "w"] + (["b"] if with_bias else []), out, attrs)
    assert_level4(text, {"arg0": rand(rng, (n, c, length))})


@pytest.mark.parametrize("case", [CONV3D[1], CONV3D[4]])
def test_level4_conv3d(case):
    n, c, sp, m, ks, st, dl, pads, g, with_bias = case
    rng = np.random.default_rng(13)
    consts = [("w", rand(rng, (m, c // g) + ks), "f32")] + ([("b", rand(rng, (m,)), "f32")] if with_bias else [])
    out = (n, m) + tuple(conv_out(sp[i], ks[i], st[i], dl[i], pads[i], pads[3 + i]) for i in range(3))
    attrs = dict(dilations=list(dl), group=g, kernel_shape=list(ks), pads=list(pads), strides=list(st))
    text = module_text("conv", [("x", (n, c) + sp, "f32")], consts, ["x", "w"] + (["b"] if with_bias else []), out, attrs)
    assert_level4(text, {"arg0": rand(rng, (n, c) + sp)})


@pytest.mark.parametrize("name,case", [("max_pool", POOLS[0]), ("max_pool", POOLS[2]), ("max_pool", POOLS[5]),
                                       ("average_pool", POOLS[1]), ("average_pool", POOLS[6])])
def test_level4_pools(name, case):
    rng = np.random.default_rng(14)
    assert_level4(pool_text(name, case), {"arg0": rand(rng, (2, 3) + case[0])}, exact=name == "max_pool")


@pytest.mark.parametrize("case,p", [LP[2], LP[4]])
def test_level4_lp_pool(case, p):
    rng = np.random.default_rng(15)
    assert_level4(pool_text("lp_pool", case, p=p), {"arg0": rand(rng, (2, 3) + case[0])})


@pytest.mark.parametrize("rank,p", [(3, 3), (5, 2)])
def test_level4_global_lp_pool(rank, p):
    rng = np.random.default_rng(16)
    shape = (2, 3) + (4, 5, 3)[: rank - 2]
    text = module_text("global_lp_pool", [("x", shape, "f32")], [], ["x"], (2, 3) + (1,) * (rank - 2), {"p": p})
    assert_level4(text, {"arg0": rand(rng, shape)})


def test_target_mode_decomposes_only_what_the_spatial_lowering_refuses():
    """With a target, a 2-D conv next to a 1-D one stays as it is; the 1-D one is rewritten."""
    from npu.target import load_target

    rng = np.random.default_rng(17)
    w1, w2 = rand(rng, (2, 2, 3)), rand(rng, (2, 2, 3, 3))
    text = f"""func.func @main(%a: {ttype((1, 2, 8))}, %c: {ttype((1, 2, 6, 6))}) -> ({ttype((1, 2, 6))}, {ttype((1, 2, 4, 4))}) {{
    %w1 = arith.constant {dense(w1)} : {ttype(w1.shape)}
    %w2 = arith.constant {dense(w2)} : {ttype(w2.shape)}
    %y1 = "npu_tensor.conv"(%a, %w1) {attr_text(dict(dilations=[1], group=1, kernel_shape=[3], pads=[0, 0], strides=[1]))} : ({ttype((1, 2, 8))}, {ttype(w1.shape)}) -> {ttype((1, 2, 6))}
    %y2 = "npu_tensor.conv"(%c, %w2) {attr_text(dict(dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[0, 0, 0, 0], strides=[1, 1]))} : ({ttype((1, 2, 6, 6))}, {ttype(w2.shape)}) -> {ttype((1, 2, 4, 4))}
    return %y1, %y2 : {ttype((1, 2, 6))}, {ttype((1, 2, 4, 4))}
}}
"""
    feeds = {"arg0": rand(rng, (1, 2, 8)), "arg1": rand(rng, (1, 2, 6, 6))}
    assert_verifies(text)
    before, after, dec = run_both(text, feeds, load_target("edge-lpddr"))
    assert dec.count('"npu_tensor.conv"') == 2 and "tensor<1x2x1x8xf32>" in dec and "(%arg1, " in dec
    for k in before:
        np.testing.assert_array_equal(after[k], before[k])


# ------------------------------------------------------------------ level 2: conv_int / conv_float


QX = "!quant.uniform<i8:f32, 2.000000e-02:-3>"
QW = "!quant.uniform<i8<-127:127>:f32, 1.000000e-02>"
QY = "!quant.uniform<i32:f32, 2.000000e-04>"


def level2_conv_text(name, pads, strides=(1, 1), dil=(1, 1), group=1):
    """A 2-D level-2 conv (x [1, 2, 5, 6], weight [4, 2/group, 2, 2] as graph inputs, i32 / f32 bias)."""
    n, c, h, w, m, k = 1, 2, 5, 6, 4, 2
    oh = conv_out(h, k, strides[0], dil[0], pads[0], pads[2])
    ow = conv_out(w, k, strides[1], dil[1], pads[1], pads[3])
    attrs = dict(dilations=list(dil), group=group, kernel_shape=[k, k], pads=list(pads), strides=list(strides))
    if name == "conv_int":
        xe, we, be, ye = QX, QW, "i32", QY
        attrs.update(input_zp=-3, weight_zp=0)
        extra = ""
    else:
        xe, we, be, ye = "bf16", "bf16", "f32", "f32"
        extra = ', acc = "fp32", scale = array<f32: 1.0, 0.5, 2.0, 1.0>'
    xt, wt, bt, yt = ttype((n, c, h, w), xe), ttype((m, c // group, k, k), we), ttype((m,), be), ttype((n, m, oh, ow), ye)
    a = attr_text(attrs)[:-1] + extra + "}"
    return (f"func.func @main(%x: {xt}, %w: {wt}, %b: {bt}) -> {yt} {{\n"
            f"    %y = \"npu_tensor.{name}\"(%x, %w, %b) {a} : ({xt}, {wt}, {bt}) -> {yt}\n"
            f"    return %y : {yt}\n}}\n")


@pytest.mark.parametrize("pads,strides,dil,group", [((2, 0, 1, 3), (1, 2), (1, 1), 1), ((3, 2, 2, 2), (2, 1), (1, 2), 2)])
@pytest.mark.parametrize("name", ["conv_int", "conv_float"])
def test_level2_conv_window_in_padding(name, pads, strides, dil, group):
    """Pads reaching past the kernel: x padded with input_zp (conv_int) or +0.0 (conv_float), conv with pads 0;
    bit-identical to the golden kernel."""
    import ml_dtypes

    rng = np.random.default_rng(19)
    if name == "conv_int":
        feeds = {"arg0": rng.integers(-128, 128, (1, 2, 5, 6)).astype(np.int8),
                 "arg1": rng.integers(-127, 128, (4, 2 // group, 2, 2)).astype(np.int8),
                 "arg2": rng.integers(-1000, 1000, (4,)).astype(np.int32)}
    else:
        feeds = {"arg0": rng.standard_normal((1, 2, 5, 6)).astype(ml_dtypes.bfloat16),
                 "arg1": rng.standard_normal((4, 2 // group, 2, 2)).astype(ml_dtypes.bfloat16),
                 "arg2": rng.standard_normal(4).astype(np.float32)}
    text = level2_conv_text(name, pads, strides, dil, group)
    assert_verifies(text)
    before, after, dec = run_both(text, feeds)
    assert "pads = array<i64: 0, 0, 0, 0>" in dec and "npu_tensor.concat" in dec
    for k in before:
        np.testing.assert_array_equal(after[k], before[k])


@pytest.mark.parametrize("name", ["conv_int", "conv_float"])
def test_level4_level2_conv_window_in_padding(name):
    """The padded level-2 conv lowers and runs on level 4 bit-identical to the golden kernel."""
    import ml_dtypes

    rng = np.random.default_rng(20)
    if name == "conv_int":
        feeds = {"arg0": rng.integers(-128, 128, (1, 2, 5, 6)).astype(np.int8),
                 "arg1": rng.integers(-127, 128, (4, 2, 2, 2)).astype(np.int8),
                 "arg2": rng.integers(-1000, 1000, (4,)).astype(np.int32)}
    else:
        feeds = {"arg0": rng.standard_normal((1, 2, 5, 6)).astype(ml_dtypes.bfloat16),
                 "arg1": rng.standard_normal((4, 2, 2, 2)).astype(ml_dtypes.bfloat16),
                 "arg2": rng.standard_normal(4).astype(np.float32)}
    assert_level4(level2_conv_text(name, (2, 0, 1, 3), (1, 2)), feeds, exact=True)


@pytest.mark.parametrize("sp,ks,pads", [((9,), (3,), (1, 1)), ((4, 4, 4), (2, 2, 2), (0, 0, 0, 1, 1, 1))])
def test_level2_max_pool_1d_3d(sp, ks, pads):
    """max_pool on int8 !quant data (level 2): 1-D and 3-D rewrites bit-identical, golden and level 4."""
    nd = len(sp)
    out = (1, 2) + tuple(pool_out(s, k, 2, 1, pads[i], pads[nd + i], 0) for i, (s, k) in enumerate(zip(sp, ks)))
    attrs = dict(kernel_shape=list(ks), strides=[2] * nd, dilations=[1] * nd, pads=list(pads), ceil_mode=0, storage_order=0)
    text = module_text("max_pool", [("x", (1, 2) + sp, QX)], [], ["x"], out, attrs, QX)
    x = np.random.default_rng(21).integers(-128, 128, (1, 2) + sp).astype(np.int8)
    check(text, {"arg0": x}, "max_pool", None)
    assert_level4(text, {"arg0": x}, exact=True)
