"""npu.decompose.rnn: LSTM / GRU / RNN unrolled into ops the spatial lowering has rules for.

Every instance runs on the golden interpreter before and after npu-decompose
(the recurrent op must be gone, the module must verify, the outputs must agree
within the bound of the rnn module docstring); the ONNX node tests also match
their reference outputs with ONNX's tolerances after decomposition; one model
of each op is lowered to level 4 on two presets and run there.
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from mlir import ir
from onnx import TensorProto, helper, numpy_helper

import npu.spatial as spatial
from npu.decompose.golden import run_both
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.onnx.conformance import _data_sets, import_case, list_cases, outputs_match
from npu.onnx.importer import import_model
from npu.target import load_target

# The bound of npu.decompose.rnn: |after - before| <= TOL * (1 + max |before|) per output.
TOL = 4e-6
RECURRENT = ("npu_tensor.lstm", "npu_tensor.gru", "npu_tensor.rnn")


@pytest.fixture(scope="module")
def ctx():
    return make_context()


def rnn_model(kind, seq=4, batch=2, inp=3, hid=4, direction="forward", layout=0, bias=True, init_h=False,
              init_c=False, peep=False, lens=None, lens_runtime=False, weights_const=True, clip=None,
              activations=None, alphas=None, betas=None, input_forget=0, lbr=0, seed=0, outputs=(0, 1, 2)):
    """An ONNX model with one LSTM/GRU/RNN node and random N(0, 1) data; (model, feeds)."""
    rng = np.random.default_rng(seed)
    dirs = 2 if direction == "bidirectional" else 1
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[kind]
    xs = [batch, seq, inp] if layout else [seq, batch, inp]
    inits, ginputs, names = [], [helper.make_tensor_value_info("X", TensorProto.FLOAT, xs)], ["X"]
    feeds = {"X": rng.standard_normal(xs).astype(np.float32)}

    def add(name, arr, const):
        if const:
            inits.append(numpy_helper.from_array(arr, name))
        else:
            ginputs.append(helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(arr.dtype), list(arr.shape)))
            feeds[name] = arr
        names.append(name)

    def optional(flag, name, arr, const):
        if flag:
            add(name, arr, const)
        else:
            names.append("")

    add("W", (0.5 * rng.standard_normal((dirs, gates * hid, inp))).astype(np.float32), weights_const)
    add("R", (0.5 * rng.standard_normal((dirs, gates * hid, hid))).astype(np.float32), weights_const)
    optional(bias, "B", (0.5 * rng.standard_normal((dirs, 2 * gates * hid))).astype(np.float32), weights_const)
    optional(lens is not None, "L", np.asarray(lens if lens is not None else [], dtype=np.int32), not lens_runtime)
    hs = [batch, dirs, hid] if layout else [dirs, batch, hid]
    optional(init_h, "H0", rng.standard_normal(hs).astype(np.float32), False)
    if kind == "LSTM":
        optional(init_c, "C0", rng.standard_normal(hs).astype(np.float32), False)
        optional(peep, "P", (0.5 * rng.standard_normal((dirs, 3 * hid))).astype(np.float32), weights_const)
    while names[-1] == "":
        names.pop()
    attrs = dict(hidden_size=hid, direction=direction, layout=layout)
    if clip is not None:
        attrs["clip"] = clip
    if activations:
        attrs["activations"] = activations
    if alphas:
        attrs["activation_alpha"] = alphas
    if betas:
        attrs["activation_beta"] = betas
    if kind == "LSTM" and input_forget:
        attrs["input_forget"] = input_forget
    if kind == "GRU":
        attrs["linear_before_reset"] = lbr
    outn = ["Y", "Y_h", "Y_c"][: 3 if kind == "LSTM" else 2]
    node = helper.make_node(kind, names, [o if i in outputs else "" for i, o in enumerate(outn)], **attrs)
    shapes = {"Y": [batch, seq, dirs, hid] if layout else [seq, dirs, batch, hid], "Y_h": hs, "Y_c": hs}
    gouts = [helper.make_tensor_value_info(o, TensorProto.FLOAT, shapes[o]) for i, o in enumerate(outn) if i in outputs]
    graph = helper.make_graph([node], "g", ginputs, gouts, inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), feeds


def assert_within_bound(before, after, tol=TOL):
    worst = 0.0
    for name, g in before.items():
        a = after[name]
        assert a.shape == g.shape and a.dtype == g.dtype, name
        err = float(np.abs(g.astype(np.float64) - a).max()) if g.size else 0.0
        scale = 1.0 + (float(np.abs(g).max()) if g.size else 0.0)
        assert err <= tol * scale, f"{name}: max error {err:.3g} > {tol} x {scale:.3g}"
        worst = max(worst, err / scale)
    return worst


def decompose_checked(ctx, text, feeds, target=None):
    before, after, out = run_both(text, feeds, target)
    for name in RECURRENT:
        assert f'"{name}"' not in out, f"{name} left in the module"
    ir.Module.parse(out, ctx)  # the decomposed module verifies (npu_tensor.concat takes two operands, ...)
    return before, after, out


# ------------------------------------------------------------------ the ONNX node tests

NODE_CASES = [c for c in list_cases(r"^test_(lstm|gru|rnn|simple_rnn)_") if c.op_type in ("LSTM", "GRU", "RNN")]


def test_node_cases_found():
    assert len(NODE_CASES) >= 12
    assert {c.op_type for c in NODE_CASES} == {"LSTM", "GRU", "RNN"}


@pytest.mark.parametrize("case", NODE_CASES, ids=[c.name for c in NODE_CASES])
def test_onnx_node_case_after_decomposition(ctx, case):
    """Decomposed, the case matches its reference outputs (ONNX tolerances) and the golden op (our bound)."""
    model = onnx.load(str(case.path / "model.onnx"))
    names = [i.name for i in model.graph.input]
    for inputs, expected in _data_sets(case):
        feeds = dict(zip(names, inputs))
        module, bound = import_case(model, feeds)
        before, after, _ = decompose_checked(ctx, str(module), {k: v for k, v in feeds.items() if k not in bound})
        for out, ref in zip(model.graph.output, expected):
            assert outputs_match(ref, after[out.name]) is None, out.name
        assert_within_bound(before, after)


# ------------------------------------------------------------------ instances over the attributes

ACTS = {
    "LSTM": [["HardSigmoid", "Softsign", "Softplus"], ["Affine", "Elu", "ScaledTanh"],
             ["Sigmoid", "LeakyRelu", "ThresholdedRelu"], ["Relu", "Tanh", "Relu"], None],
    "GRU": [["HardSigmoid", "Softsign"], ["Sigmoid", "Elu"], ["Sigmoid", "ThresholdedRelu"], ["Affine", "ScaledTanh"], None],
    "RNN": [["Relu"], ["Softplus"], ["Elu"], ["ThresholdedRelu"], ["ScaledTanh"], ["LeakyRelu"], ["HardSigmoid"],
            ["Affine"], ["Softsign"], ["Sigmoid"], None],
}
LENS = {"none": None, "full": [5, 5, 5], "uniform": [3, 3, 3], "mixed": [5, 0, 2], "runtime": [2, 5, 4]}


def _instances():
    out = []
    i = 0
    for kind in ("LSTM", "GRU", "RNN"):
        for direction in ("forward", "reverse", "bidirectional"):
            for layout, lens in ((0, "none"), (1, "mixed"), (0, "runtime"), (1, "uniform"), (0, "full")):
                out.append((kind, direction, layout, lens, i))
                i += 1
    return out


@pytest.mark.parametrize("kind,direction,layout,lens,i", _instances(),
                         ids=[f"{k}-{d}-layout{l}-lens_{s}" for k, d, l, s, _ in _instances()])
def test_instance_before_after(ctx, kind, direction, layout, lens, i):
    """Directions x layouts x sequence_lens kinds, with optional operands, clip, activations, input_forget and
    linear_before_reset varied across the instances; constant and runtime weights."""
    acts = ACTS[kind][i % len(ACTS[kind])]
    if acts and direction == "bidirectional":
        acts = acts + (ACTS[kind][(i + 1) % len(ACTS[kind])] or ACTS[kind][0])
    model, feeds = rnn_model(
        kind, seq=5, batch=3, direction=direction, layout=layout, lens=LENS[lens], lens_runtime=lens == "runtime",
        bias=bool(i % 3), init_h=bool(i % 2), init_c=i % 4 < 2, peep=i % 5 < 3, weights_const=i % 4 != 3,
        clip=[None, 2.5][i % 2], activations=acts, alphas=[0.7, 0.3, 0.9, 0.4, 1.1, 0.2], betas=[0.6, 1.2, 0.5, 0.8],
        input_forget=int(i % 7 == 0), lbr=i % 2, seed=i)
    before, after, _ = decompose_checked(ctx, str(import_model(model, context=ctx)), feeds)
    assert_within_bound(before, after)


@pytest.mark.parametrize("kind,gates", [("LSTM", 4), ("GRU", 3), ("RNN", 1)])
def test_float16_instance(ctx, kind, gates):
    """f16: every op rounds to f16 (u = 2^-11) where the golden kernel rounds once; within 4u * (1 + max|y|)."""
    rng = np.random.default_rng(7)
    S, B, I, H = 5, 2, 3, 4
    x = rng.standard_normal((S, B, I)).astype(np.float16)
    w = (0.5 * rng.standard_normal((2, gates * H, I))).astype(np.float16)
    r = (0.5 * rng.standard_normal((2, gates * H, H))).astype(np.float16)
    node = helper.make_node(kind, ["X", "W", "R"], ["Y", "Y_h"], hidden_size=H, direction="bidirectional")
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT16, [S, B, I])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT16, [S, 2, B, H]),
         helper.make_tensor_value_info("Y_h", TensorProto.FLOAT16, [2, B, H])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    before, after, out = decompose_checked(ctx, str(import_model(model, context=ctx)), {"X": x})
    assert "xf32>" not in out.split("func.func")[1]
    assert_within_bound(before, after, tol=4 * 2.0**-11)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("lens,runtime", [([0, 0], False), ([0, 0], True), ([1, 0], True)])
def test_empty_and_short_sequences(ctx, kind, lens, runtime):
    """Zero lengths keep the initial state and give zero Y (constant: no steps at all; runtime: masked)."""
    model, feeds = rnn_model(kind, seq=3, batch=2, lens=lens, lens_runtime=runtime, direction="bidirectional",
                             init_h=True, init_c=True, layout=1)
    before, after, out = decompose_checked(ctx, str(import_model(model, context=ctx)), feeds)
    assert_within_bound(before, after)
    if not runtime:
        assert '"npu_tensor.matmul"' not in out  # nothing is computed: Y is zeros, Y_h the initial state
        np.testing.assert_array_equal(after["Y_h"], feeds["H0"])


def _text(ctx, **kw):
    model, feeds = rnn_model(**kw)
    return str(import_model(model, context=ctx)), feeds


def test_full_length_sequence_lens_is_a_no_op(ctx):
    """A constant sequence_lens equal to the sequence length gives the same ops as no sequence_lens."""
    plain, feeds = _text(ctx, kind="LSTM", seq=4, batch=2, direction="bidirectional")
    full, _ = _text(ctx, kind="LSTM", seq=4, batch=2, direction="bidirectional", lens=[4, 4])
    _, after_plain, out_plain = decompose_checked(ctx, plain, feeds)
    _, after_full, out_full = decompose_checked(ctx, full, feeds)
    body = lambda t: [line for line in t.splitlines() if "npu_tensor." in line]  # noqa: E731
    assert body(out_plain) == body(out_full)
    for name in after_plain:
        np.testing.assert_array_equal(after_plain[name], after_full[name])


def test_constant_weights_are_prepared_at_compile_time(ctx):
    """Constant W / R / B: no transpose or slice of them is left; the input projection is one matmul for both
    directions (2 steps x 2 directions of h @ R^T besides it, the first steps' h being zero)."""
    text, feeds = _text(ctx, kind="RNN", seq=3, batch=2, direction="bidirectional", outputs=(1,))
    _, _, out = decompose_checked(ctx, text, feeds)
    assert "npu_tensor.transpose" not in out
    assert out.count('"npu_tensor.matmul"') == 1 + 2 * 2
    assert "tensor<6x3xf32>, tensor<3x8xf32>) -> tensor<6x8xf32>" in out  # [seq*batch, I] @ [I, dirs*H]


def test_unused_results_leave_no_ops(ctx):
    """Y_h alone of an LSTM: the Y concats are not built (nor left dead in the module)."""
    text, feeds = _text(ctx, kind="LSTM", seq=3, batch=2, outputs=(1,))
    _, _, out = decompose_checked(ctx, text, feeds)
    assert "npu_tensor.concat" not in out
    assert out.count('"npu_tensor.tanh"') == 3 + 3  # g(c~) and h(c) per step, nothing more


def test_activations_exact_at_their_kinks(ctx):
    """An RNN with W = I, R = 0, B = 0 computes h = f(x): each activation's decomposition agrees with the golden
    formula within one rounding, and ThresholdedRelu's step is exact at, just above and just below alpha."""
    x = np.array([-3.0, -1.0, -1e-8, 0.0, 1e-8, 0.5, np.nextafter(np.float32(1.0), np.float32(0)), 1.0,
                  np.nextafter(np.float32(1.0), np.float32(2)), 2.0, 7.5], dtype=np.float32)
    n = x.size
    for name in sorted(ACTIVATION_CHECK):
        w = np.eye(n, dtype=np.float32)[None]
        r = np.zeros((1, n, n), dtype=np.float32)
        node = helper.make_node("RNN", ["X", "W", "R"], ["", "Y_h"], hidden_size=n, activations=[name],
                                **ACTIVATION_CHECK[name])
        graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, n])],
                                  [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 1, n])],
                                  [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
        before, after, _ = decompose_checked(ctx, str(import_model(model, context=ctx)), {"X": x.reshape(1, 1, n)})
        g, a = before["Y_h"].reshape(-1), after["Y_h"].reshape(-1)
        if name == "ThresholdedRelu":
            np.testing.assert_array_equal(a, g)
            np.testing.assert_array_equal(a, np.where(x > 1.0, x, 0).astype(np.float32))
        else:
            np.testing.assert_allclose(a, g, rtol=4 * 2.0**-23, atol=2e-7, err_msg=name)


ACTIVATION_CHECK = {
    "Relu": {}, "Tanh": {}, "Sigmoid": {}, "Affine": {"activation_alpha": [0.5], "activation_beta": [-0.25]},
    "LeakyRelu": {"activation_alpha": [0.1]}, "ThresholdedRelu": {"activation_alpha": [1.0]},
    "ScaledTanh": {"activation_alpha": [1.5], "activation_beta": [0.5]},
    "HardSigmoid": {"activation_alpha": [0.3], "activation_beta": [0.4]}, "Elu": {"activation_alpha": [0.8]},
    "Softsign": {}, "Softplus": {},
}


def test_every_golden_activation_is_covered():
    from npu.interp.kernels_rnn import ACTIVATION_NAMES

    assert {k.lower() for k in ACTIVATION_CHECK} == set(ACTIVATION_NAMES)


# ------------------------------------------------------------------ refusals

LSTM_TEXT = """
func.func @main(%x: tensor<3x2x2xf32>) -> tensor<1x2x2xf32> {{
  %w = arith.constant dense<0.5> : tensor<1x8x2xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x2xf32>
  %l = arith.constant dense<{lens}> : tensor<2xi32>
  %y:3 = "npu_tensor.lstm"(%x, %w, %r, %l) {{activation_alpha = array<f32>, activation_beta = array<f32>, activations = {acts}, clip = 0x7F800000 : f32, direction = "forward", hidden_size = 2 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}} : (tensor<3x2x2xf32>, tensor<1x8x2xf32>, tensor<1x8x2xf32>, tensor<2xi32>) -> (tensor<3x1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>)
  return %y#1 : tensor<1x2x2xf32>
}}
"""
ACTS_OK = '["Sigmoid", "Tanh", "Tanh"]'


def test_constant_mixed_lens_via_mlir_text(ctx):
    x = np.random.default_rng(3).standard_normal((3, 2, 2)).astype(np.float32)
    before, after, _ = decompose_checked(ctx, LSTM_TEXT.format(lens="[3, 1]", acts=ACTS_OK), {"arg0": x})
    assert_within_bound(before, after)


@pytest.mark.parametrize("lens,acts,message", [
    ("[5, 1]", ACTS_OK, "cannot decompose 'npu_tensor.lstm': sequence_lens must hold 2 values in [0, 3], got [5, 1]"),
    ("[3, 1]", '["Sigmoid", "Swish", "Tanh"]', "cannot decompose 'npu_tensor.lstm': unsupported RNN activation 'Swish'"),
])
def test_refused_instances_are_located_one_line_errors(ctx, lens, acts, message):
    """The pass stops with one diagnostic at the op's location (the golden kernel is not involved)."""
    from npu.ir.pass_base import PassEnv
    from npu.ir.pipeline import parse_element

    module = ir.Module.parse(LSTM_TEXT.format(lens=lens, acts=acts), ctx)
    with pytest.raises(ir.MLIRError) as err:
        parse_element("npu-decompose{all=true}").run(module, PassEnv(target=None))
    diags = err.value.error_diagnostics
    assert len(diags) == 1
    assert diags[0].message == message
    assert "6:10" in str(diags[0].location)
    assert '"npu_tensor.lstm"' in str(module)  # left in place


# ------------------------------------------------------------------ level 4


E2E = [
    ("LSTM", dict(direction="bidirectional", init_h=True, init_c=True, peep=True, clip=3.0)),
    ("GRU", dict(direction="reverse", layout=1, lbr=1, lens=[3, 1], lens_runtime=True)),
    ("RNN", dict(direction="forward", init_h=True, activations=["Softsign"], lens=[2, 3])),
    ("LSTM", dict(direction="reverse", lens=[3, 2], peep=True)),
    ("GRU", dict(direction="bidirectional", init_h=True, lbr=0, activations=["HardSigmoid", "Elu"] * 2)),
]


@pytest.mark.parametrize("preset", ["edge-lpddr", "datacenter-hbm"])
@pytest.mark.parametrize("kind,opts", E2E, ids=[f"{k}-{i}" for i, (k, _) in enumerate(E2E)])
def test_lowered_to_level4(ctx, preset, kind, opts):
    """The recurrent op reaches level 4 through npu-decompose and matches the golden op within the bound."""
    model, feeds = rnn_model(kind, seq=3, batch=2, inp=3, hid=4, seed=11, **opts)
    module = import_model(model, context=ctx)
    gold = Program(module).run(feeds)
    target = load_target(preset)
    lowered = spatial.lower_module(module, target)
    text = str(lowered)
    assert not any(f'"{n}"' in text for n in RECURRENT)
    out = run_level4(lowered, feeds, target=target)
    assert_within_bound(gold, out)
