"""Benchmark: do the 9 light ONNX architecture graphs lower to level 4 and match the golden interpreter?

    .venv/bin/python bench/arch_level4.py                    # all 9 graphs, datacenter-hbm, default LowerOptions
    .venv/bin/python bench/arch_level4.py light_zfnet512     # some graphs only (merged into the results file)
    .venv/bin/python bench/arch_level4.py --timeout 300 --jobs 2

Each graph runs in its own subprocess (a graph whose weights or level-4 run exhaust the time budget or
memory is recorded as such, not a crash of the whole run). Per graph: whether
npu.spatial.lower_module_stats succeeds (else the first error line), import and lowering seconds,
level-4 op count, golden (npu.interp.executor) and level-4 (npu.interp.level4.run_level4) run seconds
on a standard-normal input (seed 0), and the relative error max|level4 - golden| / max|golden| over
the outputs. Writes bench/results/arch_level4.json.

The light graphs fill every weight with ConstantOfShape(0.02): all channels then carry the same
values and the final softmax is exactly uniform (0.001 everywhere), so any lowering "matches" with
error 0. The script therefore replaces each ConstantOfShape by a random initializer of its shape
(seed 0; rank >= 2: standard normal * sqrt(2 / prod(shape[1:])), rank 1: 0.02 * (1 + |normal|),
positive so batch-norm variances stay valid) and records that as "weights": "random".
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHT = ROOT / ".venv/lib/python3.11/site-packages/onnx/backend/test/data/light"
GRAPHS = ("light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2",
          "light_resnet50", "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512")
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


def one_graph(name: str, preset: str) -> dict:
    """The record of one graph (run in a child process)."""
    import numpy as np

    import npu.spatial as spatial
    from npu.interp.executor import Program
    from npu.interp.level4 import run_level4
    from npu.ir.context import make_context
    from npu.onnx.importer import import_model
    from npu.target import load_target

    rec: dict = {"graph": name, "target": preset, "weights": "random"}
    start = time.perf_counter()
    module = import_model(random_weights(LIGHT / f"{name}.onnx"), context=make_context())
    rec["import_seconds"] = round(time.perf_counter() - start, 2)
    rng = np.random.default_rng(0)
    inputs = {s.name: rng.standard_normal(s.shape).astype(s.dtype) for s in Program(module).inputs}
    start = time.perf_counter()
    golden = Program(module).run(inputs)
    rec["golden_seconds"] = round(time.perf_counter() - start, 2)
    target = load_target(preset)
    start = time.perf_counter()
    try:
        lowered, stats = spatial.lower_module_stats(module, target, count_ops=True)
    except Exception as err:  # the record says why the graph does not lower
        rec.update(lowers=False, error=f"{type(err).__name__}: {str(err).splitlines()[0]}")
        return rec
    rec.update(lowers=True, lower_seconds=round(time.perf_counter() - start, 2), level4_ops=stats[-1].ops)
    start = time.perf_counter()
    out = run_level4(lowered, inputs, target=target)
    rec["level4_seconds"] = round(time.perf_counter() - start, 2)
    errs = []
    for key, g in golden.items():
        g = np.asarray(g, dtype=np.float64)
        diff = float(np.abs(g - np.asarray(out[key], dtype=np.float64)).max())
        errs.append(diff / max(float(np.abs(g).max()), 1e-30))
    rec["max_relative_error"] = max(errs)
    return rec


def run_child(name: str, preset: str, timeout: float) -> dict:
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", name, "--target", preset],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"graph": name, "target": preset, "error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["exit status %d" % proc.returncode])[-1]
        return {"graph": name, "target": preset, "error": f"child failed: {tail}"}
    rec = json.loads(proc.stdout.strip().splitlines()[-1])
    rec["wall_seconds"] = round(time.perf_counter() - start, 1)
    return rec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graphs", nargs="*", default=list(GRAPHS))
    ap.add_argument("--target", default="datacenter-hbm")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per graph")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(one_graph(args.child, args.target)))
        return 0
    with ThreadPoolExecutor(args.jobs) as pool:
        records = list(pool.map(lambda g: run_child(g, args.target, args.timeout), args.graphs))
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"graphs": []}
    by_key = {(r["graph"], r["target"]): r for r in old.get("graphs", [])}
    by_key.update({(r["graph"], r["target"]): r for r in records})
    result = {"machine": platform.machine(), "python": platform.python_version(),
              "graphs": sorted(by_key.values(), key=lambda r: (r["graph"], r["target"]))}
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    for r in records:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
