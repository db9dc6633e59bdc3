"""The ONNX backend node tests as a conformance suite for the importer + golden interpreter.

The onnx wheel ships per-op test cases under `onnx/backend/test/data/node/<case>/`
(`model.onnx` plus `test_data_set_*/input_*.pb` / `output_*.pb`). Each case is
imported (npu.onnx.importer), run on the golden interpreter (npu.interp) and
compared with the reference outputs with ONNX's backend tolerances (rtol 1e-3,
atol 1e-7 for floats; exact for integers and bools; NaN matches NaN). A case is
`pass`, `fail` (wrong result, or an import/run error that is not about support)
or `unsupported` (the importer says the op, an attribute or a type is
unsupported).

  python -m npu.onnx.conformance --report docs/onnx-conformance.md [--filter add]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from npu.errors import NpuError

PASS, FAIL, UNSUPPORTED = "pass", "fail", "unsupported"
RTOL, ATOL = 1e-3, 1e-7

# The ops the front-end promises (issue 4's coverage list, plus what we add); their cases must pass.
COVERAGE = (
    "Conv ConvTranspose Gemm MatMul Add Sub Mul Div Pow Sqrt Exp Log Tanh Sigmoid Erf Relu LeakyRelu "
    "Clip HardSigmoid HardSwish Gelu Softmax LogSoftmax LayerNormalization BatchNormalization MaxPool "
    "AveragePool GlobalAveragePool ReduceMean ReduceSum ReduceMax Reshape Flatten Transpose Concat Split "
    "Slice Gather Squeeze Unsqueeze Expand Pad Resize Where Equal Less Greater Not Cast Shape "
    "ConstantOfShape Range DequantizeLinear QuantizeLinear QLinearConv QLinearMatMul LSTM GRU "
    "Neg Abs Reciprocal Max Min And Or Identity Constant Size Tile"
).split()


def node_test_root() -> Path:
    return Path(onnx.__file__).parent / "backend" / "test" / "data" / "node"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    op_type: str
    numeric: bool = True  # graph inputs/outputs are all numeric tensors (no strings, sequences, optionals)


@dataclass
class Result:
    case: Case
    status: str
    message: str = ""
    seconds: float = 0.0


def _snake(op_type: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", op_type).lower()


@cache
def _op_names() -> list[tuple[str, str]]:
    """(snake_case name, op type) for every ONNX op, longest name first."""
    names = {(_snake(s.name), s.name) for s in onnx.defs.get_all_schemas_with_history() if s.domain in ("", "ai.onnx")}
    return sorted(names, key=lambda p: -len(p[0]))


def _numeric_io(model: onnx.ModelProto) -> bool:
    for vi in list(model.graph.input) + list(model.graph.output):
        if not vi.type.HasField("tensor_type") or vi.type.tensor_type.elem_type == onnx.TensorProto.STRING:
            return False
    return True


def case_op_type(name: str, model: onnx.ModelProto) -> str:
    """The op a case tests: the single node's op type, else the op named by the case."""
    types = {n.op_type for n in model.graph.node}
    if len(model.graph.node) == 1:
        return model.graph.node[0].op_type
    stem = name.removeprefix("test_")
    for snake, op_type in _op_names():
        if stem == snake or stem.startswith(snake + "_"):
            return op_type
    squashed = stem.replace("_", "")
    for snake, op_type in _op_names():
        if squashed.startswith(snake.replace("_", "")):
            return op_type
    return sorted(types)[0] if types else "?"


def list_cases(pattern: str | None = None) -> list[Case]:
    root = node_test_root()
    cases = []
    for d in sorted(root.iterdir()):
        if not (d / "model.onnx").is_file() or (pattern and not re.search(pattern, d.name)):
            continue
        model = onnx.load(str(d / "model.onnx"), load_external_data=False)
        cases.append(Case(d.name, d, case_op_type(d.name, model), _numeric_io(model)))
    return cases


def _read_tensor(path: Path) -> np.ndarray:
    proto = onnx.TensorProto()
    proto.ParseFromString(path.read_bytes())
    if proto.data_type == 0 or proto.data_type == onnx.TensorProto.STRING:
        raise NpuError(f"unsupported test data in {path.name} (not a numeric tensor)")
    return numpy_helper.to_array(proto)


def _data_sets(case: Case):
    for ds in sorted(case.path.glob("test_data_set_*")):
        inputs = [_read_tensor(p) for p in sorted(ds.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))]
        outputs = [_read_tensor(p) for p in sorted(ds.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))]
        yield inputs, outputs


