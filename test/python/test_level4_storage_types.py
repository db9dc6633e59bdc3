"""The level-4 storage-only types: i2, ui2, ui4, f4E2M1FN (packed) and f8E4M3FNUZ, f8E5M2FNUZ, f8E8M0FNU.

* One list: npu.dialects.level4.STORAGE_TYPES feeds the binary's type codes (appended, 16-22,
  since format 1.4; the 1.0-1.3 codes unchanged), the interpreter's numpy dtypes and bits.
* Packing: every sub-byte type is packed like i4, lowest index in the lowest bits (bytes
  written out by hand below); pack / unpack round trip at every length; the binary's weight
  storage uses the same packing.
* The whole-byte DMA rule generalised to four elements a byte: `whole_bytes` and
  `grid_moves_whole_bytes` against a brute force over every box.
* Casts lowered by npu.spatial.lower_module and run on level 4 against the golden
  interpreter, bit for bit (every code of the narrow source types; special and boundary
  values of float sources: +-0, +-inf, NaN, ties, overflow, |x| >= 2^31), on all three
  presets: to and from each type, saturate 0 / 1 for the fnuz formats, every round_mode and
  saturate of f8E8M0FNU, the float -> i4 / i2 / ui4 / ui2 wrap, int -> sub-byte wrap.
* Data movement (transpose, concat, slice, reshape copies) of tensors of each type, and a
  module with them through the binary (encode, load, run): bit for bit.
* What is refused, with one located line: arithmetic on a storage-only type (the other
  refusals: test/passes/npu-tile_storage_invalid.mlir).
"""

from __future__ import annotations

import itertools
from math import prod

import ml_dtypes
import numpy as np
import pytest
from onnx import TensorProto as T
from onnx import helper

import npu.spatial as spatial
from npu.binary import isa
from npu.binary.container import TypeEntry
from npu.binary.decode import unpack_storage
from npu.binary.encode import encode, pack_storage
from npu.binary.loader import load
from npu.dialects import level4
from npu.dialects.npu_mem import whole_bytes
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.interp.level4_memory import ELEMENTS, api_dtype, pack_sub_byte, unpack_sub_byte
from npu.ir.context import make_context
from npu.onnx.importer import import_model
from npu.spatial.layout import View, box_pattern
from npu.spatial.subbyte import grid_moves_whole_bytes
from npu.target import load_target

PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
ONNX_TYPE = {"f32": T.FLOAT, "f16": T.FLOAT16, "bf16": T.BFLOAT16, "f64": T.DOUBLE, "i8": T.INT8, "i32": T.INT32,
             "i64": T.INT64, "ui8": T.UINT8, "i4": T.INT4, "i2": T.INT2, "ui2": T.UINT2, "ui4": T.UINT4,
             "f8E4M3FNUZ": T.FLOAT8E4M3FNUZ, "f8E5M2FNUZ": T.FLOAT8E5M2FNUZ, "f8E8M0FNU": T.FLOAT8E8M0,
             "f4E2M1FN": T.FLOAT4E2M1, "f8E4M3FN": T.FLOAT8E4M3FN, "f8E5M2": T.FLOAT8E5M2}
SUB_BYTE = ("i2", "ui2", "ui4", "f4E2M1FN")


@pytest.fixture(scope="module")
def ctx():
    return make_context()


def codes(a: np.ndarray) -> np.ndarray:
    """Bit patterns to compare: the byte of every 1-byte element (sub-byte values hold their code
    in the low bits, ml_dtypes' integers sign-extended), the raw bits of wider floats, else values."""
    a = np.asarray(a)
    if a.dtype in (np.dtype(ml_dtypes.int2), np.dtype(ml_dtypes.int4), np.dtype(ml_dtypes.uint2),
                   np.dtype(ml_dtypes.uint4)):
        return a.astype(np.int64)
    if a.dtype == np.dtype(ml_dtypes.float4_e2m1fn):
        return a.view(np.uint8) & 0xF
    if a.dtype.kind in "iub":
        return a
    return a.view(f"u{a.dtype.itemsize}")


