"""The ONNX backend node tests as a conformance suite for the spatial lowering (level 1 -> level 4).

Every node-test case that passes the front-end (npu.onnx.conformance: imported,
run on the golden interpreter and within ONNX's tolerances of the shipped
reference outputs) is lowered to level 4 with `npu.spatial.lower_module` for one
target preset, run on the level-4 interpreter (npu.interp.level4.Level4Machine)
with the case's inputs and compared with

  (a) the golden interpreter's outputs: integer and bool outputs bit for bit;
      float outputs with equal NaN positions, equal infinities and, over the
      finite elements, max |level4 - golden| <= tol * max(1, max |golden|),
      tol = max(1e-5, eps(dtype), 2·γ_n): 1e-5 for float32/float64; one unit
      roundoff of float16/bfloat16/fp8 outputs, whose single final rounding may
      land on the other side; and for long sums the f32 accumulation-order bound
      of docs/spatial.md, γ_n = n·u/(1 − n·u), u = 2^-24, n the graph's longest
      sum (`reduction_length`; a mean is a sum and a division, hence 2·γ_n), scaled
      here by max(1, max |golden|) instead of the sum of |terms|. Passes that need
      the γ_n term are listed in the report;
  (b) the ONNX reference outputs with ONNX's backend tolerances (rtol 1e-3,
      atol 1e-7; exact for integers and bools), as the front-end checks them.

Each case is classified

  pass         lowered, ran, (a) and (b) hold on every data set;
  mismatch     lowered and ran but (a) or (b) fails, or an output is missing or has
               another shape or dtype (a bug in the spatial code);
  unsupported  the lowering stops with a located "no spatial lowering rule" /
               "cannot lower ... yet" / "unsupported" / "level 4 has no X buffers" /
               "has no [...] decomposition" / "decomposition expects" / "has no [...]
               form" error (the op it names is recorded);
  error        anything else: another lowering error, a level-4 run error, an
               internal exception (a bug), a time-out or a crashed worker.

Cases the front-end does not pass are counted apart (`frontend`), not in N.
Every data set is imported afresh for its golden run (lower_module works in
place); the level-4 program is lowered once per case, or per data set when graph
inputs had to be bound as constants at import.

Cases run in a worker process (by default one) so a per-case time limit can stop
a case that takes too long; a worker that times out or dies is replaced.

  python -m npu.spatial.conformance --target edge-lpddr --report docs/spatial-conformance.md \
      [--json bench/results/spatial_conformance.json] [--filter REGEX] [--timeout 60] [--jobs 1] [-v]

`--target` takes a preset, a TOML path or several separated by commas (the report
details the first and compares the statuses across them); bench/spatial_conformance.py
runs every preset and writes bench/results/spatial_conformance.json.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from npu.errors import NpuError
from npu.onnx import conformance as front

PASS, MISMATCH, UNSUPPORTED, ERROR, FRONTEND = "pass", "mismatch", "unsupported", "error", "frontend"
STATUSES = (PASS, MISMATCH, UNSUPPORTED, ERROR)
GOLDEN_TOL = 1e-5
DEFAULT_TARGET = "edge-lpddr"
DEFAULT_TIMEOUT = 60.0

# A lowering error that says "this op (or this form of it) has no level-4 lowering yet".
_UNSUPPORTED_RE = re.compile(
    r"no spatial (lowering )?rule|cannot lower|unsupported|not supported|level 4 has no \w+ buffers|"
    r"has no [\w -]*decomposition|decomposition expects|has no [\w -]*form\b", re.IGNORECASE)
_OP_RE = re.compile(r"'(\w+)\.(\w+)'")
_LEAD_OP_RE = re.compile(r"error: ([a-z][a-z0-9_]*) ")  # "gather_elements with run-time indices has no decomposition"
_RULE_RE = re.compile(r"no spatial lowering rule for '([\w.]+)'")

Perturb = Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]


@dataclass
class Result:
    name: str
    op_type: str  # the ONNX op the case tests
    status: str
    message: str = ""  # first line of the error or the first failing comparison
    stage: str = ""  # import / golden / lower / run / compare
    op: str = ""  # for unsupported: the npu op the lowering stopped at (e.g. npu_tensor.gather)
    seconds: float = 0.0
    max_rel_err: float | None = None  # max over float outputs of max|l4 - golden| / max(1, max|golden|)
    outputs: list[str] = field(default_factory=list)  # dtypes of the outputs
    reduction: int = 1  # the graph's longest sum (reduction_length), which widens the float bound
    needs_allowance: bool = False  # passed only with the 2·γ_n term (beyond max(1e-5, eps))


def first_line(text: str) -> str:
    lines = [l for l in str(text).splitlines() if l.strip()]
    return lines[0].strip() if lines else ""


U32 = 2.0**-24  # unit roundoff of float32


def float_tolerance(dtype: np.dtype, reduction: int = 1) -> float:
    """The relative bound (a) for a float output of `dtype` when the graph's longest reduction
    sums `reduction` terms (see the module docstring): max(1e-5, eps(dtype), 2·γ_n)."""
    n = max(1, int(reduction))
    gamma = n * U32 / (1 - n * U32) if n * U32 < 0.5 else 1.0
    return max(_dtype_tolerance(dtype), 2 * gamma)


def _dtype_tolerance(dtype: np.dtype) -> float:
    try:
        eps = float(np.finfo(dtype).eps)
    except (TypeError, ValueError):  # ml_dtypes floats without finfo support
        import ml_dtypes

        eps = float(ml_dtypes.finfo(dtype).eps)
    return max(GOLDEN_TOL, eps)


def _is_float(dtype: np.dtype) -> bool:
    return dtype.kind in "fc" or (dtype.kind == "V" and "float" in dtype.name) or "float" in dtype.name


def reduction_length(module) -> int:
    """An upper estimate of the longest sum in the level-1 graph (the n of the f32 accumulation-order
    bound, docs/spatial.md): per op the largest of input/output element ratio (reductions, pools),
    the largest operand dim (matmul K, softmax rows, scans), a conv's C/group·kh·kw, and a
    normalization's elements per batch row."""
    from mlir import ir

    from npu.spatial.graph import find_main

    longest = 1
    for op in find_main(module.operation).regions[0].blocks[0].operations:
        op = op.operation
        shapes = [tuple(v.type.shape) for v in op.operands
                  if isinstance(v.type, ir.RankedTensorType) and v.type.has_static_shape]
        outs = [tuple(v.type.shape) for v in op.results
                if isinstance(v.type, ir.RankedTensorType) and v.type.has_static_shape]
        if not shapes or not outs:  # func.return and friends sum nothing
            continue
        numel = [int(np.prod(sh)) for sh in shapes]
        out = max(int(np.prod(sh)) for sh in outs) or 1
        n = max(-(-max(numel) // out), max((max(sh) for sh in shapes if sh), default=1))
        name = op.name.split(".", 1)[-1]
        if "conv" in name and len(shapes) > 1 and len(shapes[1]) > 2:
            w = shapes[1]
            n = max(n, int(np.prod(w)) // max(1, min(w[0], w[1])))
        if ("softmax" in name or "normalization" in name or "attention" in name) and shapes[0]:
            n = max(n, numel[0] // max(1, shapes[0][0]))
        longest = max(longest, n)
    return longest


def compare_with_golden(golden: np.ndarray, got: np.ndarray, reduction: int = 1) -> tuple[str | None, float | None]:
    """(None or a short reason, relative error for float outputs) for bound (a), the graph's
    longest sum having `reduction` terms."""
    golden, got = np.asarray(golden), np.asarray(got)
    if golden.shape != got.shape:
        return f"shape {list(got.shape)} != golden {list(golden.shape)}", None
    if golden.dtype != got.dtype:
        same = np.array_equal(golden.astype(np.float64), got.astype(np.float64), equal_nan=True) \
            if golden.dtype.kind in "biuf" and got.dtype.kind in "biuf" else False
        return f"dtype {got.dtype} != golden {golden.dtype} ({'values equal' if same else 'values differ'})", None
    if not _is_float(golden.dtype):
        bad = int(np.sum(golden != got))
        return (None if bad == 0 else f"{bad} of {golden.size} elements differ from golden"), None
    g = golden.astype(np.float64)
    a = got.astype(np.float64)
    if g.dtype.kind == "c":
        g, a = np.abs(g), np.abs(a)  # not expected: no complex tensors at level 1
    gn, an = np.isnan(g), np.isnan(a)
    if (gn != an).any():
        return f"NaN at {int((gn != an).sum())} of {g.size} elements differs from golden", None
    gi, ai = np.isinf(g), np.isinf(a)
    if (gi != ai).any() or (g[gi] != a[ai]).any():
        return "infinities differ from golden", None
    fin = ~(gn | gi)
    if not fin.any():
        return None, 0.0
    scale = max(1.0, float(np.abs(g[fin]).max()))
    err = float(np.abs(a[fin] - g[fin]).max()) / scale
    tol = float_tolerance(golden.dtype, reduction)
    if err > tol:
        return f"max abs error {err * scale:.3g} vs golden > {tol:g} x {scale:.3g}", err
    return None, err


def classify_lowering_error(err: BaseException) -> tuple[str, str, str]:
    """(status, npu op or "", first line) of an exception raised by lower_module
    (without the list of ops that have rules, which every no-rule error repeats)."""
    line = re.sub(r" \(rules exist for: [^)]*\)", "", first_line(err))
    if not isinstance(err, NpuError):
        return ERROR, "", f"internal error: {type(err).__name__}: {line}"
    m = _OP_RE.search(line.split(": error: ", 1)[-1])
    op = f"{m.group(1)}.{m.group(2)}" if m else ""
    rule = _RULE_RE.search(line)
    if rule and not op:
        op = rule.group(1)
    lead = _LEAD_OP_RE.search(line)
    if lead and not op and "decomposition" in line:
        op = f"npu_tensor.{lead.group(1)}"
    return (UNSUPPORTED if _UNSUPPORTED_RE.search(line) else ERROR), op, line


def _internal(err: BaseException) -> str:
    """One line for an unexpected exception: type, message and the innermost npu frame."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "/npu/" in f.filename or "/passes/" in f.filename]
    where = f" [{frames[-1].filename.rsplit('/', 2)[-1]}:{frames[-1].lineno} in {frames[-1].name}]" if frames else ""
    return f"internal error: {type(err).__name__}: {first_line(err)}{where}"


def lower_options():
    """The default LowerOptions, except that the cyclic GC is not paused with one full collection
    after each pass: in a process holding the importer and many cases' objects that collection
    costs ~25 ms a pass (~0.2 s of a one-op case's 0.01 s); the lowered program does not depend on it."""
    from dataclasses import fields

    from npu.spatial import LowerOptions

    names = {f.name for f in fields(LowerOptions)}
    return LowerOptions(pause_gc=False) if "pause_gc" in names else LowerOptions()


def run_case(case: front.Case, target, perturb: Perturb | None = None) -> Result:
    """Classify one case on `target` (a Target). `perturb` (tests only) edits the level-4 outputs
    before they are compared, to check that a wrong result is caught."""
    from npu.interp.executor import Program
    from npu.interp.level4 import Level4Machine
    from npu.spatial import lower_module

    import onnx

    start = time.perf_counter()
    machine, bound, worst, dtypes, reduction, allowance = None, set(), None, [], 1, False

    def done(status, message="", stage="", op="", err=None, outs=()):
        return Result(case.name, case.op_type, status, message, stage, op, time.perf_counter() - start, err,
                      list(outs), reduction, allowance)

    if not case.numeric:
        return done(FRONTEND, "string, sequence or optional graph inputs/outputs", "import")
    model = onnx.load(str(case.path / "model.onnx"))
    init = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in init]
    try:
        data_sets = list(front._data_sets(case))
    except NpuError as err:
        return done(FRONTEND, first_line(err), "import")
    for inputs, expected in data_sets:
        feeds = dict(zip(names, inputs))
        # Front-end: import and golden run (the module is lowered in place, so re-import per data set).
        try:
            module, bound = front.import_case(model, feeds)
            feeds = {k: v for k, v in feeds.items() if k not in bound}
            with module.context:
                golden = Program(module).run(feeds)
        except NpuError as err:
            return done(FRONTEND, first_line(err), "import")
        for out, ref in zip(model.graph.output, expected):
            reason = front.outputs_match(ref, golden[out.name])
            if reason:
                return done(FRONTEND, f"golden output '{out.name}': {reason}", "golden")
        dtypes = [str(golden[o.name].dtype) for o in model.graph.output]
        with module.context:
            reduction = max(reduction, reduction_length(module))
        if machine is None or bound:
            try:
                lowered = lower_module(module, target, lower_options())
            except Exception as err:  # noqa: BLE001 - classified, a traceback is a bug
                status, op, line = classify_lowering_error(err)
                if status == ERROR and not isinstance(err, NpuError):
                    line = _internal(err)
                return done(status, line, "lower", op, outs=dtypes)
            try:
                machine = Level4Machine(lowered, target)
            except NpuError as err:
                return done(ERROR, f"level-4 load: {first_line(err)}", "run", outs=dtypes)
            except Exception as err:  # noqa: BLE001
                return done(ERROR, _internal(err), "run", outs=dtypes)
        try:
            with machine.module.context:
                got = machine.run(feeds)
        except NpuError as err:
            return done(ERROR, f"level-4 run: {first_line(err)}", "run", outs=dtypes)
        except Exception as err:  # noqa: BLE001
            return done(ERROR, _internal(err), "run", outs=dtypes)
        if perturb is not None:
            got = perturb(dict(got))
        for out, ref in zip(model.graph.output, expected):
            if out.name not in got:
                return done(MISMATCH, f"output '{out.name}' missing from the level-4 outputs "
                                      f"({', '.join(sorted(got))})", "compare", err=worst, outs=dtypes)
            reason, err = compare_with_golden(golden[out.name], got[out.name], reduction)
            if err is not None:
                worst = err if worst is None else max(worst, err)
                allowance = allowance or err > _dtype_tolerance(golden[out.name].dtype)
            if reason:
                return done(MISMATCH, f"output '{out.name}' vs golden: {reason}", "compare", err=worst, outs=dtypes)
            reason = front.outputs_match(ref, np.asarray(got[out.name]))
            if reason:
                return done(MISMATCH, f"output '{out.name}' vs ONNX reference: {reason}", "compare", err=worst,
                            outs=dtypes)
    return done(PASS, err=worst, outs=dtypes)


def safe_run_case(case: front.Case, target, perturb: Perturb | None = None) -> Result:
    """run_case, with any escaping exception recorded as an `error` (a bug)."""
    start = time.perf_counter()
    try:
        return run_case(case, target, perturb)
    except Exception as err:  # noqa: BLE001
        return Result(case.name, case.op_type, ERROR, _internal(err), "?", seconds=time.perf_counter() - start)


# ---------------------------------------------------------------- running many cases


def _worker(conn, target_name: str) -> None:
    from npu.target import load_target

    target = load_target(target_name)
    while True:
        case = conn.recv()
        if case is None:
            return
        conn.send(asdict(safe_run_case(case, target)))


class _Worker:
    def __init__(self, target_name: str):
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, target_name), daemon=True)
        self.proc.start()
        child.close()
        self.case: front.Case | None = None
        self.started = 0.0

    def submit(self, case: front.Case) -> None:
        self.case, self.started = case, time.perf_counter()
        self.conn.send(case)

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


def run_all(cases: list[front.Case], target_name: str = DEFAULT_TARGET, *, timeout: float = DEFAULT_TIMEOUT,
            jobs: int = 1, verbose: bool = False, in_process: bool = False) -> list[Result]:
    """Classify `cases` on the preset `target_name`; each case in a worker process with a time limit
    (or all in this process, without a limit, when `in_process`)."""
    results: dict[str, Result] = {}

    def record(r: Result) -> None:
        results[r.name] = r
        if verbose:
            print(f"{r.status:12s} {r.seconds:6.2f}s {r.name} {r.message[:160]}", flush=True)

    if in_process:
        from npu.target import load_target

        target = load_target(target_name)
        for case in cases:
            record(safe_run_case(case, target))
        return [results[c.name] for c in cases]

    import npu.interp.executor  # noqa: F401 - imported once here so forked workers start warm
    import npu.interp.level4  # noqa: F401
    import npu.onnx.importer  # noqa: F401
    import npu.spatial.pipeline  # noqa: F401

    todo = list(cases)[::-1]
    workers = [_Worker(target_name) for _ in range(max(1, min(jobs, len(todo))))]
    try:
        for w in workers:
            if todo:
                w.submit(todo.pop())
        while any(w.case is not None for w in workers):
            for i, w in enumerate(workers):
                if w.case is None:
                    continue
                left = timeout - (time.perf_counter() - w.started)
                if w.conn.poll(max(0.0, min(left, 0.05 if len(workers) > 1 else left))):
                    try:
                        record(Result(**w.conn.recv()))
                    except EOFError:
                        w.proc.join(1)
                        code = w.proc.exitcode
                        record(Result(w.case.name, w.case.op_type, ERROR,
                                      f"the worker died (exit code {code})", "?",
                                      seconds=time.perf_counter() - w.started))
                        w.stop()
                        workers[i] = w = _Worker(target_name)
                elif time.perf_counter() - w.started >= timeout:
                    record(Result(w.case.name, w.case.op_type, ERROR, f"timed out after {timeout:g} s", "?",
                                  seconds=time.perf_counter() - w.started))
                    w.stop()
                    workers[i] = w = _Worker(target_name)
                else:
                    continue
                w.case = None
                if todo:
                    w.submit(todo.pop())
    finally:
        for w in workers:
            if w.proc.is_alive():
                try:
                    w.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            w.proc.join(2)
            w.stop()
    return [results[c.name] for c in cases]


# ---------------------------------------------------------------- reports


def reason_key(r: Result) -> str:
    """The message of a result with what varies per case removed (location, rule list, numbers)."""
    msg = r.message
    msg = re.sub(r"^.*?: error: ", "", msg)  # MLIR location prefix
    msg = re.sub(r" \(rules exist for: [^)]*\)", "", msg)
    msg = re.sub(r"'[^']*'(?= (?:vs|missing))", "'…'", msg)  # output names
    msg = re.sub(r"(?<!level )\b\d+(\.\d+)?(e[-+]?\d+)?\b", "N", msg)
    return msg


_ROW = ("name", "op_type", "status", "stage", "op", "message", "seconds", "max_rel_err", "reduction",
        "needs_allowance")


def _round(v):
    return float(f"{v:.3g}") if isinstance(v, float) else v


def totals(results: list[Result]) -> Counter:
    return Counter(r.status for r in results)


def summary(results: list[Result], target_name: str, seconds: float, timeout: float,
            reference: list[Result] | None = None) -> dict:
    """Totals, per-op counts and the per-case rows of one target's run (front-end-excluded cases
    are only counted; with `reference`, another target's run, only the rows that differ from it)."""
    import onnx

    counted = [r for r in results if r.status != FRONTEND]
    ref = {r.name: (r.status, r.message) for r in reference or ()}
    per_op: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        per_op[r.op_type][r.status] += 1
    unsupported_ops = Counter(r.op or "?" for r in counted if r.status == UNSUPPORTED)
    def worst(wide: bool):
        errs = [r.max_rel_err for r in counted if r.status == PASS and r.max_rel_err is not None
                and all(d in ("float32", "float64") for d in r.outputs if "float" in d) == wide]
        return max(errs) if errs else None

    return {
        "target": target_name,
        "onnx": onnx.__version__,
        "seconds": round(seconds, 1),
        "timeout_seconds": timeout,
        "golden_float_tolerance": f"max|l4-golden| <= max({GOLDEN_TOL:g}, eps(dtype), 2*gamma_n) * max(1, max|golden|),"
                                  " gamma_n = n*u/(1-n*u), u = 2^-24, n = the graph's longest sum",
        "onnx_tolerance": {"rtol": front.RTOL, "atol": front.ATOL},
        "cases": len(results),
        "frontend_excluded": sum(1 for r in results if r.status == FRONTEND),
        "counted": len(counted),
        "totals": {s: totals(counted)[s] for s in STATUSES},
        "coverage_list_totals": {s: totals([r for r in counted if r.op_type in front.COVERAGE])[s] for s in STATUSES},
        "max_rel_err_of_passing_f32_cases": worst(True),
        "max_rel_err_of_passing_narrow_float_cases": worst(False),  # an f16/bf16/fp8 output
        "unsupported_ops": dict(unsupported_ops.most_common()),
        "per_op_fields": list(STATUSES + (FRONTEND,)),
        "per_op": {op: [c[s] for s in STATUSES + (FRONTEND,)] for op, c in sorted(per_op.items())},
        "result_fields": list(_ROW),
        "results" if reference is None else "results_differing_from_first_target":
            [[_round(getattr(r, f)) for f in _ROW] for r in counted
             if reference is None or (r.status, r.message) != ref.get(r.name)],
    }


def render_report(results: list[Result], target_name: str, seconds: float, timeout: float,
                  command: str | None = None) -> str:
    import onnx

    command = command or f"python -m npu.spatial.conformance --report docs/spatial-conformance.md --target {target_name}"
    s = summary(results, target_name, seconds, timeout)
    t = s["totals"]
    n = s["counted"]
    counted = [r for r in results if r.status != FRONTEND]
    lines = [
        f"# ONNX backend node tests lowered to level 4 ({target_name})",
        "",
        f"Generated by `{command}` "
        f"(onnx {onnx.__version__}; {s['seconds']:.0f} s on this machine, {timeout:g} s limit per case). "
        f"Every node-test case that passes the front-end (docs/onnx-conformance.md) is lowered with "
        f"`npu.spatial.lower_module` for `{target_name}`, run on the level-4 interpreter with the case's inputs, and "
        "compared with (a) the golden interpreter: integers and bools bit for bit, floats with equal NaN/inf "
        f"positions and max |level4 − golden| ≤ max({GOLDEN_TOL:g}, eps(dtype)) · max(1, max |golden|); "
        f"(b) the ONNX reference outputs (rtol {front.RTOL:g}, atol {front.ATOL:g}; exact for integers and bools).",
        "",
        "*pass*: lowered, ran, (a) and (b) hold. *mismatch*: lowered and ran, but wrong (a bug). "
        "*unsupported*: the lowering stops with a located \"no spatial lowering rule\" / unsupported error. "
        "*error*: any other lowering or level-4 error, an internal exception, a time-out (bugs or limits to look at).",
        "",
        f"**Total: {t[PASS]} pass, {t[MISMATCH]} mismatch, {t[UNSUPPORTED]} unsupported, {t[ERROR]} error, "
        f"out of {n} cases that pass the front-end** ({s['frontend_excluded']} of the {s['cases']} node tests "
        "do not pass the front-end and are not counted).",
        "",
        f"Ops in the front-end's coverage list (`npu.onnx.conformance.COVERAGE`, {len(front.COVERAGE)} op types): "
        + ", ".join(f"{s['coverage_list_totals'][k]} {k}" for k in STATUSES)
        + f", out of {sum(s['coverage_list_totals'].values())} cases.",
        "",
    ]
    wide, narrow = s["max_rel_err_of_passing_f32_cases"], s["max_rel_err_of_passing_narrow_float_cases"]
    if wide is not None or narrow is not None:
        fmt = lambda v: "none" if v is None else f"{v:.3g}"  # noqa: E731
        lines += [f"Largest float error of a passing case vs golden, in units of max(1, max |golden|): {fmt(wide)} "
                  f"(float32 outputs), {fmt(narrow)} (cases with a float16/bfloat16/fp8 output).", ""]
    wide_sums = [r for r in counted if r.status == PASS and r.needs_allowance]
    lines += [f"Passes that needed the accumulation term 2·γ_n (error beyond max(1e-5, eps)): {len(wide_sums)}"
              + ("." if not wide_sums else ": " + ", ".join(
                  f"`{r.name}` ({r.max_rel_err:.3g}, n = {r.reduction})" for r in wide_sums) + "."), ""]
    for status, title in ((MISMATCH, "Mismatches (bugs)"), (ERROR, "Errors")):
        bad = [r for r in counted if r.status == status]
        lines += [f"## {title}: {len(bad)}", ""]
        lines += [f"- `{r.name}` ({r.op_type}, {r.stage}): {r.message[:300]}" for r in bad] or ["None."]
        lines.append("")
    short = []
    for op in front.COVERAGE:
        c = dict(zip(s["per_op_fields"], s["per_op"].get(op, [0] * len(s["per_op_fields"]))))
        if c[PASS] != sum(c[k] for k in STATUSES):
            short.append(f"| {op} | {c[PASS]} | {c[MISMATCH]} | {c[UNSUPPORTED]} | {c[ERROR]} |")
    lines += [f"## Coverage-list ops whose cases do not all pass: {len(short)} of {len(front.COVERAGE)}", "",
              "| op type | pass | mismatch | unsupported | error |", "|---|---|---|---|---|", *short, ""]
    lines += ["## Unsupported: the op the lowering stopped at", "",
              "| npu op | cases | ONNX ops of those cases |", "|---|---|---|"]
    by_op: dict[str, list[Result]] = defaultdict(list)
    for r in counted:
        if r.status == UNSUPPORTED:
            by_op[r.op or "?"].append(r)
    for op, rs in sorted(by_op.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        onnx_ops = Counter(r.op_type for r in rs)
        lines.append(f"| `{op}` | {len(rs)} | {', '.join(f'{o} ({c})' for o, c in onnx_ops.most_common())} |")
    lines += ["", "## Reasons, grouped", "", "| status | reason | cases | example |", "|---|---|---|---|"]
    groups: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for r in counted:
        if r.status != PASS:
            groups[(r.status, reason_key(r))].append(r)
    for (status, key), rs in sorted(groups.items(), key=lambda kv: (STATUSES.index(kv[0][0]), -len(kv[1]))):
        key = key.replace("|", "\\|")[:200]
        lines.append(f"| {status} | {key} | {len(rs)} | `{rs[0].name}` |")
    lines += ["", "## Per ONNX op", "", "| op type | pass | mismatch | unsupported | error | not passing the front-end |",
              "|---|---|---|---|---|---|"]
    for op, row in s["per_op"].items():
        c = dict(zip(s["per_op_fields"], row))
        lines.append(f"| {op} | {c[PASS]} | {c[MISMATCH]} | {c[UNSUPPORTED]} | {c[ERROR]} | {c[FRONTEND]} |")
    return "\n".join(lines) + "\n"


def render_other_targets(by_target: dict[str, tuple[list[Result], float]]) -> str:
    """A totals table for several presets (the detailed report is for the first) and the cases
    whose status differs between them (a target-dependent lowering, or code that changed mid-run)."""
    lines = ["", "## Totals per target preset", "",
             "| target | pass | mismatch | unsupported | error | cases | seconds |", "|---|---|---|---|---|---|---|"]
    for name, (results, seconds) in by_target.items():
        t = totals([r for r in results if r.status != FRONTEND])
        lines.append(f"| {name} | {t[PASS]} | {t[MISMATCH]} | {t[UNSUPPORTED]} | {t[ERROR]} | {sum(t.values())} | "
                     f"{seconds:.0f} |")
    names = list(by_target)
    status = {name: {r.name: r for r in rs} for name, (rs, _) in by_target.items()}
    differ = [case for case in status[names[0]]
              if len({status[n][case].status for n in names if case in status[n]}) > 1]
    lines += ["", f"Cases whose status differs between presets: {len(differ)}.", ""]
    for case in differ:
        lines.append(f"- `{case}`: " + "; ".join(
            f"{n}: {status[n][case].status}" + (f" ({status[n][case].message[:120]})"
                                                 if status[n][case].status in (MISMATCH, ERROR) else "")
            for n in names if case in status[n]))
    return "\n".join(lines) + "\n"


def source_state() -> dict:
    """The commit the run measured and how many tracked files under python/, passes/, dialects/
    had uncommitted changes (other work in the tree is measured too)."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "python", "passes", "dialects"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return {}
    if not head:  # not a repository (an exported snapshot: pass --commit)
        return {}
    return {"commit": head, "uncommitted_source_files": len(dirty)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m npu.spatial.conformance", description=__doc__.splitlines()[0])
    p.add_argument("--target", default=DEFAULT_TARGET,
                   help=f"target preset, or several separated by commas (default {DEFAULT_TARGET}); "
                        "the report details the first")
    p.add_argument("--report", help="write the markdown report here")
    p.add_argument("--json", help="write the JSON summary (totals, per op, every case, per target) here")
    p.add_argument("--filter", help="regex on case names")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per case (default %(default)s)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1: the machine is shared)")
    p.add_argument("--commit", help="record this commit as the one measured (when running from an exported "
                                     "snapshot of it, e.g. `git archive`, outside the repository)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    from npu.target import load_target

    names = [t.strip() for t in args.target.split(",") if t.strip()]
    try:
        for name in names:
            load_target(name)
    except NpuError as err:
        print(f"npu.spatial.conformance: error: {err}", file=sys.stderr)
        return 1
    cases = front.list_cases(args.filter)
    by_target: dict[str, tuple[list[Result], float]] = {}
    source = {"commit": args.commit, "snapshot": True} if args.commit else source_state()
    for name in names:
        start = time.perf_counter()
        results = run_all(cases, name, timeout=args.timeout, jobs=args.jobs, verbose=args.verbose)
        seconds = time.perf_counter() - start
        by_target[name] = (results, seconds)
        t = totals([r for r in results if r.status != FRONTEND])
        print(f"{name}: {t[PASS]} pass, {t[MISMATCH]} mismatch, {t[UNSUPPORTED]} unsupported, {t[ERROR]} error "
              f"of {sum(t.values())} (front-end excluded {len(results) - sum(t.values())}; {seconds:.1f} s)",
              flush=True)
    from npu.tools.common import write_atomically

    if args.json:
        import json

        first = by_target[names[0]][0]
        doc = {"source": source,
               "targets": [summary(r, name, sec, args.timeout, None if name == names[0] else first)
                           for name, (r, sec) in by_target.items()]}
        text = json.dumps(doc, indent=1)
        text = re.sub(r"\[\n\s+([^\[\]{}]*?)\n\s+\]", lambda m: "[" + re.sub(r",\n\s+", ", ", m.group(1)) + "]", text)
        write_atomically(args.json, text + "\n")
    if args.report:
        first = names[0]
        command = f"python -m npu.spatial.conformance --report {args.report} --target {args.target}"
        report = render_report(by_target[first][0], first, by_target[first][1], args.timeout, command)
        if len(names) > 1:
            report += render_other_targets(by_target)
        write_atomically(args.report, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
