"""Benchmark: the ONNX backend node tests lowered to level 4 (npu.spatial.conformance), per op.

    .venv/bin/python bench/spatial_conformance.py [--target edge-lpddr] [--timeout 60] [--jobs 1]
        [--report docs/spatial-conformance.md] [--filter REGEX] [-v]

Runs every node-test case that passes the front-end through npu.spatial.lower_module and
the level-4 interpreter, classifies it (pass / mismatch / unsupported / error) and writes
bench/results/spatial_conformance.json (totals, per-op counts, every case with its reason,
the wall time). A thin wrapper over `python -m npu.spatial.conformance --json ...`.
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
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
