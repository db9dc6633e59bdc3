"""Level 3: the tile plan (`npu.tile`) and the placement (`npu.place`) attributes on level-1/2 ops.

Level 3 keeps every op of the graph and adds a discardable attribute, so the
module still verifies and the golden interpreter still runs it unchanged:

    %0 = "npu_tensor.conv"(%x, %w) {..., npu.tile = {family = "conv",
            dims = ["n", "g", "oh", "ow", "m", "c"], sizes = array<i64: 1, 1, 56, 56, 64, 64>,
            tile = array<i64: 1, 1, 8, 56, 64, 64>, reduce = ["c"], sram = 401408 : i64,
            cycles = 41000 : i64}} : ...

The iteration space of an op (`dims`, `sizes`) is fixed by its family; `tile`
is the chosen tile shape. Dims listed in `reduce` are reduction dims: their
tiles are sequential steps (chunks) of one output tile, not independent tiles.
The parallel tiles are numbered row-major over the other dims. `sram` is the
estimated working set of one step in bytes and `cycles` the layer estimate.
Layout-only ops carry `{family = "view"}`; elementwise ops fused into the conv or
matmul before them carry `{family = "fused"}`, and that producer's plan records how
many follow it (`epilogue = 2 : i64`, see npu.spatial.epilogue).

npu-place adds where each tile runs:

    npu.place = {strategy = "output-stationary", kgroups = 2 : i64, pes = array<i64: 0, 1, 2, 3>}

Item `i` is (tile `i // kgroups`, K-group `i % kgroups`); `pes[i]` is the
linear id (row * cols + col) of the PE that runs it. The K chunks of a tile
are split into `kgroups` contiguous ranges; K-group 0 reduces the others'
partial sums (received over the NoC).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from math import prod

from mlir import ir

from npu.spatial.graph import PLACE_ATTR, TILE_ATTR, SpatialError


@dataclass(frozen=True)
class Space:
    """The iteration space of an op: named dims, their extents, which are reductions."""

    dims: tuple[str, ...]
    sizes: tuple[int, ...]
    reduce: tuple[str, ...] = ()

    def is_reduce(self, d: int) -> bool:
        return self.dims[d] in self.reduce


@dataclass(frozen=True)
class TilePlan:
    family: str
    space: Space
    tile: tuple[int, ...]
    sram: int = 0
    cycles: int = 0
    epilogue: int = 0  # elementwise ops fused after this one (npu.spatial.epilogue)

    @property
    def runs_nowhere(self) -> bool:
        """Views, fused ops and prologues (a weight dequantize done by its layer) have no layer of their own."""
        return self.family in ("view", "fused", "prologue")

    @property
    def grid(self) -> tuple[int, ...]:
        return tuple(-(-s // t) for s, t in zip(self.space.sizes, self.tile))

    @property
    def parallel_dims(self) -> tuple[int, ...]:
        return tuple(d for d in range(len(self.tile)) if not self.space.is_reduce(d))

    @property
    def reduce_dims(self) -> tuple[int, ...]:
        return tuple(d for d in range(len(self.tile)) if self.space.is_reduce(d))

    @property
    def num_tiles(self) -> int:
        g = self.grid
        return prod(g[d] for d in self.parallel_dims)

    @property
    def num_chunks(self) -> int:
        g = self.grid
        return prod(g[d] for d in self.reduce_dims)

    def tile_box(self, t: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(lo, sizes) of parallel tile `t` over all dims; reduce dims span their whole extent."""
        g = self.grid
        idx = {}
        for d in reversed(self.parallel_dims):
            idx[d] = t % g[d]
            t //= g[d]
        lo, sizes = [], []
        for d, (s, ts) in enumerate(zip(self.space.sizes, self.tile)):
            if d in idx:
                lo.append(idx[d] * ts)
                sizes.append(min(ts, s - idx[d] * ts))
            else:
                lo.append(0)
                sizes.append(s)
        return tuple(lo), tuple(sizes)

    def chunk_boxes(self, lo: tuple[int, ...], sizes: tuple[int, ...], chunks: range):
        """(lo, sizes) of each K chunk in `chunks` (row-major over the reduce dims) within a tile box."""
        rdims = self.reduce_dims
        g = self.grid
        per_dim = [range(g[d]) for d in rdims]
        all_chunks = list(product(*per_dim))
        for c in chunks:
            clo, csz = list(lo), list(sizes)
            for d, i in zip(rdims, all_chunks[c]):
                clo[d] = i * self.tile[d]
                csz[d] = min(self.tile[d], self.space.sizes[d] - clo[d])
            yield tuple(clo), tuple(csz)

    # ------------------------------------------------------------ attribute
    def to_attr(self) -> ir.Attribute:
        if self.runs_nowhere:
            return ir.Attribute.parse(f'{{family = "{self.family}"}}')
        names = ", ".join(f'"{d}"' for d in self.space.dims)
        red = ", ".join(f'"{d}"' for d in self.space.reduce)
        fused = f", epilogue = {self.epilogue} : i64" if self.epilogue else ""
        text = (f'{{family = "{self.family}", dims = [{names}], sizes = {_i64s(self.space.sizes)}, '
                f"tile = {_i64s(self.tile)}, reduce = [{red}], sram = {self.sram} : i64, "
                f"cycles = {self.cycles} : i64{fused}}}")
        return ir.Attribute.parse(text)

    @classmethod
    def from_op(cls, op: ir.Operation) -> "TilePlan | None":
        """The plan on `op`, None without one; SpatialError naming the op when malformed."""
        if TILE_ATTR not in op.attributes:
            return None
        attr = op.attributes[TILE_ATTR]
        where = f"'{op.name}' op"
        if not isinstance(attr, ir.DictAttr) or "family" not in attr:
            raise SpatialError(op, f"{where} expects {TILE_ATTR} to be a dictionary with a 'family', got {attr}")
        family = _string(attr["family"], where, "family", op)
        if family in ("view", "fused", "prologue"):
            return cls(family, Space((), ()), ())
        try:
            dims = tuple(_string(a, where, "dims", op) for a in attr["dims"])
            reduce = tuple(_string(a, where, "reduce", op) for a in attr["reduce"])
            sizes = tuple(int(v) for v in attr["sizes"])
            tile = tuple(int(v) for v in attr["tile"])
            sram = int(attr["sram"].value) if "sram" in attr else 0
            cycles = int(attr["cycles"].value) if "cycles" in attr else 0
            epilogue = int(attr["epilogue"].value) if "epilogue" in attr else 0
        except (KeyError, TypeError, ValueError, AttributeError):
            raise SpatialError(op, f"{where} expects {TILE_ATTR} with dims, sizes, tile and reduce, got {attr}") from None
        if not (len(dims) == len(sizes) == len(tile)) or any(t < 1 or t > s for t, s in zip(tile, sizes)):
            raise SpatialError(op, f"{where} expects {TILE_ATTR} tile sizes in [1, size] for each of its {len(dims)} "
                           f"dims, got sizes {list(sizes)} and tile {list(tile)}")
        return cls(family, Space(dims, sizes, reduce), tile, sram, cycles, epilogue)


