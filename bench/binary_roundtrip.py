"""Every bundled model through .npubin on every preset: sizes, times, and equality with level 4.

    .venv/bin/python bench/binary_roundtrip.py [--samples N] [--resnet]

For each (model, precision, target preset): lower to level 4 (npu.api.build),
encode, load back (hardened loader + verifiers), check both round-trip
properties (the decoded module prints like the level-4 one; re-encoding gives
the same bytes), then run N held-out inputs on the level-4 interpreter from
the IR and from the binary and require identical outputs; and against the
golden interpreter on the level-1/2 module: `golden_identical` (every output
bit equal) and `golden_max_rel_err` (max |difference| / max |golden| per output).
Precisions: float, int8 (integer softmax / layer norm included), fp8, bf16. `--resnet` adds the
light ResNet-50 graph shipped by onnx on datacenter-hbm (slow: the lowering
alone takes minutes). Writes bench/results/binary_roundtrip.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DIGITS = ROOT / "examples" / "digits"
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
RESNET = ROOT / ".venv/lib/python3.11/site-packages/onnx/backend/test/data/light/light_resnet50.onnx"


def calibration(model: Path) -> list[dict]:
    """The 8 training-split calibration inputs, reshaped to [1, 8, 8] for the transformer (examples/digits)."""
    shape = (1, 8, 8) if "transformer" in model.name else (1, 1, 8, 8)
    return [{"input": np.load(f)["input"].reshape(shape)} for f in sorted((DIGITS / "calib").glob("*.npz"))]


def one(model: Path, preset: str, quant: str | None, inputs: list[dict]) -> dict:
    from npu.api import build
    from npu.binary.encode import encode
    from npu.binary.loader import load
    from npu.interp.level4 import Level4Machine
    from npu.target import load_target

    from npu.interp.executor import Program

    target = load_target(preset)
    kw = {"quant": quant, "calibration": calibration(model)} if quant else {}
    source, _ = build(model, target, emit="level2" if quant else "level1", **kw)
    golden = Program(source)
    start = time.perf_counter()
    level4, _ = build(model, target, emit="level4", **kw)
    t_lower = time.perf_counter() - start
    start = time.perf_counter()
    data = encode(level4, target)
    t_encode = time.perf_counter() - start
    start = time.perf_counter()
    loaded = load(data, target)
    t_load = time.perf_counter() - start
    same_text = str(loaded.module) == str(level4)
    same_bytes = encode(loaded.module, target) == data
    ir_machine, bin_machine = Level4Machine(level4, target), Level4Machine(loaded.module, target)
    identical, golden_identical, rel = True, True, 0.0
    for x in inputs:
        with level4.context:
            want = ir_machine.run(x)
        with loaded.module.context:
            got = bin_machine.run(x)
        identical &= all(np.array_equal(want[k], got[k]) for k in want)
        gold = golden.run(x)
        for k, g in gold.items():
            golden_identical &= np.array_equal(g.view(f"u{g.dtype.itemsize}"), want[k].view(f"u{g.dtype.itemsize}"))
            diff = np.abs(g.astype(np.float64) - want[k].astype(np.float64)).max()
            rel = max(rel, float(diff / max(float(np.abs(g.astype(np.float64)).max()), 1e-30)))
    b = loaded.binary
    return {"model": model.name, "target": preset, "quant": quant or "float", "bytes": len(data),
            "programs": len(b.programs), "instructions": sum(len(p.instrs) for p in b.programs),
            "weights_bytes": sum(len(s.data) for s in b.symbols if s.data is not None),
            "lower_s": round(t_lower, 2), "encode_s": round(t_encode, 2), "load_s": round(t_load, 2),
            "decode_prints_same": same_text, "reencode_same_bytes": same_bytes,
            "runs": len(inputs), "outputs_identical": bool(identical),
            "golden_identical": bool(golden_identical), "golden_max_rel_err": rel}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=5)
    p.add_argument("--resnet", action="store_true")
    args = p.parse_args()
    cnn_x = np.load(DIGITS / "digits_test.npz")["x"][: args.samples]
    seq_x = np.load(DIGITS / "digits_test_seq.npz")["x"][: args.samples]
    cases = []
    for preset in PRESETS:
        for quant in (None, "int8", "fp8", "bf16"):
            cases.append((DIGITS / "digits_cnn.onnx", preset, quant, [{"input": x[None]} for x in cnn_x]))
            cases.append((DIGITS / "digits_transformer.onnx", preset, quant, [{"input": x[None]} for x in seq_x]))
    if args.resnet:
        rng = np.random.default_rng(0)
        cases.append((RESNET, "datacenter-hbm", None, [{"gpu_0/data_0": rng.standard_normal((1, 3, 224, 224))
                                                        .astype(np.float32)}]))
    rows = []
    for model, preset, quant, inputs in cases:
        try:
            row = one(model, preset, quant, inputs)
        except Exception as err:  # a stage that fails is recorded, not hidden
            row = {"model": model.name, "target": preset, "quant": quant or "float",
                   "error": f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"}
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = ROOT / "bench" / "results" / "binary_roundtrip.json"
    out.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
