"""Benchmark: do the 9 light ONNX architecture graphs lower to level 4 and match the golden interpreter?

    .venv/bin/python bench/arch_level4.py                    # all 9 graphs on the three presets, default LowerOptions
    .venv/bin/python bench/arch_level4.py light_zfnet512     # some graphs only (merged into the results file)
    .venv/bin/python bench/arch_level4.py --target edge-lpddr --target large-inference   # or a comma list
    .venv/bin/python bench/arch_level4.py --timeout 300 --jobs 2
    .venv/bin/python bench/arch_level4.py --quant int8 light_resnet50   # quantized with npu.quant first

Each (graph, target) pair runs in its own subprocess (one whose weights, lowering or level-4 run exhaust
the time budget or memory is recorded as such, not a crash of the whole run); pairs run smallest graph
first, and the results file is rewritten after every pair. The golden outputs of a graph are computed
once and shared by its targets (an .npz in a temporary directory). Per pair: whether
npu.spatial.lower_module_stats succeeds (else the first error line), import and lowering seconds,
level-4 op count, golden (npu.interp.executor) and level-4 (npu.interp.level4.run_level4) run seconds
on a standard-normal input (seed 0), and the relative error max|level4 - golden| / max|golden| over
the outputs. Writes bench/results/arch_level4.json.

The light graphs fill every weight with ConstantOfShape(0.02): all channels then carry the same
values and the final softmax is exactly uniform (0.001 everywhere), so any lowering "matches" with
error 0. The script therefore replaces each ConstantOfShape by a random initializer of its shape
(seed 0; rank >= 2: standard normal * sqrt(2 / prod(shape[1:])), rank 1: 0.02 * (1 + |normal|),
positive so batch-norm variances stay valid) and records that as "weights": "random".

`--quant SCHEME` (e.g. int8) quantizes each graph with npu.quant (calibration: 4 standard-normal
inputs, seeds 1-4) before lowering; the record then has "quant" and "bit_identical" (every output
bit equal to golden's on the level-2 module, the contract for integer models). Records are keyed
by (graph, target, quant); float records carry no "quant".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHT = ROOT / ".venv/lib/python3.11/site-packages/onnx/backend/test/data/light"
GRAPHS = ("light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2",
          "light_resnet50", "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512")
# roughly by lowering + level-4 cost on datacenter-hbm: the order pairs run in
BY_COST = ("light_squeezenet", "light_inception_v2", "light_inception_v1", "light_shufflenet", "light_bvlc_alexnet",
           "light_resnet50", "light_densenet121", "light_zfnet512", "light_vgg19")
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
RESULTS = ROOT / "bench/results/arch_level4.json"


def random_weights(path: Path):
    """The ONNX model at `path` with each ConstantOfShape weight replaced by a random initializer."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    rng = np.random.default_rng(0)
    keep = []
    for node in graph.node:
        if node.op_type != "ConstantOfShape" or node.input[0] not in inits:
            keep.append(node)
            continue
        shape = tuple(int(d) for d in numpy_helper.to_array(inits[node.input[0]]))
        if len(shape) >= 2:
            value = rng.standard_normal(shape, dtype=np.float32) * np.float32(np.sqrt(2.0 / np.prod(shape[1:])))
        else:
            value = (0.02 * (1 + np.abs(rng.standard_normal(shape)))).astype(np.float32)
        graph.initializer.append(numpy_helper.from_array(value, node.output[0]))
    del graph.node[:]
    graph.node.extend(keep)
    model.ir_version = max(model.ir_version, 4)  # IR < 4 wants every initializer listed as a graph input
    return model


