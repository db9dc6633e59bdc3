"""Benchmark: the golden interpreter's speed against onnxruntime, model by model, in one run.

    .venv/bin/python bench/interp_speed.py --label after           # every model, merged into the JSON
    .venv/bin/python bench/interp_speed.py --only digits_cnn,light_resnet50 --label probe -o /tmp/x.json

For each model (the bundled digits models, bench/quant_models/*/model.onnx and the `light_*`
architecture graphs shipped in the onnx wheel; inputs standard-normal from a fixed seed) it
measures, in the same process:

  * ONNX import seconds (npu.onnx.importer.import_model) and Program(module) setup seconds;
  * golden run seconds, the median of N runs, with OpenBLAS limited to 1 thread and at its
    default thread count (threadpoolctl);
  * onnxruntime session-creation seconds and run seconds (median of N) with
    intra_op_num_threads=1 and with the default thread count;
  * the ratios golden / onnxruntime (1 thread against 1 thread, default against default);
    each timing is kept as wall seconds and as CPU seconds of the process (time.process_time,
    all threads): on a shared, oversubscribed machine the single-threaded CPU-time ratio is
    the one that load does not distort (a waiting process accrues wall time, not CPU time);
  * the golden run's time per op type (on_result hook: time between consecutive results);
  * a SHA-256 of the golden outputs (bytes, in output order), at both BLAS thread counts,
    so that a later run can say whether the interpreter's results stayed bit-identical;
  * with --with-before, the interpreter as it was before its speed work (the verbatim copies
    in test/python/golden_before) timed in a block of its own, interleaved with the golden
    runs again (not with onnxruntime's: it would evict onnxruntime's state), its digest
    compared, and the same-run speedup (CPU time, one BLAS thread) recorded.

The light AlexNet, VGG-19 and ZFNet-512 graphs keep fc weights as ConstantOfShape fills of
38M-103M elements, above the importer's fold limit (npu.onnx.importer.FOLD_LIMIT, 16M); the
bench raises that limit for itself (--fold-limit, recorded in the JSON).

The single-threaded golden and onnxruntime runs are interleaved round by round so machine
load (the machine is shared) hits both alike; the default-thread runs go in separate blocks
(idle pool threads of OpenBLAS and onnxruntime spin for a while after a call). Results merge into bench/results/interp_speed.json under
`runs[<label>]`; when a `before` run is present, each later run records its speedup and
whether its outputs are bit-identical to `before`.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

_T0 = time.perf_counter()
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402

from npu.interp.executor import Program  # noqa: E402
from npu.ir.context import make_context  # noqa: E402
from npu.onnx.importer import import_model  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _T0

ROOT = Path(__file__).resolve().parent.parent
LIGHT = Path(onnx.__file__).parent / "backend/test/data/light"  # architecture graphs shipped in the onnx wheel
MODELS = {
    "digits_cnn": ROOT / "examples/digits/digits_cnn.onnx",
    "digits_transformer": ROOT / "examples/digits/digits_transformer.onnx",
    **{f"quant_{p.parent.name}": p for p in sorted((ROOT / "bench/quant_models").glob("*/model.onnx"))},
    **{p.stem: p for p in sorted(LIGHT.glob("light_*.onnx"))},
}
DEFAULT_OUT = ROOT / "bench/results/interp_speed.json"


def _blas_limits(threads):
    """A context limiting BLAS to `threads` (None: leave the default)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn (test extras)
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def _blas_info() -> list[dict]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover
        return []
    return [{k: i.get(k) for k in ("internal_api", "version", "num_threads", "architecture")} for i in threadpool_info()]


