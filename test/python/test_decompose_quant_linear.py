"""qlinear_matmul decomposed (npu.decompose.quant_linear): golden before/after bit-identical, with run-time
scales and zero points, ties of acc * M that round half to even, the ONNX node cases at level 4 and a few
instances on the three presets."""

from __future__ import annotations

import numpy as np
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.decompose.golden import run_both
from npu.decompose.quant_linear import MAX_K
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.ir.pass_base import PassEnv
from npu.ir.pipeline import parse_element
from npu.onnx import conformance as front
from npu.spatial import conformance as sc
from npu.target import load_target

PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
_T = {np.uint8: "ui8", np.int8: "i8", np.float32: "f32", np.float16: "f16"}


def _ty(shape, dtype):
    dims = "x".join(str(d) for d in shape)
    return f"tensor<{dims + 'x' if dims else ''}{_T[dtype]}>"


def _module(a_shape, b_shape, out_shape, q, f, sa=(), za=(), sb=(), zb=(), ys=(), yz=()):
    """A qlinear_matmul whose eight operands are all function arguments (run-time)."""
    names = ["a", "as", "az", "b", "bs", "bz", "ys", "yz"]
    types = [_ty(a_shape, q), _ty(sa, f), _ty(za, q), _ty(b_shape, q), _ty(sb, f), _ty(zb, q), _ty(ys, f), _ty(yz, q)]
    args = ", ".join(f'%{n}: {t} {{npu.name = "{n}"}}' for n, t in zip(names, types))
    out = _ty(out_shape, q)
    return f"""
    func.func @main({args}) -> ({out} {{npu.name = "y"}}) {{
      %0 = "npu_tensor.qlinear_matmul"({", ".join("%" + n for n in names)}) : ({", ".join(types)}) -> {out}
      return %0 : {out}
    }}"""


def _instance(rng, q, f, a_shape=(5, 7), b_shape=(7, 6), per_axis=False, tie_scales=False):
    lo, hi = (0, 256) if q == np.uint8 else (-128, 128)
    m, n = a_shape[-2], b_shape[-1]
    sa, sb = ((m,), (n,)) if per_axis else ((), ())
    out_shape = np.broadcast_shapes(a_shape[:-2], b_shape[:-2]) + (m, n)
    inputs = {
        "a": rng.integers(lo, hi, a_shape).astype(q), "b": rng.integers(lo, hi, b_shape).astype(q),
        "az": rng.integers(lo, hi, sa).astype(q), "bz": rng.integers(lo, hi, sb).astype(q),
        "yz": np.asarray(rng.integers(lo, hi), dtype=q),
    }
    if tie_scales:  # M = 1/2, 1/4, 1/8: many products acc * M end in .5 exactly
        inputs["as"] = np.asarray(rng.choice([1.0, 0.5, 0.25], sa), dtype=f).reshape(sa)
        inputs["bs"] = np.asarray(rng.choice([0.5, 0.25], sb), dtype=f).reshape(sb)
        inputs["ys"] = np.asarray(1.0, dtype=f)
    else:
        inputs["as"] = (rng.uniform(0.01, 0.1, sa)).astype(f)
        inputs["bs"] = (rng.uniform(0.01, 0.1, sb)).astype(f)
        inputs["ys"] = np.asarray(rng.uniform(0.05, 0.5), dtype=f)
    text = _module(a_shape, b_shape, out_shape, q, f, sa, sa, sb, sb)
    return text, inputs


def _ties(inputs):
    """How many acc * M of this instance are exactly halfway between two integers."""
    a = inputs["a"].astype(np.int64) - (inputs["az"].astype(np.int64).reshape(-1, 1) if inputs["az"].ndim else
                                         inputs["az"].astype(np.int64))
    b = inputs["b"].astype(np.int64) - inputs["bz"].astype(np.int64)
    s_a = inputs["as"].reshape(-1, 1) if inputs["as"].ndim else inputs["as"]
    t = (a @ b).astype(np.float64) * np.float64(s_a * inputs["bs"] / inputs["ys"])
    return int(np.sum(np.abs(t - np.floor(t)) == 0.5))