def one_graph(name: str, preset: str, cache: str | None = None, quant: str | None = None) -> dict:
    """The record of one graph on one preset (run in a child process); golden outputs cached in `cache`."""
    import numpy as np

    import npu.spatial as spatial
    from npu.interp.executor import Program
    from npu.interp.level4 import run_level4
    from npu.ir.context import make_context
    from npu.onnx.importer import import_model
    from npu.target import load_target

    rec: dict = {"graph": name, "target": preset, "weights": "random"}
    start = time.perf_counter()
    model = random_weights(LIGHT / f"{name}.onnx")
    module = import_model(model, context=make_context())
    specs = Program(module).inputs
    if quant:
        import npu.quant as npu_quant

        rec["quant"] = quant
        calib = [{s.name: np.random.default_rng(seed).standard_normal(s.shape).astype(s.dtype) for s in specs}
                 for seed in range(1, 5)]
        module, _ = npu_quant.quantize(model, calib, quant)
    rec["import_seconds"] = round(time.perf_counter() - start, 2)
    rng = np.random.default_rng(0)
    inputs = {s.name: rng.standard_normal(s.shape).astype(s.dtype) for s in specs}
    saved = Path(cache) / f"{name}.{quant or 'float'}.npz" if cache else None
    start = time.perf_counter()
    if saved is not None and saved.exists():
        with np.load(saved) as data:
            golden = {k: data[k] for k in data.files}
        rec["golden_cached"] = True
    else:
        golden = Program(module).run(inputs)
        if saved is not None:  # written under a private name, then renamed: a parallel sibling never reads half
            part = saved.with_suffix(f".{os.getpid()}.part")
            with open(part, "wb") as f:
                np.savez(f, **{k: np.asarray(v) for k, v in golden.items()})
            os.replace(part, saved)
    rec["golden_seconds"] = round(time.perf_counter() - start, 2)
    target = load_target(preset)
    start = time.perf_counter()
    try:
        lowered, stats = spatial.lower_module_stats(module, target, count_ops=True)
    except Exception as err:  # the record says why the graph does not lower
        rec.update(lowers=False, error=f"{type(err).__name__}: {str(err).splitlines()[0]}")
        return rec
    rec.update(lowers=True, lower_seconds=round(time.perf_counter() - start, 2), level4_ops=stats[-1].ops,
               pass_seconds={s.name: round(s.seconds, 2) for s in stats})
    start = time.perf_counter()
    out = run_level4(lowered, inputs, target=target)
    rec["level4_seconds"] = round(time.perf_counter() - start, 2)
    errs = []
    rec["bit_identical"] = all(np.asarray(g).dtype == np.asarray(out[key]).dtype
                               and np.array_equal(np.asarray(g), np.asarray(out[key])) for key, g in golden.items())
    for key, g in golden.items():
        g = np.asarray(g, dtype=np.float64)
        diff = float(np.abs(g - np.asarray(out[key], dtype=np.float64)).max())
        errs.append(diff / max(float(np.abs(g).max()), 1e-30))
    rec["max_relative_error"] = max(errs)
    return rec


def _limit_memory(gigabytes: float):
    """A preexec_fn capping the child's address space (a graph too large fails alone, the machine is shared)."""
    def apply():
        import resource
        limit = int(gigabytes * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run_child(name: str, preset: str, timeout: float, cache: str, memory_gb: float = 0.0,
              quant: str | None = None) -> dict:
    start = time.perf_counter()
    quant_args = ["--quant", quant] if quant else []
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", name, "--target", preset, "--cache", cache,
                               *quant_args],
                              capture_output=True, text=True, timeout=timeout,
                              preexec_fn=_limit_memory(memory_gb) if memory_gb > 0 else None)
    except subprocess.TimeoutExpired:
        return _keyed({"graph": name, "target": preset, "error": f"timeout after {timeout:.0f} s"}, quant)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["exit status %d" % proc.returncode])[-1]
        return _keyed({"graph": name, "target": preset, "error": f"child failed: {tail}"}, quant)
    rec = json.loads(proc.stdout.strip().splitlines()[-1])
    rec["wall_seconds"] = round(time.perf_counter() - start, 1)
    return rec


def _keyed(rec: dict, quant: str | None) -> dict:
    if quant:
        rec["quant"] = quant
    return rec


def _key(rec: dict) -> tuple:
    return rec["graph"], rec["target"], rec.get("quant", "")


def targets_of(values: list[str] | None) -> list[str]:
    """--target values (repeatable, each a comma list) in order, duplicates dropped; default: every preset."""
    out: list[str] = []
    for value in values or [",".join(PRESETS)]:
        for name in value.split(","):
            name = name.strip()
            if name and name not in out:
                out.append(name)
    return out


def write_results(records: list[dict]) -> None:
    """Merge `records` into the results file by (graph, target), keeping the others."""
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"graphs": []}
    by_key = {_key(r): r for r in old.get("graphs", [])}
    by_key.update({_key(r): r for r in records})
    result = {"machine": platform.machine(), "python": platform.python_version(),
              "graphs": sorted(by_key.values(), key=_key)}
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graphs", nargs="*", default=list(GRAPHS))
    ap.add_argument("--target", action="append", default=None,
                    help=f"preset name(s), repeatable or a comma list (default: {','.join(PRESETS)})")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per (graph, target)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--memory-gb", type=float, default=10.0,
                    help="address-space cap per child in GiB (0: none); exceeding it is recorded as the error")
    ap.add_argument("--quant", default=None, help="quantize with npu.quant first (a scheme name, e.g. int8)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cache", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    targets = targets_of(args.target)
    if args.child:
        print(json.dumps(one_graph(args.child, targets[0], args.cache, args.quant)))
        return 0
    unknown = [g for g in args.graphs if g not in GRAPHS]
    if unknown:
        ap.error(f"unknown graph {unknown[0]!r} (known: {', '.join(GRAPHS)})")
    graphs = sorted(dict.fromkeys(args.graphs), key=BY_COST.index)
    pairs = [(g, t) for g in graphs for t in targets]
    records: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="arch_level4_") as cache, ThreadPoolExecutor(args.jobs) as pool:
        for rec in pool.map(lambda gt: run_child(gt[0], gt[1], args.timeout, cache, args.memory_gb, args.quant),
                            pairs):
            records.append(rec)
            write_results(records)
            print(json.dumps(rec), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
