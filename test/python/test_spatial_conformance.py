"""The spatial conformance runner (npu.spatial.conformance) on a small fixed sample of node tests.

The full run (`python -m npu.spatial.conformance --report docs/spatial-conformance.md`,
bench/spatial_conformance.py) takes about half a minute per preset; here a handful of
cases across op families check the classification: cases that lower pass on every
preset, an op without a spatial rule is `unsupported` with the op named, a corrupted
level-4 result is a `mismatch` (and one inside the stated float bound is not), an
exception inside the lowering is an `error`, and the worker's time limit works.
"""

from __future__ import annotations

import numpy as np
import pytest

from npu.errors import NpuError
from npu.onnx import conformance as front
from npu.spatial import conformance as sc
from npu.target import load_target

PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
# elementwise, matmul, conv, pooling, softmax, layer norm, data movement
LOWERING = ("test_add", "test_relu", "test_matmul_2d", "test_conv_with_strides_padding",
            "test_maxpool_2d_default", "test_softmax_axis_1", "test_layer_normalization_2d_axis0",
            "test_transpose_default", "test_concat_2d_axis_0")


def case(name: str) -> front.Case:
    found = front.list_cases(f"^{name}$")
    assert len(found) == 1, name
    return found[0]


@pytest.fixture(scope="module")
def edge():
    return load_target("edge-lpddr")


@pytest.mark.parametrize("target", PRESETS)
def test_cases_that_lower_pass_on_every_preset(target):
    tgt = load_target(target)
    for name in LOWERING:
        r = sc.run_case(case(name), tgt)
        assert r.status == sc.PASS, (name, r.message)
        if r.max_rel_err is not None:
            assert r.max_rel_err <= sc.GOLDEN_TOL


# f64 exp: level 4 has no f64 transcendental kinds
UNSUPPORTED_CASE = "test_reduce_log_sum_exp_default_axes_keepdims_example_expanded"


def test_an_op_without_a_rule_is_unsupported_with_the_op_named(edge):
    r = sc.run_case(case(UNSUPPORTED_CASE), edge)
    assert r.status == sc.UNSUPPORTED, r.message
    assert r.op == "npu_tensor.exp"
    assert r.stage == "lower"
    assert "(Exp): error:" in r.message and "\n" not in r.message  # located at the ONNX node, one line


def test_a_corrupted_level4_result_is_a_mismatch(edge):
    def off_by(delta):
        def perturb(outs):
            return {k: (v + np.asarray(delta, v.dtype)).astype(v.dtype) for k, v in outs.items()}
        return perturb

    add = case("test_add")
    wrong = sc.run_case(add, edge, perturb=off_by(1e-3))
    assert wrong.status == sc.MISMATCH and "vs golden" in wrong.message
    # inside the stated bound 1e-5 x max(1, max|golden|) and ONNX's rtol -> still a pass
    within = sc.run_case(add, edge, perturb=lambda outs: {k: v * np.float32(1 + 4e-6) for k, v in outs.items()})
    assert within.status == sc.PASS and 0 < within.max_rel_err <= sc.GOLDEN_TOL
    # integer outputs must be exact
    ints = sc.run_case(case("test_add_int8"), edge)
    assert ints.status == sc.PASS, ints.message
    assert sc.run_case(case("test_add_int8"), edge, perturb=off_by(1)).status == sc.MISMATCH
    # a wrong shape or a missing output is a mismatch too
    drop = sc.run_case(add, edge, perturb=lambda outs: {})
    assert drop.status == sc.MISMATCH and "missing" in drop.message


def test_golden_comparison_rules():
    f = np.array([1.0, np.nan, np.inf, -2.0], np.float32)
    assert sc.compare_with_golden(f, f.copy())[0] is None
    assert "NaN" in sc.compare_with_golden(f, np.array([1.0, 0.0, np.inf, -2.0], np.float32))[0]
    assert "infinities" in sc.compare_with_golden(f, np.array([1.0, np.nan, -np.inf, -2.0], np.float32))[0]
    big = np.array([1000.0], np.float32)
    assert sc.compare_with_golden(big, big + np.float32(0.005))[0] is None  # 5e-6 x 1000
    assert sc.compare_with_golden(big, big + np.float32(0.02))[0] is not None
    assert "dtype" in sc.compare_with_golden(f, f.astype(np.float16))[0]
    h = np.array([1.0], np.float16)  # one f16 rounding of slack
    assert sc.compare_with_golden(h, np.nextafter(h, np.float16(2)))[0] is None
    assert sc.compare_with_golden(np.array([3], np.int32), np.array([4], np.int32))[0] is not None


def test_lowering_errors_are_classified():
    assert sc.classify_lowering_error(NpuError(
        "y(Gather): error: 'npu_tensor.gather' op cannot lower to level 4 yet: no spatial lowering rule for 'gather' "
        "(rules exist for: add)"))[:2] == (sc.UNSUPPORTED, "npu_tensor.gather")
    status, op, line = sc.classify_lowering_error(NpuError("y(Clip): error: 'npu_pe.clamp' op expects min <= max"))
    assert (status, op) == (sc.ERROR, "npu_pe.clamp")
    assert sc.classify_lowering_error(KeyError("ui8"))[0] == sc.ERROR
    # a decomposition that refuses a form is unsupported, and names the op
    assert sc.classify_lowering_error(NpuError(
        "y(GatherElements): error: gather_elements with run-time indices has no decomposition (constant indices only)"
    ))[:2] == (sc.UNSUPPORTED, "npu_tensor.gather_elements")
    # a verifier failure on an op a decomposition built is a bug
    assert sc.classify_lowering_error(NpuError(
        "r(ReduceLogSumExp): error: 'npu_tensor.sub' op expects result shape [2, 1, 4], got [2, 0, 4]"))[0] == sc.ERROR


