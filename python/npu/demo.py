"""The main job (`make demo`): the bundled digits CNN through the toolchain.

Steps, each printed as it runs:
  1. import examples/digits/digits_cnn.onnx to level 1 (npu_tensor) and verify it;
  2. run the cleanup pipeline through npu-opt's machinery;
  3. run the golden interpreter and onnxruntime on the held-out test split;
  4. report error figures (max abs, SQNR, top-1 agreement) and accuracy, and write
     out/demo/report.json;
  5. npu-compile: the same model to a .npubin for the edge-lpddr target (import, lower to
     PE programs, allocate, schedule, check races, predict, encode), float and int8;
  6. npu-run: load each binary (checked by the hardened loader), run it on the level-4
     interpreter over the held-out split and compare with onnxruntime.
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
    if figures.verdict not in ("equal", "close") or report["top1_agreement"] < 1.0:
        (out_dir / "report.json").write_text(json.dumps(report, indent=2, default=float))
        raise NpuError(f"golden interpreter disagrees with onnxruntime beyond tolerance: {figures}")
    report["binaries"] = [_binary_stage(model_path, x, y, reference, out_dir, quant)
                          for quant in (None, "int8")]
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, default=float))
    print(f"==> report written to {out_dir / 'report.json'}")
    return report


TARGET = "edge-lpddr"


def _binary_stage(model_path: Path, x, y, reference, out_dir: Path, quant: str | None) -> dict:
    """Stages 5-6 for one precision: compile to .npubin, load it back, run it, compare with onnxruntime."""
    from npu.api import compile, load
    from npu.compare import compare, top1_agreement
    from npu.tools.compile import summary

    kind = quant or "float"
    binary = out_dir / f"digits_cnn.{kind}.npubin"
    flags = f" --quant {quant} --calib {(EXAMPLE / 'calib').relative_to(ROOT)}" if quant else ""
    t = _stage(f"npu-compile {model_path.relative_to(ROOT)} -o {binary.name} --target {TARGET}{flags}")
    artifact = compile(model_path, target=TARGET, quant=quant, calibration=EXAMPLE / "calib" if quant else None,
                       on_stage=lambda stage, detail: print(f"    {stage}: {detail}"))
    artifact.save(binary)
    for line in summary(artifact.report, str(binary.relative_to(ROOT)))[1:]:
        print(f"    {line}")

    t = _stage(f"npu-run {binary.name} on {len(x)} held-out images (level-4 interpreter) vs onnxruntime")
    loaded = load(binary, target=TARGET)
    outputs = np.concatenate([loaded.run({"input": x[i : i + 1]})["logits"] for i in range(len(x))])
    figures = compare("logits", reference, outputs)
    result = {
        "binary": str(binary.relative_to(ROOT)),
        "quant": quant,
        "report": artifact.report,
        "binary_vs_onnxruntime": figures.as_dict(),
        "top1_agreement": top1_agreement(reference, outputs),
        "accuracy_binary": float(np.mean(outputs.argmax(-1) == y)),
        "seconds": time.perf_counter() - t,
    }
    print(f"    {figures}")
    print(f"    top-1 agreement {result['top1_agreement']:.4f}; accuracy binary {result['accuracy_binary']:.4f} "
          f"({time.perf_counter() - t:.2f} s)")
    # float binaries must match onnxruntime closely; int8 ones must keep the predictions (within 2%)
    ok = figures.verdict in ("equal", "close") and result["top1_agreement"] == 1.0 if quant is None \
        else result["top1_agreement"] >= 0.98
    if not ok:
        raise NpuError(f"the {kind} binary disagrees with onnxruntime beyond tolerance: {figures}, "
                       f"top-1 agreement {result['top1_agreement']:.4f}")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="npu-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=450, help="held-out images to run (default: all 450)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "demo")
    args = parser.parse_args(argv)
    sys.exit(run_main("npu-demo", lambda: run_demo(args.samples, args.out) and 0))


if __name__ == "__main__":
    main()
