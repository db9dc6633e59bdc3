"""npu-place: assign the tiles of every level-3 op to PEs (`npu.place`).

Before (level 3, from npu-tile):
  %0 = "npu_tensor.gemm"(%x, %w, %b) {npu.tile = {family = "matmul", ..., tile = array<i64: 1, 1, 10, 128>}}
After:
  %0 = "npu_tensor.gemm"(%x, %w, %b) {npu.tile = {...},
        npu.place = {strategy = "output-stationary", kgroups = 2 : i64, pes = array<i64: 0, 1>}}

Algorithm (npu.spatial.placement):
  1. read each op's tile plan (ops without one: run npu-tile first; views need no PE);
  2. by the strategy option, output-stationary (default) or weight-stationary, give
     every (tile, K group) item a PE, balancing the estimated work;
  3. write `npu.place`; an existing placement is replaced.
"""

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv
from npu.spatial.cost import Chip
from npu.spatial.family import family_named
from npu.spatial.graph import PLACE_ATTR, SpatialError, read_graph
from npu.spatial.plan import TilePlan
from npu.spatial.placement import STRATEGIES, place


@dataclass(frozen=True)
class PlacePass(Pass):
    NAME = "npu-place"
    SUMMARY = "Level 3: assign every tile to a PE (strategy=output-stationary|weight-stationary)"
    strategy: str = "output-stationary"
    double_buffer: bool = True

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        target = env.require_target(op, self.NAME)
        if self.strategy not in STRATEGIES:
            raise env.fail(op, f"npu-place expects strategy to be one of {', '.join(STRATEGIES)}, "
                               f"got '{self.strategy}'")
        chip = Chip(target, double_buffer=self.double_buffer)
        try:
            for node in read_graph(op).nodes:
                plan = TilePlan.from_op(node.op)
                if plan is None:
                    raise SpatialError(node.op, f"'{node.op.name}' op has no npu.tile plan (run npu-tile first)")
                if plan.runs_nowhere:
                    continue
                fam = family_named(plan.family)
                if fam is None:
                    raise SpatialError(node.op, f"'{node.op.name}' op has an npu.tile plan of unknown family "
                                                f"'{plan.family}'")
                node.op.attributes[PLACE_ATTR] = place(node, plan, fam, chip, self.strategy).to_attr()
        except SpatialError as err:
            raise env.fail(err.op or op, str(err)) from None