CASES = [(q, f, per_axis, ties) for q in (np.uint8, np.int8) for f in (np.float32, np.float16)
         for per_axis in (False, True) for ties in (False, True)]


def _assert_level4_bit_identical(text: str, inputs: dict, tgt) -> None:
    """The module lowered for `tgt` gives golden's output 'y' bit for bit on level 4."""
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        gold = Program(module).run(inputs)
        got = run_level4(spatial.lower_module(module, tgt), inputs, target=tgt)
    assert got["y"].dtype == gold["y"].dtype
    np.testing.assert_array_equal(got["y"], gold["y"])


@pytest.mark.parametrize("q,f,per_axis,ties", CASES)
def test_golden_before_after_bit_identical(q, f, per_axis, ties):
    rng = np.random.default_rng(7)
    text, inputs = _instance(rng, q, f, per_axis=per_axis, tie_scales=ties)
    if ties:
        assert _ties(inputs) > 0  # the rounding rule is exercised: half up would differ
    before, after, out = run_both(text, inputs)
    assert '"npu_tensor.qlinear_matmul"' not in out and '"npu_tensor.matmul_int"' in out
    assert before["y"].dtype == after["y"].dtype == q
    np.testing.assert_array_equal(after["y"], before["y"])


def test_batched_operands():
    rng = np.random.default_rng(3)
    text, inputs = _instance(rng, np.int8, np.float32, a_shape=(2, 3, 9), b_shape=(2, 9, 4), tie_scales=True)
    before, after, _ = run_both(text, inputs)
    np.testing.assert_array_equal(after["y"], before["y"])


def test_half_to_even_not_half_up():
    """acc * M = k + 0.5 rounds to the even neighbour: 1 x 1 @ 1 x 1 with acc = 1, 3, 5 and M = 1/2."""
    text = _module((3, 1), (1, 1), (3, 1), np.int8, np.float32)
    inputs = {"a": np.array([[1], [3], [5]], np.int8), "b": np.array([[1]], np.int8),
              "az": np.asarray(0, np.int8), "bz": np.asarray(0, np.int8), "yz": np.asarray(0, np.int8),
              "as": np.asarray(1.0, np.float32), "bs": np.asarray(0.5, np.float32), "ys": np.asarray(1.0, np.float32)}
    before, after, _ = run_both(text, inputs)
    np.testing.assert_array_equal(after["y"].reshape(-1), [0, 2, 2])
    np.testing.assert_array_equal(after["y"], before["y"])


def test_saturation_and_large_k():
    """Extreme operands (all -128 against zero points 127, K = 300) saturate like golden."""
    k = 300
    text = _module((2, k), (k, 3), (2, 3), np.int8, np.float32)
    inputs = {"a": np.full((2, k), -128, np.int8), "b": np.full((k, 3), -128, np.int8),
              "az": np.asarray(127, np.int8), "bz": np.asarray(-1, np.int8), "yz": np.asarray(5, np.int8),
              "as": np.asarray(0.5, np.float32), "bs": np.asarray(0.5, np.float32), "ys": np.asarray(1e-3, np.float32)}
    before, after, _ = run_both(text, inputs)
    np.testing.assert_array_equal(after["y"], before["y"])
    inputs["bz"] = np.asarray(-128, np.int8)  # acc = 0: y = y_zp
    before, after, _ = run_both(text, inputs)
    np.testing.assert_array_equal(after["y"], before["y"])


def test_too_long_k_is_refused():
    k = MAX_K + 1
    text = _module((1, k), (k, 1), (1, 1), np.int8, np.float32)
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        with pytest.raises(ir.MLIRError, match=f"qlinear_matmul' decomposition expects K <= {MAX_K}"):
            parse_element("npu-decompose{all=true}").run(module, PassEnv(target=None), verify=True)