# ------------------------------------------------------------------ one list of types

def test_storage_types_in_every_list():
    assert set(level4.STORAGE_TYPES) <= set(level4.ELEMENT_TYPES) == set(ELEMENTS) == set(isa.BUFFER_DTYPES)
    assert {t: isa.DTYPE_CODES[t] for t in level4.STORAGE_TYPES} == {
        "i2": 16, "ui2": 17, "ui4": 18, "f8E4M3FNUZ": 19, "f8E5M2FNUZ": 20, "f8E8M0FNU": 21, "f4E2M1FN": 22}
    assert not set(level4.STORAGE_TYPES) & set(isa.BUFFER_DTYPES_1_3)
    assert {t: level4.bits(t) for t in level4.STORAGE_TYPES} == {
        "i2": 2, "ui2": 2, "ui4": 4, "f4E2M1FN": 4, "f8E4M3FNUZ": 8, "f8E5M2FNUZ": 8, "f8E8M0FNU": 8}
    assert level4.int_range("i2") == (-2, 1) and level4.int_range("ui2") == (0, 3) and level4.int_range("ui4") == (0, 15)
    assert all(level4.is_wide(t) and level4.is_storage_only(t) for t in level4.STORAGE_TYPES)
    assert not any(level4.is_storage_only(t) for t in ("i4", "i8", "ui8", "f8E4M3FN", "f64"))


# ------------------------------------------------------------------ packing

def test_sub_byte_packing_by_hand():
    # i2 [1, -2, 0, -1 | 1]: codes 01 10 00 11 -> 0b11_00_10_01, then 0b01 with zero padding
    assert pack_sub_byte(np.array([1, -2, 0, -1, 1]), "i2").tolist() == [0b11001001, 0b00000001]
    assert pack_sub_byte(np.array([3, 0, 1, 2]), "ui2").tolist() == [0b10010011]
    assert pack_sub_byte(np.array([15, 1, 7]), "ui4").tolist() == [0x1F, 0x07]
    f4 = np.array([0.5, -6.0, 3.0], ml_dtypes.float4_e2m1fn)  # codes 0001, 1111, 0101
    assert pack_sub_byte(f4, "f4E2M1FN").tolist() == [0xF1, 0x05]
    assert unpack_sub_byte(np.array([0b11001001], np.uint8), 4, "i2").tolist() == [1, -2, 0, -1]
    assert unpack_sub_byte(np.array([0x1F], np.uint8), 2, "ui4").tolist() == [15, 1]


