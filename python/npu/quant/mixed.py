"""Automatic mixed precision: keep the fewest layers in a higher precision that meet an accuracy target.

Target (`Target`): either the SQNR of the model's first output vs the float model
(`sqnr >= X` dB), or the top-1 drop (`top1_drop <= X` points): against labels when
given, else against the float model's own predictions (agreement). It is measured
on `eval_samples` (default: the calibration samples), never on a test split the
caller reports.

Algorithm (greedy by measured sensitivity; n = number of layers):
  1. calibrate once; quantize every layer at `low`; if the target is met, stop;
  2. sensitivity: for each layer L, quantize with only L at `high` and measure (n runs);
  3. sort layers by that metric, best first; move them to `high` one at a time,
     measuring after each, until the target is met (at most n runs);
  4. report the layers kept high, the metric after each step, and whether the
     target was met (all n layers high is the fallback).
Lowering reuses the calibration statistics, so each step costs one lowering and
one pass over the evaluation samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from npu.errors import NpuError
from npu.quant.api import lower_with, make_scheme, prepare
from npu.quant.evaluate import first_output, run_batch, top1
from npu.quant.progress import Progress
from npu.compare import sqnr_db


@dataclass(frozen=True)
class Target:
    """`metric` is "sqnr" (dB, higher is better) or "top1_drop" (points, lower is better)."""

    metric: str
    value: float

    @staticmethod
    def parse(text: str) -> "Target":
        """'sqnr>=30', 'top1_drop<=0.5' (also 'top1<=0.5')."""
        t = text.replace(" ", "")
        for op in (">=", "<="):
            if op in t:
                name, value = t.split(op, 1)
                name = {"top1": "top1_drop", "sqnr_db": "sqnr"}.get(name, name)
                expected = ">=" if name == "sqnr" else "<="
                if name not in ("sqnr", "top1_drop") or op != expected:
                    break
                return Target(name, float(value))
        raise NpuError(f"accuracy target '{text}' is not 'sqnr>=DB' or 'top1_drop<=POINTS'")

    def score(self, logits: np.ndarray, reference: np.ndarray, labels: np.ndarray | None) -> float:
        if self.metric == "sqnr":
            return sqnr_db(reference, logits)
        if labels is not None:
            return 100.0 * (top1(reference, labels) - top1(logits, labels))
        return 100.0 * (1.0 - float(np.mean(reference.argmax(-1) == logits.argmax(-1))))

    def met(self, score: float) -> bool:
        return score >= self.value if self.metric == "sqnr" else score <= self.value

    def better(self, a: float, b: float) -> bool:
        return a > b if self.metric == "sqnr" else a < b

    def __str__(self) -> str:
        return f"{self.metric} {'>=' if self.metric == 'sqnr' else '<='} {self.value:g}"


def search(model, calibration, target: Target | str, *, low="int8", high: str = "fp16", eval_samples=None,
           eval_labels=None, target_hw=None, progress=None, **scheme_options):
    """Mixed-precision quantization meeting `target`; returns (level-2 module, QuantReport)."""
    target = Target.parse(target) if isinstance(target, str) else target
    base = make_scheme(low, **scheme_options)
    module, graph, calib, samples = prepare(model, calibration, progress=progress)
    layers = [n.name for n in graph.layers()]
    evals = list(eval_samples) if eval_samples is not None else samples
    labels = None if eval_labels is None else np.asarray(eval_labels)
    reference = first_output(run_batch(module, evals))
    name = str(model) if not hasattr(model, "operation") else ""

    def measure(high_layers: list[str]):
        scheme = base.with_overrides({n: high for n in high_layers})
        qmod, rep = lower_with(module, graph, calib, scheme, target_hw, name)
        return target.score(first_output(run_batch(qmod, evals)), reference, labels), qmod, rep

    steps = []
    score, qmod, rep = measure([])
    steps.append({"high": [], "score": score})
    sensitivity, kept = {}, []
    if not target.met(score):
        with Progress(2 * len(layers), "mixed-precision search", enabled=progress) as bar:
            for layer in layers:
                sensitivity[layer] = measure([layer])[0]
                bar.advance()
            order = sorted(layers, key=lambda n: sensitivity[n], reverse=(target.metric == "sqnr"))
            for layer in order:
                kept.append(layer)
                score, qmod, rep = measure(kept)
                steps.append({"high": list(kept), "score": score})
                bar.advance()
                if target.met(score):
                    break
    rep.search = {"target": str(target), "low": base.dtype, "high": high, "layers": len(layers), "kept": kept,
                  "met": target.met(score), "score": score, "all_low_score": steps[0]["score"],
                  "sensitivity": sensitivity, "steps": steps, "eval_samples": len(evals)}
    return qmod, rep