@pytest.mark.parametrize("target", PRESETS)
def test_level4_bit_identical_on_presets(target):
    tgt = load_target(target)
    rng = np.random.default_rng(11)
    for q, f, per_axis in ((np.uint8, np.float16, True), (np.int8, np.float32, False)):
        text, inputs = _instance(rng, q, f, a_shape=(6, 40), b_shape=(40, 10), per_axis=per_axis, tie_scales=True)
        assert _ties(inputs) > 0
        _assert_level4_bit_identical(text, inputs, tgt)


@pytest.mark.parametrize("name", [c.name for c in front.list_cases("^test_qlinearmatmul_")])
def test_onnx_node_cases_pass_at_level4(name):
    """The ONNX node cases lowered to level 4 on edge-lpddr match golden and the ONNX references."""
    (case,) = front.list_cases(f"^{name}$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message


# ------------------------------------------------------------------ qlinear_conv, run-time zero points of the integer ops

def _conv_module(x_shape, w_shape, out_shape, q, f, geo, per_channel, bias, op="qlinear_conv"):
    m = w_shape[0]
    zw = (m,) if per_channel else ()
    attrs = (f"{{dilations = array<i64: {geo['d']}, {geo['d']}>, group = {geo['g']} : i64, kernel_shape = "
             f"array<i64: {w_shape[2]}, {w_shape[3]}>, pads = array<i64: {geo['p']}, {geo['p']}, {geo['p']}, "
             f"{geo['p']}>, strides = array<i64: {geo['s']}, {geo['s']}>}}")
    if op == "qlinear_conv":
        names = ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"] + (["bias"] if bias else [])
        types = [_ty(x_shape, q), _ty((), f), _ty((), q), _ty(w_shape, q), _ty(zw, f), _ty(zw, q), _ty((), f),
                 _ty((), q)] + (["tensor<%dxi32>" % m] if bias else [])
        out = _ty(out_shape, q)
    else:
        names = ["x", "w", "xz", "wz"]
        types = [_ty(x_shape, q), _ty(w_shape, q), _ty((), q), _ty(zw, q)]
        out = "tensor<%sxi32>" % "x".join(map(str, out_shape))
    args = ", ".join(f'%{n}: {t} {{npu.name = "{n}"}}' for n, t in zip(names, types))
    return f"""
    func.func @main({args}) -> ({out} {{npu.name = "y"}}) {{
      %0 = "npu_tensor.{op}"({", ".join("%" + n for n in names)}) {attrs} : ({", ".join(types)}) -> {out}
      return %0 : {out}
    }}"""


def _conv_instance(rng, q, f, geo, per_channel, bias, ties, op="qlinear_conv", n=2, c=4, hw=7, m=8, k=3):
    g = geo["g"]
    x_shape, w_shape = (n, c, hw, hw), (m, c // g, k, k)
    span = geo["d"] * (k - 1) + 1
    o = (hw + 2 * geo["p"] - span) // geo["s"] + 1
    out_shape = (n, m, o, o)
    lo, hi = (0, 256) if q == np.uint8 else (-128, 128)
    zw = (m,) if per_channel else ()
    inputs = {"x": rng.integers(lo, hi, x_shape).astype(q), "w": rng.integers(lo, hi, w_shape).astype(q),
              "xz": np.asarray(rng.integers(lo, hi), dtype=q), "wz": rng.integers(lo, hi, zw).astype(q)}
    if op == "qlinear_conv":
        inputs["yz"] = np.asarray(rng.integers(lo, hi), dtype=q)
        inputs["xs"] = np.asarray(0.5 if ties else rng.uniform(0.01, 0.1), dtype=f)
        inputs["ws"] = (np.asarray(rng.choice([0.5, 0.25], zw)) if ties else rng.uniform(0.01, 0.1, zw)).astype(f)
        inputs["ys"] = np.asarray(1.0 if ties else rng.uniform(0.5, 4.0), dtype=f)
        if bias:
            inputs["bias"] = rng.integers(-5000, 5000, m).astype(np.int32)
    return _conv_module(x_shape, w_shape, out_shape, q, f, geo, per_channel, bias, op), inputs


GEOS = [dict(s=1, p=1, d=1, g=1), dict(s=2, p=2, d=2, g=2), dict(s=1, p=0, d=1, g=4)]
CONV_CASES = [(q, f, geo, per_channel, bias, ties) for q in (np.uint8, np.int8)
              for f, geo, per_channel, bias, ties in ((np.float32, GEOS[0], False, False, True),
                                                      (np.float16, GEOS[1], True, True, True),
                                                      (np.float32, GEOS[2], True, True, False))]


@pytest.mark.parametrize("q,f,geo,per_channel,bias,ties", CONV_CASES)
def test_qlinear_conv_golden_before_after_bit_identical(q, f, geo, per_channel, bias, ties):
    rng = np.random.default_rng(17)
    text, inputs = _conv_instance(rng, q, f, geo, per_channel, bias, ties)
    before, after, out = run_both(text, inputs)
    assert '"npu_tensor.qlinear_conv"' not in out and '"npu_tensor.conv_int"' in out
    np.testing.assert_array_equal(after["y"], before["y"])


@pytest.mark.parametrize("q", [np.uint8, np.int8])
@pytest.mark.parametrize("geo", GEOS)
def test_conv_integer_run_time_zero_points_bit_identical(q, geo):
    rng = np.random.default_rng(23)
    text, inputs = _conv_instance(rng, q, np.float32, geo, True, False, False, op="conv_integer")
    before, after, out = run_both(text, inputs)
    assert '"npu_tensor.conv_integer"' not in out
    np.testing.assert_array_equal(after["y"], before["y"])


def test_matmul_integer_run_time_zero_points_bit_identical():
    """uint8, per-row / per-column run-time zero points, batched: wrapping i32 equals golden's narrowed result."""
    rng = np.random.default_rng(29)
    text = """
    func.func @main(%a: tensor<2x5x9xui8> {npu.name = "a"}, %b: tensor<9x4xui8> {npu.name = "b"}, %za: tensor<5xui8> {npu.name = "za"}, %zb: tensor<4xui8> {npu.name = "zb"}) -> (tensor<2x5x4xi32> {npu.name = "y"}) {
      %0 = "npu_tensor.matmul_integer"(%a, %b, %za, %zb) : (tensor<2x5x9xui8>, tensor<9x4xui8>, tensor<5xui8>, tensor<4xui8>) -> tensor<2x5x4xi32>
      return %0 : tensor<2x5x4xi32>
    }"""
    inputs = {"a": rng.integers(0, 256, (2, 5, 9)).astype(np.uint8), "b": rng.integers(0, 256, (9, 4)).astype(np.uint8),
              "za": rng.integers(0, 256, 5).astype(np.uint8), "zb": rng.integers(0, 256, 4).astype(np.uint8)}
    before, after, out = run_both(text, inputs)
    assert '"npu_tensor.matmul_integer"' not in out
    np.testing.assert_array_equal(after["y"], before["y"])


@pytest.mark.parametrize("target", PRESETS)
def test_qlinear_conv_level4_bit_identical_on_presets(target):
    tgt = load_target(target)
    rng = np.random.default_rng(31)
    for q, f, geo, per_channel, bias in ((np.uint8, np.float16, GEOS[1], True, True),
                                         (np.int8, np.float32, GEOS[0], False, False)):
        text, inputs = _conv_instance(rng, q, f, geo, per_channel, bias, True)
        _assert_level4_bit_identical(text, inputs, tgt)


@pytest.mark.parametrize("name", ["test_qlinearconv", "test_convinteger_with_padding",
                                  "test_convinteger_without_padding", "test_matmulinteger"])
def test_onnx_integer_node_cases_pass_at_level4(name):
    (case,) = front.list_cases(f"^{name}$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message