def outputs_match(expected: np.ndarray, actual: np.ndarray) -> str | None:
    """None when `actual` matches the reference, else a short reason."""
    if expected.shape != actual.shape:
        return f"shape {list(actual.shape)} != expected {list(expected.shape)}"
    if expected.dtype != actual.dtype:
        return f"dtype {actual.dtype} != expected {expected.dtype}"
    if expected.dtype.kind in "biu":
        bad = int(np.sum(expected != actual))
        return None if bad == 0 else f"{bad} of {expected.size} elements differ"
    e = expected.astype(np.float64)
    a = actual.astype(np.float64)
    ok = np.isclose(a, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    if ok.all():
        return None
    return f"max abs error {np.nanmax(np.abs(a - e)):.3g} ({int((~ok).sum())} of {e.size} elements off)"


def _graph_inputs_feeding(model: onnx.ModelProto, name: str) -> set[str]:
    """The graph inputs `name` is computed from (itself if it is one)."""
    producers = {out: n for n in model.graph.node for out in n.output}
    inputs = {i.name for i in model.graph.input}
    found, todo, seen = set(), [name], set()
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        if v in inputs:
            found.add(v)
        elif v in producers and producers[v].op_type not in ("Shape", "Size"):  # those read static shapes only
            todo.extend(x for x in producers[v].input if x)
            for a in producers[v].attribute:  # If/Loop bodies read enclosing-scope values by name
                if a.type == onnx.AttributeProto.GRAPH:
                    todo.extend(x for n in a.g.node for x in n.input if x)
    return found


_SHARED = {"context": None, "uses": 0}


def shared_context():
    """One MLIR context for many cases (creating one costs ~20-30 ms), renewed every 200 uses."""
    from npu.ir.context import make_context

    if _SHARED["context"] is None or _SHARED["uses"] >= 200:
        _SHARED["context"], _SHARED["uses"] = make_context(), 0
    _SHARED["uses"] += 1
    return _SHARED["context"]


def import_case(model: onnx.ModelProto, inputs: dict[str, np.ndarray]):
    """Import a case; graph inputs that feed a static parameter (a Reshape shape,
    Slice bounds...) are bound to their test values, since level 1 needs them static.
    Returns the module and the names that were bound."""
    from npu.onnx.importer import NotStaticError, import_model

    bound: dict[str, np.ndarray] = {}
    while True:
        try:
            return import_model(model, bind_inputs=bound or None, context=shared_context()), set(bound)
        except NotStaticError as err:
            feeding = _graph_inputs_feeding(model, err.input_name) - set(bound)
            if not feeding or not feeding <= set(inputs):
                raise
            bound.update({n: inputs[n] for n in feeding})


def run_case(case: Case) -> Result:
    from npu.interp.executor import Program

    start = time.perf_counter()
    model = onnx.load(str(case.path / "model.onnx"))
    if not case.numeric:
        return Result(case, UNSUPPORTED, "unsupported: string, sequence or optional graph inputs/outputs")
    init = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in init]
    try:
        data_sets = list(_data_sets(case))
    except NpuError as err:
        return Result(case, UNSUPPORTED, str(err), time.perf_counter() - start)
    module, bound, stage = None, set(), "import"
    try:
        for inputs, expected in data_sets:
            feeds = dict(zip(names, inputs))
            if module is None or bound:
                stage = "import"
                module, bound = import_case(model, feeds)
            stage = "run"
            with module.context:
                got = Program(module).run({k: v for k, v in feeds.items() if k not in bound})
            for out, ref in zip(model.graph.output, expected):
                reason = outputs_match(ref, got[out.name])
                if reason:
                    return Result(case, FAIL, f"output '{out.name}': {reason}", time.perf_counter() - start)
    except NpuError as err:
        status = UNSUPPORTED if "unsupported" in str(err) else FAIL
        return Result(case, status, f"{stage}: {err}", time.perf_counter() - start)
    return Result(case, PASS, "", time.perf_counter() - start)


