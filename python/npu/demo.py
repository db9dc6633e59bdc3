"""The main job (`make demo`): the bundled digits CNN through the toolchain.

Steps, each printed as it runs:
  1. import examples/digits/digits_cnn.onnx to level 1 (npu_tensor) and verify it;
  2. run the cleanup pipeline through npu-opt's machinery;
  3. run the golden interpreter and onnxruntime on the held-out test split;
  4. report error figures (max abs, SQNR, top-1 agreement) and accuracy, and write
     out/demo/report.json.
Later stages (quantize, lower to the mesh, emit and run a .npubin) join this ladder as
they land.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from npu.errors import NpuError
from npu.tools.common import run_main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "digits"


def _stage(title: str):
    print(f"==> {title}", flush=True)
    return time.perf_counter()


def run_demo(samples: int, out_dir: Path) -> dict:
    import onnxruntime as ort

    from npu.compare import compare, top1_agreement
    from npu.interp.executor import run_module
    from npu.ir.pipeline import parse_pipeline
    from npu.ir.pass_base import PassEnv
    from npu.onnx.importer import import_model

    model_path = EXAMPLE / "digits_cnn.onnx"
    data = np.load(EXAMPLE / "digits_test.npz")
    x, y = data["x"][:samples], data["y"][:samples]
    out_dir.mkdir(parents=True, exist_ok=True)

    t = _stage(f"import {model_path.relative_to(ROOT)} -> level 1 (npu_tensor)")
    module = import_model(model_path)
    ops = sum(1 for _ in module.body.operations[0].regions[0].blocks[0].operations)
    print(f"    {ops} ops, {time.perf_counter() - t:.2f} s")

    t = _stage("npu-opt: npu-verify, npu-fold-reshape, canonicalize")
    with module.context:
        for step in parse_pipeline("builtin.module(npu-verify, npu-fold-reshape, canonicalize, npu-verify)"):
            step.run(module, PassEnv())
    (out_dir / "digits_cnn.level1.mlir").write_text(str(module))
    print(f"    wrote {out_dir / 'digits_cnn.level1.mlir'} ({time.perf_counter() - t:.2f} s)")

    t = _stage(f"golden interpreter vs onnxruntime on {len(x)} held-out images")
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    golden = np.concatenate([run_module(module, {"input": x[i : i + 1]})["logits"] for i in range(len(x))])
    reference = np.concatenate([session.run(["logits"], {"input": x[i : i + 1]})[0] for i in range(len(x))])
    figures = compare("logits", reference, golden)
    report = {
        "model": str(model_path.relative_to(ROOT)),
        "samples": int(len(x)),
        "golden_vs_onnxruntime": figures.as_dict(),
        "top1_agreement": top1_agreement(reference, golden),
        "accuracy_golden": float(np.mean(golden.argmax(-1) == y)),
        "accuracy_onnxruntime": float(np.mean(reference.argmax(-1) == y)),
        "seconds": time.perf_counter() - t,
    }
    print(f"    {figures}")
    print(f"    top-1 agreement {report['top1_agreement']:.4f}; accuracy golden {report['accuracy_golden']:.4f}, "
          f"onnxruntime {report['accuracy_onnxruntime']:.4f}")
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, default=float))
    print(f"==> report written to {out_dir / 'report.json'}")
    if figures.verdict not in ("equal", "close") or report["top1_agreement"] < 1.0:
        raise NpuError(f"golden interpreter disagrees with onnxruntime beyond tolerance: {figures}")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="npu-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=450, help="held-out images to run (default: all 450)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "demo")
    args = parser.parse_args(argv)
    sys.exit(run_main("npu-demo", lambda: run_demo(args.samples, args.out) and 0))


if __name__ == "__main__":
    main()
