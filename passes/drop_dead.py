"""npu-drop-dead: erase ops of `func.func @main` whose results nothing reads.

npu's tensor ops (npu_tensor, quantized ones included, and arith constants) compute
values and have no other effect, but IRDL ops declare no side effects, so MLIR's own
canonicalizer keeps them. An op none of whose results is used (by another op or
by `func.return`) is dead: the spatial lowering would have nowhere to store its
result. This pass walks the block backwards, so an op that only fed dead ops is
dead too and goes in the same walk. Ops with regions or without results are
left alone.

Runs first in the spatial pipeline (npu.spatial.pipeline).

Before:
  %0 = "npu_tensor.neg"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "npu_tensor.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
After:
  %1 = "npu_tensor.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv

PURE_PREFIXES = ("npu_tensor.", "arith.constant")


def _dead(op: ir.Operation) -> bool:
    if not op.results or len(op.regions) or not op.name.startswith(PURE_PREFIXES):
        return False
    return all(not list(r.uses) for r in op.results)


def drop_dead(func_op: ir.Operation) -> int:
    """Erase the dead ops of `func_op`'s body; returns how many."""
    count = 0
    for op in reversed(list(func_op.regions[0].blocks[0].operations)):
        op = op.operation
        if _dead(op):
            op.erase()
            count += 1
    return count


@dataclass(frozen=True)
class DropDead(Pass):
    NAME = "npu-drop-dead"
    SUMMARY = "erase ops of @main whose results nothing reads"

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        from npu.spatial.graph import find_main

        from npu.errors import NpuError

        try:
            drop_dead(find_main(op))
        except NpuError as err:
            raise env.fail(op, str(err)) from None
