"""QuantReport: what the quantizer did and what it cost, as text, JSON and a plot.

Filled in stages: `npu.quant.quantize` records the scheme, the calibration, every
layer's precision and parameters, the ops kept in float, the TABLE regions and the
softmax / layer norm / concat ops in integer form;
`npu.quant.evaluate` adds accuracy (top-1, logits SQNR) and per-layer figures
(SQNR, cosine and verdict vs the float module, keyed by ONNX node name), the
first layer whose error jumps, and, when run, onnxruntime's figures side by side.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

JUMP_DB = 6.0  # an SQNR drop of one bit or more between consecutive layers is a "jump"


def _num(x):
    if isinstance(x, float) and (math.isinf(x) or math.isnan(x)):
        return str(x)
    return x


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):
        obj = obj.item()
    return _num(obj)


@dataclass
class QuantReport:
    model: str = ""
    scheme: dict = field(default_factory=dict)
    target: str = ""
    accumulators: dict = field(default_factory=dict)
    calibration: dict = field(default_factory=dict)
    layers: list[dict] = field(default_factory=list)
    float_ops: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    integer_ops: list[dict] = field(default_factory=list)
    op_counts: dict = field(default_factory=dict)
    accuracy: dict = field(default_factory=dict)
    per_layer: list[dict] = field(default_factory=list)
    first_jump: dict | None = None
    ort: dict = field(default_factory=dict)
    search: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ figures

    def set_per_layer(self, rows: list[dict]) -> None:
        """Per-layer figures in execution order; also finds the first SQNR jump."""
        self.per_layer = rows
        self.first_jump = first_jump(rows)

    def layer_precisions(self) -> dict[str, str]:
        return {r["name"]: r["precision"] for r in self.layers}

    # ------------------------------------------------------------------ output

    def to_dict(self) -> dict:
        return _clean(asdict(self))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def write(self, path: str | Path) -> None:
        """JSON to `path` (a .json), text next to it (.txt), and the SQNR plot (.png) when matplotlib exists."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n")
        path.with_suffix(".txt").write_text(self.to_text() + "\n")
        self.plot(path.with_suffix(".png"))

    def to_text(self) -> str:
        out = [f"quantization report: {self.model}", f"  scheme: {self.scheme.get('description', '')}",
               f"  target: {self.target}  accumulators: " + ", ".join(f"{k}->{v}" for k, v in self.accumulators.items())]
        c = self.calibration
        if c:
            out.append(f"  calibration: {c.get('samples')} sample(s), method {c.get('method')}, "
                       f"{'from the cache' if c.get('cached') else 'computed'}")
        if self.accuracy:
            out.append("  accuracy: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                                                  for k, v in self.accuracy.items()))
        if self.ort:
            out.append("  onnxruntime quantize_static (QDQ int8): " + ", ".join(
                f"{k} {v:.4f}" for k, v in self.ort.items() if isinstance(v, float)))
        out.append("")
        out.append(f"  {'layer':<28} {'kind':<7} {'precision':<9} fused")
        for r in self.layers:
            note = f"  ({r['note']})" if r.get("note") else ""
            out.append(f"  {r['name']:<28} {r['kind']:<7} {r['precision']:<9} {', '.join(r.get('fused', []))}{note}")
        if self.tables:
            out.append("")
            out.append("  elementwise regions as int8 TABLEs: " + "; ".join(
                f"{t['output']} <- {'+'.join(t['nodes'])}" for t in self.tables))
        if self.integer_ops:
            out.append("  integer softmax / layer norm / concat: " + ", ".join(
                f"{f['name']} ({f['kind']})" for f in self.integer_ops))
        if self.float_ops:
            out.append("  ops kept in float (quantize/dequantize around them): " + ", ".join(
                f"{f['name']} ({f['kind']})" for f in self.float_ops))
        if self.per_layer:
            out.append("")
            ort = {r["name"]: r for r in self.ort.get("per_layer", [])}
            head = f"  {'layer':<28} {'SQNR dB':>8} {'cosine':>9}  verdict"
            out.append(head + (f"   | ORT {'SQNR dB':>8} {'cosine':>9}" if ort else ""))
            for r in self.per_layer:
                line = f"  {r['name']:<28} {_fmt_db(r['sqnr_db']):>8} {r['cosine']:>9.6f}  {r['verdict']:<11}"
                if ort:
                    o = ort.get(r["name"])
                    line += f" | {'':3} {_fmt_db(o['sqnr_db']) if o else '-':>8} {o['cosine'] if o else float('nan'):>9.6f}"
                out.append(line)
            j = self.first_jump
            out.append("  first error jump: " + (f"{j['name']} ({j['drop_db']:.1f} dB below {j['after']})"
                                                 if j else f"none (no layer loses >= {JUMP_DB:.0f} dB)"))
        if self.search:
            s = self.search
            out.append("")
            out.append(f"  mixed-precision search: target {s.get('target')}, kept {len(s.get('kept', []))} of "
                       f"{s.get('layers')} layers in {s.get('high')}: {', '.join(s.get('kept', [])) or 'none'}; "
                       f"met: {s.get('met')}")
        return "\n".join(out)

    def plot(self, path: str | Path) -> bool:
        """Per-layer SQNR bar plot (with ORT's when present); False when matplotlib is missing."""
        if not self.per_layer:
            return False
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return False
        names = [r["name"] for r in self.per_layer]
        ours = [min(_finite(r["sqnr_db"]), 80.0) for r in self.per_layer]
        ort = {r["name"]: r for r in self.ort.get("per_layer", [])}
        fig, ax = plt.subplots(figsize=(max(6.0, 0.35 * len(names)), 4.0))
        xs = range(len(names))
        ax.plot(xs, ours, "o-", label="npu level 2")
        if ort:
            ax.plot(xs, [min(_finite(ort[n]["sqnr_db"]), 80.0) if n in ort else float("nan") for n in names], "s--",
                    label="onnxruntime QDQ")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(names, rotation=75, fontsize=7)
        ax.set_ylabel("SQNR vs fp32 (dB)")
        ax.set_title(f"{self.model}: {self.scheme.get('description', '')}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return True


def _finite(x) -> float:
    x = float(x)
    return 80.0 if math.isinf(x) and x > 0 else (-10.0 if math.isinf(x) else x)


def _fmt_db(x) -> str:
    x = float(x)
    return "inf" if math.isinf(x) else f"{x:.1f}"


def first_jump(rows: list[dict], threshold: float = JUMP_DB) -> dict | None:
    """The first layer whose SQNR is >= `threshold` dB below the previous compared layer's.

    Graph inputs are not a baseline: their only error is the input quantization, so the
    first layer would always "jump" below them.
    """
    rows = [r for r in rows if not r.get("graph_input")]
    for prev, row in zip(rows, rows[1:]):
        a, b = float(prev["sqnr_db"]), float(row["sqnr_db"])
        if math.isinf(a) and a > 0:
            continue
        if a - b >= threshold:
            return {"name": row["name"], "after": prev["name"], "drop_db": a - b, "sqnr_db": b}
    return None
