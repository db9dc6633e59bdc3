"""Adapter over the bindings' Python rewrite-pattern API.

Upstream callbacks return a *falsy* value on success ("no failure"), which
reads backwards. Here a pattern returns True when it rewrote the op and
False/None when it did not match; `apply_patterns` inverts that for MLIR.
"""

from __future__ import annotations

from typing import Callable

from mlir import ir
from mlir.rewrite import (
    GreedyRewriteConfig,
    PatternRewriter,
    RewritePatternSet,
    apply_patterns_and_fold_greedily,
)

PatternFn = Callable[[ir.Operation, PatternRewriter], bool | None]


def apply_patterns(root: ir.Operation, patterns: dict[str, list[PatternFn]], max_iterations: int = 10) -> None:
    """Greedily apply `patterns` ({op name: [fn]}) and fold under `root`."""
    pattern_set = RewritePatternSet(root.context)
    for op_name, fns in patterns.items():
        for fn in fns:
            pattern_set.add(op_name, _inverted(fn))
    config = GreedyRewriteConfig()
    config.max_iterations = max_iterations
    apply_patterns_and_fold_greedily(root, pattern_set.freeze(), config)


def _inverted(fn: PatternFn):
    def callback(op, rewriter):
        matched = fn(op.operation if hasattr(op, "operation") else op, rewriter)
        return not matched

    callback.__name__ = getattr(fn, "__name__", "pattern")
    return callback
