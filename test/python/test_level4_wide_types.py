"""The level-4 data-movement element types i64, ui8..ui64 and f64 (issue 6).

* One list: the binary's type table, the interpreter's numpy dtypes and the perf model's
  bytes per element all follow npu.dialects.level4.ELEMENT_TYPES; the 1.0-1.2 type codes
  are unchanged.
* Level-4 kernels on these types (npu.interp.level4_compute) against the golden level-1
  kernels on the same inputs, extreme values included: bit for bit (integer add/sub/mul wrap,
  max/min/bitwise/mod, f64 arithmetic, compare of uint64 above 2^63, select); npu_pe.cast's
  own rule (saturate, round half to even, NaN -> 0) at the int64/uint64 boundaries.
* The binary: 1.3 files hold the new types (ui64 scalars above 2^63 too); a file of format
  1.2 naming one of them is refused, a 1.2 file without them still loads.
* End to end on edge-lpddr and datacenter-hbm, lowered by npu.spatial.lower_module and run
  on level 4: (a) a uint8 image cast to float, scaled and convolved; (b) int64 indices
  gathering embedding rows, then a MatMul; (d) float64 add / mul / cast; plus int64 shape
  arithmetic, numpy-astype casts (integer wrap, float truncation, to and from bool) and
  uint8 bitwise ops. Everything that involves only the new types and casts is bit-identical
  to the golden interpreter; the float Conv / MatMul outputs after them are within the
  accumulation-order bound of docs/spatial.md (|y4 - y1| <= gamma_(K+1) sum|a w| + u |y|).
  (c) ArgMax (decomposed by npu.decompose.select) returns int64 indices bit-identical to golden.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from mlir import ir
from onnx import TensorProto as T
from onnx import helper
from onnx import numpy_helper as nh

import npu.spatial as spatial
from npu.binary import container as C
from npu.binary import isa
from npu.binary.encode import encode
from npu.binary.loader import BinaryError, load, read
from npu.dialects import level4
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.interp.level4_compute import run_compute
from npu.interp.level4_memory import ELEMENTS, value_dtype
from npu.ir.context import make_context
from npu.onnx.importer import import_model
from npu.perf.costs import Costs, element_bits
from npu.target import load_target

sys.path.insert(0, str(Path(__file__).parent))
from level1_op import golden  # noqa: E402

PRESETS = ("edge-lpddr", "datacenter-hbm")
U = 2.0 ** -24
WIDE_INTS = {"i64": np.int64, "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64}

@pytest.fixture(scope="module")
def ctx():
    return make_context()


def extremes(dtype) -> np.ndarray:
    """The type's min, max, 0, +-1, values near the middle, and random ones (a 6 x 8 array)."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(3)
    edge = [info.min, info.max, 0, 1, info.max - 1, info.min + 1, info.max // 2, info.max // 2 + 1]
    if info.min < 0:
        edge += [-1, info.min // 2]
    rand = rng.integers(info.min, info.max, size=48 - len(edge), dtype=dtype, endpoint=True)
    return np.concatenate([np.array(edge, dtype=dtype), rand]).reshape(6, 8)


def bits(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.kind == "f" else a


# ------------------------------------------------------------------ one list of types

def test_every_list_of_level4_types_follows_dialects_level4():
    assert isa.BUFFER_DTYPES == level4.ELEMENT_TYPES
    assert set(ELEMENTS) == set(level4.ELEMENT_TYPES)
    for t in level4.ELEMENT_TYPES:
        assert isa.DTYPE_BITS[t] == ELEMENTS[t][0] == element_bits(t) == level4.bits(t)
        if level4.bits(t) >= 8:  # the sub-byte types are unpacked to one byte a value
            assert ELEMENTS[t][1].itemsize * 8 == level4.bits(t)
    # the codes of format 1.0-1.2 are part of the format: never renumbered
    old = {"i4": 1, "i8": 2, "i16": 3, "i32": 4, "i64": 5, "f8E4M3FN": 6, "f8E5M2": 7, "bf16": 8, "f16": 9,
           "f32": 10, "f64": 11}
    assert {k: isa.DTYPE_CODES[k] for k in old} == old
    assert len(set(isa.DTYPE_CODES.values())) == len(isa.DTYPE_CODES)
    assert C.VERSION >= (1, 3)


def test_perf_rates_of_the_wide_types_fall_back_as_documented():
    for preset in PRESETS:
        costs = Costs(load_target(preset))
        lanes = load_target(preset).pe.vector.lanes
        assert costs.vector_rate("ui8") == costs.vector_rate("i8")
        for t in ("i64", "ui64", "f64"):
            assert costs.vector_rate(t) == lanes * 32 // 64
        assert costs.mac_rate("i64") == 0.0 and costs.mac_rate("f64") == 0.0


# ------------------------------------------------------------------ kernels vs golden

WRAPPING = {"add": "add_wrap", "sub": "sub_wrap", "mul": "mul_wrap", "max": "max", "min": "min",
            "bitwise_and": "and", "bitwise_or": "or", "bitwise_xor": "xor"}


@pytest.mark.parametrize("dtype", list(WIDE_INTS))
def test_integer_binary_kinds_wrap_like_golden(ctx, dtype):
    a = extremes(WIDE_INTS[dtype])
    b = np.flip(a, axis=1).copy()
    for op, kind in WRAPPING.items():
        for rhs in (b, b[:1], b[:, :1]):  # broadcasting both ways
            gold = golden(ctx, op, [a, rhs], dtype)
            out = run_compute("npu_pe.binary", [a, rhs, None], [dtype] * 3, {"kind": kind}, gold.shape)
            assert out.dtype == gold.dtype
            np.testing.assert_array_equal(out, gold, err_msg=f"{op} {dtype}")
    nonzero = np.where(b == 0, 7, b).astype(b.dtype)
    gold = golden(ctx, "mod", [a, nonzero], dtype, "{fmod = 0 : i64}")
    out = run_compute("npu_pe.binary", [a, nonzero, None], [dtype] * 3, {"kind": "mod"}, gold.shape)
    np.testing.assert_array_equal(out, gold)
    gold = golden(ctx, "div", [a, nonzero], dtype)
    out = run_compute("npu_pe.binary", [a, nonzero, None], [dtype] * 3, {"kind": "div"}, gold.shape)
    np.testing.assert_array_equal(out, gold)
    with pytest.raises(NpuError, match="division by zero"):
        run_compute("npu_pe.binary", [a, b, None], [dtype] * 3, {"kind": "mod"}, a.shape)
    with pytest.raises(NpuError, match="binary 'div': division by zero"):
        run_compute("npu_pe.binary", [a, b, None], [dtype] * 3, {"kind": "div"}, a.shape)
    with pytest.raises(NpuError, match=f"'shl' is not defined for {dtype}"):
        run_compute("npu_pe.binary", [a, b, None], [dtype] * 3, {"kind": "shl"}, a.shape)
    gold = golden(ctx, "bitwise_not", [a], dtype)
    np.testing.assert_array_equal(run_compute("npu_pe.unary", [a, None], [dtype] * 2, {"kind": "not"}, a.shape), gold)


@pytest.mark.parametrize("dtype", ["i8", "i16", "i32"])
def test_integer_div_truncates_like_golden(ctx, dtype):
    """Integer div on the compute types too: truncated toward zero, min / -1 wraps (numpy's op)."""
    np_t = {"i8": np.int8, "i16": np.int16, "i32": np.int32}[dtype]
    info = np.iinfo(np_t)
    a = np.array([info.min, info.min, info.max, 7, -7, 7, -7, 0, 1, -1, 5, info.min + 1], np_t)
    b = np.array([-1, 1, -1, 2, 2, -2, -2, 3, info.min, info.min, info.max, -1], np_t)
    gold = golden(ctx, "div", [a, b], dtype)
    out = run_compute("npu_pe.binary", [a, b, None], [dtype] * 3, {"kind": "div"}, a.shape)
    assert out.dtype == gold.dtype
    np.testing.assert_array_equal(out, gold)
    assert out[:7].tolist() == [info.min, info.min, -info.max, 3, -3, -3, 3]


def test_f64_arithmetic_is_ieee_binary64_like_golden(ctx):
    rng = np.random.default_rng(5)
    a = np.concatenate([[0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e-300, 0.1, 1 / 3],
                        rng.standard_normal(39) * 1e10]).reshape(6, 8)
    b = np.concatenate([[3.0, 0.0, np.inf, 2.0, 1.0, 1e300, 7.0, 0.2, 3.0], rng.standard_normal(39)]).reshape(6, 8)
    for op, kind, attrs in (("add", "add", ""), ("sub", "sub", ""), ("mul", "mul", ""), ("div", "div", ""),
                            ("max", "max", ""), ("min", "min", ""), ("mod", "fmod", "{fmod = 1 : i64}")):
        gold = golden(ctx, op, [a, b], "f64", attrs)
        out = run_compute("npu_pe.binary", [a, b, None], ["f64"] * 3, {"kind": kind}, gold.shape)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(bits(out), bits(gold), err_msg=op)
    # not rounded through f32: 0.1 + 0.2 keeps its binary64 bits
    assert run_compute("npu_pe.binary", [np.array([0.1]), np.array([0.2]), None], ["f64"] * 3, {"kind": "add"},
                       (1,))[0] == 0.1 + 0.2


@pytest.mark.parametrize("dtype", [*WIDE_INTS, "f64"])
def test_compare_and_select_are_exact(ctx, dtype):
    a = extremes(WIDE_INTS[dtype]) if dtype != "f64" else np.linspace(-1e300, 1e300, 48).reshape(6, 8)
    b = np.roll(a, 3)
    for op, kind in (("equal", "eq"), ("less", "lt"), ("greater_or_equal", "ge")):
        gold = golden(ctx, op, [a, b], "i1")
        out = run_compute("npu_pe.compare", [a, b, None], [dtype, dtype, "i8"], {"kind": kind}, a.shape)
        np.testing.assert_array_equal(out, gold.astype(np.int8), err_msg=op)
    mask = (np.arange(48).reshape(6, 8) % 3 == 0)
    gold = golden(ctx, "where", [mask, a, b], dtype)
    out = run_compute("npu_pe.select", [mask.astype(np.int8), a, b, None], ["i8", dtype, dtype, dtype], {}, a.shape)
    np.testing.assert_array_equal(bits(out), bits(gold))


def test_uint64_above_2_63_compares_as_unsigned():
    a = np.array([2**63, 2**64 - 1, 5], np.uint64)
    b = np.array([1, 2**63, 2**63], np.uint64)
    out = run_compute("npu_pe.compare", [a, b, None], ["ui64", "ui64", "i8"], {"kind": "gt"}, (3,))
    np.testing.assert_array_equal(out, [1, 1, 0])


def test_level4_cast_rule_on_the_wide_types():
    """npu_pe.cast: int->int saturates, float->int rounds half to even and saturates, NaN -> 0 (dialect doc)."""
    i64 = np.array([-(2**63), -1, 0, 255, 256, 2**40, 2**63 - 1], np.int64)
    sat = lambda x, t: run_compute("npu_pe.cast", [x, None], [src_of(x), t], {}, x.shape)
    src_of = lambda x: {np.dtype(np.int64): "i64", np.dtype(np.uint64): "ui64", np.dtype(np.float64): "f64"}[x.dtype]
    np.testing.assert_array_equal(sat(i64, "ui8"), [0, 0, 0, 255, 255, 255, 255])
    np.testing.assert_array_equal(sat(i64, "i8"), [-128, -1, 0, 127, 127, 127, 127])
    np.testing.assert_array_equal(sat(i64, "ui64"), [0, 0, 0, 255, 256, 2**40, 2**63 - 1])
    u64 = np.array([0, 2**63, 2**64 - 1], np.uint64)
    np.testing.assert_array_equal(sat(u64, "i64"), [0, 2**63 - 1, 2**63 - 1])
    np.testing.assert_array_equal(sat(u64, "ui32"), [0, 2**32 - 1, 2**32 - 1])
    f = np.array([2.0**63, -(2.0**63), 1e30, -1e30, np.nan, 2.5, -2.5, 3.5, 2.0**64, -0.5], np.float64)
    out = sat(f, "i64")
    assert out.dtype == np.int64
    assert out.tolist() == [2**63 - 1, -(2**63), 2**63 - 1, -(2**63), 0, 2, -2, 4, 2**63 - 1, 0]
    assert sat(f, "ui64").tolist() == [2**63, 0, 2**64 - 1, 0, 0, 2, 0, 4, 2**64 - 1, 0]
    # f64 -> f16 rounds once (as astype), through f32 exactly; int64 / uint64 -> f32 / f64 as astype
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.standard_normal(200) * 1e3, [65520.0, 65519.99, 1e-8, 2.0**-25 * 1.5]])
    with np.errstate(over="ignore"):  # 65520 overflows to inf in both
        np.testing.assert_array_equal(sat(x, "f16").view(np.uint16), x.astype(np.float16).view(np.uint16))
    for v, t in ((i64, "f32"), (u64, "f32"), (i64, "f64"), (u64, "f64")):
        np.testing.assert_array_equal(sat(v, t), v.astype(value_dtype(t)))


# ------------------------------------------------------------------ binary format

WIDE_MODULE = """
module attributes {npu_pe.target = "edge-lpddr"} {
  "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xui64, "ext">, address = 0} : () -> ()
  "npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<2xf64, "ext">, value = dense<[0.5, -1.25]> : tensor<2xf64>, address = 64} : () -> ()
  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<4xi8, "ext">, address = 128} : () -> ()
  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    %x = "npu_mem.get_global"() {name = @x} : () -> memref<4xui64, "ext">
    %y = "npu_mem.get_global"() {name = @y} : () -> memref<4xi8, "ext">
    %a = "npu_mem.alloc"() {offset = 0} : () -> memref<4xui64, "sram">
    %b = "npu_mem.alloc"() {offset = 64} : () -> memref<4xui64, "sram">
    %m = "npu_mem.alloc"() {offset = 128} : () -> memref<4xi8, "sram">
    %t = "npu_mem.dma_start"(%x, %a) {src_offset = 0, src_sizes = array<i64: 4>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 4>, dst_strides = array<i64: 1>} : (memref<4xui64, "ext">, memref<4xui64, "sram">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
    "npu_pe.fill"(%b) {value = 18446744073709551614 : ui64} : (memref<4xui64, "sram">) -> ()
    "npu_pe.compare"(%a, %b, %m) {kind = "gt"} : (memref<4xui64, "sram">, memref<4xui64, "sram">, memref<4xi8, "sram">) -> ()
    %u = "npu_mem.dma_start"(%m, %y) {src_offset = 0, src_sizes = array<i64: 4>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 4>, dst_strides = array<i64: 1>} : (memref<4xi8, "sram">, memref<4xi8, "ext">) -> !npu_mem.token
    "npu_mem.dma_wait"(%u) : (!npu_mem.token) -> ()
    return
  }
}
"""


def test_binary_holds_the_wide_types_and_refuses_them_in_old_versions(ctx):
    target = load_target("edge-lpddr")
    module = ir.Module.parse(WIDE_MODULE, ctx)
    data = encode(module, target)
    loaded = load(data)
    assert encode(loaded.module, target) == data
    assert "18446744073709551614 : ui64" in str(loaded.module)
    feed = {"x": np.array([2**64 - 1, 2**64 - 2, 0, 2**63], np.uint64)}
    out = run_level4(loaded.module, feed, target=target)["y"]
    np.testing.assert_array_equal(out, [1, 0, 0, 0])
    # the same bytes marked format 1.2 name a type code 1.2 does not have
    old = C.reseal(data[:10] + struct.pack("<H", 2) + data[12:])
    with pytest.raises(BinaryError, match=r"unknown element type code 1[1-5] \(format 1.2\)"):
        load(old)


def test_a_format_1_2_file_without_the_new_types_still_loads(ctx):
    target = load_target("edge-lpddr")
    text = WIDE_MODULE.replace("ui64", "i32").replace("18446744073709551614", "-2")
    text = text.replace('"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<2xf64, "ext">, '
                        'value = dense<[0.5, -1.25]> : tensor<2xf64>, address = 64} : () -> ()', "")
    assert "f64" not in text
    data = encode(ir.Module.parse(text, ctx), target)
    binary = read(data)
    binary.version = (1, 2)  # written as a 1.2 writer would (64-byte symbol entries)
    old = C.write(binary)
    assert struct.unpack_from("<H", old, 10)[0] == 2
    loaded = load(old)
    assert loaded.binary.version == (1, 2)
    out = run_level4(loaded.module, {"x": np.array([-1, -2, 0, 5], np.int32)}, target=target)["y"]
    np.testing.assert_array_equal(out, [1, 0, 1, 1])


# ------------------------------------------------------------------ end to end

def _model(nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


vi = helper.make_tensor_value_info


def _run_both(ctx, model, feed, preset, via_binary=False):
    module = import_model(model, context=ctx)
    gold = Program(module).run(feed)
    target = load_target(preset)
    lowered = spatial.lower_module(import_model(model, context=ctx), target)
    if via_binary:
        lowered = load(encode(lowered, target)).module
    return gold, run_level4(lowered, feed, target=target)


def _assert_bit_identical(gold, out, names, case=""):
    for name in names:
        g, o = gold[name], out[name]
        assert o.dtype == g.dtype and o.shape == g.shape, (case, name)
        np.testing.assert_array_equal(bits(o), bits(g), err_msg=f"{case} {name}")


def _conv3x3_abs(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_k |x_k w_k| of a 3x3, pad 1, stride 1 convolution (float64), [N, M, H, W]."""
    n, c, h, wd = x.shape
    xp = np.pad(np.abs(x).astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, w.shape[0], h, wd))
    for ky in range(3):
        for kx in range(3):
            out += np.einsum("nchw,mc->nmhw", xp[:, :, ky:ky + h, kx:kx + wd], np.abs(w[:, :, ky, kx]).astype(np.float64))
    return out


@pytest.mark.parametrize("preset", PRESETS)
def test_a_uint8_image_cast_scaled_and_convolved(ctx, preset):
    rng = np.random.default_rng(11)
    w = (rng.standard_normal((4, 3, 3, 3)) * 0.2).astype(np.float32)
    model = _model([helper.make_node("Cast", ["img"], ["f"], to=T.FLOAT), helper.make_node("Div", ["f", "s"], ["g"]),
                    helper.make_node("Conv", ["g", "W"], ["y"], pads=[1, 1, 1, 1])],
                   [vi("img", T.UINT8, [1, 3, 8, 8])], [vi("g", T.FLOAT, [1, 3, 8, 8]), vi("y", T.FLOAT, [1, 4, 8, 8])],
                   [nh.from_array(np.array(255, np.float32), "s"), nh.from_array(w, "W")])
    img = rng.integers(0, 256, (1, 3, 8, 8)).astype(np.uint8)
    img.flat[:2] = [0, 255]
    gold, out = _run_both(ctx, model, {"img": img}, preset)
    _assert_bit_identical(gold, out, ["g"])
    bound = (28 * U / (1 - 28 * U)) * _conv3x3_abs(gold["g"], w) + U * np.abs(gold["y"])
    assert np.all(np.abs(out["y"].astype(np.float64) - gold["y"]) <= bound)


@pytest.mark.parametrize("preset", PRESETS)
def test_b_int64_indices_gather_embedding_rows_then_matmul(ctx, preset):
    rng = np.random.default_rng(12)
    table = rng.standard_normal((50, 16)).astype(np.float32)
    m = rng.standard_normal((16, 8)).astype(np.float32)
    model = _model([helper.make_node("Gather", ["E", "ids"], ["e"], axis=0),
                    helper.make_node("MatMul", ["e", "M"], ["y"])],
                   [vi("ids", T.INT64, [2, 5])], [vi("e", T.FLOAT, [2, 5, 16]), vi("y", T.FLOAT, [2, 5, 8])],
                   [nh.from_array(table, "E"), nh.from_array(m, "M")])
    ids = np.array([[0, 49, -1, 7, 3], [-50, 12, 12, 0, 25]], np.int64)
    gold, out = _run_both(ctx, model, {"ids": ids}, preset)
    _assert_bit_identical(gold, out, ["e"])  # one-hot rows: one exact non-zero term per sum
    bound = (17 * U / (1 - 17 * U)) * (np.abs(gold["e"]).astype(np.float64) @ np.abs(m)) + U * np.abs(gold["y"])
    assert np.all(np.abs(out["y"].astype(np.float64) - gold["y"]) <= bound)


def test_c_argmax_int64_indices_bit_identical(ctx):
    """ArgMax (npu-decompose's select rule) gives int64 indices on level 4: ties take the first index, a row with
    a NaN its NaN's index, as golden."""
    model = _model([helper.make_node("ArgMax", ["x"], ["i"], axis=1, keepdims=0)],
                   [vi("x", T.FLOAT, [4, 6])], [vi("i", T.INT64, [4])])
    x = np.array([[1, 3, 3, 0, -1, 2], [5, 5, 5, 5, 5, 5], [0, 1, np.nan, 9, np.nan, 2], [-4, -3, -2, -1, -0.5, -7]],
                 np.float32)
    gold, out = _run_both(ctx, model, {"x": x}, "edge-lpddr")
    assert gold["i"].tolist() == [1, 0, 2, 4]
    assert out["i"].dtype == np.int64 and np.array_equal(out["i"], gold["i"])


def _f64_model():
    return _model([helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Mul", ["s", "a"], ["p"]),
                   helper.make_node("Div", ["p", "b"], ["q"]), helper.make_node("Cast", ["q"], ["h"], to=T.FLOAT16),
                   helper.make_node("Cast", ["x"], ["d"], to=T.DOUBLE), helper.make_node("Max", ["d", "q"], ["z"]),
                   helper.make_node("Less", ["a", "b"], ["lt"])],
                  [vi("a", T.DOUBLE, [3, 16]), vi("b", T.DOUBLE, [1, 16]), vi("x", T.FLOAT, [3, 16])],
                  [vi("h", T.FLOAT16, [3, 16]), vi("z", T.DOUBLE, [3, 16]), vi("lt", T.BOOL, [3, 16])])


def _f64_feed():
    rng = np.random.default_rng(13)
    a = rng.standard_normal((3, 16)) * 1e3
    a[0, :4] = [1e300, -0.0, 0.1, 70000.0]
    b = rng.standard_normal((1, 16)) + 2.0
    return {"a": a, "b": b, "x": rng.standard_normal((3, 16)).astype(np.float32)}


@pytest.mark.parametrize("preset", PRESETS)
def test_d_float64_add_mul_div_max_cast_compare(ctx, preset):
    gold, out = _run_both(ctx, _f64_model(), _f64_feed(), preset)
    _assert_bit_identical(gold, out, ["h", "z", "lt"])


def test_d_float64_through_the_binary(ctx):
    gold, out = _run_both(ctx, _f64_model(), _f64_feed(), "edge-lpddr", via_binary=True)
    _assert_bit_identical(gold, out, ["h", "z", "lt"])


def _int_model():
    """int64 shape arithmetic, numpy-astype casts (wrap, truncation, bool) and uint8 bitwise ops."""
    nodes = [
        helper.make_node("Mul", ["n", "n"], ["n2"]), helper.make_node("Sub", ["n2", "k"], ["d"]),
        helper.make_node("Add", ["d", "n"], ["s"]), helper.make_node("Max", ["s", "k"], ["mx"]),
        helper.make_node("Mod", ["s", "k"], ["md"]), helper.make_node("Equal", ["n", "k"], ["eq"]),
        helper.make_node("Where", ["eq", "n", "mx"], ["wh"]),
        helper.make_node("Cast", ["s"], ["s32"], to=T.INT32), helper.make_node("Cast", ["s"], ["s8"], to=T.INT8),
        helper.make_node("Cast", ["s"], ["su16"], to=T.UINT16), helper.make_node("Cast", ["n"], ["nf"], to=T.FLOAT),
        helper.make_node("Cast", ["f"], ["f32i"], to=T.INT32), helper.make_node("Cast", ["f"], ["fu8"], to=T.UINT8),
        helper.make_node("Cast", ["f"], ["fb"], to=T.BOOL), helper.make_node("Cast", ["n"], ["nb"], to=T.BOOL),
        helper.make_node("Cast", ["fb"], ["bi"], to=T.INT64),
        helper.make_node("Cast", ["u"], ["u64"], to=T.INT64), helper.make_node("Cast", ["i8"], ["i8u"], to=T.UINT32),
        helper.make_node("BitwiseXor", ["u", "v"], ["x"]), helper.make_node("BitwiseNot", ["x"], ["nx"]),
        helper.make_node("Add", ["u", "v"], ["uv"]), helper.make_node("Sub", ["u", "v"], ["uvd"]),
    ]
    shape = [4, 8]
    ins = [vi("n", T.INT64, shape), vi("k", T.INT64, [1, 8]), vi("f", T.FLOAT, shape), vi("u", T.UINT8, shape),
           vi("v", T.UINT8, [4, 1]), vi("i8", T.INT8, shape)]
    outs = [vi("wh", T.INT64, shape), vi("md", T.INT64, shape), vi("s32", T.INT32, shape), vi("s8", T.INT8, shape),
            vi("su16", T.UINT16, shape), vi("nf", T.FLOAT, shape), vi("f32i", T.INT32, shape),
            vi("fu8", T.UINT8, shape), vi("nb", T.BOOL, shape), vi("bi", T.INT64, shape), vi("u64", T.INT64, shape),
            vi("i8u", T.UINT32, shape), vi("nx", T.UINT8, shape), vi("uv", T.UINT8, shape),
            vi("uvd", T.UINT8, shape)]
    return _model(nodes, ins, outs), [o.name for o in outs]


def _int_feed():
    rng = np.random.default_rng(14)
    n = rng.integers(-(2**40), 2**40, (4, 8)).astype(np.int64)
    n[0, :6] = [0, 2**31, -(2**31) - 1, 3_000_000_000, 2**32 + 5, 129]
    f = (rng.standard_normal((4, 8)) * 40).astype(np.float32)
    f[1, :8] = [0.5, -0.5, 1.5, -1.5, 2.99, -2.99, 0.0, -0.0]
    f = np.where(np.abs(f) < 127, f, 3.0).astype(np.float32)  # float -> uint8 / int32 in range (astype is C's)
    f[2] = np.abs(f[2])
    return {"n": n, "k": np.array([[1, 7, -3, 2**33, 5, -5, 1, 9]], np.int64), "f": f,
            "u": rng.integers(0, 256, (4, 8)).astype(np.uint8), "v": np.array([[0], [255], [128], [1]], np.uint8),
            "i8": np.arange(-16, 16, dtype=np.int8).reshape(4, 8)}


@pytest.mark.parametrize("preset", PRESETS)
def test_int64_arithmetic_astype_casts_and_uint8_bitwise(ctx, preset):
    model, names = _int_model()
    feed = _int_feed()
    gold, out = _run_both(ctx, model, feed, preset)
    # float -> uint8 of a negative value is undefined in C (numpy's astype): compare where defined
    defined = feed["f"] > -1
    gold["fu8"], out["fu8"] = gold["fu8"][defined], out["fu8"][defined]
    _assert_bit_identical(gold, out, names)


def test_compute_on_int64_that_level4_lacks_is_a_located_error(ctx):
    model = _model([helper.make_node("Sign", ["n"], ["y"])], [vi("n", T.INT64, [4])], [vi("y", T.INT64, [4])])
    with pytest.raises(NpuError, match=r"^y\(Sign\): error: 'npu_tensor.sign' op cannot lower to level 4 yet: expects "
                                       r"element types the vector unit computes 'sign' on, got i64") as err:
        spatial.lower_module(import_model(model, context=ctx), load_target("edge-lpddr"))
    assert "\n" not in str(err.value)
    model = _model([helper.make_node("Exp", ["d"], ["y"])], [vi("d", T.DOUBLE, [4])], [vi("y", T.DOUBLE, [4])])
    with pytest.raises(NpuError, match=r"'npu_tensor.exp' op cannot lower to level 4 yet: .*got f64"):
        spatial.lower_module(import_model(model, context=ctx), load_target("edge-lpddr"))
    # (ui8 max_pool decomposes to an i16 one: npu.decompose.conv; ui16 has no rule)
    model = _model([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2])],
                   [vi("x", T.UINT16, [1, 1, 4, 4])], [vi("y", T.UINT16, [1, 1, 3, 3])])
    with pytest.raises(NpuError, match=r"'npu_tensor.max_pool' op cannot lower to level 4 yet: expects element types "
                                       r"the compute units take, got ui16"):
        spatial.lower_module(import_model(model, context=ctx), load_target("edge-lpddr"))


def test_perf_model_runs_a_module_with_the_wide_types(ctx):
    """The timing model takes every op the lowering emits on the wide types (rates from the fallback)."""
    from npu.perf import PerfMachine, build_report

    model, _ = _int_model()
    target = load_target("edge-lpddr")
    lowered = spatial.lower_module(import_model(model, context=ctx), target)
    text = str(lowered)
    assert "xi64" in text and "xui8" in text
    machine = PerfMachine(lowered, target)
    machine.run(_int_feed())
    report = build_report(machine)
    assert sum(pe.vector_busy for pe in report.pes) > 0


# ONNX node-test cases the wide types unblocked (one or two per op type; all of them run in the
# spatial conformance bench), plus the integer Div cases integer div unblocked. Only cases whose
# float outputs are exact moves / casts / one-term sums (the loss cases reduce in another order:
# the bench checks those within its float tolerance).
NODE_CASES = ("test_add_uint64", "test_sub_uint8", "test_mul_uint32", "test_max_int64", "test_min_uint64",
              "test_mod_uint16", "test_mod_mixed_sign_float64", "test_bitwise_xor_ui64_bcast_3v1d",
              "test_bitwise_not_4d", "test_cast_DOUBLE_to_FLOAT16", "test_castlike_FLOAT16_to_DOUBLE",
              "test_where_long_example", "test_gather_negative_indices", "test_gather_elements_1",
              "test_onehot_negative_indices", "test_triu", "test_einsum_transpose", "test_div_uint8", "test_div_uint64", "test_div_int8", "test_div_int32_trunc")


@pytest.mark.parametrize("preset", PRESETS)
def test_onnx_node_cases_on_the_wide_types_are_bit_identical(ctx, preset):
    from npu.onnx import conformance

    cases = {c.name: c for c in conformance.list_cases("^(" + "|".join(NODE_CASES) + ")$")}
    assert sorted(cases) == sorted(NODE_CASES)
    for name in NODE_CASES:
        model = onnx.load(str(cases[name].path / "model.onnx"))
        init = {t.name for t in model.graph.initializer}
        names = [i.name for i in model.graph.input if i.name not in init]
        data, _ = next(conformance._data_sets(cases[name]))
        inputs = dict(zip(names, data))
        module, bound = conformance.import_case(model, inputs)  # inputs feeding static parameters bound
        feed = {k: v for k, v in inputs.items() if k not in bound}
        gold = Program(module).run(feed)
        target = load_target(preset)
        lowered = spatial.lower_module(conformance.import_case(model, inputs)[0], target)
        out = run_level4(lowered, feed, target=target)
        _assert_bit_identical(gold, out, list(gold), case=name)


@pytest.mark.parametrize("preset", PRESETS)
def test_a_cast_to_f64_after_a_matmul_runs_as_its_own_layer(ctx, preset):
    """A wide-type elementwise op is never fused into a matmul epilogue (whose SRAM estimate counts
    4 bytes an element): the f64 cast of the level-4 product is that product, exactly."""
    rng = np.random.default_rng(15)
    w = rng.standard_normal((24, 16)).astype(np.float32)
    model = _model([helper.make_node("MatMul", ["x", "W"], ["y"]), helper.make_node("Cast", ["y"], ["d"], to=T.DOUBLE),
                    helper.make_node("Add", ["d", "d"], ["z"])],
                   [vi("x", T.FLOAT, [8, 24])], [vi("y", T.FLOAT, [8, 16]), vi("z", T.DOUBLE, [8, 16])],
                   [nh.from_array(w, "W")])
    x = rng.standard_normal((8, 24)).astype(np.float32)
    gold, out = _run_both(ctx, model, {"x": x}, preset)
    np.testing.assert_array_equal(out["z"], out["y"].astype(np.float64) * 2)
    bound = (25 * U / (1 - 25 * U)) * (np.abs(x).astype(np.float64) @ np.abs(w)) + U * np.abs(gold["y"])
    assert np.all(np.abs(out["y"].astype(np.float64) - gold["y"]) <= bound)
