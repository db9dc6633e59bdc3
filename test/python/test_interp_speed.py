"""The golden interpreter's speed work changed no bit: live interpreter vs its pre-speed-work copy.

test/python/golden_before holds verbatim copies of the interpreter files the speed work
touched (executor, NN, elementwise and shape kernels, as of commit 21c60af). Every test
here runs the same module or kernel call through both and requires byte-identical
results (dtype, shape and every bit, so signed zeros and NaN payloads count):

  * whole models, every op's results compared through on_result: the bundled digits
    models (float and int8), the quant bench models, two light architecture graphs
    (the others run under -m slow);
  * single ops through Program (their planned runs, constant and dynamic weights) and
    through the registry's kernels (the path constant folding takes), on random
    configurations with NaN, infinities and signed zeros sprinkled into the data;
  * the chunked im2col and both depthwise forms, with their size limits lowered.
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from threadpoolctl import threadpool_limits

import golden_before
from npu.interp import kernels_nn
from npu.interp.executor import Program
from npu.interp.registry import get_kernel
from npu.ir.context import make_context
from npu.onnx.importer import import_model

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIGHT = Path(onnx.__file__).parent / "backend/test/data/light"  # architecture graphs shipped in the onnx wheel
BEFORE = golden_before.load()


def _bits(a: np.ndarray) -> tuple:
    a = np.asarray(a)
    return a.dtype.str, a.shape, np.ascontiguousarray(a).tobytes()


def _assert_same(got, want, what: str) -> None:
    assert len(got) == len(want), what
    for k, (g, w) in enumerate(zip(got, want)):
        gb, wb = _bits(g), _bits(w)
        assert gb[:2] == wb[:2], f"{what}: result {k} is {gb[:2]}, before {wb[:2]}"
        if gb[2] != wb[2]:
            diff = np.flatnonzero(np.frombuffer(gb[2], np.uint8) != np.frombuffer(wb[2], np.uint8))
            raise AssertionError(f"{what}: result {k} differs from before in {diff.size} bytes (first at byte {diff[0]})")


def _special(rng: np.random.Generator, shape, dtype=np.float32, fraction=0.05) -> np.ndarray:
    """Standard normal data with NaN, +-inf, +-0.0 sprinkled in."""
    x = rng.standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    picks = rng.random(flat.size) < fraction
    flat[picks] = rng.choice(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype=dtype), picks.sum())
    return x


def run_both(module, feeds: dict, what: str) -> None:
    """Every op's results of the live Program equal the pre-speed-work Program's (one BLAS
    thread: quicker on a shared machine; the bench checks both thread counts)."""
    with module.context, threadpool_limits(limits=1, user_api="blas"):
        live, before = Program(module), BEFORE.Program(module)
        got, want = [], []
        out_live = live.run(feeds, on_result=lambda op, v: got.append(v))
        out_before = before.run(feeds, on_result=lambda op, v: want.append(v))
        out_again = live.run(feeds)  # a second run: cached plans and widened constants
    assert len(got) == len(want) == len(live.steps)
    for step, g, w in zip(live.steps, got, want):
        _assert_same(g, w, f"{what}: {step.op.name}")
    for name in out_before:
        _assert_same([out_live[name], out_again[name]], [out_before[name]] * 2, f"{what}: output {name}")


# ------------------------------------------------------------------ whole models


def _random_feeds(program: Program, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {s.name: rng.standard_normal(s.shape).astype(s.dtype) for s in program.inputs}


MODELS = {
    "digits_cnn": ROOT / "examples/digits/digits_cnn.onnx",
    "digits_transformer": ROOT / "examples/digits/digits_transformer.onnx",
    "cancer_mlp": ROOT / "bench/quant_models/cancer_mlp/model.onnx",
    "digits_resnet": ROOT / "bench/quant_models/digits_resnet/model.onnx",
    "light_squeezenet": LIGHT / "light_squeezenet.onnx",
    "light_shufflenet": LIGHT / "light_shufflenet.onnx",
}
SLOW_MODELS = ["light_resnet50", "light_densenet121", "light_inception_v1", "light_inception_v2",
               "light_bvlc_alexnet", "light_zfnet512", "light_vgg19"]


def _check_model(path: Path, name: str) -> None:
    module = import_model(str(path), context=make_context())
    with module.context:
        feeds = _random_feeds(Program(module))
    run_both(module, feeds, name)


@pytest.mark.parametrize("name", list(MODELS))
def test_models_bit_identical(name):
    _check_model(MODELS[name], name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW_MODELS)
def test_light_models_bit_identical(name, monkeypatch):
    import npu.onnx.importer as importer

    # AlexNet, VGG-19 and ZFNet keep fc weights as ConstantOfShape fills of 38M-103M elements
    monkeypatch.setattr(importer, "FOLD_LIMIT", max(getattr(importer, "FOLD_LIMIT", 0), 1 << 27), raising=False)
    _check_model(LIGHT / f"{name}.onnx", name)


def test_quantized_digits_cnn_bit_identical():
    import npu.quant as quant

    module, _ = quant.quantize(str(ROOT / "examples/digits/digits_cnn.onnx"), str(ROOT / "examples/digits/calib"), "int8")
    with module.context:
        feeds = _random_feeds(Program(module), seed=3)
    run_both(module, feeds, "digits_cnn int8")


# ------------------------------------------------------------------ single ops


def _single_op(op: str, inputs: dict, attrs: dict, consts: dict | None = None, outputs=("y",), opset=19,
               dtype=TensorProto.FLOAT):
    """A one-node model: `inputs` are graph inputs (name -> array), `consts` initializers;
    the node takes them in the order inputs then consts unless attrs['_order'] gives it.
    `dtype` is the outputs' element type (a tuple: one per output)."""
    consts = consts or {}
    attrs = dict(attrs)
    order = attrs.pop("_order", list(inputs) + list(consts))
    node = helper.make_node(op, order, list(outputs), **attrs)
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info(k, helper.np_dtype_to_tensor_dtype(v.dtype), list(v.shape)) for k, v in inputs.items()],
        [helper.make_tensor_value_info(o, t, None) for o, t in zip(outputs, dtype if isinstance(dtype, tuple) else [dtype] * len(outputs))],
        initializer=[numpy_helper.from_array(v, k) for k, v in consts.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    return import_model(model, context=make_context())


def _check_op(op, inputs, attrs, consts=None, outputs=("y",), opset=19, dtype=TensorProto.FLOAT, kernel_too=True):
    what = f"{op} {attrs} inputs {[(k, v.shape, v.dtype.name) for k, v in inputs.items()]} consts {list(consts or {})}"
    module = _single_op(op, inputs, attrs, consts, outputs, opset, dtype)
    run_both(module, inputs, what)
    if not kernel_too:
        return
    with module.context:  # the kernels themselves (what constant folding calls)
        live = Program(module)
        step = live.steps[0]
        env = {**live.constants, **dict(enumerate(live.check_inputs(inputs)))}
        args = [None if s is None else env[s] for s in step.operands]
        want = BEFORE.kernels[step.op.name](args, step.attrs, step.specs)
        got = get_kernel(step.op.name)(args, step.attrs, step.specs)
    _assert_same(got, want, f"kernel of {what}")


def _conv_case(rng, nd: int, depthwise: bool):
    n = int(rng.integers(1, 3))
    g = int(rng.integers(1, 4))
    cg = 1 if depthwise else int(rng.integers(1, 4))
    mg = int(rng.integers(1, 4))
    ks = [int(rng.integers(1, 4)) for _ in range(nd)]
    strides = [int(rng.integers(1, 3)) for _ in range(nd)]
    dil = [int(rng.integers(1, 3)) for _ in range(nd)]
    pads = [int(rng.integers(0, 3)) for _ in range(2 * nd)]
    spatial = [int(rng.integers((k - 1) * d + 1, (k - 1) * d + 7)) for k, d in zip(ks, dil)]
    x = _special(rng, [n, g * cg] + spatial, fraction=0.02)
    w = _special(rng, [g * mg, cg] + ks, fraction=0.02)
    b = rng.standard_normal(g * mg).astype(np.float32)
    attrs = dict(group=g, strides=strides, dilations=dil, pads=pads, kernel_shape=ks)
    return x, w, b, attrs


@pytest.mark.parametrize("depthwise", [False, True])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_random_convs_bit_identical(nd, depthwise):
    rng = np.random.default_rng(100 * nd + depthwise)
    for i in range(6):
        x, w, b, attrs = _conv_case(rng, nd, depthwise)
        with_bias = i % 2 == 0
        consts = {"w": w, "b": b} if with_bias else {"w": w}
        _check_op("Conv", {"x": x}, attrs, consts)
        if i < 2:  # dynamic weight and bias: planned per run
            ins = {"x": x, "w": w, "b": b} if with_bias else {"x": x, "w": w}
            _check_op("Conv", ins, attrs)


def test_conv_float64_and_float16_bit_identical():
    rng = np.random.default_rng(7)
    for dtype, tp in ((np.float64, TensorProto.DOUBLE), (np.float16, TensorProto.FLOAT16)):
        x = _special(rng, (2, 4, 9, 7), dtype)
        w = rng.standard_normal((6, 2, 3, 3)).astype(dtype)
        _check_op("Conv", {"x": x}, dict(group=2, pads=[1, 0, 2, 1], strides=[2, 1]), {"w": w}, dtype=tp)
        wd = rng.standard_normal((4, 1, 3, 3)).astype(dtype)
        _check_op("Conv", {"x": x}, dict(group=4, pads=[1, 1, 1, 1]), {"w": wd}, dtype=tp)


def test_chunked_im2col_and_depthwise_forms(monkeypatch):
    """Chunks of output rows (IM2COL_CHUNK lowered in both copies) and the per-offset
    depthwise form (DEPTHWISE_SMALL at 0) give the same bits as before."""
    rng = np.random.default_rng(11)
    monkeypatch.setattr(kernels_nn, "IM2COL_CHUNK", 700)
    monkeypatch.setattr(BEFORE.modules["kernels_nn"], "IM2COL_CHUNK", 700)
    x = _special(rng, (2, 6, 13, 11))
    for attrs, w in (
        (dict(pads=[1, 2, 0, 1], strides=[2, 1]), rng.standard_normal((4, 6, 3, 3)).astype(np.float32)),
        (dict(group=3, dilations=[2, 1], pads=[2, 2, 2, 2]), rng.standard_normal((6, 2, 3, 2)).astype(np.float32)),
    ):
        _check_op("Conv", {"x": x}, attrs, {"w": w})
    wd = rng.standard_normal((12, 1, 3, 3)).astype(np.float32)
    for small in (0, 1 << 30):
        monkeypatch.setattr(kernels_nn, "DEPTHWISE_SMALL", small)
        _check_op("Conv", {"x": x}, dict(group=6, pads=[1, 1, 1, 1]), {"w": wd})


def test_conv_sums_of_signed_zeros(monkeypatch):
    """All-zero windows: every sum starts from +0.0 (0.0 + -0.0 is +0.0), in BLAS and in
    both depthwise forms; a sum seeded with its first product would keep -0.0."""
    rng = np.random.default_rng(31)
    x = np.where(rng.random((1, 4, 6, 6)) < 0.5, -0.0, 0.0).astype(np.float32)
    w = np.where(rng.random((8, 1, 3, 3)) < 0.5, -1.5, 2.0).astype(np.float32)
    for small in (0, 1 << 30):
        monkeypatch.setattr(kernels_nn, "DEPTHWISE_SMALL", small)
        _check_op("Conv", {"x": x}, dict(group=4), {"w": w})
    _check_op("Conv", {"x": x}, dict(group=1, pads=[1, 1, 1, 1]), {"w": w.reshape(2, 4, 3, 3)})


def test_conv_integer_and_quantized_conv_bit_identical():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 255, (1, 4, 7, 7)).astype(np.uint8)
    w = rng.integers(0, 255, (4, 2, 3, 3)).astype(np.uint8)
    _check_op("ConvInteger", {"x": x}, dict(group=2, pads=[1, 1, 1, 1]),
              {"w": w, "xz": np.array(3, np.uint8), "wz": np.array(7, np.uint8)}, dtype=TensorProto.INT32)