@pytest.mark.parametrize("dtype", SUB_BYTE + ("i4",))
def test_sub_byte_round_trip_and_binary_storage(dtype):
    rng = np.random.default_rng(1)
    every = _all_codes(dtype, (1 << level4.bits(dtype),)).reshape(-1)
    for n in range(0, 13):
        values = every[rng.integers(0, every.size, n)]
        packed = pack_sub_byte(values, dtype)
        assert packed.size == -(-n * level4.bits(dtype) // 8)
        back = unpack_sub_byte(packed, n, dtype).astype(api_dtype(dtype))
        np.testing.assert_array_equal(codes(back), codes(values))
        data = pack_storage(values.reshape(n, 1), dtype)  # the binary's weight storage: the same bytes
        assert data == packed.tobytes()
        got = unpack_storage(data, TypeEntry(dtype, "ext", (n, 1)))
        assert got.dtype == values.dtype
        np.testing.assert_array_equal(codes(got.reshape(-1)), codes(values))


# ------------------------------------------------------------------ the DMA rule

def test_whole_bytes_four_a_byte():
    assert whole_bytes(4, [8], [1], 40, 4) and whole_bytes(0, [3, 4], [8, 1], 40, 4)
    assert not whole_bytes(2, [4], [1], 40, 4)  # starts mid-byte
    assert not whole_bytes(0, [3, 4], [6, 1], 40, 4)  # rows start mid-byte
    assert not whole_bytes(0, [6], [1], 40, 4)  # ends mid-byte inside the buffer
    assert whole_bytes(36, [2], [1], 38, 4)  # ends at the last element of a partial last byte
    assert not whole_bytes(36, [2], [1], 40, 4)


def _every_box_whole_bytes(view: View, box, order, per: int) -> bool:
    """Brute force: every box of the grid, checked with the verifier's rule."""
    numel = prod(view.shape)
    for lo in itertools.product(*(range(0, s, b) for s, b in zip(view.shape, box))):
        sizes = tuple(min(b, s - l) for b, s, l in zip(box, view.shape, lo))
        p = box_pattern(view, lo, sizes, order)
        if not whole_bytes(p.offset, list(p.sizes), list(p.strides), numel, per):
            return False
        if not whole_bytes(0, [prod(sizes)], [1], prod(sizes), per):
            return False
    return True


@pytest.mark.parametrize("dtype", ["i2", "ui4"])
def test_grid_rule_matches_every_box(dtype):
    """The representative boxes (positions 0-3, n-2, n-1 along each dim) decide like all boxes."""
    per = 8 // level4.bits(dtype)
    rng = np.random.default_rng(5)
    agreed = {True: 0, False: 0}
    for _ in range(400):
        rank = int(rng.integers(1, 4))
        shape = tuple(int(v) for v in rng.integers(1, 13, size=rank))
        box = tuple(int(rng.integers(1, s + 1)) for s in shape)
        view = View.dense("w", shape, tuple(int(v) for v in rng.permutation(rank)))
        order = tuple(int(v) for v in rng.permutation(rank))
        want = _every_box_whole_bytes(view, box, order, per)
        assert grid_moves_whole_bytes(view, prod(shape), dtype, box, order) == want, (shape, box, order)
        agreed[want] += 1
    assert min(agreed.values()) > 20  # both answers exercised


# ------------------------------------------------------------------ casts, golden vs level 4

def _model(nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 25)])


def _cast_model(src: str, dst: str, shape, **attrs):
    node = helper.make_node("Cast", ["x"], ["y"], to=ONNX_TYPE[dst], **attrs)
    return _model([node], [helper.make_tensor_value_info("x", ONNX_TYPE[src], list(shape))],
                  [helper.make_tensor_value_info("y", ONNX_TYPE[dst], list(shape))])


def _float_inputs(dtype: str, shape) -> np.ndarray:
    """Specials, ties and boundaries of every narrow format, then random values over many scales."""
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 0.25, 2.5, -2.5, 3.5, 5.0, 7.0, 6.5, 100.0, 232.0, 236.0,
               240.0, 244.0, 248.0, -250.0, 57344.0, 61440.0, -65000.0, 448.0, 1e-9, -3e-8, 2.0 ** -126,
               2.0 ** -140, 2.0 ** 127 * 1.5, 3e38, 7.9, -7.9, 8.0, 15.5, 2.0 ** 24 + 2, 3e9, -3e9, 2.0 ** 31,
               -(2.0 ** 31), 2.0 ** 31 - 128, 1e20, 0.75, 1.25, 1.75, 2.0 ** -127, 2.0 ** -128]
    rng = np.random.default_rng(11)
    n = prod(shape)
    scales = 2.0 ** rng.integers(-20, 20, size=n)
    values = np.concatenate([np.array(special), rng.standard_normal(n) * scales])[:n]
    with np.errstate(over="ignore"):
        return values.astype(api_dtype(dtype)).reshape(shape)


def _all_codes(dtype: str, shape) -> np.ndarray:
    """Every code of a narrow type, repeated to fill `shape`."""
    b = level4.bits(dtype)
    raw = np.resize(np.arange(1 << b, dtype=np.uint8), prod(shape))
    if dtype in ("i2", "i4"):
        half = 1 << (b - 1)
        return ((raw.astype(np.int64) ^ half) - half).astype(api_dtype(dtype)).reshape(shape)
    if dtype in ("ui2", "ui4"):
        return raw.astype(api_dtype(dtype)).reshape(shape)
    return raw.view(api_dtype(dtype)).reshape(shape)


