"""npu.decompose.numeric: quantize / dequantize / dynamic_quantize_linear, pow with a run-time exponent,
bit_shift, bit_cast and cum_prod rewritten into ops the spatial families lower.

Each rule runs through npu.decompose.golden.run_both (golden interpreter before and after
npu-decompose): bit-identical where the module docstring says so (compared bit for bit, NaN
included), float pow and long float cum_prod within the stated bounds. The ONNX node tests of the
ops are decomposed and compared with their reference outputs (ONNX tolerances), and a few instances
are lowered to level 4 on the three presets and run on the level-4 interpreter.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import onnx
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.decompose.golden import run_both
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.ir.pass_base import PassEnv
from npu.ir.pipeline import parse_element
from npu.onnx import conformance
from npu.target import load_target

U = 2.0**-24
NP = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16, "f64": np.float64,
      "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64, "i4": ml_dtypes.int4,
      "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64, "i1": np.bool_, "ui4": ml_dtypes.uint4,
      "f8E4M3FN": ml_dtypes.float8_e4m3fn, "f8E5M2": ml_dtypes.float8_e5m2}
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")


def T(shape, elem: str) -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


def _dense(value: np.ndarray, elem: str) -> str:
    def fmt(v):
        if isinstance(v, list):
            return "[" + ", ".join(fmt(i) for i in v) + "]"
        return f"{float(v):.9e}" if elem.startswith("f") else str(int(v))

    return f"dense<{fmt(np.asarray(value).tolist())}>"


def module(name: str, operands, outs, attrs: str = "") -> str:
    """@main applying npu_tensor.<name> to `operands`: (shape, elem) graph inputs a0.. or
    (shape, elem, value) constants, None for an absent optional operand; results y0.. of `outs`."""
    args, values, consts, present = [], [], [], []
    for i, o in enumerate(operands):
        present.append(o is not None)
        if o is None:
            continue
        if len(o) == 2:
            args.append(f'%a{i}: {T(o[0], o[1])} {{npu.name = "a{i}"}}')
            values.append((f"%a{i}", T(o[0], o[1])))
        else:
            consts.append(f"  %c{i} = arith.constant {_dense(o[2], o[1])} : {T(o[0], o[1])}")
            values.append((f"%c{i}", T(o[0], o[1])))
    if not all(present):
        seg = ", ".join(str(int(p)) for p in present)
        attrs = attrs[:-1] + f", operandSegmentSizes = array<i32: {seg}>}}" if attrs else \
            f"{{operandSegmentSizes = array<i32: {seg}>}}"
    rts = [T(s, e) for s, e in outs]
    res = "%0" if len(outs) == 1 else f"%0:{len(outs)}"
    rets = ", ".join("%0" if len(outs) == 1 else f"%0#{i}" for i in range(len(outs)))
    named = ", ".join(f'{t} {{npu.name = "y{i}"}}' for i, t in enumerate(rts))
    sig = f"({', '.join(t for _, t in values)}) -> ({', '.join(rts)})"
    body = "\n".join(consts)
    return (f"func.func @main({', '.join(args)}) -> ({named}) {{\n{body}\n"
            f"  {res} = \"npu_tensor.{name}\"({', '.join(v for v, _ in values)}) {attrs} : {sig}\n"
            f"  return {rets} : {', '.join(rts)}\n}}\n")


def same_bits(before: dict, after: dict) -> None:
    for k, g in before.items():
        a = after[k]
        assert g.dtype == a.dtype and g.shape == a.shape, (k, g.dtype, a.dtype, g.shape, a.shape)
        assert np.array_equal(np.ascontiguousarray(g).view(np.uint8), np.ascontiguousarray(a).view(np.uint8)), \
            (k, g.reshape(-1)[:8], a.reshape(-1)[:8])


def exact(text: str, inputs: dict) -> str:
    before, after, out = run_both(text, inputs)
    same_bits(before, after)
    return out


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(11)


# ------------------------------------------------------------------ dequantize_linear

DQ_TYPES = ["i8", "ui8", "i16", "ui16", "i4", "i32"]


@pytest.mark.parametrize("elem", DQ_TYPES)
@pytest.mark.parametrize("form", ["tensor", "axis", "blocked", "runtime"])
def test_dequantize_linear_bit_identical(elem, form, rng):
    dt = np.dtype(NP[elem])
    info = ml_dtypes.iinfo(dt)
    shape = (4, 6)
    x = rng.integers(int(info.min), int(info.max), shape, endpoint=True).astype(dt)
    if elem == "i32":  # differences beyond 2^24 round once, as golden's float32(int64(q) - zp)
        x.reshape(-1)[:3] = [info.max, info.min, 2**24 + 1]
    attrs = "{axis = 1 : i64, block_size = 0 : i64}"
    if form == "tensor":
        s, z = ((), "f32", np.float32(0.037)), ((), elem, int(info.max) // 3)
    elif form == "axis":
        s = ((6,), "f32", rng.uniform(0.01, 2, 6).astype(np.float32))
        z = ((6,), elem, rng.integers(int(info.min), int(info.max), 6))
    elif form == "blocked":
        attrs = "{axis = 1 : i64, block_size = 4 : i64}"
        s = ((4, 2), "f32", rng.uniform(0.01, 2, (4, 2)).astype(np.float32))
        z = ((4, 2), elem, rng.integers(int(info.min), int(info.max), (4, 2)))
    else:  # scale and zero point as graph inputs (per axis)
        s, z = ((6,), "f32"), ((6,), elem)
    ins = {"a0": x}
    if form == "runtime":
        ins["a1"] = rng.uniform(0.01, 2, 6).astype(np.float32)
        ins["a2"] = rng.integers(int(info.min), int(info.max), 6).astype(dt)
    text = module("dequantize_linear", [(shape, elem), s, z], [(shape, "f32")], attrs)
    out = exact(text, ins)
    assert "npu_tensor.dequantize_linear" not in out


@pytest.mark.parametrize("elem", ["f8E4M3FN", "f8E5M2"])
def test_dequantize_linear_fp8_and_f16_result(elem, rng):
    x = rng.standard_normal((3, 8)).astype(np.float32) * 40
    x = x.astype(NP[elem])
    text = module("dequantize_linear", [((3, 8), elem), ((), "f32", np.float32(0.7))], [((3, 8), "f16")],
                  "{axis = 1 : i64, block_size = 0 : i64}")
    exact(text, {"a0": x})


def test_dequantize_linear_no_zero_point(rng):
    x = rng.integers(-128, 128, (2, 5)).astype(np.int8)
    text = module("dequantize_linear", [((2, 5), "i8"), ((), "f32", np.float32(0.5)), None], [((2, 5), "f32")],
                  "{axis = 1 : i64, block_size = 0 : i64}")
    exact(text, {"a0": x})


# ------------------------------------------------------------------ quantize_linear

Q_TYPES = ["i8", "ui8", "i16", "ui16", "i4"]


def _quant_probe(rng, n: int, scale: float) -> np.ndarray:
    """Ties (k + 1/2) * scale (round half to even), saturating magnitudes, infinities, zeros."""
    ties = (np.arange(-20, 20) + 0.5).astype(np.float32) * np.float32(scale)
    special = np.array([0.0, -0.0, 1e30, -1e30, np.inf, -np.inf, 3e5, -3e5], np.float32)
    body = rng.standard_normal(n - ties.size - special.size).astype(np.float32) * 200 * scale
    return np.concatenate([ties, special, body]).astype(np.float32)


@pytest.mark.parametrize("elem", Q_TYPES)
@pytest.mark.parametrize("form", ["tensor", "axis", "blocked", "runtime"])
def test_quantize_linear_bit_identical(elem, form, rng):
    dt = np.dtype(NP[elem])
    info = ml_dtypes.iinfo(dt)
    shape = (4, 24)
    x = _quant_probe(rng, 96, 0.25).reshape(shape)
    attrs = "{axis = 0 : i64, block_size = 0 : i64, saturate = 1 : i64}"
    if form == "tensor":
        s, z = ((), "f32", np.float32(0.25)), ((), elem, int(info.max) // 4)
    elif form == "axis":
        s = ((4,), "f32", np.array([0.25, 0.5, 0.125, 3.0], np.float32))
        z = ((4,), elem, rng.integers(int(info.min), int(info.max), 4))
    elif form == "blocked":
        attrs = "{axis = 1 : i64, block_size = 5 : i64, saturate = 1 : i64}"
        s = ((4, 5), "f32", rng.uniform(0.1, 1, (4, 5)).astype(np.float32))
        z = ((4, 5), elem, rng.integers(int(info.min), int(info.max), (4, 5)))
    else:
        s, z = ((4,), "f32"), ((4,), elem)
    ins = {"a0": x}
    if form == "runtime":
        ins["a1"] = np.array([0.25, 0.5, 0.125, 3.0], np.float32)
        ins["a2"] = rng.integers(int(info.min), int(info.max), 4).astype(dt)
    text = module("quantize_linear", [(shape, "f32"), s, z], [(shape, elem)], attrs)
    out = exact(text, ins)
    assert "npu_tensor.quantize_linear" not in out


@pytest.mark.parametrize("elem,saturate", [("f8E4M3FN", 1), ("f8E4M3FN", 0), ("f8E5M2", 1), ("f8E5M2", 0)])
def test_quantize_linear_fp8(elem, saturate, rng):
    x = np.concatenate([rng.standard_normal(40) * 300, [1e6, -1e6, np.inf, -np.inf, 0.0, -0.0, 470.0, 57000.0 * 2]])
    x = x.astype(np.float32).reshape(6, 8)
    text = module("quantize_linear", [((6, 8), "f32"), ((), "f32", np.float32(2.0)), ((), elem, 0)], [((6, 8), elem)],
                  f"{{axis = 1 : i64, block_size = 0 : i64, saturate = {saturate} : i64}}")
    exact(text, {"a0": x})


def test_quantize_linear_f16_input_no_zero_point(rng):
    x = (rng.standard_normal((3, 7)) * 100).astype(np.float16)
    text = module("quantize_linear", [((3, 7), "f16"), ((), "f32", np.float32(0.5)), None], [((3, 7), "i8")],
                  "{axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64}")
    exact(text, {"a0": x})


# ------------------------------------------------------------------ dynamic_quantize_linear

@pytest.mark.parametrize("kind", ["mixed", "positive", "negative", "zero", "ties"])
def test_dynamic_quantize_linear_bit_identical(kind, rng):
    x = rng.standard_normal((3, 10)).astype(np.float32) * 5
    if kind == "positive":
        x = np.abs(x) + 1
    elif kind == "negative":
        x = -np.abs(x) - 1
    elif kind == "zero":
        x = np.zeros_like(x)
    elif kind == "ties":  # range [-127.5, 127.5]: scale 1, many exact halves
        x = (np.arange(30).reshape(3, 10) - 15 + 0.5).astype(np.float32)
        x[0, 0], x[0, 1] = -127.5, 127.5
    text = module("dynamic_quantize_linear", [((3, 10), "f32")], [((3, 10), "ui8"), ((), "f32"), ((), "ui8")])
    out = exact(text, {"a0": x})
    assert "dynamic_quantize_linear" not in out


# ------------------------------------------------------------------ pow with a run-time exponent

def pow_text(n, xe, ye, oe=None):
    return module("pow", [((n,), xe), ((n,), ye)], [((n,), oe or xe)])


def test_pow_float_bound_and_specials(rng):
    """Relative error within (2 |y| + 1) u (integer |y| < 64, square-and-multiply) or (2 |y ln|x|| + 3) u
    (exp-log) of golden's powf on normal results; the C99 special cases (zeros, infinities, NaN, negative
    bases) identical."""
    n = 4000
    x = (rng.choice([-1, 1], n) * np.logspace(-20, 20, n)).astype(np.float32)
    y = rng.uniform(-4, 4, n).astype(np.float32)
    y[::3] = np.round(y[::3])  # integer exponents: negative bases keep a sign
    sx = np.array([0.0, -0.0, 0.0, -0.0, np.inf, -np.inf, -np.inf, -np.inf, np.nan, 1.0, 1.0, -1.0, -1.0, 0.5, 2.0,
                   -2.0, -2.0, -0.0, -8.0, 2.0, 0.5, np.nan, -3.0, 7.0], np.float32)
    sy = np.array([3.0, 3.0, -2.0, -3.0, -0.5, 3.0, 2.0, -3.0, 0.0, np.nan, np.inf, np.inf, -np.inf, np.inf, -np.inf,
                   0.5, 3.0, -0.5, 1 / 3, 0.0, 0.0, 2.0, 2.0, 1.0], np.float32)
    x, y = np.concatenate([x, sx]), np.concatenate([y, sy])
    before, after, out = run_both(pow_text(x.size, "f32", "f32"), {"a0": x, "a1": y})
    assert '"npu_tensor.pow"' not in out
    g, a = before["y0"].astype(np.float64), after["y0"].astype(np.float64)
    assert np.array_equal(np.isnan(g), np.isnan(a)) and np.array_equal(np.isinf(g), np.isinf(a))
    sg, sa = g[n:], a[n:]  # the special cases: identical, signs of zeros and infinities included
    assert np.array_equal(sg[~np.isnan(sg)], sa[~np.isnan(sa)])
    assert np.array_equal(np.signbit(sg[~np.isnan(sg)]), np.signbit(sa[~np.isnan(sa)]))
    fin = np.isfinite(g[:n])
    g, a, yf = g[:n][fin], a[:n][fin], y[:n][fin].astype(np.float64)
    t = np.abs(yf * np.log(np.abs(x[:n][fin].astype(np.float64))))
    square = (yf == np.floor(yf)) & (np.abs(yf) < 64)  # square-and-multiply lanes
    bound = np.where(square, 2 * np.abs(yf) + 1, 2 * t + 3)
    assert np.all(np.abs(a - g) <= bound * U * np.abs(g) + 2.0**-149)  # subnormal results: one step more
    rel = np.abs(a - g) / np.maximum(np.abs(g), 2.0**-126)
    normal = np.abs(g) >= 2.0**-126
    assert rel[normal & ~square].max() <= 8e-6  # measured 7.1e-6 (|y ln x| up to 88.5)
    assert rel[normal & square].max() <= 3e-7  # measured 2.3e-7


@pytest.mark.parametrize("xe,ye", [("i32", "i32"), ("i64", "i64"), ("i8", "i8"), ("ui8", "ui8"), ("i32", "i64")])
def test_pow_integer_bit_identical(xe, ye, rng):
    """Square-and-multiply over every exponent bit wraps like golden's integer power."""
    x = rng.integers(-9, 10, 64) if not xe.startswith("u") else rng.integers(0, 20, 64)
    y = rng.integers(0, 40, 64)
    y[:4] = [0, 1, 2**6 + 3, 2**7 - 1] if ye in ("i8", "ui8") else [0, 1, 2**20 + 5, 2**30 + 1]
    exact(pow_text(64, xe, ye), {"a0": x.astype(NP[xe]), "a1": y.astype(NP[ye])})


