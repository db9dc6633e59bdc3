"""Decomposition rules of npu.decompose.data (pad, resize, gather, depth/space, tile, trilu, cum_sum, reverse_sequence).

Each instance runs on the golden interpreter before and after npu-decompose
(npu.decompose.golden.run_both): data-movement results must be bit-identical
for every dtype, float matmul-based ones within the bound the module states.
The ONNX node tests of each op are run decomposed against their reference
outputs, and pad / resize / gather are lowered to level 4 on edge-lpddr.
"""

from __future__ import annotations

import math
import re

import ml_dtypes
import numpy as np
import onnx
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.decompose import DecomposeError, decompose_module
from npu.decompose.data import FILL, pieces, resize_matrix, _resize_axes
from npu.decompose.golden import run_both
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.onnx.conformance import _data_sets, import_case, list_cases, outputs_match
from npu.target import load_target

U = 2.0**-24
RNG = np.random.default_rng(20261126)
Q8 = "!quant.uniform<i8:f32, 5.000000e-02:3>"
NP = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "bf16": ml_dtypes.bfloat16, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64, "ui8": np.uint8, Q8: np.int8}


def ttype(shape, elem) -> str:
    return f"tensor<{'x'.join(str(d) for d in shape)}{'x' if shape else ''}{elem}>"


def module(op: str, args: list[tuple[tuple, str]], result: tuple[tuple, str], attrs: str, consts: str = "") -> str:
    """`func.func @main` with one op of `args` (shape, elem) -> result, named inputs x0.. and output y."""
    params = ", ".join(f"%x{i}: {ttype(s, e)} {{npu.name = \"x{i}\"}}" for i, (s, e) in enumerate(args))
    rt = ttype(*result)
    operands = ", ".join(f"%x{i}" for i in range(len(args)))
    types = ", ".join(ttype(s, e) for s, e in args)
    if consts:
        operands, types = consts.split("|")
    return (f"func.func @main({params}) -> ({rt} {{npu.name = \"y\"}}) {{\n"
            f"  %y = \"npu_tensor.{op}\"({operands}) {{{attrs}}} : ({types}) -> {rt}\n"
            f"  return %y : {rt}\n}}")


def data(shape, elem):
    dt = NP[elem]
    if np.dtype(dt).kind == "f" or dt == ml_dtypes.bfloat16:
        return RNG.standard_normal(shape).astype(dt)
    info = np.iinfo(dt)
    return RNG.integers(info.min, info.max, shape, endpoint=True).astype(dt)


def check_exact(text: str, inputs: dict, op: str, target=None) -> str:
    before, after, out = run_both(text, inputs, target)
    assert f'"npu_tensor.{op}"' not in out
    for name, want in before.items():
        assert after[name].dtype == want.dtype and after[name].shape == want.shape
        assert np.array_equal(after[name], want), name
    return out


def i64a(values) -> str:
    return f"array<i64: {', '.join(str(int(v)) for v in values)}>" if len(values) else "array<i64>"


# ------------------------------------------------------------------ take pieces


def test_pieces_cover_every_index_with_positive_steps():
    for _ in range(200):
        idx = RNG.integers(-1, 6, RNG.integers(1, 20))
        idx = np.where(idx < 0, FILL, idx)
        got = []
        for start, step, count, rep in pieces(idx):
            assert count >= 1 and rep >= 1 and (step >= 1 or start == FILL)
            vals = [FILL] * count if start == FILL else [start + step * i for i in range(count)]
            got += [v for v in vals for _ in range(rep)]
        assert got == list(idx)
    assert pieces(np.repeat(np.arange(5), 3)) == [(0, 1, 5, 3)]  # an integer upsample is one piece
    assert pieces(np.arange(0, 12, 2)) == [(0, 2, 6, 1)]  # a strided downsample too


# ------------------------------------------------------------------ pad


PAD_CASES = [
    ((3, 4), [0, 2, 1, 3]),
    ((3, 4), [-1, 1, 0, -2]),
    ((1, 2, 3, 4), [0, 0, 1, 1, 0, 0, 1, 2]),
    ((2, 5), [3, 4, 1, 2]),
    ((5,), [4, 4]),
    ((2, 3, 4), [1, -1, 2, 0, 1, -3]),
]


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
@pytest.mark.parametrize("elem", ["f32", "i8", "i32", "ui8", Q8])
def test_pad_is_exact(mode, elem):
    for shape, pads in PAD_CASES:
        rank = len(shape)
        if mode == "reflect" and any(p >= n for p, n in zip(pads[:rank] + pads[rank:], shape * 2)):
            continue  # numpy's reflect of more than the axis repeats the reflection; covered separately below
        out = [n + b + e for n, b, e in zip(shape, pads[:rank], pads[rank:])]
        value = "-2.500000e+00 : f32" if elem == "f32" else "7 : i64"
        text = module("pad", [(shape, elem)], (out, elem), f'mode = "{mode}", pads = {i64a(pads)}, value = {value}')
        check_exact(text, {"x0": data(shape, elem)}, "pad")


def test_pad_reflect_and_wrap_wider_than_the_axis():
    for mode in ("reflect", "wrap", "edge"):
        text = module("pad", [((2, 3), "f32")], ((2, 12), "f32"), f'mode = "{mode}", pads = {i64a([0, 4, 0, 5])}, value = 0.0 : f32')
        check_exact(text, {"x0": data((2, 3), "f32")}, "pad")