def _pool_case(rng, nd: int, dilated: bool):
    ks = [int(rng.integers(1, 4)) for _ in range(nd)]
    dil = [int(rng.integers(1, 3)) if dilated else 1 for _ in range(nd)]
    strides = [int(rng.integers(1, 3)) for _ in range(nd)]
    pads = [int(rng.integers(0, k)) for k in ks] * 2
    spatial = [int(rng.integers((k - 1) * d + 1, (k - 1) * d + 7)) for k, d in zip(ks, dil)]
    x = _special(rng, [2, 3] + spatial)
    # ceil_mode only where every window starts inside input + begin padding (ONNX and onnx's
    # shape inference disagree on the others; the importer rejects them)
    ceil = all(-(-(s + 2 * p - (k - 1) * d - 1) // st) * st < s + p for s, p, k, d, st in zip(spatial, pads, ks, dil, strides))
    attrs = dict(kernel_shape=ks, strides=strides, pads=pads, ceil_mode=int(ceil and rng.random() < 0.5))
    if dilated:
        attrs["dilations"] = dil
    return x, attrs


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_random_pools_bit_identical(nd):
    rng = np.random.default_rng(200 + nd)
    for i in range(5):
        x, attrs = _pool_case(rng, nd, dilated=False)
        _check_op("AveragePool", {"x": x}, {**attrs, "count_include_pad": i % 2})
        x, attrs = _pool_case(rng, nd, dilated=True)
        _check_op("MaxPool", {"x": x}, attrs)
        if i < 2:
            _check_op("MaxPool", {"x": x}, {**attrs, "storage_order": i % 2 if nd == 2 else 0},
                      outputs=("y", "idx"), dtype=(TensorProto.FLOAT, TensorProto.INT64))


def test_max_pool_on_integers_and_signed_zeros():
    rng = np.random.default_rng(9)
    xi = rng.integers(-128, 127, (1, 2, 6, 6)).astype(np.int8)
    _check_op("MaxPool", {"x": xi}, dict(kernel_shape=[2, 2], pads=[1, 1, 1, 1]), dtype=TensorProto.INT8)
    xz = np.where(rng.random((1, 2, 6, 6)) < 0.5, -0.0, 0.0).astype(np.float32)
    _check_op("MaxPool", {"x": xz}, dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    _check_op("AveragePool", {"x": xz}, dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]))


def test_batch_and_layer_normalization_bit_identical():
    rng = np.random.default_rng(13)
    c = 5
    stats = {k: rng.standard_normal(c).astype(np.float32) for k in ("scale", "bias", "mean")}
    stats["var"] = rng.random(c).astype(np.float32) + 0.1
    for shape in ((2, c), (2, c, 7), (1, c, 4, 6)):
        x = _special(rng, shape)
        _check_op("BatchNormalization", {"x": x}, dict(epsilon=1e-3), stats)
        _check_op("BatchNormalization", {"x": x, **stats}, {})  # dynamic statistics: the kernel
    for shape, axis in (((2, 8, 32), -1), ((2, 3, 4, 5), 1), ((3, 6), 0)):
        x = _special(rng, shape, fraction=0.01)
        norm = shape[axis % len(shape):]
        scale = rng.standard_normal(norm).astype(np.float32)
        bias = rng.standard_normal(norm).astype(np.float32)
        _check_op("LayerNormalization", {"x": x}, dict(axis=axis, epsilon=1e-4), {"s": scale, "b": bias},
                  outputs=("y", "mean", "inv"))
        _check_op("LayerNormalization", {"x": x}, dict(axis=axis), {"s": scale})


def test_gemm_and_matmul_bit_identical():
    rng = np.random.default_rng(17)
    a = _special(rng, (5, 7), fraction=0.02)
    b = rng.standard_normal((7, 4)).astype(np.float32)
    bt = np.ascontiguousarray(b.T)
    c = rng.standard_normal((4,)).astype(np.float32)
    _check_op("Gemm", {"a": a}, {}, {"b": b})
    _check_op("Gemm", {"a": a}, dict(transB=1, alpha=0.5, beta=2.0), {"b": bt, "c": c})
    _check_op("Gemm", {"at": np.ascontiguousarray(a.T)}, dict(transA=1, beta=-1.5), {"b": b, "c": c})
    _check_op("Gemm", {"a": a, "c": c.reshape(1, 4)}, dict(_order=["a", "b", "c"], alpha=3.0), {"b": b})
    _check_op("MatMul", {"a": a}, {}, {"b": b})
    x3 = _special(rng, (2, 3, 5, 7), fraction=0.02)
    _check_op("MatMul", {"x": x3}, {}, {"b": b})
    _check_op("MatMul", {"x": x3, "w": rng.standard_normal((2, 3, 7, 6)).astype(np.float32)}, {})
    _check_op("MatMul", {"x": x3.astype(np.float64), "w": rng.standard_normal((7, 2))}, {}, dtype=TensorProto.DOUBLE)
    v = _special(rng, (7,), fraction=0.1)
    _check_op("MatMul", {"v": v}, {}, {"b": b})  # 1-D operands: numpy's shape rules
    _check_op("MatMul", {"x": x3}, {}, {"v": v})
    _check_op("MatMul", {"v": v, "w": v.copy()}, {})


_BINARY = ["Add", "Sub", "Mul", "Div", "Max", "Min", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"]


@pytest.mark.parametrize("op", _BINARY)
def test_binary_elementwise_bit_identical(op):
    rng = np.random.default_rng(sum(map(ord, op)))
    out = TensorProto.BOOL if op in ("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual") else None
    for dtype, tp in ((np.float32, TensorProto.FLOAT), (np.float16, TensorProto.FLOAT16), (np.float64, TensorProto.DOUBLE)):
        a = _special(rng, (3, 1, 5), dtype, fraction=0.2)
        b = _special(rng, (4, 1), dtype, fraction=0.2)
        _check_op(op, {"a": a, "b": b}, {}, dtype=out or tp)
        _check_op(op, {"a": a}, {}, {"b": b}, dtype=out or tp)
    ai = rng.integers(-50, 50, (3, 4)).astype(np.int32)
    bi = rng.integers(1, 50, (4,)).astype(np.int32)
    _check_op(op, {"a": ai, "b": bi}, {}, dtype=out or TensorProto.INT32)


@pytest.mark.parametrize("op", ["Relu", "Neg", "Abs", "Sqrt", "Exp", "Log", "Tanh", "Sigmoid", "Erf", "Reciprocal",
                                "Floor", "Ceil", "Round", "Sign", "Sin", "Softplus", "Softsign"])
def test_unary_elementwise_bit_identical(op):
    rng = np.random.default_rng(sum(map(ord, op)))
    for dtype, tp in ((np.float32, TensorProto.FLOAT), (np.float16, TensorProto.FLOAT16)):
        _check_op(op, {"x": _special(rng, (4, 9), dtype, fraction=0.2)}, {}, dtype=tp)


def test_softmax_and_reduce_mean_bit_identical():
    rng = np.random.default_rng(23)
    x = _special(rng, (2, 3, 8), fraction=0.02)
    for axis in (-1, 1):
        _check_op("Softmax", {"x": x}, dict(axis=axis))
    _check_op("ReduceMean", {"x": x}, dict(keepdims=0), {"axes": np.array([1], np.int64)}, opset=18)
    _check_op("ReduceMean", {"x": x}, dict(keepdims=1), {"axes": np.array([0, 2], np.int64)}, opset=18)


def test_executor_errstate_leaves_the_callers_settings():
    """Ops run with warnings off; on_result and the caller keep their own errstate."""
    rng = np.random.default_rng(29)
    module = _single_op("Log", {"x": -np.abs(rng.standard_normal((2, 3))).astype(np.float32)}, {})
    seen = []
    with module.context, np.errstate(invalid="raise", divide="raise"):
        program = Program(module)
        program.run({"x": -np.ones((2, 3), np.float32)}, on_result=lambda op, v: seen.append(np.geterr()["invalid"]))
        assert np.geterr()["invalid"] == "raise"
    assert seen == ["raise"]


def test_lrn_bit_identical():
    rng = np.random.default_rng(37)
    for shape, size in (((1, 7, 5, 4), 3), ((2, 16, 3, 3), 5), ((1, 3, 6), 4), ((1, 2, 4, 4), 5)):
        x = _special(rng, shape, fraction=0.02)
        _check_op("LRN", {"x": x}, dict(size=size, alpha=2e-3, beta=0.75, bias=1.5))
    x = _special(rng, (1, 6, 4, 4), fraction=0.1)
    for beta in (0.5, 1.0, 2.0, -1.0):  # the exponents numpy's ** maps to sqrt, copy, square, reciprocal
        _check_op("LRN", {"x": x}, dict(size=3, alpha=0.5, beta=beta, bias=1e-30))


@pytest.mark.parametrize("op, attrs", [("HardSwish", {}), ("HardSigmoid", dict(alpha=0.3, beta=0.4)),
                                       ("LeakyRelu", dict(alpha=0.1)), ("Elu", dict(alpha=0.7)),
                                       ("GlobalAveragePool", {}), ("GlobalMaxPool", {})])
def test_activations_and_global_pools_bit_identical(op, attrs):
    rng = np.random.default_rng(sum(map(ord, op)))
    for dtype, tp in ((np.float32, TensorProto.FLOAT), (np.float16, TensorProto.FLOAT16)):
        _check_op(op, {"x": _special(rng, (2, 3, 5, 4), dtype, fraction=0.1)}, attrs, dtype=tp)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "int8", "uint8"])
