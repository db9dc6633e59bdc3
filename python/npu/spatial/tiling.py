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
   An op moving a sub-byte tensor (an int4 weight) also gets its candidates rounded
   to whole elements-per-byte, and only tiles whose every box of that tensor is a
   whole-byte DMA pattern are admissible (npu.spatial.subbyte).
4. No candidate fits: an error naming the op, the budget and the smallest need
   (or, for a sub-byte tensor, that no fitting tile moves it in whole bytes).
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from npu.spatial import dequant_fuse
from npu.spatial.cost import Chip
from npu.spatial.epilogue import fuse_chains
from npu.spatial.family import Family, family_named, family_of, supported_ops
from npu.spatial.graph import Graph, Node, SpatialError
from npu.spatial.layout import View
from npu.spatial.plan import Space, TilePlan
from npu.spatial.storage import VIEW_OPS, assign_views
from npu.spatial.subbyte import elements_per_byte, granule_variants, grid_moves_whole_bytes, is_sub_byte


def node_family(node: Node, copies: set[int]) -> Family | None:
    """The family lowering `node`, or None for a view."""
    if node.name in VIEW_OPS:
        return family_named("copy") if node.out.index in copies else None
    return family_of(node)


def plan_graph(graph: Graph, chip: Chip, fuse: bool = True, fuse_dequant: bool = True) -> list[TilePlan]:
    views, copies = assign_views(graph, lambda t: f"t{t.index}", lambda t: View.dense(f"c{t.index}", t.shape))
    layout = Layout(graph, views)
    chains = fuse_chains(graph, chip, {t.index for t in graph.outputs}) if fuse else {}
    fused = {f for chain in chains.values() for f in chain}
    for head, chain in chains.items():
        head.__dict__["epilogue"] = chain
    prologues = dequant_fuse.absorb(graph, chip, {t.index for t in graph.outputs}) if fuse and fuse_dequant else set()
    plans = []
    memo: dict = {}  # ops with equal signatures (repeated blocks of a network) share one search
    for node in graph.nodes:
        if node.name in VIEW_OPS and node.out.index not in copies:
            plans.append(TilePlan("view", Space((), ()), ()))
            continue
        if node in fused:
            plans.append(TilePlan("fused", Space((), ()), ()))
            continue
        if node in prologues:
            plans.append(TilePlan(dequant_fuse.PROLOGUE, Space((), ()), ()))
            continue
        fam = node_family(node, copies)
        if fam is None:
            raise SpatialError(node.op, f"'{node.op.name}' op cannot lower to level 4 yet: no spatial lowering rule for "
                           f"'{node.name}' (rules exist for: {', '.join(supported_ops())})")
        dq = dequant_fuse.of(node)
        key = _signature(node, fam) + layout.sub_byte_key(node) + (dq.key() if dq else None,)
        if key not in memo:
            memo[key] = choose_plan(node, fam, chip, layout)
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


def choose_plan(node: Node, fam: Family, chip: Chip, layout: "Layout | None" = None) -> TilePlan:
    check_supported(node, fam, chip)
    space = fam.space(node)
    best, best_key = None, None
    boxes, granule = _sub_byte_boxes(node, fam, space, layout)
    candidates = fam.candidates(node, space, chip)
    if boxes:
        candidates = _with_granule_variants(list(candidates), space, granule)
    rejected = False
    for tile in candidates:
        bufs = fam.step_buffers(node, tile, chip)
        if not chip.fits(bufs):
            continue
        if boxes and not all(ok(tile) for ok in boxes):
            rejected = True
            continue
        cycles, steps = estimate(node, fam, space, tile, chip)
        key = (cycles, steps, -prod(tile))
        if best_key is None or key < best_key:
            best, best_key = (tile, chip.footprint(bufs), cycles), key
    if best is None and rejected:
        t = next(t for t in node.operands + node.results if t is not None and is_sub_byte(t.dtype))
        raise SpatialError(node.op, f"'{node.op.name}' op cannot be tiled into the {chip.sram_budget}-byte SRAM budget "
                       f"of target '{chip.target.chip.name}' with whole-byte DMA boxes of its {t.dtype} tensor "
                       f"{list(t.shape)}: every fitting tile splits it off byte boundaries")
    if best is None:
        need = chip.footprint(fam.step_buffers(node, fam.smallest(node, space), chip))
        raise SpatialError(node.op, f"'{node.op.name}' op cannot be tiled into the {chip.sram_budget}-byte SRAM budget of "
                       f"target '{chip.target.chip.name}': its smallest tile needs {need} bytes")
    tile, footprint, cycles = best
    return TilePlan(fam.name, space, tuple(tile), footprint, int(cycles))


# ------------------------------------------------------------------ sub-byte tensors


class Layout:
    """Where the tensors of a graph live as npu-tile sees them (the views npu-lower-to-pe will use,
    under placeholder symbols), and how many elements each symbol's global holds."""

    def __init__(self, graph: Graph, views: dict[int, View]):
        self.views = views
        self.numel = {f"t{t.index}": prod(t.shape) for t in graph.tensors}
        self.numel.update({f"c{t.index}": prod(t.shape) for t in graph.tensors})

    def view(self, t) -> View:
        v = self.views.get(t.index)
        return v if v is not None else View.dense(f"c{t.index}", t.shape)

    def sub_byte_key(self, node: Node) -> tuple:
        """What else a plan depends on when the op moves sub-byte tensors: where their views start
        and how they stride, and the length of the global under each (the whole-byte rule)."""
        views = [self.view(t) for t in node.operands + node.results if t is not None and is_sub_byte(t.dtype)]
        return tuple((v.offset, v.strides, self.numel.get(v.symbol)) for v in views)


def _sub_byte_boxes(node: Node, fam: Family, space: Space, layout: "Layout | None") -> tuple[list, int]:
    """Checks (tile -> whether every box of one sub-byte tensor is whole bytes) and the largest
    elements-per-byte among those tensors.

    Known for the family whose iteration space is the result's dims (elementwise: an operand's
    box is the tile with its broadcast dims cut to 1, buffer dims in the result's storage
    order). Other families get no checks here: npu_mem's DMA verifier still rejects a box
    that is not whole bytes, located at the op."""
    tensors = [t for t in node.operands + node.results if t is not None and is_sub_byte(t.dtype)]
    if not tensors or layout is None or fam.name != "eltwise" or space.reduce:
        return [], 1
    rank = len(space.sizes)
    out_view = layout.view(node.out).reshape(tuple(space.sizes))
    if out_view is None:
        return [], 1
    order = out_view.physical_order()
    checks = []
    for t in tensors:
        shape = (1,) * (rank - len(t.shape)) + tuple(t.shape)
        view = out_view if t is node.out else layout.view(t).reshape(shape)
        if view is None:
            continue
        numel = layout.numel.get(view.symbol, prod(t.shape))

        def ok(tile, view=view, numel=numel, shape=shape, dtype=t.dtype):
            box = tuple(b if n != 1 else 1 for b, n in zip(tile, shape))
            return grid_moves_whole_bytes(view, numel, dtype, box, order)
        checks.append(ok)
    return checks, max(elements_per_byte(t.dtype) for t in tensors)


def _with_granule_variants(candidates: list, space: Space, granule: int) -> list:
    """The family's candidates, then their variants rounded to multiples of `granule` elements."""
    out = list(dict.fromkeys(tuple(t) for t in candidates))
    seen = set(out)
    for tile in list(out):
        for v in granule_variants(tile, space.sizes, granule):
            if v not in seen:
                seen.add(v)
                out.append(v)
    return out