def test_pad_random_instances():
    for _ in range(25):
        rank = int(RNG.integers(1, 4))
        shape = tuple(int(n) for n in RNG.integers(2, 6, rank))
        mode = str(RNG.choice(["constant", "reflect", "edge", "wrap"]))
        pads = [int(RNG.integers(-1, n)) for n in shape * 2]
        out = [n + b + e for n, b, e in zip(shape, pads[:rank], pads[rank:])]
        if min(out) < 1:
            continue
        text = module("pad", [(shape, "f32")], (out, "f32"), f'mode = "{mode}", pads = {i64a(pads)}, value = 3.0 : f32')
        check_exact(text, {"x0": data(shape, "f32")}, "pad")


def test_pad_reflect_is_reversed_single_row_slices():
    text = module("pad", [((3, 4), "f32")], ((3, 7), "f32"), f'mode = "reflect", pads = {i64a([0, 3, 0, 0])}, value = 0.0 : f32')
    out = check_exact(text, {"x0": data((3, 4), "f32")}, "pad")
    starts = re.findall(r"ends = array<i64: (\d+)>, starts = array<i64: (\d+)>", out)
    assert sorted((int(s), int(e)) for e, s in starts) == [(1, 2), (2, 3), (3, 4)]
    assert out.count('"npu_tensor.concat"') == 3


# ------------------------------------------------------------------ resize


def resize_attrs(mode="nearest", ctm="half_pixel", nearest="round_prefer_floor", scales=(), roi=(), a=-0.75,
                 exclude=0, ext=0.0, antialias=0) -> str:
    f64 = lambda v: f"array<f64: {', '.join(repr(float(x)) for x in v)}>" if len(v) else "array<f64>"
    return (f'antialias = {antialias} : i64, coordinate_transformation_mode = "{ctm}", cubic_coeff_a = {a} : f32, '
            f'exclude_outside = {exclude} : i64, extrapolation_value = {ext} : f32, mode = "{mode}", '
            f'nearest_mode = "{nearest}", roi = {f64(roi)}, scales = {f64(scales)}')


def resize_bound(attr_dict, in_shape, out_shape, x) -> float:
    """The module's stated bound: per resized axis (t + 2) u L max|in|, L chaining."""
    bound, gain, amax = 0.0, 1.0, float(np.abs(x).max())
    shape = list(in_shape)
    for axis, out_len, scale, roi in _resize_axes(attr_dict, in_shape, out_shape):
        r, _ = resize_matrix(attr_dict, shape[axis], out_len, scale, roi)
        taps = int((r != 0).sum(axis=1).max())
        gain_a = float(np.abs(r).sum(axis=1).max())
        bound = bound * gain_a + (taps + 2) * U * gain_a * gain * amax
        gain *= gain_a
        shape[axis] = out_len
    return bound + U * gain * amax


CTMS = ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "half_pixel_symmetric"]
NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]
RESIZE_SHAPES = [((1, 2, 4, 5), (1, 2, 8, 10)), ((1, 1, 6, 6), (1, 1, 3, 4)), ((2, 3, 5, 3), (2, 3, 7, 11)),
                 ((4, 6), (9, 6)), ((3, 5, 7), (3, 5, 4))]


def _attr_dict(text_attrs: str) -> dict:
    """The attribute dictionary the golden kernel receives for these attributes."""
    from npu.ir.attrs import from_attr

    with make_context():
        d = ir.DictAttr(ir.Attribute.parse(f"{{{text_attrs}}}"))
        return {d[i].name: from_attr(d[i].attr) for i in range(len(d))}


@pytest.mark.parametrize("mode", ["linear", "cubic"])
@pytest.mark.parametrize("ctm", CTMS)
def test_resize_linear_cubic_within_bound(mode, ctm):
    for (ins, outs) in RESIZE_SHAPES:
        scales = [o / i for i, o in zip(ins, outs)]
        for extra in ({}, {"exclude": 1, "a": -0.5}, {"antialias": 1}):
            attrs = resize_attrs(mode, ctm, scales=scales, **extra)
            x = data(ins, "f32")
            before, after, out = run_both(module("resize", [(ins, "f32")], (outs, "f32"), attrs), {"x0": x})
            assert '"npu_tensor.resize"' not in out and '"npu_tensor.matmul"' in out
            err = float(np.abs(before["y"].astype(np.float64) - after["y"]).max())
            bound = resize_bound(_attr_dict(attrs), ins, outs, x)
            assert err <= bound, (ins, outs, extra, err, bound)


def test_resize_tf_crop_and_resize_extrapolates():
    ins, outs = (1, 1, 4, 4), (1, 1, 3, 3)
    roi = [0, 0, 0.4, 0.6, 1, 1, 1.2, 1.7]
    for mode in ("linear", "cubic", "nearest"):
        attrs = resize_attrs(mode, "tf_crop_and_resize", scales=[1, 1, 0.75, 0.75], roi=roi, ext=10.0)
        x = data(ins, "f32")
        before, after, out = run_both(module("resize", [(ins, "f32")], (outs, "f32"), attrs), {"x0": x})
        assert '"npu_tensor.resize"' not in out
        assert np.any(before["y"] == 10.0)
        bound = resize_bound(_attr_dict(attrs), ins, outs, x) + 10 * U * 4
        assert np.abs(before["y"].astype(np.float64) - after["y"]).max() <= bound


@pytest.mark.parametrize("elem", ["f32", "i8", "ui8", "i32", Q8])
def test_resize_nearest_is_exact(elem):
    # every (coordinate mode, nearest mode) pair for f32; for the integer types each mode at least once
    pairs = [(c, n) for c in CTMS for n in NEAREST] if elem == "f32" else list(zip(CTMS, NEAREST + NEAREST[:1]))
    if elem == "i8":
        pairs += list(zip(CTMS[::-1], NEAREST))
    for ctm, nearest in pairs:
        for ins, outs in RESIZE_SHAPES:
            scales = [o / i for i, o in zip(ins, outs)]
            text = module("resize", [(ins, elem)], (outs, elem), resize_attrs("nearest", ctm, nearest, scales))
            out = check_exact(text, {"x0": data(ins, elem)}, "resize")
            assert '"npu_tensor.matmul"' not in out


