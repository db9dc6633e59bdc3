"""Local response normalization (ONNX LRN, `npu_tensor.lrn`) across channels, float32.

    y = x / (bias + alpha/size * sum_{c' in window(c)} x[c']^2) ** beta,
    window(c) = [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C)

Iteration space: the input's dims (n, c, spatial...); the channel dim is never
split, the others are tiled like the row family's kept dims. One tile on one
PE is DMA'd channels-first as a buffer X[C, R] (R = the tile's other elements)
and computed with vector ops only:

    P[C + size - 1, R] = 0 (npu_pe.fill); P[lo : lo + C] = X * X (binary mul into a view)
    S[C, R]            = sum_{k < size} P[k : k + C]   (views at channel offsets k, binary add)
    D                  = S * (alpha/size) + bias       (binary mul / add with [1, 1] constants)
    D                  = exp(beta * log(D))            (unary log, binary mul, unary exp)
    Y                  = X / D                         (binary div), DMA'd back to the box

The zero rows of P are the channels outside [0, C): the shifted views need no
border cases. `pow` is exp(beta * log(D)), exact in real arithmetic for D > 0;
D >= bias, and ONNX LRN needs bias > 0 for a finite result, so the rule asks
for bias > 0.

Float bound (u = 2^-24, f32 per-op rounding as docs/spatial.md states): the
squares and the size-term positive sum give D a relative error of at most
about (size + 3) u; log/mul/exp turn a relative error e of D into a relative
error beta*e of D**beta plus about 3 u (1 + |beta ln D|); the division adds
u. So |y4 - y| <= (beta (size + 3) + 3 (1 + |beta ln D|) + 2) u |y| to first
order, against the golden float64 result rounded once (+ u |y|).
"""

from __future__ import annotations

from math import prod

import numpy as np

from npu.spatial.cost import Chip
from npu.spatial.family import Family, register, splits
from npu.spatial.graph import Node
from npu.spatial.plan import Space
from npu.spatial.program import nbytes


def lrn_params(node: Node) -> tuple[int, float, float, float]:
    """(size, alpha, beta, bias) with the ONNX defaults."""
    a = node.attrs
    return (int(a["size"]), float(a.get("alpha", 1e-4)), float(a.get("beta", 0.75)),
            float(a.get("bias", 1.0)))


@register
class LrnFamily(Family):
    name = "lrn"
    ops = ("lrn",)

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        dtype = node.operands[0].dtype
        if dtype != "f32" or node.out.dtype != "f32":
            return f"f32 data, got {dtype}"
        if len(node.operands[0].shape) < 2:
            return f"an input of rank >= 2, got rank {len(node.operands[0].shape)}"
        size, _, _, bias = lrn_params(node)
        if size < 1:
            return f"size >= 1, got {size}"
        if not bias > 0:
            return f"bias > 0 (pow by exp/log of a positive base), got {bias}"
        return None

    def space(self, node: Node) -> Space:
        shape = node.operands[0].shape
        return Space(tuple(f"d{i}" for i in range(len(shape))), shape)

    def candidates(self, node: Node, space: Space, chip: Chip):
        kept = [d for d in node.operands[0].storage_order() if d != 1 and space.sizes[d] > 1]
        if not kept:
            tile = tuple(space.sizes)
            if chip.fits(self.step_buffers(node, tile, chip)):
                yield tile
            return
        # split the outermost kept dim; further kept dims halve while the tile does not fit
        d0 = kept[0]
        for t0 in splits(space.sizes[d0], chip.num_pes):
            tile = list(space.sizes)
            tile[d0] = t0
            for d in kept[1:]:
                while tile[d] > 1 and not chip.fits(self.step_buffers(node, tuple(tile), chip)):
                    tile[d] = -(-tile[d] // 2)
            if chip.fits(self.step_buffers(node, tuple(tile), chip)):
                yield tuple(tile)

    def smallest(self, node: Node, space: Space) -> tuple[int, ...]:
        return tuple(s if d == 1 else 1 for d, s in enumerate(space.sizes))

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        size = lrn_params(node)[0]
        c = tile[1]
        rest = prod(tile) // c
        return [nbytes(tile, "f32"), nbytes((c + size - 1, rest), "f32"), nbytes(tile, "f32")] \
            + [nbytes((1, 1), "f32")] * 3

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        size = lrn_params(node)[0]
        n = prod(tile)
        # fill, mul, size - 1 adds, scale, bias, log, beta, exp, div (plus the copy of the first view)
        return chip.vector_cycles((size + 9) * n, "f32"), 2 * nbytes(tile, "f32")

    # ------------------------------------------------------------ lowering
    def _scalar(self, ctx, value: float, hint: str):
        view = ctx.lw.constant(np.array([[value]], dtype=np.float32), hint, "f32", ctx.prog.loc)
        buf, tok = ctx.load(view, (0, 0), (1, 1), (0, 1), "f32")
        ctx.prog.dma_wait([tok] if tok else [])
        return buf

    def emit(self, ctx) -> None:
        node, prog = ctx.node, ctx.prog
        size, alpha, beta, bias = lrn_params(node)
        order = (1,) + tuple(d for d in ctx.view_of(node.operands[0]).physical_order() if d != 1)
        c = ctx.sizes[1]
        rest = prod(ctx.sizes) // c
        x, tok = ctx.load(node.operands[0], ctx.lo, ctx.sizes, order, "f32", (c, rest))
        prog.dma_wait([tok] if tok else [])
        lo = (size - 1) // 2
        row = rest * 4  # bytes of one channel row
        padded = prog.alloc((c + size - 1, rest), "f32")
        if size > 1:
            prog.fill(padded, 0.0)
        prog.binary("mul", x, x, prog.view(padded, (c, rest), byte_offset=lo * row))
        d = prog.alloc((c, rest), "f32")
        prog.unary("copy", prog.view(padded, (c, rest)), d)
        for k in range(1, size):
            prog.binary("add", d, prog.view(padded, (c, rest), byte_offset=k * row), d)
        consts = [self._scalar(ctx, alpha / size, "lrn_scale"), self._scalar(ctx, bias, "lrn_bias"),
                  self._scalar(ctx, beta, "lrn_beta")]
        prog.binary("mul", d, consts[0], d)
        prog.binary("add", d, consts[1], d)
        prog.unary("log", d, d)
        prog.binary("mul", d, consts[2], d)
        prog.unary("exp", d, d)
        prog.binary("div", x, d, x)
        tok = ctx.store(x, node.out, ctx.lo, ctx.sizes, order)
        prog.dma_wait([tok])
        ctx.release(x, padded, d, *consts)