@dataclass(frozen=True)
class Placement:
    strategy: str
    kgroups: int
    pes: tuple[int, ...]  # linear PE id per item

    def to_attr(self) -> ir.Attribute:
        return ir.Attribute.parse(f'{{strategy = "{self.strategy}", kgroups = {self.kgroups} : i64, '
                                  f"pes = {_i64s(self.pes)}}}")

    @classmethod
    def from_op(cls, op: ir.Operation) -> "Placement | None":
        if PLACE_ATTR not in op.attributes:
            return None
        attr = op.attributes[PLACE_ATTR]
        where = f"'{op.name}' op"
        try:
            return cls(_string(attr["strategy"], where, "strategy", op), int(attr["kgroups"].value),
                       tuple(int(v) for v in attr["pes"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise SpatialError(op, f"{where} expects {PLACE_ATTR} with strategy, kgroups and pes, got {attr}") from None


def _i64s(values) -> str:
    return "array<i64: " + ", ".join(str(int(v)) for v in values) + ">" if len(values) else "array<i64>"


def _string(attr: ir.Attribute, where: str, what: str, op: ir.Operation | None = None) -> str:
    if not isinstance(attr, ir.StringAttr):
        raise SpatialError(op, f"{where} expects {TILE_ATTR} {what} to hold strings, got {attr}")
    return attr.value