@pytest.mark.parametrize("xe", ["i32", "i64"])
def test_pow_integer_base_float_exponent(xe, rng):
    """Integer-valued exponents >= 0 exact (golden: float64 power, truncated) while |x^y| < 2^31; other
    exponents truncate the f32 power (here away from integer results)."""
    x = rng.integers(-12, 13, 200)
    y = rng.integers(0, 9, 200).astype(np.float32)
    y[:20] = [0, 1, 100, 101, 31, 32, 63, 64, 0.5, 1.5, -1, -2, 2.25, 3.7, -0.5, 0.3, 7, 8, 9, 10]
    x[:20] = [1, -1, 1, -1, 2, -1, 1, -1, 4, 9, 2, -2, 16, 2, 4, 5, 3, -3, 2, -2]
    ok = (np.abs(np.power(x.astype(np.float64), y.astype(np.float64))) < 2**31) | (np.abs(x) <= 1)
    x, y = x[ok], y[ok]
    exact(pow_text(x.size, xe, "f32"), {"a0": x.astype(NP[xe]), "a1": y})


def test_pow_f16_base_integer_exponent(rng):
    x = rng.uniform(0.5, 3, 50).astype(np.float16)
    y = rng.integers(-4, 6, 50).astype(np.int32)
    before, after, _ = run_both(pow_text(50, "f16", "i32"), {"a0": x, "a1": y})
    g, a = before["y0"].astype(np.float64), after["y0"].astype(np.float64)
    assert np.all(np.abs(a - g) <= 2.0**-10 * np.abs(g))  # at most one f16 ulp (rounding the f32 result)