def _int_inputs(dtype: str, shape) -> np.ndarray:
    info = np.iinfo(api_dtype(dtype))
    rng = np.random.default_rng(2)
    edge = [info.min, info.max, 0, 1, -1 if info.min < 0 else 2, 3, 4, 5, 7, 8, 15, 16, 17]
    rand = rng.integers(info.min, info.max, size=prod(shape), endpoint=True)
    return np.resize(np.concatenate([np.array(edge), rand]), prod(shape)).astype(api_dtype(dtype)).reshape(shape)


def _inputs(dtype: str, shape) -> np.ndarray:
    if dtype in level4.STORAGE_TYPES or dtype == "i4":
        return _all_codes(dtype, shape)
    if level4.is_int(dtype):
        return _int_inputs(dtype, shape)
    return _float_inputs(dtype, shape)


def _run_both(ctx, model, feed, preset, via_binary=False):
    gold = Program(import_model(model, context=ctx)).run(feed)
    target = load_target(preset)
    lowered = spatial.lower_module(import_model(model, context=ctx), target)
    if via_binary:
        lowered = load(encode(lowered, target)).module
    return gold, run_level4(lowered, feed, target=target), lowered


def _assert_bit_identical(gold, out, case):
    for name in gold:
        g, o = np.asarray(gold[name]), np.asarray(out[name])
        assert o.dtype == g.dtype and o.shape == g.shape, (case, name, o.dtype, g.dtype)
        np.testing.assert_array_equal(codes(o), codes(g), err_msg=f"{case} {name}")


FLOATS_IN = ("f32", "f16", "bf16")
CASTS = (
    # to the fnuz formats, saturating (clamp first) and not
    [(s, d, {"saturate": sat}) for s in FLOATS_IN for d in ("f8E4M3FNUZ", "f8E5M2FNUZ") for sat in (0, 1)]
    + [(s, d, {}) for s in ("f64", "i32", "i8") for d in ("f8E4M3FNUZ", "f8E5M2FNUZ")]
    # fp4 (saturating, NaN -> 0) and e8m0 (round up, saturate)
    + [(s, "f4E2M1FN", {}) for s in ("f32", "f16", "bf16", "f64", "i8")]
    + [(s, "f8E8M0FNU", {"round_mode": "up", "saturate": 1}) for s in ("f32", "f16", "bf16", "f64")]
    + [(s, "f8E8M0FNU", {"round_mode": m, "saturate": sat}) for s in ("f32", "f16", "i32")
       for m in ("up", "down", "nearest") for sat in (0, 1) if (m, sat) != ("up", 1)]
    + [("f64", "f8E8M0FNU", {"round_mode": "nearest", "saturate": 0})]
    # float -> sub-byte integers: truncate, then wrap (astype)
    + [(s, d, {}) for s in FLOATS_IN for d in ("i4", "i2", "ui2", "ui4")]
    # integers -> sub-byte integers: wrap
    + [(s, d, {}) for s in ("i8", "i32", "i64", "ui8") for d in ("i4", "i2", "ui2", "ui4")]
    # from the storage-only types to wider ones (exact), to integers (truncated via f32) and between them
    + [(s, d, {}) for s in ("f8E4M3FNUZ", "f8E5M2FNUZ", "f8E8M0FNU", "f4E2M1FN") for d in ("f32", "f16", "bf16")]
    + [(s, d, {}) for s in ("f8E4M3FNUZ", "f8E5M2FNUZ", "f4E2M1FN") for d in ("i8", "i32", "f8E4M3FN")]
    + [(s, d, {}) for s in ("i2", "ui2", "ui4", "i4") for d in ("i8", "ui8", "f32", "f16")]
    + [("i2", "i4", {}), ("ui2", "ui4", {}), ("f8E4M3FNUZ", "f8E5M2FNUZ", {}),
       ("f8E5M2FNUZ", "f8E4M3FNUZ", {"saturate": 0}), ("f4E2M1FN", "f8E8M0FNU", {})]
    # pairs ml_dtypes has no direct cast for (golden goes through i64 / f32): sub-byte integers of
    # another signedness or a narrower width (wrap), f8E8M0FNU to fp4 / fnuz / sub-byte integers
    + [(s, d, {}) for s, d in (("i4", "ui4"), ("ui4", "i4"), ("i2", "ui2"), ("ui2", "i2"), ("i4", "i2"),
                               ("ui4", "ui2"), ("i2", "ui4"), ("ui4", "i2"))]
    + [("f8E8M0FNU", d, {}) for d in ("f4E2M1FN", "f8E4M3FNUZ", "i4", "ui2")]
)