def test_resize_nearest_float_with_many_pieces_takes_the_matmul():
    ins, outs = (1, 1, 3, 29), (1, 1, 3, 47)
    text = module("resize", [(ins, "f32")], (outs, "f32"), resize_attrs("nearest", "half_pixel", "floor", [1, 1, 1, 47 / 29]))
    out = check_exact(text, {"x0": data(ins, "f32")}, "resize")
    assert '"npu_tensor.matmul"' in out and '"npu_tensor.concat"' not in out


def test_resize_integer_upsample_is_one_expand_per_axis():
    ins, outs = (1, 3, 4, 5), (1, 3, 8, 15)
    text = module("resize", [(ins, "i8")], (outs, "i8"), resize_attrs("nearest", "asymmetric", "floor", [1, 1, 2, 3]))
    out = check_exact(text, {"x0": data(ins, "i8")}, "resize")
    assert out.count('"npu_tensor.expand"') == 2 and '"npu_tensor.slice"' not in out


# ------------------------------------------------------------------ gather


GATHER_CASES = [((10, 4), 0, (2, 3)), ((3, 7, 2), 1, (5,)), ((4, 6), 1, (2, 2)), ((5,), 0, (7,)), ((2, 3, 4), 2, (3, 1))]


def gather_module(shape, axis, idx_shape, elem, idx_elem="i64", idx_const=None):
    out = shape[:axis] + idx_shape + shape[axis + 1:]
    attrs = f"axis = {axis} : i64"
    if idx_const is None:
        return module("gather", [(shape, elem), (idx_shape, idx_elem)], (out, elem), attrs)
    rt, xt = ttype(out, elem), ttype(shape, elem)
    it = ttype(idx_shape, "i64")
    vals = ", ".join(str(int(v)) for v in idx_const.reshape(-1))
    return (f"func.func @main(%x0: {xt} {{npu.name = \"x0\"}}) -> ({rt} {{npu.name = \"y\"}}) {{\n"
            f"  %f = arith.constant dense<[{vals}]> : tensor<{idx_const.size}xi64>\n"
            f"  %i = \"npu_tensor.reshape\"(%f) : (tensor<{idx_const.size}xi64>) -> {it}\n"
            f"  %y = \"npu_tensor.gather\"(%x0, %i) {{{attrs}}} : ({xt}, {it}) -> {rt}\n"
            f"  return %y : {rt}\n}}")


@pytest.mark.parametrize("elem", ["f32", "i8", "i32", "ui8", Q8])
def test_gather_constant_indices_is_exact(elem):
    for shape, axis, ishape in GATHER_CASES:
        n = shape[axis]
        idx = RNG.integers(-n, n, ishape)
        # the importer folds constant indices to an arith.constant feeding the gather; build that form
        text = _fold_reshape(gather_module(shape, axis, ishape, elem, idx_const=idx))
        before, after, out = run_both(text, {"x0": data(shape, elem)})
        assert '"npu_tensor.gather"' not in out and '"npu_tensor.matmul"' not in out
        assert np.array_equal(before["y"], after["y"])


def _fold_reshape(text: str) -> str:
    """The constant indices as one arith.constant of the indices' shape (what the importer produces)."""
    m = re.search(r"%f = arith.constant dense<\[(.*)\]> : tensor<(\d+)xi64>\n  %i = \"npu_tensor.reshape\"\(%f\) : \(.*\) -> (tensor<.*>)\n", text)
    vals, it = m.group(1), m.group(3)
    shape = [int(d) for d in it[len("tensor<"):-len("xi64>")].split("x") if d]
    arr = np.array([int(v) for v in vals.split(", ")]).reshape(shape)
    return text.replace(m.group(0), f"%i = arith.constant dense<{arr.tolist()}> : {it}\n")


@pytest.mark.parametrize("elem", ["f32", "i8", "i16", "ui8", "f16", "bf16", "f64"])
@pytest.mark.parametrize("idx_elem", ["i64", "i32", "i8"])
def test_gather_runtime_indices_one_hot_is_exact(elem, idx_elem):
    for shape, axis, ishape in GATHER_CASES:
        n = shape[axis]
        idx = RNG.integers(-n, n, ishape).astype(NP[idx_elem])
        x = data(shape, elem)
        if elem in ("f32", "f16", "bf16", "f64"):
            x[(0,) * len(shape)] = -0.0
        text = gather_module(shape, axis, ishape, elem, idx_elem)
        before, after, out = run_both(text, {"x0": x, "x1": idx})
        # an f64 one-hot matmul is decomposed further (npu.decompose.wide_float: products, pairwise adds)
        assert '"npu_tensor.gather"' not in out and ('"npu_tensor.matmul"' in out) == (elem != "f64")
        assert '"npu_tensor.abs"' in out and '"npu_tensor.relu"' in out
        assert np.array_equal(before["y"], after["y"])  # -0.0 == +0.0: the one-hot sum may turn -0 into +0


def test_gather_runtime_indices_refusals():
    for elem, why in (("i32", "integers up to 16 bits"), (Q8, "quantized")):
        text = gather_module((6, 3), 0, (2,), elem, "i64")
        with make_context():
            m = ir.Module.parse(text)
            with pytest.raises(DecomposeError, match=why):
                decompose_module(m.operation)


def test_gather_constant_index_out_of_range_is_an_error():
    text = _fold_reshape(gather_module((4, 3), 0, (2,), "f32", idx_const=np.array([1, 4])))
    with make_context():
        m = ir.Module.parse(text)
        with pytest.raises(DecomposeError, match=r"gather index 4 out of range \[-4, 3\]"):
            decompose_module(m.operation)