def make_inputs(program: Program, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for spec in program.inputs:
        if np.issubdtype(spec.dtype, np.floating):
            out[spec.name] = rng.standard_normal(spec.shape).astype(spec.dtype)
        else:
            out[spec.name] = rng.integers(0, 10, spec.shape).astype(spec.dtype)
    return out


def output_digest(outputs: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(outputs):
        h.update(name.encode())
        h.update(np.ascontiguousarray(outputs[name]).tobytes())
    return h.hexdigest()[:16]


def _session(path: Path, threads: int):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads  # 0: onnxruntime's default (one per core)
    opts.inter_op_num_threads = threads
    opts.log_severity_level = 3
    start = time.perf_counter()
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    return sess, time.perf_counter() - start


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process, all threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def op_breakdown(program: Program, inputs: dict, runs: int = 3) -> dict[str, dict]:
    """CPU seconds per op type of a golden run (time between consecutive on_result calls),
    each op type's least total over `runs` runs (a shared machine adds outliers)."""
    best: dict[str, float] = {}
    count: collections.Counter = collections.Counter()
    for r in range(runs):
        total: collections.Counter = collections.Counter()
        last = [0.0]

        def hook(op, values):
            now = time.process_time()
            total[op.name] += now - last[0]
            if r == 0:
                count[op.name] += 1
            last[0] = now

        last[0] = time.process_time()
        program.run(inputs, on_result=hook)
        for k, v in total.items():
            best[k] = min(best.get(k, v), v)
    order = sorted(best, key=best.get, reverse=True)
    return {k.removeprefix("npu_tensor."): {"ops": count[k], "cpu_seconds": round(best[k], 5)} for k in order}


def _before_program():
    """The pre-speed-work Program class (test/python/golden_before), or None."""
    sys.path.insert(0, str(ROOT / "test/python"))
    try:
        import golden_before
    except ImportError:  # pragma: no cover - a checkout without the tests
        return None
    finally:
        sys.path.pop(0)
    return golden_before.load().Program


def bench_model(name: str, path: Path, budget: float, max_runs: int, before_cls=None) -> dict:
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else f"onnx wheel: {path.relative_to(LIGHT.parents[3])}"
    rec: dict = {"model": name, "path": where}
    ctx = make_context()
    start = time.perf_counter()
    module = import_model(str(path), context=ctx)
    rec["import_seconds"] = round(time.perf_counter() - start, 4)
    with ctx:
        start = time.perf_counter()
        program = Program(module)
        rec["setup_seconds"] = round(time.perf_counter() - start, 4)
        rec["ops"] = len(program.steps)
        inputs = make_inputs(program)
        before = None
        if before_cls is not None:
            start = time.perf_counter()
            before = before_cls(module)
            rec["before_setup_seconds"] = round(time.perf_counter() - start, 4)
        s1, rec["ort_session_seconds_1thread"] = _session(path, 1)
        sd, rec["ort_session_seconds_default"] = _session(path, 0)
        # warm-up (first runs fill caches of widened constants) and digests at both thread counts
        with _blas_limits(1):
            first = _timed(lambda: program.run(inputs))[0]  # also fills caches of widened constants
            rec["first_run_seconds"] = round(first, 5)
            rec["digest_blas1"] = output_digest(program.run(inputs))
        with _blas_limits(None):
            rec["digest_blas_default"] = output_digest(program.run(inputs))
        if before is not None:
            with _blas_limits(1):
                start = time.perf_counter()
                outputs = before.run(inputs)  # its first run widens the constants it caches
                rec["before_first_run_seconds"] = round(time.perf_counter() - start, 5)
                rec["identical_to_before_copy"] = output_digest(outputs) == rec["digest_blas1"]
        s1.run(None, inputs)
        sd.run(None, inputs)
        runs = max(3, min(max_runs, int(budget / max(first, 1e-6))))
        times = collections.defaultdict(list)
        with _blas_limits(1):
            for _ in range(runs):  # single-threaded pair interleaved, round by round
                times["golden_1"].append(_timed(lambda: program.run(inputs)))
                times["ort_1"].append(_timed(lambda: s1.run(None, inputs)))
            # the old copy in its own block, paired with golden again: interleaved with the
            # onnxruntime rounds it would evict onnxruntime's state (+20-25% on tiny models)
            for _ in range(runs if before is not None else 0):
                times["golden_1_vs_before"].append(_timed(lambda: program.run(inputs)))
                times["before_1"].append(_timed(lambda: before.run(inputs)))
        # default thread counts in separate blocks: idle OpenBLAS / onnxruntime pool threads
        # spin for a while after a call and would slow whatever ran right after them
        with _blas_limits(None):
            times["golden_default"] = [_timed(lambda: program.run(inputs)) for _ in range(runs)]
        times["ort_default"] = [_timed(lambda: sd.run(None, inputs)) for _ in range(runs)]
        rec["runs"] = runs
        for key, values in times.items():
            rec[f"{key}_seconds"] = round(statistics.median(v[0] for v in values), 6)
            rec[f"{key}_cpu_seconds"] = round(statistics.median(v[1] for v in values), 6)
        rec["ratio_1thread"] = round(rec["golden_1_seconds"] / rec["ort_1_seconds"], 2)
        rec["ratio_1thread_cpu"] = round(rec["golden_1_cpu_seconds"] / max(rec["ort_1_cpu_seconds"], 1e-9), 2)
        rec["ratio_default"] = round(rec["golden_default_seconds"] / rec["ort_default_seconds"], 2)
        if before is not None:
            rec["same_run_speedup_1thread_cpu"] = round(rec["before_1_cpu_seconds"] / rec["golden_1_vs_before_cpu_seconds"], 2)
            rec["before_ratio_1thread_cpu"] = round(rec["before_1_cpu_seconds"] / max(rec["ort_1_cpu_seconds"], 1e-9), 2)
        with _blas_limits(1):
            rec["per_op_type_blas1"] = op_breakdown(program, inputs)
    return rec


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:  # pragma: no cover
        return "unknown"


def _compare(report: dict, label: str) -> None:
    """Speedups and bit-identity of run `label` against the `before` run, when both exist."""
    before = {m["model"]: m for m in report["runs"].get("before", {}).get("models", [])}
    if label == "before" or not before:
        return
    for rec in report["runs"][label]["models"]:
        old = before.get(rec["model"])
        if old is None or "error" in old or "error" in rec:
            continue
        rec["identical_to_before"] = rec["digest_blas1"] == old["digest_blas1"] and rec["digest_blas_default"] == old["digest_blas_default"]
        rec["speedup_vs_before_1thread"] = round(old["golden_1_seconds"] / rec["golden_1_seconds"], 2)
        rec["speedup_vs_before_default"] = round(old["golden_default_seconds"] / rec["golden_default_seconds"], 2)
        if "golden_1_cpu_seconds" in old:
            rec["speedup_vs_before_1thread_cpu"] = round(old["golden_1_cpu_seconds"] / rec["golden_1_cpu_seconds"], 2)
        rec["setup_speedup_vs_before"] = round(old["setup_seconds"] / max(rec["setup_seconds"], 1e-6), 2)


def markdown(report: dict, label: str) -> str:
    """The run `label` as a markdown table (milliseconds; ratios on CPU time, one thread)."""
    run = report["runs"][label]
    rows = [
        "| model | ops | import s | setup s | golden ms (CPU, 1 thr) | ORT ms (CPU, 1 thr) | ratio | before ms (same run) | speedup "
        "| golden ms (wall, default thr) | ORT ms (wall, default thr) | ratio | bit-identical |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ms = lambda v: f"{v * 1e3:.3g}" if v is not None else "-"  # noqa: E731
    for m in run["models"]:
        if "error" in m:
            rows.append(f"| {m['model']} | {m['error']} |" + " |" * 11)
            continue
        same = m.get("identical_to_before_copy", m.get("identical_to_before"))
        rows.append(
            f"| {m['model']} | {m['ops']} | {m['import_seconds']:.3f} | {m['setup_seconds']:.3f} | {ms(m['golden_1_cpu_seconds'])} "
            f"| {ms(m['ort_1_cpu_seconds'])} | {m['ratio_1thread_cpu']:.1f} | {ms(m.get('before_1_cpu_seconds'))} "
            f"| {m.get('same_run_speedup_1thread_cpu', '-')} | {ms(m['golden_default_seconds'])} | {ms(m['ort_default_seconds'])} "
            f"| {m['ratio_default']:.1f} | {same} |"
        )
    slowest = sorted((m for m in run["models"] if "error" not in m), key=lambda m: -m["golden_1_cpu_seconds"])[:4]
    rows.append("")
    for m in slowest:
        ops = m["per_op_type_blas1"]
        total = sum(v["cpu_seconds"] for v in ops.values())
        parts = ", ".join(f"{k} {v['ops']}x {v['cpu_seconds'] * 1e3:.3g} ms ({100 * v['cpu_seconds'] / total:.0f}%)" for k, v in list(ops.items())[:5])
        rows.append(f"- {m['model']} ({total * 1e3:.3g} ms CPU): {parts}")
    return "\n".join(rows)


def _raise_fold_limit(limit: int) -> int | None:
    """The light graphs keep their fc weights as ConstantOfShape fills of up to 103M elements;
    the importer folds at most npu.onnx.importer.FOLD_LIMIT. Raise it (this bench only)."""
    import npu.onnx.importer as importer

    if not hasattr(importer, "FOLD_LIMIT") or not limit:
        return None
    importer.FOLD_LIMIT = max(importer.FOLD_LIMIT, limit)
    return importer.FOLD_LIMIT


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="comma-separated model names (default: all)")
    p.add_argument("--label", default="after", help="key of this run in the JSON's `runs` (e.g. before, after)")
    p.add_argument("--budget", type=float, default=1.5, help="golden seconds per model to spend on timed rounds")
    p.add_argument("--max-runs", type=int, default=100)
    p.add_argument("--with-before", action="store_true",
                   help="also time the pre-speed-work interpreter copy (test/python/golden_before) in the same rounds")
    p.add_argument("-o", default=str(DEFAULT_OUT))
    p.add_argument("--fold-limit", type=int, default=1 << 27,
                   help="raise the importer's fold limit to this many elements (0: leave it)")
    p.add_argument("--table", action="store_true", help="print run --label of the JSON as a markdown table and exit")
    args = p.parse_args(argv)
    if args.table:
        print(markdown(json.loads(Path(args.o).read_text()), args.label))
        return 0
    names = list(MODELS) if not args.only else args.only.split(",")
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        p.error(f"unknown model '{unknown[0]}' (known: {', '.join(MODELS)})")
    run = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "commit": _git_commit(),
        "python_import_seconds": round(IMPORT_SECONDS, 3),
        "cpu_count": os.cpu_count(),
        "loadavg_start": [round(v, 2) for v in os.getloadavg()],
        "blas": _blas_info(),
        "env_threads": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        "onnxruntime": ort.__version__,
        "numpy": np.__version__,
        "models": [],
    }
    run["importer_fold_limit"] = _raise_fold_limit(args.fold_limit)
    before_cls = _before_program() if args.with_before else None
    run["with_before"] = before_cls is not None
    print(f"{'model':24s} {'import':>7s} {'setup':>7s} {'gold1':>9s} {'goldD':>9s} {'ort1':>9s} {'ortD':>9s} {'r1':>6s} {'rD':>6s} {'r1cpu':>6s}")
    for name in names:
        try:
            rec = bench_model(name, MODELS[name], args.budget, args.max_runs, before_cls)
        except Exception as err:  # record the failure (e.g. an importer limit) and go on
            run["models"].append({"model": name, "error": f"{type(err).__name__}: {err}"})
            print(f"{name:24s} error: {type(err).__name__}: {err}", flush=True)
            continue
        run["models"].append(rec)
        print(
            f"{name:24s} {rec['import_seconds']:7.3f} {rec['setup_seconds']:7.3f} {rec['golden_1_seconds']:9.5f} "
            f"{rec['golden_default_seconds']:9.5f} {rec['ort_1_seconds']:9.5f} {rec['ort_default_seconds']:9.5f} "
            f"{rec['ratio_1thread']:6.1f} {rec['ratio_default']:6.1f} {rec['ratio_1thread_cpu']:6.1f}"
            + (f"  before x{rec['same_run_speedup_1thread_cpu']} slower, identical={rec['identical_to_before_copy']}" if "before_1_seconds" in rec else ""),
            flush=True,
        )
    run["loadavg_end"] = [round(v, 2) for v in os.getloadavg()]
    out = Path(args.o)
    report = json.loads(out.read_text()) if out.exists() else {}
    report.setdefault("bench", "interp_speed")
    report["python"] = platform.python_version()
    report["machine"] = platform.machine()
    report.setdefault("runs", {})[args.label] = run
    _compare(report, args.label)
    for rec in run["models"]:
        if "identical_to_before" in rec:
            print(f"{rec['model']:24s} identical_to_before={rec['identical_to_before']} "
                  f"speedup x{rec['speedup_vs_before_1thread']} (1 thread) x{rec['speedup_vs_before_default']} (default)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