# ------------------------------------------------------------------ bit_shift

@pytest.mark.parametrize("elem", ["ui8", "ui16", "ui32", "ui64"])
@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
def test_bit_shift_bit_identical(elem, direction, rng):
    dt = np.dtype(NP[elem])
    w = dt.itemsize * 8
    x = rng.integers(0, np.iinfo(dt).max, 64, dtype=dt, endpoint=True)
    s = rng.integers(0, w + 4, 64).astype(dt)
    s[:3] = [0, w - 1, w]
    attrs = f'{{direction = "{direction}"}}'
    out = exact(module("bit_shift", [((64,), elem), ((64,), elem)], [((64,), elem)], attrs), {"a0": x, "a1": s})
    assert "bit_shift" not in out
    const = s[:8].copy()
    exact(module("bit_shift", [((8,), elem), ((8,), elem, const)], [((8,), elem)], attrs), {"a0": x[:8]})


def test_bit_shift_signed_refused():
    text = module("bit_shift", [((4,), "i8"), ((4,), "i8")], [((4,), "i8")], '{direction = "LEFT"}')
    with pytest.raises(ir.MLIRError, match="bit_shift decomposition expects unsigned integers"):
        run_both(text, {"a0": np.ones(4, np.int8), "a1": np.ones(4, np.int8)})