@pytest.mark.parametrize("preset", PRESETS)
def test_casts_are_bit_identical_to_golden(ctx, preset):
    shape = (7, 9)  # odd sizes: partial last bytes of the sub-byte types, tiles starting mid-row
    done = 0
    for src, dst, attrs in CASTS:
        if src == dst:
            continue
        model = _cast_model(src, dst, shape, **attrs)
        feed = {"x": _inputs(src, shape)}
        gold, out, _ = _run_both(ctx, model, feed, preset)
        _assert_bit_identical(gold, out, f"{src} -> {dst} {attrs} on {preset}")
        done += 1
    assert done > 90


def test_golden_float_to_sub_byte_cast_is_truncate_then_wrap(ctx):
    """The rule the level-4 recipe implements, checked on golden itself: trunc toward zero, low b
    bits; NaN, inf and |x| >= 2^31 give 0 (so the recipe does not just mirror the level-4 run)."""
    x = _float_inputs("f32", (7, 9))
    for dst in ("i4", "i2", "ui2", "ui4"):
        gold = Program(import_model(_cast_model("f32", dst, x.shape), context=ctx)).run({"x": x})["y"]
        b = level4.bits(dst)
        with np.errstate(invalid="ignore"):
            t = np.where(np.abs(x) < 2.0 ** 31, np.trunc(x), 0).astype(np.int64) & ((1 << b) - 1)
        if not dst.startswith("u"):
            t = (t ^ (1 << (b - 1))) - (1 << (b - 1))
        np.testing.assert_array_equal(gold.astype(np.int64), t, err_msg=dst)


def test_golden_casts_ml_dtypes_lacks(ctx):
    """Golden casts between sub-byte integers of either signedness by wrapping to the low bits (ml_dtypes
    raises TypeError on e.g. int4 -> uint4), and from f8E8M0FNU through its exact f32 value."""
    codes_i4 = np.arange(-8, 8)
    for src, dst in (("i4", "ui4"), ("ui4", "i4"), ("i4", "i2"), ("ui4", "ui2"), ("i2", "ui4"), ("ui2", "i2")):
        x = (codes_i4 & ((1 << level4.bits(src)) - 1)).astype(np.int64)
        if not src.startswith("u"):
            x = (x ^ (1 << (level4.bits(src) - 1))) - (1 << (level4.bits(src) - 1))
        gold = Program(import_model(_cast_model(src, dst, x.shape), context=ctx)).run(
            {"x": x.astype(api_dtype(src))})["y"]
        b = level4.bits(dst)
        want = x & ((1 << b) - 1)
        if not dst.startswith("u"):
            want = (want ^ (1 << (b - 1))) - (1 << (b - 1))
        assert gold.dtype == api_dtype(dst), (src, dst)
        np.testing.assert_array_equal(gold.astype(np.int64), want, err_msg=f"{src} -> {dst}")
    e = np.array([0.25, 1.0, 4.0, 8.0, 2.0 ** -3, 2.0 ** 10], np.float32)
    gold = Program(import_model(_cast_model("f8E8M0FNU", "f4E2M1FN", e.shape), context=ctx)).run(
        {"x": e.astype(ml_dtypes.float8_e8m0fnu)})["y"]
    np.testing.assert_array_equal(gold.astype(np.float32), [0.0, 1.0, 4.0, 6.0, 0.0, 6.0])