# ------------------------------------------------------------------ depth/space, tile, trilu, cum_sum, reverse_sequence


@pytest.mark.parametrize("elem", ["f32", "i8", Q8])
def test_depth_space_and_tile_are_exact(elem):
    for mode in ("DCR", "CRD"):
        text = module("depth_to_space", [((2, 12, 2, 3), elem)], ((2, 3, 4, 6), elem), f'blocksize = 2 : i64, mode = "{mode}"')
        check_exact(text, {"x0": data((2, 12, 2, 3), elem)}, "depth_to_space")
    text = module("space_to_depth", [((1, 2, 6, 9), elem)], ((1, 18, 2, 3), elem), "blocksize = 3 : i64")
    check_exact(text, {"x0": data((1, 2, 6, 9), elem)}, "space_to_depth")
    for shape, reps in (((2, 3), (2, 1)), ((2, 3), (3, 4)), ((1, 2, 3), (2, 1, 2)), ((4,), (1,))):
        out = [n * r for n, r in zip(shape, reps)]
        check_exact(module("tile", [(shape, elem)], (out, elem), f"repeats = {i64a(reps)}"), {"x0": data(shape, elem)}, "tile")


@pytest.mark.parametrize("elem", ["f32", "i8", "i32"])
def test_trilu_mask_is_exact(elem):
    for shape in ((3, 3), (2, 4, 5), (5, 2)):
        for upper in (0, 1):
            for k in (-3, -1, 0, 2, 6):
                text = module("trilu", [(shape, elem)], (shape, elem), f"k = {k} : i64, upper = {upper} : i64")
                check_exact(text, {"x0": data(shape, elem)}, "trilu")


def test_cum_sum_float_within_bound_and_integer_exact():
    for elem in ("f32", "i32", "i8"):
        for shape, axis in (((7,), 0), ((3, 9), 1), ((5, 2, 4), 0), ((2, 33), -1)):
            for exclusive in (0, 1):
                for reverse in (0, 1):
                    attrs = f"axis = {axis} : i64, exclusive = {exclusive} : i64, reverse = {reverse} : i64"
                    x = data(shape, elem)
                    before, after, out = run_both(module("cum_sum", [(shape, elem)], (shape, elem), attrs), {"x0": x})
                    assert '"npu_tensor.cum_sum"' not in out
                    if elem != "f32":
                        assert np.array_equal(before["y"], after["y"])  # wraps like the running sum
                        continue
                    n = shape[axis]
                    bound = n * U * np.abs(x).sum(axis=axis, keepdims=True)
                    err = np.abs(before["y"].astype(np.float64) - after["y"])
                    assert np.all(err <= bound), (shape, axis, exclusive, reverse)


def test_reverse_sequence_constant_lengths_is_exact():
    for (shape, bax, tax, lens) in (((4, 2, 3), 1, 0, [4, 2]), ((3, 5), 0, 1, [5, 0, 3]), ((2, 6, 2), 0, 1, [1, 6])):
        rt = ttype(shape, "f32")
        text = (f"func.func @main(%x0: {rt} {{npu.name = \"x0\"}}) -> ({rt} {{npu.name = \"y\"}}) {{\n"
                f"  %l = arith.constant dense<{lens}> : tensor<{len(lens)}xi64>\n"
                f"  %y = \"npu_tensor.reverse_sequence\"(%x0, %l) {{batch_axis = {bax} : i64, time_axis = {tax} : i64}} : ({rt}, tensor<{len(lens)}xi64>) -> {rt}\n"
                f"  return %y : {rt}\n}}")
        check_exact(text, {"x0": data(shape, "f32")}, "reverse_sequence")


def test_refused_instances_name_the_reason():
    cases = [
        (module("resize", [((1, 1, 2, 2), "i8")], ((1, 1, 4, 4), "i8"), resize_attrs("linear", scales=[1, 1, 2, 2])), "linear resize"),
        (module("cum_sum", [((4,), Q8)], ((4,), Q8), "axis = 0 : i64, exclusive = 0 : i64, reverse = 0 : i64"), "cum_sum"),
        (module("reverse_sequence", [((3, 2), "i32"), ((2,), "i64")], ((3, 2), "i32"), "batch_axis = 1 : i64, time_axis = 0 : i64"), "integers up to 16 bits"),
        (module("gather_elements", [((3, 4), "f32"), ((2, 4), "i64")], ((2, 4), "f32"), "axis = 1 : i64"), "only the gathered axis may differ"),
    ]
    for text, why in cases:
        with make_context():
            m = ir.Module.parse(text)
            with pytest.raises(DecomposeError, match=why):
                decompose_module(m.operation)


# ------------------------------------------------------------------ ONNX node tests


CONFORMANCE = (r"^test_(constant_pad|reflect_pad|edge_pad|wrap_pad|resize_|gather_\d|gather_2d|gather_negative|gather_elements|gathernd|"
               r"depthtospace|spacetodepth|tile|tril|triu|cumsum|onehot|einsum|reversesequence)")
# cases also run with the index / length input bound to its test value at import (the constant-index rewrite)
BIND_SECOND_INPUT = ("test_gather_elements", "test_reversesequence", "test_gathernd")
BIND_ONLY = ("test_gathernd_example_int32",)  # run-time indices into an int32 table are refused (tested below)
MOVES = ("pad", "gather", "gather_elements", "gather_nd", "tile", "trilu", "depth_to_space", "space_to_depth", "one_hot", "reverse_sequence")


def _conformance_cases():
    return [c.name for c in list_cases(CONFORMANCE)]