def test_window_kernels_on_other_dtypes(dtype):
    """Kernel-level (what folding and npu.quant call): conv, depthwise conv and both pools on
    element types the ONNX tests above do not reach, including ml_dtypes' bfloat16."""
    import ml_dtypes

    from npu.interp.registry import ResultSpec

    dt = np.dtype(getattr(ml_dtypes, dtype, None) or dtype)
    rng = np.random.default_rng(41)
    x = (rng.random((1, 4, 6, 6)) * 10).astype(dt)
    f32 = np.dtype(np.float32)
    cases = [
        ("npu_tensor.conv", [x, (rng.random((4, 2, 3, 3)) * 5).astype(dt)], {"group": 2, "pads": [1, 1, 1, 1]}, [ResultSpec((1, 4, 6, 6), f32)]),
        ("npu_tensor.conv", [x, (rng.random((4, 1, 3, 3)) * 5).astype(dt)], {"group": 4, "pads": [1, 1, 1, 1]}, [ResultSpec((1, 4, 6, 6), f32)]),
        ("npu_tensor.max_pool", [x], {"kernel_shape": [2, 2], "pads": [1, 1, 1, 1]}, [ResultSpec((1, 4, 7, 7), dt)]),
        ("npu_tensor.average_pool", [x], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, [ResultSpec((1, 4, 6, 6), f32)]),
    ]
    for name, args, attrs, specs in cases:
        _assert_same(get_kernel(name)(args, attrs, specs), BEFORE.kernels[name](args, attrs, specs), f"{name} {dtype}")