# ------------------------------------------------------------------ bit_cast

@pytest.mark.parametrize("src,dst", [("i8", "ui8"), ("ui8", "i8"), ("ui16", "i16"), ("i16", "ui16"), ("ui32", "i32"),
                                     ("i32", "ui32"), ("i64", "ui64"), ("i1", "ui8"), ("i1", "i8"),
                                     ("i4", "ui4"), ("ui4", "i4")])
def test_bit_cast_integers_bit_identical(src, dst, rng):
    """(i4 <-> ui4: the decomposition's wrapping cast, which golden runs through i64 -- ml_dtypes has no
    direct cast between them.)"""
    dt = np.dtype(NP[src])
    if dt == np.bool_:
        x = rng.integers(0, 2, (3, 5)).astype(np.bool_)
    else:
        info = ml_dtypes.iinfo(dt)
        x = rng.integers(int(info.min), int(info.max), (3, 5), endpoint=True).astype(dt)
        x.reshape(-1)[:2] = [info.min, info.max]
    out = exact(module("bit_cast", [((3, 5), src)], [((3, 5), dst)]), {"a0": x})
    assert "bit_cast" not in out


def _float_probe(rng, dt) -> np.ndarray:
    """Normal values over the whole exponent range, subnormals, the extremes, zeros, infinities, NaN."""
    fi = np.finfo(dt)
    span = np.logspace(np.log10(float(fi.smallest_subnormal)), np.log10(float(fi.max)) - 0.3, 60)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, fi.smallest_subnormal, -fi.smallest_subnormal, fi.tiny,
               fi.tiny * (1 - fi.eps), fi.max, -fi.max, 1.0, -2.0, 0.5]
    return np.concatenate([rng.choice([-1, 1], 60) * span * rng.uniform(1, 2, 60), special]).astype(dt)


