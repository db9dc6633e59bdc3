"""npu-tile: level 1/2 -> level 3. Give every op a tile plan (`npu.tile`) that fits a PE's SRAM.

Before:
  %0 = "npu_tensor.matmul"(%x, %w) : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
After (datacenter-hbm):
  %0 = "npu_tensor.matmul"(%x, %w) {npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"],
        sizes = array<i64: 1, 64, 128, 256>, tile = array<i64: 1, 32, 32, 256>, reduce = ["k"],
        sram = ..., cycles = ...}} : ...

Algorithm (npu.spatial.tiling):
  1. read the graph of @main; decide which layout-only ops are views and which copies,
     and which elementwise chains fuse into the conv/matmul before them (fuse=false: none),
     and which int4 weight dequantizes run inside their layer (fuse-dequant=false: none);
  2. for each other op, find its family (an op without one is an error naming it); an op
     with a rule (or a view) whose non-constant tensors are empty or have an element type
     level 4 has no buffers for is an error naming it (check_level4_tensors);
  3. search the family's candidate tiles whose working set (x2 with double buffering)
     fits the target's SRAM, pick the cheapest by the cost estimate;
  4. write `npu.tile` on every op (existing plans are replaced).
The ops and their semantics are unchanged: the golden interpreter runs level 3 as is.
"""

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv
from npu.spatial.cost import Chip
from npu.spatial.family import family_of
from npu.spatial.graph import TILE_ATTR, Graph, SpatialError, read_graph
from npu.spatial.emit import LEVEL4_TYPES
from npu.spatial.storage import VIEW_OPS
from npu.spatial.tiling import plan_graph


def check_level4_tensors(graph: Graph) -> None:
    """A located error for the first op with a rule (or a view) that level 4 cannot hold:
    an empty non-constant tensor, or one of an element type with no level-4 buffers.
    Ops without a rule are left to plan_graph, which names the missing rule."""
    for node in graph.nodes:
        if node.name not in VIEW_OPS and family_of(node) is None:
            continue
        for t in node.operands + node.results:
            if t is None or t.kind == "const":  # constants may be read at compile time, never as buffers
                continue
            if 0 in t.shape:
                raise SpatialError(node.op, f"'{node.op.name}' op cannot lower to level 4 yet: expects non-empty "
                                            f"tensors, got shape {list(t.shape)}")
            if t.dtype not in LEVEL4_TYPES:
                raise SpatialError(node.op, f"'{node.op.name}' op cannot lower to level 4 yet: expects element "
                                            f"types level 4 has buffers for ({', '.join(LEVEL4_TYPES)}), "
                                            f"got {t.dtype}")


@dataclass(frozen=True)
class TilePass(Pass):
    NAME = "npu-tile"
    SUMMARY = "Level 1/2 -> 3: choose a tile shape for every op that fits a PE's SRAM (cost-estimated)"
    double_buffer: bool = True
    fuse: bool = True
    fuse_dequant: bool = True  # a sub-byte weight's dequantize runs inside its layer (npu.spatial.dequant_fuse)

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        target = env.require_target(op, self.NAME)
        try:
            graph = read_graph(op)
            check_level4_tensors(graph)
            plans = plan_graph(graph, Chip(target, double_buffer=self.double_buffer), fuse=self.fuse,
                               fuse_dequant=self.fuse_dequant)
        except SpatialError as err:
            raise env.fail(err.op or op, str(err)) from None
        for node, plan in zip(graph.nodes, plans):
            node.op.attributes[TILE_ATTR] = plan.to_attr()
