"""Decompositions: level-1/2 ops rewritten into ops the spatial lowering has rules for.

The spatial passes lower a fixed set of op families (npu.spatial.family). An
op outside them (LSTM, ConvTranspose, Resize, a 1-D convolution, ...) is
rewritten here, before tiling, into an equivalent sequence of ops that do
have rules. Each rule is a function registered for one op name:

    @decomposes("npu_tensor.conv_transpose")
    def conv_transpose(op: ir.Operation, b: Builder) -> list[ir.Value] | None:
        ...  # build the replacement with `b`; return the values replacing op's results

A rule returns None when it does not apply to this instance (the op is left
alone, and the spatial passes report it as unsupported if it still has no
rule) and raises `npu.errors.NpuError` for an instance it recognizes but
cannot express (the pass reports it at the op's location).

`decompose_module(module_op, wanted)` applies the rules to every op of
`func.func @main` for which `wanted(op)` is true, repeatedly, so a rule may
produce ops that other rules decompose further. The pass npu-decompose
(passes/decompose.py) chooses `wanted`: with a target, only ops the spatial
lowering cannot take as they are; without one, every op that has a rule.
Rules live in this package, one module per op group; they must keep the
golden interpreter's results: bit-identical for integer ops, and for float
ops within the accumulation-order bound stated in the rule's docstring
(tests run the golden interpreter before and after).
"""

from __future__ import annotations

import importlib
from typing import Callable

from mlir import ir

from npu.decompose.builder import Builder
from npu.errors import NpuError

Rule = Callable[[ir.Operation, Builder], "list[ir.Value] | None"]
_RULES: dict[str, Rule] = {}
# rule modules of this package, imported on first use
RULE_MODULES = ("conv", "data", "int_fmod", "math", "numeric", "quant_linear", "rnn", "select", "subbyte", "wide_float")
MAX_ROUNDS = 8


class DecomposeError(NpuError):
    """A rule cannot express this op (`op` is where the pass reports it)."""

    def __init__(self, op: ir.Operation, message: str):
        super().__init__(message)
        self.op = op


def decomposes(op_name: str) -> Callable[[Rule], Rule]:
    """Register `fn` as the rule for `op_name` (one rule per op name)."""

    def wrap(fn: Rule) -> Rule:
        if op_name in _RULES:
            raise RuntimeError(f"two decomposition rules for {op_name}")
        _RULES[op_name] = fn
        return fn

    return wrap


_loaded = False


def _load() -> None:
    """Import every rule module once (a test importing one module first must not hide the others)."""
    global _loaded
    if not _loaded:
        _loaded = True
        for name in RULE_MODULES:
            importlib.import_module(f"{__name__}.{name}")


def rule_for(op_name: str) -> Rule | None:
    _load()
    return _RULES.get(op_name)


def rule_names() -> list[str]:
    _load()
    return sorted(_RULES)


def decompose_module(module_op: ir.Operation, wanted: Callable[[ir.Operation], bool] | None = None) -> int:
    """Apply the rules to the ops of `func.func @main` that `wanted` selects; returns how many were rewritten."""
    from npu.spatial.graph import find_main

    _load()
    block = find_main(module_op).regions[0].blocks[0]
    total = 0
    for _ in range(MAX_ROUNDS):
        done = 0
        for op in list(block.operations):
            op = op.operation
            rule = _RULES.get(op.name)
            if rule is None or (wanted is not None and not wanted(op)):
                continue
            try:
                new = rule(op, Builder(op))
            except DecomposeError:
                raise
            except NpuError as err:
                raise DecomposeError(op, str(err)) from None
            if new is None:
                continue
            if len(new) != len(op.results):
                raise DecomposeError(op, f"decomposition of '{op.name}' gave {len(new)} values for {len(op.results)} results")
            for old, value in zip(op.results, new):
                if old.type != value.type:
                    raise DecomposeError(op, f"decomposition of '{op.name}' gave {value.type} for result of type {old.type}")
                old.replace_all_uses_with(value)
            op.erase()
            done += 1
        total += done
        if not done:
            break
    _erase_dead_constants(block)
    return total


def _erase_dead_constants(block: ir.Block) -> None:
    for op in reversed(list(block.operations)):
        op = op.operation
        if op.name == "arith.constant" and not list(op.results[0].uses):
            op.erase()