def _same_bits_but_nan(g: np.ndarray, a: np.ndarray, nan: np.ndarray) -> None:
    """Bit-identical except where `nan` (a NaN's payload and sign are not recovered)."""
    ints = np.int32 if g.itemsize == 4 else np.int64
    assert g.dtype == a.dtype and g.shape == a.shape
    assert np.array_equal(g.view(ints)[~nan], a.view(ints)[~nan])


@pytest.mark.parametrize("src,dst", [("f32", "i32"), ("f64", "i64")])
def test_bit_cast_float_to_int_bit_identical(src, dst, rng):
    x = _float_probe(rng, NP[src])
    before, after, out = run_both(module("bit_cast", [((x.size,), src)], [((x.size,), dst)]), {"a0": x})
    assert "bit_cast" not in out
    _same_bits_but_nan(before["y0"], after["y0"], np.isnan(x))
    assert np.all(after["y0"][np.isnan(x)] == (0x7FC00000 if src == "f32" else 0x7FF8000000000000))


@pytest.mark.parametrize("src,dst", [("i32", "f32"), ("i64", "f64")])
def test_bit_cast_int_to_float_bit_identical(src, dst, rng):
    info = np.iinfo(NP[src])
    x = np.concatenate([_float_probe(rng, NP[dst]).view(NP[src]),
                        rng.integers(info.min, info.max, 300, dtype=NP[src], endpoint=True)])
    before, after, out = run_both(module("bit_cast", [((x.size,), src)], [((x.size,), dst)]), {"a0": x})
    assert "bit_cast" not in out
    g = before["y0"]
    _same_bits_but_nan(g, after["y0"], np.isnan(g))
    assert np.array_equal(np.isnan(g), np.isnan(after["y0"]))


