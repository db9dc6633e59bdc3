"""2-D max and average pooling as im2col + a vector reduction over the window axis.

Iteration space (n, oh, ow, c), all parallel (windows never cross channels).
One tile on one PE:

    X box [rows + halo, cols + halo, C'] DMA'd channels-last (borders clipped),
    cols[P, KH*KW*C'] = npu_pe.im2col(X box)  (pad value -inf / the type's minimum
                        for max, 0 for average: padding never wins, adds nothing)
    out[P, 1, C']    = npu_pe.reduce max|sum over axis 1 of cols viewed [P, KH*KW, C']
    average:           out /= count, the number of window elements counted
                       (inside the input, or inside input + explicit pads with
                       count_include_pad), a compile-time constant per position
    out DMA'd to the result box (N, C, OH, OW) with dims (oh, ow, c).
"""

from __future__ import annotations

import numpy as np

from npu.spatial.cost import Chip
from npu.spatial.family import Family, halvings, register, splits
from npu.spatial.graph import Node
from npu.spatial.plan import Space
from npu.spatial.program import FLOAT_TYPES, nbytes
from npu.spatial.rules_conv import ConvGeometry


def window_counts(g: ConvGeometry, include_pad: bool) -> np.ndarray:
    """[OH, OW] number of window elements that count for an average (separable per axis)."""
    per_axis = []
    for axis, (size, out) in enumerate(((g.h, g.oh), (g.w, g.ow))):
        lo = -g.pads[axis] if include_pad else 0
        hi = size + (g.pads[axis + 2] if include_pad else 0)
        pos = (np.arange(out) * g.strides[axis] - g.pads[axis])[:, None] \
            + np.arange(g.kernel[axis])[None, :] * g.dilations[axis]
        per_axis.append(((pos >= lo) & (pos < hi)).sum(axis=1))
    return np.multiply.outer(per_axis[0], per_axis[1]).astype(np.float32)


@register
class PoolFamily(Family):
    name = "pool"
    ops = ("max_pool", "average_pool")

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        if len(node.operands[0].shape) != 4:
            return f"2-D pooling (rank-4 input), got rank {len(node.operands[0].shape)}"
        if len(node.results) > 1 and node.results[1].consumers:
            return "no use of the max_pool indices result"
        if node.name == "average_pool" and node.out.dtype not in FLOAT_TYPES:
            return f"float data for average_pool, got {node.out.dtype}"
        if ConvGeometry.of(node, node.attrs["kernel_shape"]).window_in_padding():
            return "pads smaller than the dilated kernel (no window wholly in the padding)"
        return None

    def space(self, node: Node) -> Space:
        g = ConvGeometry.of(node, node.attrs["kernel_shape"])
        return Space(("n", "oh", "ow", "c"), (g.n, g.oh, g.ow, g.c))

    def candidates(self, node: Node, space: Space, chip: Chip):
        n, oh, ow, c = space.sizes
        for toh in splits(oh, chip.num_pes):
            for tc in splits(c, chip.num_pes):
                for tow in halvings(ow):
                    if chip.fits(self.step_buffers(node, (1, toh, tow, tc), chip)):
                        yield (1, toh, tow, tc)
                        break

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        _, toh, tow, tc = tile
        g = ConvGeometry.of(node, node.attrs["kernel_shape"])
        dtype = node.out.dtype
        p, kk = toh * tow, g.kernel[0] * g.kernel[1]
        return [nbytes((g.span(0, toh), g.span(1, tow), tc), dtype), nbytes((p, kk * tc), dtype),
                nbytes((p, tc), dtype), nbytes((p,), "f32")]

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        _, toh, tow, tc = tile
        g = ConvGeometry.of(node, node.attrs["kernel_shape"])
        dtype = node.out.dtype
        p, kk = toh * tow, g.kernel[0] * g.kernel[1]
        moved = nbytes((g.span(0, toh), g.span(1, tow), tc), dtype) + nbytes((p, tc), dtype)
        return chip.vector_cycles(2 * p * kk * tc, dtype), moved

    def emit(self, ctx) -> None:
        node, prog = ctx.node, ctx.prog
        g = ConvGeometry.of(node, node.attrs["kernel_shape"])
        dtype = node.out.dtype
        n, oh0, ow0, c0 = ctx.lo
        _, toh, tow, tc = ctx.sizes
        p, kk = toh * tow, g.kernel[0] * g.kernel[1]
        rlo, rhi, top, bottom = g.window(0, oh0, toh)
        qlo, qhi, left, right = g.window(1, ow0, tow)
        inp, tx = ctx.load(node.operands[0], (n, c0, rlo, qlo), (1, tc, rhi - rlo, qhi - qlo), (0, 2, 3, 1),
                           dtype, (rhi - rlo, qhi - qlo, tc))
        is_max = node.name == "max_pool"
        tokens = [tx]
        count = None
        if not is_max:
            counts = window_counts(g, bool(node.attrs.get("count_include_pad", 0)))
            if np.all(counts == counts.flat[0]):
                view = ctx.lw.constant(counts.reshape(-1)[:1].reshape(1, 1, 1), "pool_count", "f32", ctx.prog.loc)
                count, tc_ = ctx.load(view, (0, 0, 0), (1, 1, 1), (0, 1, 2), "f32")
            else:
                view = ctx.lw.constant(counts, "pool_counts", "f32", ctx.prog.loc)
                count, tc_ = ctx.load(view, (oh0, ow0), (toh, tow), (0, 1), "f32", (p, 1, 1))
            tokens.append(tc_)
        prog.dma_wait([t for t in tokens if t])
        cols = prog.alloc((p, kk * tc), dtype)
        pad = (float("-inf") if dtype in FLOAT_TYPES else -(1 << (int(dtype[1:]) - 1))) if is_max else 0.0
        prog.im2col(inp, cols, g.kernel, g.strides, (top, left, bottom, right), g.dilations, pad)
        ctx.release(inp)
        out = prog.alloc((p, 1, tc), dtype)
        prog.reduce("max" if is_max else "sum", 1, prog.view(cols, (p, kk, tc)), out)
        ctx.release(cols)
        if count is not None:
            prog.binary("div", out, count, out)
            ctx.release(count)
        tok = ctx.store(out, node.out, (n, c0, oh0, ow0), (1, tc, toh, tow), (0, 2, 3, 1))
        prog.dma_wait([tok])
        ctx.release(out)