@pytest.mark.parametrize("name", _conformance_cases())
def test_onnx_node_case_decomposed_matches_reference(name):
    from npu.ir.pass_base import PassEnv
    from npu.ir.pipeline import parse_element
    from npu.onnx.importer import import_model

    (case,) = list_cases(f"^{name}$")
    model = onnx.load(str(case.path / "model.onnx"))
    init = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in init]
    op = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", case.op_type).lower()
    binds = (True,) if name.startswith(BIND_ONLY) else (False, True) if name.startswith(BIND_SECOND_INPUT) else (False,)
    for (inputs, expected), bind in [(d, b) for d in _data_sets(case) for b in binds]:
        feeds = dict(zip(names, inputs))
        if bind:
            mod, bound = import_model(model, bind_inputs={names[1]: inputs[1]}, context=make_context()), {names[1]}
        else:
            mod, bound = import_case(model, feeds)
        with mod.context:
            feeds = {k: v for k, v in feeds.items() if k not in bound}
            gold = Program(mod).run(feeds)
            parse_element("npu-decompose{all=true}").run(mod, PassEnv(target=None), verify=True)
            assert f'"npu_tensor.{op}"' not in str(mod)
            got = Program(mod).run(feeds)
        for out, ref in zip(model.graph.output, expected):
            assert outputs_match(ref, got[out.name]) is None
            g = gold[out.name]
            if g.dtype.kind != "f" or op in MOVES:
                assert np.array_equal(g, got[out.name])
            else:  # resize linear/cubic, cum_sum, einsum: the float bounds, loosely (max |x| scale, the longest axis)
                scale = max(float(np.abs(np.concatenate([v.reshape(-1) for v in feeds.values()]).astype(np.float64)).max()), 1.0)
                assert np.abs(g.astype(np.float64) - got[out.name]).max() <= 64 * U * scale * max(g.shape + (1,))


# ------------------------------------------------------------------ level 4 end to end


def _level4(text: str, inputs: dict):
    target = load_target("edge-lpddr")
    with make_context():
        m = ir.Module.parse(text)
        gold = Program(m).run(inputs)
        lowered = spatial.lower_module(m, target)
        return gold, run_level4(lowered, inputs, target=target)


@pytest.mark.parametrize("mode,pads", [("constant", [0, 0, 1, 1, 0, 0, 2, 1]), ("reflect", [0, 0, 2, 1, 0, 0, 1, 2]),
                                       ("edge", [0, 1, 1, 0, 0, 0, 2, 3]), ("wrap", [0, 0, 1, 2, 0, 0, 3, 1])])
def test_pad_reaches_level4(mode, pads):
    shape = (1, 2, 4, 5)
    out = [n + b + e for n, b, e in zip(shape, pads[:4], pads[4:])]
    text = module("pad", [(shape, "f32")], (out, "f32"), f'mode = "{mode}", pads = {i64a(pads)}, value = 0.5 : f32')
    gold, got = _level4(text, {"x0": data(shape, "f32")})
    assert np.array_equal(gold["y"], got["y"])


@pytest.mark.parametrize("mode,ctm,scales", [("linear", "half_pixel", (2.0, 2.0)), ("cubic", "align_corners", (1.5, 0.5)),
                                             ("nearest", "asymmetric", (2.0, 3.0)), ("nearest", "half_pixel", (0.5, 1.75))])
def test_resize_reaches_level4(mode, ctm, scales):
    ins = (1, 3, 4, 6)
    outs = (1, 3, int(4 * scales[0]), int(6 * scales[1]))
    attrs = resize_attrs(mode, ctm, "floor", [1, 1, *scales])
    x = data(ins, "f32")
    gold, got = _level4(module("resize", [(ins, "f32")], (outs, "f32"), attrs), {"x0": x})
    err = float(np.abs(gold["y"].astype(np.float64) - got["y"]).max())
    if mode == "nearest":
        assert err == 0.0
    else:
        assert err <= resize_bound(_attr_dict(attrs), ins, outs, x)


def test_gather_reaches_level4():
    # run-time i32 indices (one-hot matmul), negative ones included
    text = gather_module((10, 6), 0, (2, 3), "f32", "i32")
    idx = RNG.integers(-10, 10, (2, 3)).astype(np.int32)
    gold, got = _level4(text, {"x0": data((10, 6), "f32"), "x1": idx})
    assert np.array_equal(gold["y"], got["y"])
    text = gather_module((3, 10, 4), 1, (5,), "f32", "i32")
    gold, got = _level4(text, {"x0": data((3, 10, 4), "f32"), "x1": RNG.integers(-10, 10, (5,)).astype(np.int32)})
    assert np.array_equal(gold["y"], got["y"])
    # constant indices (slices and concats)
    text = _fold_reshape(gather_module((2, 8, 3), 1, (4,), "f32", idx_const=np.array([7, 0, -1, 3])))
    gold, got = _level4(text, {"x0": data((2, 8, 3), "f32")})
    assert np.array_equal(gold["y"], got["y"])


# ------------------------------------------------------------------ one_hot, gather_elements, einsum


@pytest.mark.parametrize("elem", ["f32", "i32", "i8"])
def test_one_hot_runtime_indices_is_exact(elem):
    for ishape, axis, depth, on, off in (((4,), -1, 5, 1, 0), ((2, 3), 0, 4, 3, -2), ((3, 2), 1, 6, 5, 1), ((5,), 0, 3, 2, 7)):
        idx = RNG.integers(-depth - 2, depth + 2, ishape).astype(np.int64)  # out-of-range ones give all-off rows
        out = list(ishape)
        out.insert(axis % (len(ishape) + 1), depth)
        lit = (lambda v: f"{float(v)} : f32") if elem == "f32" else (lambda v: f"{v} : i64")
        text = module("one_hot", [(ishape, "i64")], (out, elem), f"axis = {axis} : i64, off_value = {lit(off)}, on_value = {lit(on)}")
        check_exact(text, {"x0": idx}, "one_hot")


