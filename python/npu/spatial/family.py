"""The op families of the spatial lowering and the registry that maps an op to its family.

A family owns, for every op it covers, the three things the spatial passes ask:

* `space(node)`: the iteration space (`npu.spatial.plan.Space`) the tiler splits;
* `step_buffers(node, tile, chip)` and `step_cost(node, tile, chip)`: the SRAM
  buffers of one tile step (one K chunk of one tile) and its estimated work,
  which npu-tile's search compares;
* `emit(ctx)`: the level-4 ops of one placed item (`npu.spatial.emit.ItemCtx`).

`unsupported(node, chip)` returns why an op of the family cannot lower (an
attribute value the rule does not handle), so the passes fail with one located
line naming the op instead of dropping it. Families register by op name with
`@register`; `family_of(node)` finds the family or None.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Iterable

from npu.spatial.cost import Chip
from npu.spatial.graph import Node
from npu.spatial.plan import Space

_FAMILIES: dict[str, "Family"] = {}
_BY_NAME: dict[str, "Family"] = {}


class Family(ABC):
    """Base of the op families; each concrete family implements the abstract methods."""

    name: ClassVar[str] = ""
    ops: ClassVar[tuple[str, ...]] = ()
    # whether K chunks of one tile may run on several PEs (partial sums reduced over the NoC)
    splits_k: ClassVar[bool] = False
    # the parallel dims that select the weight block a tile reads
    weight_dims: ClassVar[tuple[str, ...]] = ()
    # whether the family handles the data-movement element types (npu.dialects.level4.WIDE_TYPES:
    # i64, ui8..ui64, f64); `register` makes the others refuse ops touching them
    wide_types: ClassVar[bool] = False

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        return None

    def can_split_k(self, node: Node) -> bool:
        """Whether this op's K chunks may run on several PEs (their partial sums added at one PE)."""
        return self.splits_k

    @abstractmethod
    def space(self, node: Node) -> Space:
        ...

    @abstractmethod
    def candidates(self, node: Node, space: Space, chip: Chip) -> Iterable[tuple[int, ...]]:
        ...

    @abstractmethod
    def step_buffers(self, node: Node, tile: tuple[int, ...], chip: Chip) -> list[int]:
        ...

    def partial_bytes(self, node: Node, tile: tuple[int, ...], chip: Chip) -> int:
        """Bytes of the partial sum a K-group 0 PE receives per K group (0: no K split)."""
        return 0

    def smallest(self, node: Node, space: Space) -> tuple[int, ...]:
        """The smallest tile the family can use (for the "does not fit" message)."""
        return (1,) * len(space.sizes)

    @abstractmethod
    def step_cost(self, node: Node, tile: tuple[int, ...], chip: Chip) -> tuple[float, int]:
        """(compute cycles, external bytes moved) of one step of a full tile."""
        ...

    def resident_boxes(self, ctx) -> list:
        """Constant boxes an item reads in every step (loaded once per layer, shareable by multicast)."""
        return []

    @abstractmethod
    def emit(self, ctx) -> None:
        ...


def wide_type_refusal(node: Node) -> str | None:
    """Why a family without `wide_types` cannot lower `node`, if a tensor of it has such a type."""
    from npu.dialects.level4 import is_wide

    for t in (*node.operands, *node.results):
        if t is not None and is_wide(t.dtype):
            return (f"element types the compute units take, got {t.dtype} (level 4 only moves, casts, "
                    f"compares and selects it, with a few exact elementwise kinds)")
    return None


def register(cls: type[Family]) -> type[Family]:
    if not cls.wide_types:  # refuse the data-movement types before the family's own checks
        own = cls.unsupported

        def unsupported(self, node: Node, chip: Chip) -> str | None:
            return wide_type_refusal(node) or own(self, node, chip)

        cls.unsupported = unsupported
    inst = cls()
    _BY_NAME[cls.name] = inst
    for op in cls.ops:
        _FAMILIES[op] = inst
    return cls


def family_of(node: Node) -> Family | None:
    _load()
    return _FAMILIES.get(node.name)


def family_named(name: str) -> Family | None:
    _load()
    return _BY_NAME.get(name)


def supported_ops() -> list[str]:
    _load()
    return sorted(_FAMILIES)


_LOADED = False


def _load() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        import importlib

        for module in ("rules_conv", "rules_copy", "rules_eltwise", "rules_lrn", "rules_matmul", "rules_pool", "rules_rows"):
            importlib.import_module(f"npu.spatial.{module}")


# ------------------------------------------------------------------ candidate tile sizes

def splits(size: int, num_pes: int, align: int = 1, extra: Iterable[int] = ()) -> list[int]:
    """Candidate tile sizes for one dim: the whole dim, even splits into up to 2 x num_pes
    pieces, and multiples of `align` (matrix-unit alignment), each in [1, size]."""
    found = {size}
    for k in range(1, min(size, 2 * num_pes) + 1):
        t = -(-size // k)
        if align > 1 and t > align:
            t = -(-t // align) * align
        found.add(min(t, size))
    a = align
    while a < size:
        found.add(a)
        a *= 2
    found.update(e for e in extra if 1 <= e <= size)
    return sorted(found)


def halvings(size: int, minimum: int = 1) -> list[int]:
    """size, ceil(size/2), ceil(size/4), ... down to `minimum` (for dims rarely worth splitting)."""
    out, t = [], size
    while True:
        out.append(t)
        if t <= minimum:
            break
        t = max(minimum, -(-t // 2))
        if t == out[-1]:
            break
    return out