def test_an_exception_in_the_lowering_is_an_error(edge, monkeypatch):
    import npu.spatial.pipeline as pipeline

    def broken(module, target, options=None):
        raise KeyError("boom")

    monkeypatch.setattr(pipeline, "lower_module", broken)
    r = sc.safe_run_case(case("test_relu"), edge)
    assert r.status == sc.ERROR and r.message.startswith("internal error: KeyError") and r.stage == "lower"


def test_cases_the_front_end_does_not_pass_are_not_counted(edge):
    strings = [c for c in front.list_cases("^test_string_concat") if not c.numeric]
    assert strings
    assert sc.run_case(strings[0], edge).status == sc.FRONTEND


def test_worker_runs_cases_and_enforces_the_time_limit():
    cases = [case("test_relu"), case(UNSUPPORTED_CASE)]
    results = sc.run_all(cases, "edge-lpddr", timeout=60)
    assert [r.status for r in results] == [sc.PASS, sc.UNSUPPORTED]
    late = sc.run_all([case("test_relu"), case("test_add")], "edge-lpddr", timeout=0)
    assert all(r.status == sc.ERROR and "timed out" in r.message for r in late)


def test_report_lists_totals_mismatches_and_ops(edge):
    results = [sc.run_case(case("test_relu"), edge), sc.run_case(case(UNSUPPORTED_CASE), edge),
               sc.run_case(case("test_add"), edge, perturb=lambda o: {k: v + 1 for k, v in o.items()})]
    text = sc.render_report(results, "edge-lpddr", 1.0, 60)
    assert "**Total: 1 pass, 1 mismatch, 1 unsupported, 0 error, out of 3 cases" in text
    assert "- `test_add` (Add, compare)" in text
    assert "| `npu_tensor.exp` | 1 | ReduceLogSumExp (1) |" in text
    assert "| Relu | 1 | 0 | 0 | 0 | 0 |" in text


def test_presets_whose_status_differs_are_listed():
    a = [sc.Result("test_x", "X", sc.PASS), sc.Result("test_y", "Y", sc.UNSUPPORTED, "no rule")]
    b = [sc.Result("test_x", "X", sc.MISMATCH, "output 'y' vs golden: off"), sc.Result("test_y", "Y", sc.UNSUPPORTED)]
    text = sc.render_other_targets({"edge-lpddr": (a, 1.0), "large-inference": (b, 2.0)})
    assert "| edge-lpddr | 1 | 0 | 1 | 0 | 2 | 1 |" in text
    assert "| large-inference | 0 | 1 | 1 | 0 | 2 | 2 |" in text
    assert "Cases whose status differs between presets: 1." in text
    assert "- `test_x`: edge-lpddr: pass; large-inference: mismatch (output 'y' vs golden: off)" in text


def test_a_worker_that_dies_is_an_error_and_is_replaced(monkeypatch):
    import os

    real = sc.safe_run_case

    def crashing(case, target, perturb=None):
        if case.name == "test_add":
            os._exit(3)  # as a segfault in native code would end the worker
        return real(case, target, perturb)

    monkeypatch.setattr(sc, "safe_run_case", crashing)  # forked workers inherit the patch
    results = sc.run_all([case("test_add"), case("test_relu")], "edge-lpddr", timeout=60)
    assert results[0].status == sc.ERROR and "worker died (exit code 3)" in results[0].message
    assert results[1].status == sc.PASS


def test_long_sums_get_the_accumulation_bound(edge):
    # n = 1: 1e-5; n = 6480 terms: 2 γ_n ~ 7.7e-4
    assert sc.float_tolerance(np.dtype(np.float32)) == sc.GOLDEN_TOL
    n = 6480
    assert sc.float_tolerance(np.dtype(np.float32), n) == pytest.approx(2 * n * 2.0**-24 / (1 - n * 2.0**-24))
    g = np.array([0.5], np.float32)
    off = g + np.float32(1e-4)
    assert sc.compare_with_golden(g, off)[0] is not None
    assert sc.compare_with_golden(g, off, reduction=n)[0] is None
    small = sc.run_case(case("test_add"), edge)
    assert small.reduction == 5 and not small.needs_allowance


def test_a_long_reduction_is_compared_with_the_widened_bound(edge, tmp_path):
    """A node-test-shaped case of our own: ReduceSum over 20000 floats (level 4 adds them in f32)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    x = np.random.default_rng(0).random((1, 20000), dtype=np.float32)
    node = helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=1)
    graph = helper.make_graph([node], "long_sum", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 20000])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
                              [numpy_helper.from_array(np.array([1], np.int64), "axes")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), str(tmp_path / "model.onnx"))
    data = tmp_path / "test_data_set_0"
    data.mkdir()
    (data / "input_0.pb").write_bytes(numpy_helper.from_array(x, "x").SerializeToString())
    y = np.array([[x.astype(np.float64).sum()]], np.float32)
    (data / "output_0.pb").write_bytes(numpy_helper.from_array(y, "y").SerializeToString())
    r = sc.run_case(front.Case("test_long_sum", tmp_path, "ReduceSum"), edge)
    assert r.reduction == 20000
    assert r.status == sc.PASS, r.message
    assert r.max_rel_err <= sc.float_tolerance(np.dtype(np.float32), 20000)
    print(f"ReduceSum of 20000 floats: level 4 vs golden {r.max_rel_err:.3g} x max(1, |golden|)")