def test_one_hot_float_indices_truncate_like_golden():
    text = module("one_hot", [((6,), "f32")], ((6, 4), "f32"), "axis = -1 : i64, off_value = 0.0 : f32, on_value = 1.0 : f32")
    check_exact(text, {"x0": np.array([0.0, 1.7, -1.2, 3.9, -0.5, 2.0], np.float32)}, "one_hot")


@pytest.mark.parametrize("elem", ["f32", "i8", Q8])
def test_gather_elements_constant_indices_is_exact(elem):
    for shape, axis, ishape in (((3, 4), 1, (3, 2)), ((3, 4), 0, (2, 4)), ((2, 3, 2), 2, (2, 3, 3))):
        n = shape[axis]
        idx = RNG.integers(-n, n, ishape)
        xt, it, rt = ttype(shape, elem), ttype(ishape, "i64"), ttype(ishape, elem)
        text = (f"func.func @main(%x0: {xt} {{npu.name = \"x0\"}}) -> ({rt} {{npu.name = \"y\"}}) {{\n"
                f"  %i = arith.constant dense<{idx.tolist()}> : {it}\n"
                f"  %y = \"npu_tensor.gather_elements\"(%x0, %i) {{axis = {axis} : i64}} : ({xt}, {it}) -> {rt}\n"
                f"  return %y : {rt}\n}}")
        check_exact(text, {"x0": data(shape, elem)}, "gather_elements")


EINSUMS = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("i,i->", [(6,), (6,)]),
    ("ij->ji", [(3, 4)]), ("ii->i", [(4, 4)]), ("bii->bi", [(2, 3, 3)]), ("ij->", [(3, 4)]), ("ij,kj->ik", [(3, 4), (5, 4)]),
    ("i,j->ij", [(3,), (4,)]), ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]), ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]),
    ("bhqk,bhkd->bhqd", [(1, 2, 3, 5), (1, 2, 5, 4)]), ("ijk,jil->kl", [(2, 3, 4), (3, 2, 5)]), ("ab,ab->a", [(3, 4), (3, 4)]),
    ("ij,j->i", [(3, 4), (4,)]), ("ij,jk", [(2, 3), (3, 4)]), ("iij,jk->ik", [(3, 3, 2), (2, 4)]), ("abc,cd->", [(2, 3, 4), (4, 2)]),
]


@pytest.mark.parametrize("elem", ["f32", "i32"])
def test_einsum_forms(elem):
    for eq, shapes in EINSUMS:
        xs = [data(s, elem) if elem == "f32" else RNG.integers(-50, 50, s).astype(np.int32) for s in shapes]
        want = np.einsum(eq, *[x.astype(np.float64) for x in xs])
        text = module("einsum", [(s, elem) for s in shapes], (want.shape, elem), f'equation = "{eq}"')
        before, after, out = run_both(text, {f"x{i}": x for i, x in enumerate(xs)})
        assert '"npu_tensor.einsum"' not in out, eq
        if elem != "f32":
            assert np.array_equal(before["y"], after["y"]), eq
            continue
        terms = np.einsum(eq, *[np.abs(x.astype(np.float64)) for x in xs])
        length = math.prod(shapes[0]) * (math.prod(shapes[1]) if len(shapes) > 1 else 1) // max(want.size, 1)
        err = np.abs(before["y"].astype(np.float64) - after["y"])
        assert np.all(err <= (length + 2) * U * terms), eq


LEVEL4_MOVES = {
    "pad_q8_constant": (module("pad", [((1, 2, 3, 4), Q8)], ((1, 2, 5, 7), Q8), f'mode = "constant", pads = {i64a([0, 0, 1, 1, 0, 0, 1, 2])}, value = 3 : i64'), [((1, 2, 3, 4), Q8)]),
    "pad_i8_reflect": (module("pad", [((1, 2, 3, 4), "i8")], ((1, 2, 5, 7), "i8"), f'mode = "reflect", pads = {i64a([0, 0, 1, 1, 0, 0, 1, 2])}, value = 0 : i64'), [((1, 2, 3, 4), "i8")]),
    "resize_nearest_i8": (module("resize", [((1, 2, 3, 4), "i8")], ((1, 2, 6, 7), "i8"), resize_attrs("nearest", "half_pixel", "round_prefer_ceil", [1, 1, 2, 1.75])), [((1, 2, 3, 4), "i8")]),
    "depth_to_space": (module("depth_to_space", [((1, 8, 2, 3), "f32")], ((1, 2, 4, 6), "f32"), 'blocksize = 2 : i64, mode = "CRD"'), [((1, 8, 2, 3), "f32")]),
    "space_to_depth": (module("space_to_depth", [((1, 2, 4, 6), "i8")], ((1, 8, 2, 3), "i8"), "blocksize = 2 : i64"), [((1, 2, 4, 6), "i8")]),
    "tile": (module("tile", [((2, 3), "f32")], ((4, 9), "f32"), f"repeats = {i64a([2, 3])}"), [((2, 3), "f32")]),
    "trilu_i8": (module("trilu", [((2, 4, 5), "i8")], ((2, 4, 5), "i8"), "k = 1 : i64, upper = 0 : i64"), [((2, 4, 5), "i8")]),
    "cum_sum_axis0": (module("cum_sum", [((5, 4), "f32")], ((5, 4), "f32"), "axis = 0 : i64, exclusive = 0 : i64, reverse = 0 : i64"), [((5, 4), "f32")]),
}