def test_bit_cast_scalar_and_2d(rng):
    x = np.float32(-3.75).reshape(())
    exact(module("bit_cast", [((), "f32")], [((), "i32")]), {"a0": x})
    x = _float_probe(rng, np.float32)[:60].reshape(6, 10)
    x = x[~np.isnan(x).any(axis=1)]
    exact(module("bit_cast", [(x.shape, "f32")], [(x.shape, "i32")]), {"a0": x})


def test_bit_cast_other_widths_refused():
    text = module("bit_cast", [((4,), "f16")], [((4,), "i16")])
    with pytest.raises(ir.MLIRError, match="bit_cast decomposition expects integer types of one width"):
        run_both(text, {"a0": np.ones(4, np.float16)})


# ------------------------------------------------------------------ cum_prod

def _cum_text(shape, elem, axis, exclusive, reverse):
    return module("cum_prod", [(shape, elem)], [(shape, elem)],
                  f"{{axis = {axis} : i64, exclusive = {exclusive} : i64, reverse = {reverse} : i64}}")


@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
@pytest.mark.parametrize("elem", ["f32", "f16", "i32", "i64", "ui8"])
def test_cum_prod_bit_identical(elem, exclusive, reverse, rng):
    """Integers (any length: products wrap) and floats on axes up to SEQUENTIAL_MAX (golden's order)."""
    shape = (3, 13, 2)
    if elem.startswith(("i", "u")):
        x = rng.integers(0 if elem.startswith("u") else -7, 8, shape).astype(NP[elem])
    else:
        x = (1 + 0.3 * rng.standard_normal(shape)).astype(NP[elem])
        x[0, 3, 0], x[1, 5, 1], x[2, 2, 0] = 0.0, np.inf, np.nan
    out = exact(_cum_text(shape, elem, 1, exclusive, reverse), {"a0": x})
    assert "cum_prod" not in out


def test_cum_prod_long_float_axis_bound(rng):
    """A 200-long axis goes by shift-and-multiply rounds: within 2 (n - 1) u of golden's product."""
    n = 200
    x = (1 + 0.05 * rng.standard_normal((2, n))).astype(np.float32)
    before, after, out = run_both(_cum_text((2, n), "f32", -1, 0, 1), {"a0": x})
    g, a = before["y0"].astype(np.float64), after["y0"].astype(np.float64)
    rel = np.abs(a - g) / np.abs(g)
    assert rel.max() <= 2 * (n - 1) * U
    assert rel.max() > 0  # a different order than golden's (so this test is about the bound)


# ------------------------------------------------------------------ ONNX node tests

