"""GPT-3 175B decode sizing check: the weight bandwidth int8 decode needs at 50 tokens/s.

    .venv/bin/python bench/llm_sizing.py [--out bench/results/llm_sizing.json]

The seed's argument: a decoder-only model of GPT-3 175B's shape in int8 at 50
tokens/s needs about 8.5 TB/s of weight bandwidth (every weight is read once per
token at batch 1). This script reproduces it with the model's own estimate
(npu.perf.llm: every op of a decode step bounded by npu.perf.roofline on a
target) on the target described below, and checks agreement within 10%:

    gpt3-decode = large-inference (16x16 PEs, 1.75 GHz, 2048 int8 MACs/cycle/PE)
                  with 256 GiB of HBM at 8.0 TB/s (8 stacks x 1 TB/s, HBM3E class)

Required bandwidth = bandwidth * 50 / (tokens/s the estimate gives on that
target), which is bytes per token * 50 when decode is bandwidth-bound (it is:
~2 ops per byte against a ridge point of hundreds). Printed as a markdown table
for docs/performance.md and written as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_BANDWIDTH = 8.5e12   # bytes/s, the figure being checked
TOKENS_PER_S = 50.0


def describe_target():
    from npu.target import load_target

    return load_target("large-inference").with_overrides({
        "chip.name": "gpt3-decode",
        "chip.description": "large-inference with 256 GiB HBM at 8.0 TB/s (8 stacks x 1 TB/s), for GPT-3 175B decode",
        "memory.bytes": 256 * 2**30,
        "memory.bandwidth_bytes_per_s": 8_000_000_000_000,
        "memory.channels": 128,
    })


def main(argv: list[str] | None = None) -> int:
    from npu.perf.llm import GPT3_175B, decode_step, required_bandwidth, tokens_per_second

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "llm_sizing.json"))
    args = ap.parse_args(argv)
    target = describe_target()
    shape = GPT3_175B
    rows = []
    for context in (0, shape.max_context // 2, shape.max_context):
        ops = decode_step(shape, target, context)
        tps = tokens_per_second(shape, target, context)
        needed = target.memory.bandwidth_bytes_per_s * TOKENS_PER_S / tps
        rows.append({
            "context": context, "bytes_per_token": sum(o.ext_bytes for o in ops),
            "macs_per_token": sum(o.macs for o in ops),
            "bandwidth_bound_ops": sum(o.bound.kind == "bandwidth" for o in ops if o.ext_bytes),
            "ops": sum(1 for o in ops if o.ext_bytes),
            "tokens_per_s_on_target": tps, "required_bandwidth_at_50_tok_s": needed,
            "closed_form_bandwidth": required_bandwidth(shape, TOKENS_PER_S, context),
            "error_vs_seed": needed / SEED_BANDWIDTH - 1,
        })
    result = {"bench": "llm_sizing", "shape": vars(shape) | {"params": shape.params}, "target": target.to_dict(),
              "seed_bandwidth": SEED_BANDWIDTH, "tokens_per_s": TOKENS_PER_S, "rows": rows}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"GPT-3 175B shape: {shape.params / 1e9:.2f} G matmul weights (int8: {shape.params / 1e9:.2f} GB/token); "
          f"target {target.chip.name}: {target.memory.bandwidth_bytes_per_s / 1e12:.1f} TB/s, "
          f"{target.peak_ops_per_s('int8') / 1e12:.0f} int8 TOPS\n")
    print("| KV context | GB per token | tokens/s on target | bandwidth for 50 tok/s | vs 8.5 TB/s |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['context']} | {r['bytes_per_token'] / 1e9:.2f} | {r['tokens_per_s_on_target']:.1f} | "
              f"{r['required_bandwidth_at_50_tok_s'] / 1e12:.2f} TB/s | {100 * r['error_vs_seed']:+.1f}% |")
    worst = max(abs(r["error_vs_seed"]) for r in rows)
    ok = all(r["bandwidth_bound_ops"] == r["ops"] for r in rows) and worst <= 0.10
    print(f"\nagreement with the seed's 8.5 TB/s: worst {100 * worst:.1f}% ({'within' if ok else 'NOT within'} 10%)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
