"""Data movement without arithmetic: materializing copies of layout-only ops, and concat.

`copy` (a layout-only op whose result cannot be a view, see npu.spatial.storage):
the space is the flat element index ("i") of the result, cut into chunks of S
elements that are boxes in both the source and the result shape (S = t *
prod(shape[j+1:]) with t dividing shape[j], in both shapes). Each chunk is
DMA'd ext -> SRAM -> ext: the source is the operand's view (reshape-like ops:
same row-major element order) or the op's result view of the operand
(transpose, expand, slice), so the gather happens in the first DMA.

`concat` (two operands): the space is the result's dims with the concat axis
whole; a tile loads each operand's part of the box and stores it at its
offset along the axis.

Sub-byte tensors (i4, i2, ui4, ui2, f4E2M1FN) move in whole bytes: a copy's
chunks are multiples of the elements a byte (or the whole tensor), and a concat
of them is refused here -- npu-decompose moves it as bytes
(npu.decompose.subbyte), as it does their transposes, slices and expands.
"""

from __future__ import annotations

import numpy as np

from npu.spatial.cost import Chip
from npu.spatial.family import Family, halvings, register, splits
from npu.spatial.graph import Node
from npu.spatial.plan import Space
from npu.spatial.program import nbytes
from npu.spatial.storage import view_result
from npu.spatial.subbyte import elements_per_byte, is_sub_byte

RESHAPE_LIKE = ("reshape", "squeeze", "unsqueeze", "identity")


def box_sizes(shape: tuple[int, ...]) -> set[int]:
    """Chunk sizes S whose aligned flat chunks are boxes of `shape`."""
    found = {1}
    suffix = 1
    for n in reversed(shape):
        for t in range(1, n + 1):
            if n % t == 0:
                found.add(t * suffix)
        suffix *= n
    return found


def chunk_box(shape: tuple[int, ...], start: int, size: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(lo, sizes) of the flat chunk [start, start + size) of `shape` (a box by construction)."""
    lo = tuple(int(i) for i in np.unravel_index(start, shape)) if shape else ()
    sizes, rest = [], size
    for n in reversed(shape):
        take = min(n, rest)
        sizes.append(take)
        rest //= take
    return lo, tuple(reversed(sizes))


def source_shape(node: Node) -> tuple[int, ...]:
    return node.operands[0].shape if node.name in RESHAPE_LIKE else node.out.shape


@register
class CopyFamily(Family):
    name = "copy"
    ops = ()  # chosen by npu-tile for layout-only ops that need a copy
    wide_types = True  # DMA only: every level-4 element type

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        if node.name == "slice" and any(s <= 0 for s in node.attrs.get("steps") or [1]):
            return "positive slice steps"
        return None

    def space(self, node: Node) -> Space:
        return Space(("i",), (max(node.out.numel, 1),))

    def candidates(self, node: Node, space: Space, chip: Chip):
        common = box_sizes(source_shape(node) or (1,)) & box_sizes(node.out.shape or (1,))
        per = elements_per_byte(node.out.dtype)
        common = {s for s in common if s % per == 0 or s == node.out.numel}  # whole-byte chunks
        for s in sorted(common, reverse=True):
            if chip.fits(self.step_buffers(node, (s,), chip)):
                yield (s,)

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        return [nbytes(tile, node.out.dtype)]

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        return 0.0, 2 * nbytes(tile, node.out.dtype)

    def emit(self, ctx) -> None:
        node, prog = ctx.node, ctx.prog
        src_view = ctx.view_of(node.operands[0])
        if node.name not in RESHAPE_LIKE:
            src_view = view_result(node, src_view)
        src_shape = source_shape(node) or (1,)
        src_view = src_view.reshape(src_shape) if src_view.shape != src_shape else src_view
        dst_shape = node.out.shape or (1,)
        dst_view = ctx.where()
        dst_view = dst_view.reshape(dst_shape) if dst_view.shape != dst_shape else dst_view
        (start,), (size,) = ctx.lo, ctx.sizes
        slo, ssz = chunk_box(src_shape, start, size)
        dlo, dsz = chunk_box(dst_shape, start, size)
        buf, tok = ctx.load(src_view, slo, ssz, tuple(range(len(slo))), node.out.dtype, (size,))
        prog.dma_wait([tok] if tok else [])
        tok = ctx.store(buf, dst_view, dlo, dsz, tuple(range(len(dlo))))
        prog.dma_wait([tok])
        ctx.release(buf)


@register
class ConcatFamily(Family):
    name = "concat"
    ops = ("concat",)
    wide_types = True  # DMA only: every level-4 element type

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        if is_sub_byte(node.out.dtype):
            return (f"whole-byte element types, got {node.out.dtype} (its parts may start inside a byte; "
                    f"npu-decompose moves it as bytes)")
        return None

    def space(self, node: Node) -> Space:
        return Space(tuple(f"d{i}" for i in range(len(node.out.shape))), node.out.shape)

    def candidates(self, node: Node, space: Space, chip: Chip):
        axis = int(node.attrs["axis"]) % len(space.sizes)
        dims = [d for d, s in enumerate(space.sizes) if s > 1 and d != axis][:2]
        if not dims:
            if chip.fits(self.step_buffers(node, space.sizes, chip)):
                yield tuple(space.sizes)
            return
        for t0 in splits(space.sizes[dims[0]], chip.num_pes):
            for t1 in (halvings(space.sizes[dims[1]]) if len(dims) > 1 else [None]):
                tile = list(space.sizes)
                tile[dims[0]] = t0
                if t1 is not None:
                    tile[dims[1]] = t1
                if chip.fits(self.step_buffers(node, tuple(tile), chip)):
                    yield tuple(tile)
                    break

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        return [nbytes(tile, node.out.dtype)]

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        return 0.0, 2 * nbytes(tile, node.out.dtype)

    def emit(self, ctx) -> None:
        node, prog = ctx.node, ctx.prog
        axis = int(node.attrs["axis"]) % len(ctx.lo)
        out_view = ctx.where()
        order = out_view.physical_order()
        offset = 0
        for t in node.operands:
            lo = list(ctx.lo)
            sizes = list(ctx.sizes)
            sizes[axis] = t.shape[axis]
            shape = tuple(sizes[d] for d in order)
            buf, tok = ctx.load(t, tuple(lo), tuple(sizes), order, t.dtype, shape)
            prog.dma_wait([tok] if tok else [])
            dlo = list(lo)
            dlo[axis] = offset
            tok = ctx.store(buf, out_view, tuple(dlo), tuple(sizes), order)
            prog.dma_wait([tok])
            ctx.release(buf)
            offset += t.shape[axis]
