"""Benchmark: the ONNX backend node tests lowered to level 4 (npu.spatial.conformance), per op.

    .venv/bin/python bench/spatial_conformance.py [--target edge-lpddr,datacenter-hbm,large-inference]
        [--timeout 60] [--jobs 1] [--report docs/spatial-conformance.md] [--filter REGEX] [-v]

Runs every node-test case that passes the front-end through npu.spatial.lower_module and
the level-4 interpreter, on every target preset by default, classifies it (pass / mismatch /
unsupported / error) and writes bench/results/spatial_conformance.json (per preset: totals,
per-op counts, every case with its reason, the wall time; the measured commit). A thin
wrapper over `python -m npu.spatial.conformance --json ...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "bench" / "results" / "spatial_conformance.json"


def main(argv: list[str] | None = None) -> int:
    from npu.spatial.conformance import main as run

    argv = list(sys.argv[1:] if argv is None else argv)
    if "--json" not in argv:
        argv += ["--json", str(RESULT)]
    if not any(a == "--target" or a.startswith("--target=") for a in argv):
        from npu.target import list_presets

        presets = sorted(list_presets(), key=lambda n: n != "edge-lpddr")  # the report details the first
        argv += ["--target", ",".join(presets)]
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
