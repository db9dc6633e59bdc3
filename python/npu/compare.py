"""The one numerics-compare module: error figures and a verdict ladder.

Like tpu-mlir's per-layer compare, every comparison (golden vs onnxruntime,
level N vs level N+1, quantized vs float) reports the same figures and one of
four verdicts, keyed by the layer (location) name:

  equal        bit-identical
  close        within the stated tolerance (allclose with rtol/atol)
  similar      cosine >= 0.99 and SQNR >= 20 dB (a quantized result that tracks)
  not similar  anything else
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

EQUAL, CLOSE, SIMILAR, NOT_SIMILAR = "equal", "close", "similar", "not similar"


@dataclass(frozen=True)
class Figures:
    """Error figures of `actual` against `reference`."""

    name: str
    shape: tuple[int, ...]
    max_abs: float
    mean_abs: float
    sqnr_db: float
    cosine: float
    verdict: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        sqnr = "inf" if np.isinf(self.sqnr_db) else f"{self.sqnr_db:.1f}"
        return (f"{self.name}: {self.verdict} (max abs {self.max_abs:.3g}, mean abs {self.mean_abs:.3g}, "
                f"SQNR {sqnr} dB, cosine {self.cosine:.6f})")


def sqnr_db(reference: np.ndarray, actual: np.ndarray) -> float:
    """10*log10(signal power / noise power); +inf when identical."""
    ref = np.asarray(reference, dtype=np.float64)
    noise = np.sum((ref - np.asarray(actual, dtype=np.float64)) ** 2)
    signal = np.sum(ref**2)
    if noise == 0:
        return float("inf")
    if signal == 0:
        return float("-inf")
    return float(10 * np.log10(signal / noise))


def cosine(reference: np.ndarray, actual: np.ndarray) -> float:
    a = np.asarray(reference, dtype=np.float64).ravel()
    b = np.asarray(actual, dtype=np.float64).ravel()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 and nb == 0:
        return 1.0
    if na == 0 or nb == 0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def compare(name: str, reference: np.ndarray, actual: np.ndarray, rtol: float = 1e-4, atol: float = 1e-5) -> Figures:
    """Figures and verdict of `actual` vs `reference` (shapes must match)."""
    ref, act = np.asarray(reference), np.asarray(actual)
    if ref.shape != act.shape:
        return Figures(name, tuple(act.shape), float("inf"), float("inf"), float("-inf"), 0.0, NOT_SIMILAR)
    if ref.dtype == bool or act.dtype == bool:
        ref, act = ref.astype(np.int64), act.astype(np.int64)
    diff = np.abs(ref.astype(np.float64) - act.astype(np.float64))
    max_abs = float(diff.max()) if diff.size else 0.0
    mean_abs = float(diff.mean()) if diff.size else 0.0
    s, c = sqnr_db(ref, act), cosine(ref, act)
    if np.array_equal(ref, act):
        verdict = EQUAL
    elif np.allclose(act.astype(np.float64), ref.astype(np.float64), rtol=rtol, atol=atol):
        verdict = CLOSE
    elif c >= 0.99 and s >= 20.0:
        verdict = SIMILAR
    else:
        verdict = NOT_SIMILAR
    return Figures(name, tuple(ref.shape), max_abs, mean_abs, s, c, verdict)


def top1_agreement(reference_logits: np.ndarray, actual_logits: np.ndarray) -> float:
    """Fraction of rows (last axis = classes) whose argmax agrees."""
    ref = np.asarray(reference_logits).reshape(-1, np.shape(reference_logits)[-1])
    act = np.asarray(actual_logits).reshape(-1, np.shape(actual_logits)[-1])
    return float(np.mean(ref.argmax(-1) == act.argmax(-1)))


def topk_agreement(reference_logits: np.ndarray, actual_logits: np.ndarray, k: int) -> float:
    """Fraction of rows (last axis = classes) whose reference argmax is among the actual's k largest."""
    ref = np.asarray(reference_logits).reshape(-1, np.shape(reference_logits)[-1])
    act = np.asarray(actual_logits).reshape(-1, np.shape(actual_logits)[-1])
    k = min(k, act.shape[-1])
    best = np.argpartition(-act, k - 1, axis=-1)[:, :k]
    return float(np.mean(np.any(best == ref.argmax(-1)[:, None], axis=-1)))


def first_divergence(rows: list[Figures], worst: str = SIMILAR) -> Figures | None:
    """The first row (in execution order) whose verdict is worse than `worst`."""
    ladder = [EQUAL, CLOSE, SIMILAR, NOT_SIMILAR]
    limit = ladder.index(worst)
    return next((r for r in rows if ladder.index(r.verdict) > limit), None)