def test_cast_ir_names_the_new_buffer_types(ctx):
    """The lowered module holds ext and SRAM buffers of the new types (the cast runs on them)."""
    _, _, lowered = _run_both(ctx, _cast_model("f32", "i2", (4, 6)), {"x": _float_inputs("f32", (4, 6))},
                              "edge-lpddr")
    text = str(lowered)
    assert 'xi2, "ext">' in text and 'xi2, "sram">' in text and '"npu_pe.cast"' in text


# ------------------------------------------------------------------ data movement and the binary

MOVE_TYPES = ("i2", "ui2", "ui4", "f4E2M1FN", "f8E4M3FNUZ", "f8E5M2FNUZ", "f8E8M0FNU", "i4")


def _movement_model(dtype: str):
    t = ONNX_TYPE[dtype]
    vi = helper.make_tensor_value_info
    nodes = [helper.make_node("Transpose", ["x"], ["xt"], perm=[1, 0]),  # 9 x 6
             helper.make_node("Concat", ["xt", "z"], ["c"], axis=0),  # 12 x 6
             helper.make_node("Reshape", ["c", "shape"], ["r"]),  # 8 x 9
             helper.make_node("Slice", ["r", "starts", "ends"], ["s"]),  # rows 1..6, cols 2..9
             helper.make_node("Transpose", ["s"], ["y"], perm=[1, 0]),  # 7 x 5
             helper.make_node("Reshape", ["x", "shape2"], ["q"]),  # a graph output: a copy of x's bytes
             helper.make_node("Expand", ["z1", "shape3"], ["e"])]  # broadcast rows: 4 x 3 x 6
    inits = [helper.make_tensor("shape", T.INT64, [2], [8, 9]), helper.make_tensor("starts", T.INT64, [2], [1, 2]),
             helper.make_tensor("ends", T.INT64, [2], [6, 9]), helper.make_tensor("shape2", T.INT64, [2], [3, 18]),
             helper.make_tensor("shape3", T.INT64, [3], [4, 3, 6])]
    return _model(nodes, [vi("x", t, [6, 9]), vi("z", t, [3, 6]), vi("z1", t, [1, 3, 6])],
                  [vi("y", t, [7, 5]), vi("c", t, [12, 6]), vi("q", t, [3, 18]), vi("e", t, [4, 3, 6])], inits)


@pytest.mark.parametrize("preset", PRESETS)
def test_data_movement_is_bit_identical(ctx, preset):
    for dtype in MOVE_TYPES:
        feed = {"x": _all_codes(dtype, (6, 9)), "z": _all_codes(dtype, (3, 6))[::-1].copy(),
                "z1": _all_codes(dtype, (1, 3, 6))}
        gold, out, _ = _run_both(ctx, _movement_model(dtype), feed, preset)
        _assert_bit_identical(gold, out, f"{dtype} on {preset}")


def test_storage_types_through_the_binary(ctx):
    """Encode, load (format 1.4 type codes), decode and run: the same outputs, bit for bit."""
    target = load_target("edge-lpddr")
    for dtype in MOVE_TYPES:
        feed = {"x": _all_codes(dtype, (6, 9)), "z": _all_codes(dtype, (3, 6)), "z1": _all_codes(dtype, (1, 3, 6))}
        gold, out, _ = _run_both(ctx, _movement_model(dtype), feed, "edge-lpddr", via_binary=True)
        _assert_bit_identical(gold, out, f"{dtype} via the binary")
    gold, out, lowered = _run_both(ctx, _cast_model("f16", "ui4", (5, 5)), {"x": _float_inputs("f16", (5, 5))},
                                   "edge-lpddr", via_binary=True)
    _assert_bit_identical(gold, out, "f16 -> ui4 via the binary")
    assert load(encode(lowered, target)).module is not None


# ------------------------------------------------------------------ refusals