def run_all(cases: list[Case], verbose: bool = False) -> list[Result]:
    results = []
    for case in cases:
        try:
            r = run_case(case)
        except Exception as err:  # a bug in npu: count it as a failure and go on
            r = Result(case, FAIL, f"internal error: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
        results.append(r)
        if verbose:
            print(f"{r.status:12s} {r.seconds:6.2f}s {case.name} {r.message}", flush=True)
    return results


def summarize(results: list[Result]) -> dict[str, Counter]:
    per_op: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        per_op[r.case.op_type][r.status] += 1
    return per_op


def render_report(results: list[Result]) -> str:
    per_op = summarize(results)
    total = Counter(r.status for r in results)
    cov = Counter(r.status for r in results if r.case.op_type in COVERAGE)
    cov_numeric = Counter(r.status for r in results if r.case.op_type in COVERAGE and r.case.numeric)
    lines = [
        "# ONNX backend node tests on the golden interpreter",
        "",
        "Generated by `python -m npu.onnx.conformance --report docs/onnx-conformance.md` "
        f"(onnx {onnx.__version__}). Each case is imported by `npu.onnx.importer`, run by "
        "`npu.interp` and compared with the reference outputs (rtol 1e-3, atol 1e-7 for floats; exact "
        "for integers and bools). *unsupported*: the importer rejects an op, attribute or type.",
        "",
        f"**Total: {total[PASS]} pass, {total[FAIL]} fail, {total[UNSUPPORTED]} unsupported, out of {len(results)} cases.**",
        "",
        f"Ops in the coverage list ({len(COVERAGE)} op types): {cov[PASS]} pass, {cov[FAIL]} fail, "
        f"{cov[UNSUPPORTED]} unsupported, out of {sum(cov.values())} cases; over the cases with numeric "
        f"tensor inputs/outputs only (no strings, sequences, optionals): {cov_numeric[PASS]} pass of "
        f"{sum(cov_numeric.values())}.",
        "",
        "| op type | in coverage list | pass | fail | unsupported |",
        "|---|---|---|---|---|",
    ]
    for op in sorted(per_op):
        c = per_op[op]
        lines.append(f"| {op} | {'yes' if op in COVERAGE else ''} | {c[PASS]} | {c[FAIL]} | {c[UNSUPPORTED]} |")
    failing = [r for r in results if r.status == FAIL and r.case.op_type in COVERAGE]
    if failing:
        lines += ["", "## Failing cases of covered ops", ""]
        lines += [f"- `{r.case.name}`: {r.message[:200]}" for r in failing]
    return "\n".join(lines) + "\n"


ARCHITECTURES = ("bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50",
                 "shufflenet", "squeezenet", "vgg19", "zfnet512")


def run_architecture(name: str) -> Result:
    """One architecture graph of onnx/backend/test/data/light, fed like ONNX's runner
    feeds it (arange(n) / n) and compared with its shipped reference output."""
    from npu.interp.executor import Program
    from npu.onnx.importer import import_model

    path = node_test_root().parent / "light" / f"light_{name}.onnx"
    case = Case(name, path, "model")
    start = time.perf_counter()
    model = onnx.load(str(path))
    init = {t.name for t in model.graph.initializer}
    feeds = {}
    for vi in model.graph.input:
        if vi.name not in init:
            shape = tuple(d.dim_value if d.HasField("dim_value") else 1 for d in vi.type.tensor_type.shape.dim)
            n = int(np.prod(shape))
            feeds[vi.name] = (np.arange(n).reshape(shape) / n).astype(np.float32)
    try:
        module = import_model(path)
        with module.context:
            got = Program(module).run(feeds)
    except NpuError as err:
        return Result(case, FAIL, str(err), time.perf_counter() - start)
    for k, out in enumerate(model.graph.output):
        ref = numpy_helper.to_array(onnx.load_tensor(str(path.with_name(f"light_{name}_output_{k}.pb"))))
        reason = outputs_match(ref, got[out.name])
        if reason:
            return Result(case, FAIL, reason, time.perf_counter() - start)
    return Result(case, PASS, "", time.perf_counter() - start)


def render_architectures(results: list[Result]) -> str:
    lines = ["", "## Architecture graphs (onnx/backend/test/data/light)", "",
             "| model | result | seconds (import + run) |", "|---|---|---|"]
    lines += [f"| {r.case.name} | {r.status}{': ' + r.message if r.message else ''} | {r.seconds:.1f} |" for r in results]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m npu.onnx.conformance", description=__doc__.splitlines()[0])
    p.add_argument("--report", help="write the markdown report here")
    p.add_argument("--filter", help="regex on case names")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--architectures", action="store_true", help="also run the architecture graphs (about a minute)")
    args = p.parse_args(argv)
    start = time.perf_counter()
    results = run_all(list_cases(args.filter), verbose=args.verbose)
    total = Counter(r.status for r in results)
    print(f"{total[PASS]} pass, {total[FAIL]} fail, {total[UNSUPPORTED]} unsupported of {len(results)} "
          f"({time.perf_counter() - start:.1f} s)")
    report = render_report(results)
    if args.architectures:
        archs = [run_architecture(name) for name in ARCHITECTURES]
        for r in archs:
            print(f"{r.case.name}: {r.status} {r.message} ({r.seconds:.1f} s)")
        report += render_architectures(archs)
    if args.report:
        from npu.tools.common import write_atomically

        write_atomically(args.report, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
