"""The Python verification layer: op rules that IRDL cannot express.

IRDL checks operand/result/attribute kinds. Shape rules, memory-space rules and
route validity against a target live here as per-op functions registered with
`@verifier("dialect.op")`, defined next to each dialect's IRDL file in
`dialects/<name>.py`. Each failure is emitted as an MLIR error at the op's
location, in MLIR's wording: `'npu_tensor.matmul' op expects ...`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from mlir import ir

VerifierFn = Callable[[ir.Operation, "VerifyEnv"], None]
_VERIFIERS: dict[str, list[VerifierFn]] = {}
_LOADED = False


def verifier(op_name: str) -> Callable[[VerifierFn], VerifierFn]:
    """Register `fn(op, env)` as a Python verifier of `op_name` (an op may have several)."""

    def register(fn: VerifierFn) -> VerifierFn:
        fns = _VERIFIERS.setdefault(op_name, [])
        if fn not in fns:
            fns.append(fn)
        return fn

    return register


def _load_verifiers() -> None:
    global _LOADED
    if _LOADED:
        return
    from npu.ir.context import DIALECTS

    for name in DIALECTS:
        try:
            importlib.import_module(f"npu.dialects.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"npu.dialects.{name}":
                raise
    _LOADED = True


def registered_verifiers() -> dict[str, list[VerifierFn]]:
    _load_verifiers()
    return {name: list(fns) for name, fns in _VERIFIERS.items()}


@dataclass
class VerifyEnv:
    """What a verifier may consult (the target, if one was given) and report into."""

    target: object | None = None
    failures: int = 0
    notes: list[str] = field(default_factory=list)

    def error(self, op: ir.Operation, message: str) -> None:
        """Emit `'op.name' op <message>` at the op's location."""
        op.location.emit_error(f"'{op.name}' op {message}")
        self.failures += 1


def verify_ops(root: ir.Operation, target: object | None = None) -> bool:
    """Run every registered Python verifier under `root`; True when all pass."""
    verifiers = registered_verifiers()
    env = VerifyEnv(target=target)
    to_check: list[tuple[VerifierFn, ir.Operation]] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        for fn in verifiers.get(op.name, ()):
            to_check.append((fn, op))
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    for fn, op in to_check:  # outside the walk, so exceptions keep their type
        fn(op, env)
    return env.failures == 0
