"""npu-tile's decisions: a family and a tile plan for every op, chosen by the cost estimate.

`plan_graph(graph, chip)` returns one `TilePlan` per node, in graph order:

1. Layout-only ops become `view` when npu.spatial.storage can express their
   result as a strided view of the operand, else the `copy` family; chains of
   elementwise ops after a conv or matmul are fused into it (npu.spatial.epilogue).
2. Every other op needs a family (npu.spatial.family); an op without one, or
   with attributes its family does not handle, is an error naming the op.
3. For each candidate tile of the family (a few dozen shapes built from even
   splits of each dim and matrix-unit multiples) whose step working set fits the
   SRAM budget, the layer estimate of npu.spatial.cost is computed: tiles spread
   over the PEs, K chunks possibly split over idle PEs, bounded below by the
   external memory (its bandwidth, and its channels' occupancy per transfer). The cheapest wins (ties: fewer tiles, then larger tiles).
4. No candidate fits: an error naming the op, the budget and the smallest need.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from npu.spatial.cost import Chip
from npu.spatial.epilogue import fuse_chains
from npu.spatial.family import Family, family_named, family_of, supported_ops
from npu.spatial.graph import Graph, Node, SpatialError
from npu.spatial.layout import View
from npu.spatial.plan import Space, TilePlan
from npu.spatial.storage import VIEW_OPS, assign_views


def node_family(node: Node, copies: set[int]) -> Family | None:
    """The family lowering `node`, or None for a view."""
    if node.name in VIEW_OPS:
        return family_named("copy") if node.out.index in copies else None
    return family_of(node)


def plan_graph(graph: Graph, chip: Chip, fuse: bool = True) -> list[TilePlan]:
    _, copies = assign_views(graph, lambda t: f"t{t.index}", lambda t: View.dense(f"c{t.index}", t.shape))
    chains = fuse_chains(graph, chip, {t.index for t in graph.outputs}) if fuse else {}
    fused = {f for chain in chains.values() for f in chain}
    for head, chain in chains.items():
        head.__dict__["epilogue"] = chain
    plans = []
    memo: dict = {}  # ops with equal signatures (repeated blocks of a network) share one search
    for node in graph.nodes:
        if node.name in VIEW_OPS and node.out.index not in copies:
            plans.append(TilePlan("view", Space((), ()), ()))
            continue
        if node in fused:
            plans.append(TilePlan("fused", Space((), ()), ()))
            continue
        fam = node_family(node, copies)
        if fam is None:
            raise SpatialError(node.op, f"'{node.op.name}' op cannot lower to level 4 yet: no spatial lowering rule for "
                           f"'{node.name}' (rules exist for: {', '.join(supported_ops())})")
        key = _signature(node, fam)
        if key not in memo:
            memo[key] = choose_plan(node, fam, chip)
        plan = memo[key]
        if node in chains:
            plan = replace(plan, epilogue=len(chains[node]))
        plans.append(plan)
    return plans


def _signature(node: Node, fam: Family) -> tuple:
    """What a plan depends on: the family, shapes, types, storage orders and semantic attributes."""
    tensors = tuple((t.shape, t.dtype, t.order, t.kind) for t in node.operands + node.results if t is not None)
    chain = tuple(f.name for f in node.__dict__.get("epilogue", ()))
    return fam.name, node.name, tensors, repr(sorted(node.attrs.items())), chain


def check_supported(node: Node, fam: Family, chip: Chip) -> None:
    why = fam.unsupported(node, chip)
    if why:
        raise SpatialError(node.op, f"'{node.op.name}' op cannot lower to level 4 yet: expects {why}")


def estimate(node: Node, fam: Family, space: Space, tile: tuple[int, ...], chip: Chip) -> tuple[float, int]:
    """(layer cycles, number of tile steps) of `tile`."""
    grid = [-(-s // t) for s, t in zip(space.sizes, tile)]
    tiles = prod(g for g, d in zip(grid, space.dims) if d not in space.reduce)
    chunks = prod(g for g, d in zip(grid, space.dims) if d in space.reduce)
    kgroups = min(chunks, max(1, chip.num_pes // tiles)) if fam.can_split_k(node) else 1
    compute, moved = fam.step_cost(node, tile, chip)
    rounds = -(-tiles * kgroups // chip.num_pes)
    steps = -(-chunks // kgroups)
    per_step = max(compute, chip.dma_cycles(moved, 0)) + chip.target.memory.latency_cycles
    per_pe = rounds * steps * per_step
    # external memory: bandwidth, and per-transfer occupancy of its channels (about three
    # transfers a step), which keeps tiny ops from being scattered over every PE
    mem = chip.target.memory
    shared = tiles * chunks * max(moved / chip.ext_bytes_per_cycle, 3 * mem.latency_cycles / mem.channels)
    return max(per_pe, shared), tiles * chunks


def choose_plan(node: Node, fam: Family, chip: Chip) -> TilePlan:
    check_supported(node, fam, chip)
    space = fam.space(node)
    best, best_key = None, None
    for tile in fam.candidates(node, space, chip):
        bufs = fam.step_buffers(node, tile, chip)
        if not chip.fits(bufs):
            continue
        cycles, steps = estimate(node, fam, space, tile, chip)
        key = (cycles, steps, -prod(tile))
        if best_key is None or key < best_key:
            best, best_key = (tile, chip.footprint(bufs), cycles), key
    if best is None:
        need = chip.footprint(fam.step_buffers(node, fam.smallest(node, space), chip))
        raise SpatialError(node.op, f"'{node.op.name}' op cannot be tiled into the {chip.sram_budget}-byte SRAM budget of "
                       f"target '{chip.target.chip.name}': its smallest tile needs {need} bytes")
    tile, footprint, cycles = best
    return TilePlan(fam.name, space, tuple(tile), footprint, int(cycles))