@pytest.mark.parametrize("name", sorted(LEVEL4_MOVES))
def test_data_movement_reaches_level4_exactly(name):
    text, args = LEVEL4_MOVES[name]
    gold, got = _level4(text, {f"x{i}": data(s, e) for i, (s, e) in enumerate(args)})
    assert np.array_equal(gold["y"], got["y"])


def test_one_hot_and_einsum_and_cum_sum_reach_level4():
    text = module("one_hot", [((4,), "i32")], ((4, 6), "f32"), "axis = 1 : i64, off_value = 0.5 : f32, on_value = 2.0 : f32")
    gold, got = _level4(text, {"x0": np.array([0, -1, 7, 3], np.int32)})
    assert np.array_equal(gold["y"], got["y"])
    a, c = data((1, 2, 3, 4), "f32"), data((1, 2, 5, 4), "f32")
    text = module("einsum", [((1, 2, 3, 4), "f32"), ((1, 2, 5, 4), "f32")], ((1, 2, 3, 5), "f32"), 'equation = "bhqd,bhkd->bhqk"')
    gold, got = _level4(text, {"x0": a, "x1": c})
    terms = np.einsum("bhqd,bhkd->bhqk", np.abs(a.astype(np.float64)), np.abs(c.astype(np.float64)))
    assert np.all(np.abs(gold["y"].astype(np.float64) - got["y"]) <= (4 + 2) * U * terms)
    x = data((3, 7), "f32")
    text = module("cum_sum", [((3, 7), "f32")], ((3, 7), "f32"), "axis = 1 : i64, exclusive = 1 : i64, reverse = 1 : i64")
    gold, got = _level4(text, {"x0": x})
    assert np.all(np.abs(gold["y"].astype(np.float64) - got["y"]) <= 7 * U * np.abs(x).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("elem", ["f16", "bf16"])
def test_resize_half_precision_through_f32_within_one_ulp(elem):
    dt = NP[elem]
    for mode, ctm in (("linear", "half_pixel"), ("cubic", "align_corners"), ("nearest", "asymmetric")):
        for ins, outs in RESIZE_SHAPES[:3]:
            scales = [o / i for i, o in zip(ins, outs)]
            x = RNG.standard_normal(ins).astype(dt)
            text = module("resize", [(ins, elem)], (outs, elem), resize_attrs(mode, ctm, "floor", scales))
            before, after, out = run_both(text, {"x0": x})
            assert '"npu_tensor.resize"' not in out
            g = before["y"].astype(np.float64)
            ulp = np.abs(np.spacing(before["y"].astype(np.float32)).astype(np.float64)) * (2.0**13 if elem == "f16" else 2.0**16)
            assert np.all(np.abs(g - after["y"].astype(np.float64)) <= ulp + 1e-6), (mode, ins)
            if mode == "nearest":
                assert np.array_equal(before["y"], after["y"])


def test_with_a_target_only_ops_without_a_spatial_rule_are_rewritten():
    x, w = ttype((2, 3), "f32"), ttype((3, 5), "f32")
    text = (f"func.func @main(%x0: {x} {{npu.name = \"x0\"}}, %x1: {w} {{npu.name = \"x1\"}}) -> ({ttype((2, 7), 'f32')} {{npu.name = \"y\"}}) {{\n"
            f"  %m = \"npu_tensor.matmul\"(%x0, %x1) : ({x}, {w}) -> {ttype((2, 5), 'f32')}\n"
            f"  %p = \"npu_tensor.pad\"(%m) {{mode = \"edge\", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32}} : ({ttype((2, 5), 'f32')}) -> {ttype((2, 7), 'f32')}\n"
            f"  %y = \"npu_tensor.relu\"(%p) : ({ttype((2, 7), 'f32')}) -> {ttype((2, 7), 'f32')}\n"
            f"  return %y : {ttype((2, 7), 'f32')}\n}}")
    before, after, out = run_both(text, {"x0": data((2, 3), "f32"), "x1": data((3, 5), "f32")}, load_target("edge-lpddr"))
    assert '"npu_tensor.pad"' not in out and out.count('"npu_tensor.matmul"') == 1 and '"npu_tensor.relu"' in out
    assert np.array_equal(before["y"], after["y"])


@pytest.mark.parametrize("elem", ["f32", "i8", "i16", "bf16"])
def test_gather_elements_runtime_indices_is_exact(elem):
    for shape, axis, ishape in (((3, 4), 1, (3, 2)), ((3, 4), 0, (2, 4)), ((2, 3, 2), 2, (2, 3, 3)), ((4, 2, 3), 0, (6, 2, 3))):
        n = shape[axis]
        idx = RNG.integers(-n, n, ishape).astype(np.int64)
        text = module("gather_elements", [(shape, elem), (ishape, "i64")], (ishape, elem), f"axis = {axis} : i64")
        out = check_exact(text, {"x0": data(shape, elem), "x1": idx}, "gather_elements")
        assert '"npu_tensor.reduce_sum"' in out


@pytest.mark.parametrize("elem", ["f32", "i8", "i16"])
def test_reverse_sequence_runtime_lengths_is_exact(elem):
    for shape, bax, tax in (((4, 2, 3), 1, 0), ((3, 5), 0, 1), ((2, 6, 2), 0, 1), ((5, 3), 1, 0)):
        lens = RNG.integers(0, shape[tax] + 1, shape[bax]).astype(np.int64)
        text = module("reverse_sequence", [(shape, elem), ((shape[bax],), "i64")], (shape, elem),
                      f"batch_axis = {bax} : i64, time_axis = {tax} : i64")
        out = check_exact(text, {"x0": data(shape, elem), "x1": lens}, "reverse_sequence")
        assert '"npu_tensor.matmul"' in out


def test_runtime_gather_elements_and_reverse_sequence_reach_level4():
    text = module("gather_elements", [((3, 5), "f32"), ((3, 4), "i32")], ((3, 4), "f32"), "axis = 1 : i64")
    gold, got = _level4(text, {"x0": data((3, 5), "f32"), "x1": RNG.integers(-5, 5, (3, 4)).astype(np.int32)})
    assert np.array_equal(gold["y"], got["y"])
    text = module("reverse_sequence", [((6, 3, 2), "f32"), ((3,), "i32")], ((6, 3, 2), "f32"), "batch_axis = 1 : i64, time_axis = 0 : i64")
    gold, got = _level4(text, {"x0": data((6, 3, 2), "f32"), "x1": np.array([6, 0, 3], np.int32)})
    assert np.array_equal(gold["y"], got["y"])


GATHER_ND = [((4, 3), (2, 1), 0), ((4, 3, 2), (5, 2), 0), ((2, 3, 4), (2, 2, 1), 1), ((2, 3, 4, 2), (2, 3, 2), 1), ((3, 2), (2, 2, 2), 0)]


@pytest.mark.parametrize("elem", ["f32", "i8", "i16"])
def test_gather_nd_is_exact(elem):
    for shape, ishape, nb in GATHER_ND:
        dims = np.asarray(shape[nb:nb + ishape[-1]])
        idx = (RNG.integers(0, 1 << 30, ishape) % (2 * dims)) - dims  # negatives included
        out = list(shape[:nb]) + list(ishape[nb:-1]) + list(shape[nb + ishape[-1]:])
        attrs = f"batch_dims = {nb} : i64"
        text = module("gather_nd", [(shape, elem), (ishape, "i64")], (out, elem), attrs)
        runtime = check_exact(text, {"x0": data(shape, elem), "x1": idx}, "gather_nd")
        assert '"npu_tensor.matmul"' in runtime
        xt, it, rt = ttype(shape, elem), ttype(ishape, "i64"), ttype(out, elem)
        text = (f"func.func @main(%x0: {xt} {{npu.name = \"x0\"}}) -> ({rt} {{npu.name = \"y\"}}) {{\n"
                f"  %i = arith.constant dense<{idx.tolist()}> : {it}\n"
                f"  %y = \"npu_tensor.gather_nd\"(%x0, %i) {{{attrs}}} : ({xt}, {it}) -> {rt}\n"
                f"  return %y : {rt}\n}}")
        const = check_exact(text, {"x0": data(shape, elem)}, "gather_nd")
        assert '"npu_tensor.matmul"' not in const


def test_gather_nd_reaches_level4():
    text = module("gather_nd", [((4, 3, 2), "f32"), ((5, 2), "i32")], ((5, 2), "f32"), "batch_dims = 0 : i64")
    idx = np.array([[0, 0], [3, 2], [-1, -3], [2, 1], [1, -1]], np.int32)
    gold, got = _level4(text, {"x0": data((4, 3, 2), "f32"), "x1": idx})
    assert np.array_equal(gold["y"], got["y"])


def test_integer_cum_sum_reaches_level4_without_overflow():
    # level-4 integer adds saturate where the golden's wrap, so only sums that stay in range are compared
    for elem in ("i32", "i8"):
        for ex, rev in ((0, 0), (1, 1), (1, 0), (0, 1)):
            text = module("cum_sum", [((3, 9), elem)], ((3, 9), elem), f"axis = 1 : i64, exclusive = {ex} : i64, reverse = {rev} : i64")
            x = RNG.integers(-14, 15, (3, 9)).astype(NP[elem])
            gold, got = _level4(text, {"x0": x})
            assert np.array_equal(gold["y"], got["y"])


# ------------------------------------------------------------------ slice with negative steps

NEG_SLICES = [  # (shape, starts, ends, axes, steps): reversals, strided reversals, ONNX clamping at both ends
    ((3, 7), [-1], [-(2**62)], [1], [-1]),
    ((3, 7), [5], [0], [1], [-2]),
    ((4, 6), [10, 1], [-10, 6], [0, 1], [-1, 2]),
    ((2, 3, 5), [2, -2], [0, -(2**62)], [2, 1], [-3, -1]),
]


def _neg_slice_module(shape, starts, ends, axes, steps, elem):
    x = np.zeros(shape)
    from npu.interp.kernels_shape import slice_index

    out = x[slice_index(shape, starts, ends, axes, steps)].shape
    return module("slice", [(shape, elem)], (out, elem),
                  f"starts = {i64a(starts)}, ends = {i64a(ends)}, axes = {i64a(axes)}, steps = {i64a(steps)}")


@pytest.mark.parametrize("elem", ["f32", "i8", "i4"])
@pytest.mark.parametrize("case", range(len(NEG_SLICES)))
def test_negative_step_slice_is_a_take_bit_identical(case, elem):
    text = _neg_slice_module(*NEG_SLICES[case], elem)
    shape = NEG_SLICES[case][0]
    x = RNG.integers(-8, 8, shape).astype(ml_dtypes.int4) if elem == "i4" else data(shape, elem)
    before, after, out = run_both(text, {"x0": x})
    assert "steps = array<i64: -" not in out
    assert after["y"].dtype == before["y"].dtype
    assert np.array_equal(before["y"].astype(np.float64), after["y"].astype(np.float64))


@pytest.mark.parametrize("case", range(len(NEG_SLICES)))
def test_negative_step_slice_reaches_level4(case):
    text = _neg_slice_module(*NEG_SLICES[case], "f32")
    gold, got = _level4(text, {"x0": data(NEG_SLICES[case][0], "f32")})
    assert np.array_equal(gold["y"], got["y"])