def test_arithmetic_on_a_storage_only_type_is_refused(ctx):
    vi = helper.make_tensor_value_info
    model = _model([helper.make_node("Add", ["a", "b"], ["y"])], [vi("a", T.UINT4, [2, 4]), vi("b", T.UINT4, [2, 4])],
                   [vi("y", T.UINT4, [2, 4])])
    with pytest.raises(NpuError, match=r"expects element types the vector unit computes 'add' on, got ui4 \(a "
                                       r"storage-only type"):
        spatial.lower_module(import_model(model, context=ctx), load_target("edge-lpddr"))


def test_perf_model_runs_the_storage_type_casts(ctx):
    """The timing model takes the casts and packed DMAs (the storage-only types have no target rate:
    the vector-unit fallback of npu.perf.costs)."""
    from npu.perf import PerfMachine, build_report

    shape = (8, 12)
    model = _model([helper.make_node("Cast", ["x"], ["q"], to=T.INT2),
                    helper.make_node("Cast", ["x"], ["f"], to=T.FLOAT8E5M2FNUZ)],
                   [helper.make_tensor_value_info("x", T.FLOAT, list(shape))],
                   [helper.make_tensor_value_info("q", T.INT2, list(shape)),
                    helper.make_tensor_value_info("f", T.FLOAT8E5M2FNUZ, list(shape))])
    target = load_target("edge-lpddr")
    lowered = spatial.lower_module(import_model(model, context=ctx), target)
    machine = PerfMachine(lowered, target)
    machine.run({"x": _float_inputs("f32", shape)})
    report = build_report(machine)
    assert report.cycles > 0 and sum(pe.vector_busy for pe in report.pes) > 0


# ------------------------------------------------------------------ the ONNX node cases

# the Cast / CastLike node tests these types unblocked (before: "level 4 has buffers for ..." or "no i4
# wrap"), 103 of them, on the three presets
NODE_PATTERN = (r"^test_cast(like)?_(.*(FNUZ|INT2|UINT2|UINT4|FLOAT4E2M1|E8M0).*|FLOAT16_to_INT4|FLOAT_to_INT4"
                r"|FLOAT16_to_INT4_expanded|FLOAT_to_INT4_expanded)$")


def _node_cases(pattern):
    from npu.onnx import conformance

    return conformance, conformance.list_cases(pattern)


@pytest.mark.parametrize("preset", PRESETS)
def test_onnx_cast_node_cases_are_bit_identical(ctx, preset):
    import onnx

    conformance, cases = _node_cases(NODE_PATTERN)
    assert len(cases) == 103
    target = load_target(preset)
    for case in cases:
        model = onnx.load(str(case.path / "model.onnx"))
        init = {t.name for t in model.graph.initializer}
        names = [i.name for i in model.graph.input if i.name not in init]
        data, expected = next(conformance._data_sets(case))
        inputs = dict(zip(names, data))
        module, bound = conformance.import_case(model, inputs)
        feed = {k: v for k, v in inputs.items() if k not in bound}
        gold = Program(module).run(feed)
        lowered = spatial.lower_module(conformance.import_case(model, inputs)[0], target)
        out = run_level4(lowered, feed, target=target)
        _assert_bit_identical(gold, out, case.name)


@pytest.mark.parametrize("preset", PRESETS)
def test_perf_rates_of_the_storage_types(preset):
    """No target rate of their own: the sub-byte integers go at the int8 rate, the narrow floats at fp8's."""
    from npu.perf.costs import Costs

    target = load_target(preset)
    costs = Costs(target)
    int8 = float(target.pe.vector.ops_per_cycle["int8"])
    fp8 = float(target.pe.vector.ops_per_cycle["fp8"]) or costs.vector_rate("bf16")
    assert int8 > 0
    for t in ("i2", "ui2", "ui4"):
        assert costs.vector_rate(t) == int8
    for t in ("f8E4M3FNUZ", "f8E5M2FNUZ", "f8E8M0FNU", "f4E2M1FN"):
        assert costs.vector_rate(t) == fp8
