"""npu-place's decisions: which PE runs each tile (and each K group of a tile).

An op's items are (tile, K group) pairs; `place(node, plan, fam, chip, strategy)`
returns a `Placement` (npu.spatial.plan) listing the PE of every item.

* `output-stationary` (default): each PE owns whole output tiles and streams
  their K chunks through its accumulator. Tiles are ordered with the
  weight-selecting dims outermost (so neighbouring tiles share a weight block)
  and cut into contiguous runs of balanced estimated cost, one run per PE, PEs
  taken row-major (so PEs sharing a weight block are neighbours, which a
  multicast reaches cheaply). When there are fewer tiles than PEs and the family
  allows it, the K chunks of each tile are split into K groups on idle PEs.
* `weight-stationary`: each PE owns a weight block (the weight-selecting tile
  coordinates and a K group) and streams every tile that uses it through; K is
  split so that blocks x K groups fill the mesh; tiles of a block are divided
  among the PEs holding it.

Both keep the K groups of one tile on distinct PEs, and the lowering runs each
PE's items in tile order, which makes the K-split reduction deadlock-free (see
docs/spatial.md). A K group > 0 also needs room for the partial sum it
receives: K is only split when that fits the SRAM budget.
"""

from __future__ import annotations

from math import prod

from npu.errors import NpuError
from npu.spatial.cost import Chip
from npu.spatial.family import Family
from npu.spatial.graph import Node
from npu.spatial.plan import Placement, TilePlan

STRATEGIES = ("output-stationary", "weight-stationary")


def tile_coords(plan: TilePlan, t: int) -> dict[int, int]:
    g = plan.grid
    out = {}
    for d in reversed(plan.parallel_dims):
        out[d] = t % g[d]
        t //= g[d]
    return out


def _weight_key(plan: TilePlan, fam: Family, t: int) -> tuple[int, ...]:
    coords = tile_coords(plan, t)
    return tuple(coords[d] for d in plan.parallel_dims if plan.space.dims[d] in fam.weight_dims)


def _kgroups(node: Node, plan: TilePlan, fam: Family, chip: Chip, wanted: int) -> int:
    if not fam.can_split_k(node) or plan.num_chunks < 2 or wanted < 2:
        return 1
    extra = fam.partial_bytes(node, plan.tile, chip)
    if not chip.fits(fam.step_buffers(node, plan.tile, chip) + [extra]):
        return 1
    return min(plan.num_chunks, wanted, chip.num_pes)


def _balanced_runs(costs: list[float], parts: int) -> list[int]:
    """Owner (0..parts-1) of each item when the sequence is cut into `parts` runs of balanced cost."""
    total = sum(costs) or 1.0
    owners, acc = [], 0.0
    for c in costs:
        owners.append(min(parts - 1, int(acc / total * parts)))
        acc += c
    return owners


def place(node: Node, plan: TilePlan, fam: Family, chip: Chip, strategy: str) -> Placement:
    if strategy not in STRATEGIES:
        raise NpuError(f"npu-place: unknown strategy '{strategy}' (expected one of {', '.join(STRATEGIES)})")
    tiles = plan.num_tiles
    pes = chip.num_pes
    if strategy == "weight-stationary" and fam.weight_dims and fam.can_split_k(node):
        return _weight_stationary(node, plan, fam, chip)
    kgroups = _kgroups(node, plan, fam, chip, pes // tiles if tiles < pes else 1)
    order = sorted(range(tiles), key=lambda t: (_weight_key(plan, fam, t), t))
    costs = [_tile_cost(plan, t) for t in order]
    owner_of_tile = dict(zip(order, _balanced_runs(costs, min(pes, tiles))))
    items = []
    for t in range(tiles):
        base = owner_of_tile[t] * kgroups if tiles * kgroups <= pes else owner_of_tile[t]
        items.extend((base + g) % pes for g in range(kgroups))
    return Placement(strategy, kgroups, tuple(items))


def _weight_stationary(node: Node, plan: TilePlan, fam: Family, chip: Chip) -> Placement:
    pes = chip.num_pes
    keys = sorted({_weight_key(plan, fam, t) for t in range(plan.num_tiles)})
    kgroups = _kgroups(node, plan, fam, chip, max(1, pes // len(keys)))
    slots = len(keys) * kgroups
    replicas = max(1, pes // slots)
    block_tiles: dict[tuple, list[int]] = {k: [] for k in keys}
    for t in range(plan.num_tiles):
        block_tiles[_weight_key(plan, fam, t)].append(t)
    pe_of_item = {}
    for b, key in enumerate(keys):
        ts = block_tiles[key]
        owners = _balanced_runs([_tile_cost(plan, t) for t in ts], min(replicas, len(ts)))
        for t, r in zip(ts, owners):
            for g in range(kgroups):
                slot = b * kgroups + g
                pe_of_item[(t, g)] = (slot * replicas + r) % pes if slots <= pes else slot % pes
    items = tuple(pe_of_item[(t, g)] for t in range(plan.num_tiles) for g in range(kgroups))
    return Placement("weight-stationary", kgroups, items)


def _tile_cost(plan: TilePlan, t: int) -> float:
    _, sizes = plan.tile_box(t)
    return float(prod(sizes))


def check_placement(node: Node, plan: TilePlan, placement: Placement, chip: Chip) -> str | None:
    """Why a placement read from the IR is unusable, or None."""
    expected = plan.num_tiles * placement.kgroups
    if len(placement.pes) != expected:
        return f"{expected} PEs in npu.place ({plan.num_tiles} tiles x {placement.kgroups} K groups), " \
               f"got {len(placement.pes)}"
    if any(not 0 <= p < chip.num_pes for p in placement.pes):
        return f"PE ids in [0, {chip.num_pes}) for the {chip.target.mesh.rows}x{chip.target.mesh.cols} mesh"
    if placement.kgroups < 1 or placement.kgroups > max(1, plan.num_chunks):
        return f"kgroups in [1, {max(1, plan.num_chunks)}] (the K chunks of a tile), got {placement.kgroups}"
    k = placement.kgroups
    for t in range(plan.num_tiles):
        group = placement.pes[t * k:(t + 1) * k]
        if len(set(group)) != k:
            return f"the K groups of tile {t} on distinct PEs, got {list(group)}"
    return None
