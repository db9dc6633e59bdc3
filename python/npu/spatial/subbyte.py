"""Tile grids whose DMA boxes of sub-byte tensors move whole bytes.

Sub-byte level-4 types: i4, ui4, f4E2M1FN (two elements a byte) and i2, ui2 (four).
A DMA moves bytes: over a sub-byte buffer every run of a pattern must start on a
byte and cover whole bytes (npu_mem.dma_start; the one exception is a single run
that ends at the last element of a buffer whose last byte is partial, which also
moves that byte's padding bits). Whether a tile's box of a tensor obeys this depends on where the
box starts (its flat offset modulo the elements a byte), on its sizes (which dims merge into
runs) and on the tensor's strides -- so an int4 weight [OC, K] with K odd can be
split only into an even number of rows per tile.

`grid_moves_whole_bytes` checks every box of a regular grid over a view (boxes of
`box[d]` elements along each dim, the last one shorter) without visiting them all:
the rule depends on each box's sizes (a box is either last along a dim or not),
on its offset modulo the elements a byte and on whether it is the very last box;
the offset of box j along a dim is j * box * stride, so its residue repeats with a
period dividing the elements a byte (at most 4): the boxes at positions
{0, 1, 2, 3, n-2, n-1} along each dim represent every case.

`granule_variants` proposes tile shapes rounded to whole elements-per-byte
multiples, so a tiler can offer them next to its family's candidates; the
cost estimate and the SRAM budget still choose among what passes.
"""

from __future__ import annotations

from itertools import product
from math import prod

from npu.dialects.level4 import bits
from npu.dialects.npu_mem import whole_bytes
from npu.spatial.layout import View, box_pattern


def elements_per_byte(dtype: str) -> int:
    """How many elements of `dtype` share one byte (1 for byte-sized and wider types)."""
    b = bits(dtype)
    return 8 // b if b < 8 else 1


def is_sub_byte(dtype: str) -> bool:
    return elements_per_byte(dtype) > 1


def pattern_moves_whole_bytes(offset: int, sizes, strides, numel: int, dtype: str) -> bool:
    """The npu_mem.dma_start rule for one side of a DMA over a `numel`-element buffer of `dtype`."""
    if not is_sub_byte(dtype):
        return True
    return whole_bytes(offset, list(sizes), list(strides), numel, elements_per_byte(dtype))


def _positions(n: int) -> list[int]:
    return sorted({j for j in (0, 1, 2, 3, n - 2, n - 1) if 0 <= j < n})


def grid_moves_whole_bytes(view: View, numel: int, dtype: str, box: tuple[int, ...],
                           order: tuple[int, ...]) -> bool:
    """Whether every box of the grid of `box`-sized boxes over `view` (buffer dims in `order`)
    gives a whole-byte DMA pattern over its `numel`-element global (`view` over `numel`
    elements; the SRAM side is a contiguous buffer of the box's elements)."""
    if not is_sub_byte(dtype):
        return True
    counts = [-(-s // b) for s, b in zip(view.shape, box)]
    for js in product(*(_positions(n) for n in counts)):
        lo = tuple(j * b for j, b in zip(js, box))
        sizes = tuple(min(b, s - l) for b, s, l in zip(box, view.shape, lo))
        p = box_pattern(view, lo, sizes, order)
        if not pattern_moves_whole_bytes(p.offset, p.sizes, p.strides, numel, dtype):
            return False
        count = prod(sizes)  # the SRAM side: a fresh buffer of exactly the box
        if not pattern_moves_whole_bytes(0, (count,), (1,), count, dtype):
            return False
    return True


def granule_variants(tile: tuple[int, ...], sizes: tuple[int, ...], granule: int):
    """`tile` with each split dim (tile < size) rounded down and up to a multiple of `granule`
    (within [granule, size]), every combination; the whole space last."""
    options = []
    for t, s in zip(tile, sizes):
        opts = {t}
        if t < s and granule > 1:
            down, up = (t // granule) * granule, -(-t // granule) * granule
            opts.update(v for v in (down, up) if granule <= v <= s)
        options.append(sorted(opts))
    for combo in product(*options):
        yield tuple(combo)
    yield tuple(sizes)
