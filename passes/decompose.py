"""npu-decompose: rewrite ops the spatial lowering has no rule for into ops it has (level 1/2 -> level 1/2).

Runs first in the spatial pipeline. With a target, an op is rewritten when no
spatial family takes it (npu.spatial.family) or its family refuses this
instance (e.g. a 1-D convolution); without a target, every op that has a
decomposition rule is rewritten (`all=true` forces that with a target too).
The rules are in npu.decompose, one module per op group; an op a rule cannot
express stops the pass with one error at the op's location.

Example (npu-opt --npu-decompose): an LSTM becomes per-step matmuls, adds,
sigmoids, tanhs and muls; a ConvTranspose becomes a zero-interleaving copy,
a pad and a convolution with the flipped kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir

from npu.decompose import DecomposeError, decompose_module
from npu.errors import NpuError
from npu.ir.pass_base import Pass, PassEnv


@dataclass(frozen=True)
class Decompose(Pass):
    NAME = "npu-decompose"
    SUMMARY = "rewrite ops without a spatial lowering rule into ops that have one"

    all: bool = False  # decompose every op that has a rule, even when the spatial lowering takes it

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        wanted = None if (self.all or env.target is None) else _needs_rule(op, env.target)
        try:
            decompose_module(op, wanted)
        except DecomposeError as err:
            raise env.fail(err.op, str(err)) from None


def _needs_rule(module_op: ir.Operation, target):
    """A predicate: whether the spatial lowering cannot take this op as it is."""
    from npu.spatial.cost import Chip
    from npu.spatial.family import family_of
    from npu.spatial.graph import read_graph

    chip = Chip(target)
    nodes = {}
    try:
        nodes = {node.op: node for node in read_graph(module_op).nodes}
    except NpuError:  # a graph the spatial reader refuses: decompose what has a rule
        return None

    def wanted(op: ir.Operation) -> bool:
        node = nodes.get(op)
        if node is None:  # created by an earlier rule of this pass
            return True
        family = family_of(node)
        return family is None or family.unsupported(node, chip) is not None

    return wanted