ONNX_OPS = {"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "Pow", "BitShift", "BitCast", "CumProd"}
FLOAT_BITCAST = ("float32_to_int32", "int32_to_float32", "float64_to_int64", "int64_to_float64")


def _onnx_cases():
    return [c for c in conformance.list_cases() if c.op_type in ONNX_OPS]


def test_onnx_node_cases_after_decomposition():
    """Every case of these ops matches its ONNX reference once decomposed (all rules); all but pow are
    bit-identical to golden."""
    step = parse_element("npu-decompose{all=true}")
    failures, checked = [], 0
    for case in _onnx_cases():
        model = onnx.load(str(case.path / "model.onnx"))
        init = {t.name for t in model.graph.initializer}
        names = [i.name for i in model.graph.input if i.name not in init]
        for inputs, expected in conformance._data_sets(case):
            feeds = dict(zip(names, inputs))
            module_, bound = conformance.import_case(model, feeds)
            with module_.context:
                feeds = {k: v for k, v in feeds.items() if k not in bound}
                gold = Program(module_).run(feeds)
                step.run(module_, PassEnv(target=None), verify=True)
                got = Program(module_).run(feeds)
            checked += 1
            for o, ref in zip(model.graph.output, expected):
                if not case.name.startswith("test_pow"):
                    same_bits({o.name: gold[o.name]}, {o.name: got[o.name]})
                reason = conformance.outputs_match(ref, got[o.name])
                if reason:
                    failures.append(f"{case.name}: {o.name}: {reason}")
    assert not failures, failures
    assert checked >= 72


# ------------------------------------------------------------------ level 4

def _level4(text, inputs, target):
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module_ = ir.Module.parse(text)
        gold = Program(module_).run(inputs)
        lowered = spatial.lower_module(module_, target)
        return gold, run_level4(lowered, inputs, target=target)


def _e2e_cases(rng):
    x = _quant_probe(rng, 64, 0.25)[np.isfinite(_quant_probe(rng, 64, 0.25))][:48].reshape(4, 12)
    q = rng.integers(0, 256, (4, 12)).astype(np.uint8)
    px = rng.uniform(0.2, 3, 24).astype(np.float32)
    py = rng.uniform(-3, 3, 24).astype(np.float32)
    py[::2] = np.round(py[::2])  # square-and-multiply lanes
    bx = _float_probe(rng, np.float32)
    bx = bx[~np.isnan(bx)][-40:]  # subnormals, extremes, zeros, infinities and some normal values
    return {
        "quantize_linear": (module("quantize_linear", [((4, 12), "f32"), ((4,), "f32", np.array([0.25, 0.5, 1, 2], np.float32)),
                                                       ((4,), "ui8", np.array([0, 10, 128, 255]))], [((4, 12), "ui8")],
                                   "{axis = 0 : i64, block_size = 0 : i64, saturate = 1 : i64}"), {"a0": x}, True),
        "dequantize_linear": (module("dequantize_linear", [((4, 12), "ui8"), ((), "f32", np.float32(0.05)),
                                                           ((), "ui8", 131)], [((4, 12), "f32")],
                                     "{axis = 1 : i64, block_size = 0 : i64}"), {"a0": q}, True),
        "dynamic_quantize_linear": (module("dynamic_quantize_linear", [((4, 12), "f32")],
                                           [((4, 12), "ui8"), ((), "f32"), ((), "ui8")]), {"a0": x}, True),
        "pow_float": (pow_text(24, "f32", "f32"), {"a0": px, "a1": py}, False),
        "pow_int": (pow_text(24, "i8", "i8"), {"a0": rng.integers(-5, 6, 24).astype(np.int8),  # wraps (mul_wrap)
                                               "a1": rng.integers(0, 100, 24).astype(np.int8)}, True),
        "bit_shift": (module("bit_shift", [((16,), "ui16"), ((16,), "ui16")], [((16,), "ui16")], '{direction = "RIGHT"}'),
                      {"a0": rng.integers(0, 65536, 16).astype(np.uint16), "a1": rng.integers(0, 18, 16).astype(np.uint16)},
                      True),
        "bit_cast": (module("bit_cast", [((bx.size,), "f32")], [((bx.size,), "i32")]), {"a0": bx}, True),
        "cum_prod": (_cum_text((3, 6), "f32", 1, 1, 0), {"a0": (1 + 0.5 * rng.standard_normal((3, 6))).astype(np.float32)},
                     True),
    }


# the long select chains (bit_cast ~110 ops, integer pow, bit_shift) take seconds on the big meshes: edge only
BIG_MESH_CASES = ("quantize_linear", "dequantize_linear", "dynamic_quantize_linear", "pow_float", "cum_prod")


@pytest.mark.parametrize("preset", PRESETS)
def test_level4_on_presets(preset):
    """The rules' ops lower and run on level 4: the integer and exact float rules bit-identical to golden,
    float pow within 1e-6 relative (f32 exp/log on the chip vs golden's powf)."""
    target = load_target(preset)
    for name, (text, inputs, bit_exact) in _e2e_cases(np.random.default_rng(5)).items():
        if preset != "edge-lpddr" and name not in BIG_MESH_CASES:
            continue
        gold, got = _level4(text, inputs, target)
        if bit_exact:
            same_bits(gold, got)
        else:
            g, a = gold["y0"].astype(np.float64), got["y0"].astype(np.float64)
            assert np.max(np.abs(a - g) / np.abs(g)) <= 1e-6, name


def test_rank0_operands_golden_and_level4():
    """Scalars (rank 0) go through the rules as shape [1] and come back as scalars."""
    edge = load_target("edge-lpddr")
    cases = [
        (module("quantize_linear", [((), "f32"), ((), "f32", np.float32(0.5)), ((), "ui8", 3)], [((), "ui8")],
                "{axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64}"), {"a0": np.float32(7.25).reshape(())}),
        (module("dynamic_quantize_linear", [((), "f32")], [((), "ui8"), ((), "f32"), ((), "ui8")]),
         {"a0": np.float32(-3.5).reshape(())}),
        (module("pow", [((), "f32"), ((), "f32")], [((), "f32")]),
         {"a0": np.float32(-2).reshape(()), "a1": np.float32(3).reshape(())}),
        (module("bit_cast", [((), "i32")], [((), "f32")]), {"a0": np.int32(-1082130432).reshape(())}),
    ]
    for text, inputs in cases:
        exact(text, inputs)
        gold, got = _level4(text, inputs, edge)
        same_bits(gold, got)


@pytest.fixture(scope="module")
def edge():
    return load_target("edge-lpddr")


@pytest.mark.parametrize("elem", Q_TYPES + ["f8E4M3FN", "f8E5M2"])
def test_level4_quantize_dequantize_types(elem, edge):
    """quantize_linear (ties, saturation, infinities; fp8 both saturate modes) and dequantize_linear per
    axis on level 4 (edge-lpddr): bit-identical to golden for every result / input type."""
    rng = np.random.default_rng(3)
    dt = np.dtype(NP[elem])
    fp8 = elem.startswith("f8")
    if fp8:
        x = np.concatenate([rng.standard_normal(40) * 300, [1e6, -1e6, np.inf, -np.inf, 0.0, -0.0, 470.0, 114000.0]])
        x = x.astype(np.float32).reshape(4, 12)
        zp, q = np.zeros(4), (rng.standard_normal((4, 12)) * 40).astype(np.float32).astype(dt)
    else:
        info = ml_dtypes.iinfo(dt)
        x = _quant_probe(rng, 48, 0.25).reshape(4, 12)
        zp = rng.integers(int(info.min), int(info.max), 4)
        q = rng.integers(int(info.min), int(info.max), (4, 12), endpoint=True).astype(dt)
    scale = np.array([0.25, 0.5, 0.125, 3.0], np.float32)
    for sat in ((0, 1) if fp8 else (1,)):
        text = module("quantize_linear", [((4, 12), "f32"), ((4,), "f32", scale), ((4,), elem, zp)], [((4, 12), elem)],
                      f"{{axis = 0 : i64, block_size = 0 : i64, saturate = {sat} : i64}}")
        same_bits(*_level4(text, {"a0": x}, edge))
    text = module("dequantize_linear", [((4, 12), elem), ((4,), "f32", scale), ((4,), elem, zp)], [((4, 12), "f32")],
                  "{axis = 0 : i64, block_size = 0 : i64}")
    same_bits(*_level4(text, {"a0": q}, edge))


def test_level4_runtime_parameters(edge):
    """Scales and zero points as graph inputs (per axis, and blocked: expand + reshape + slice) on level 4."""
    rng = np.random.default_rng(3)
    x = _quant_probe(rng, 96, 0.25).reshape(4, 24)
    cases = [
        (module("quantize_linear", [((4, 24), "f32"), ((4, 5), "f32"), ((4, 5), "i8")], [((4, 24), "i8")],
                "{axis = 1 : i64, block_size = 5 : i64, saturate = 1 : i64}"),
         {"a0": x, "a1": rng.uniform(0.1, 1, (4, 5)).astype(np.float32), "a2": rng.integers(-128, 128, (4, 5)).astype(np.int8)}),
        (module("quantize_linear", [((4, 24), "f32"), ((4,), "f32"), ((4,), "ui8")], [((4, 24), "ui8")],
                "{axis = 0 : i64, block_size = 0 : i64, saturate = 1 : i64}"),
         {"a0": x, "a1": rng.uniform(0.1, 1, 4).astype(np.float32), "a2": rng.integers(0, 256, 4).astype(np.uint8)}),
        (module("dequantize_linear", [((4, 24), "i8"), ((4, 5), "f32"), ((4, 5), "i8")], [((4, 24), "f32")],
                "{axis = 1 : i64, block_size = 5 : i64}"),
         {"a0": rng.integers(-128, 128, (4, 24)).astype(np.int8), "a1": rng.uniform(0.1, 1, (4, 5)).astype(np.float32),
          "a2": rng.integers(-128, 128, (4, 5)).astype(np.int8)}),
    ]
    for text, inputs in cases:
        same_bits(*_level4(text, inputs, edge))
