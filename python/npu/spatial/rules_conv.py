"""2-D convolution (conv, conv_int; grouped and strided) as im2col + matrix product.

Iteration space (n, g, oh, ow, m, c): batch, group, output rows and columns,
output channels within the group, and c, the input channels within the group,
as the reduction. One item (a tile of output rows x columns x channels, input
channel chunks c0..c1) on one PE:

    acc[P, M']       = bias over the P = rows x cols outputs (DMA, 0 row stride)
    per chunk:  X box [rows + halo, cols + halo, C'] DMA'd channels-last (the halo
                rows/cols the windows need, clipped at the borders; what is
                clipped becomes im2col padding),
                cols[P, KH*KW*C'] = npu_pe.im2col(X box)   (pad value: 0, or the
                input zero point for conv_int),
                W[KH*KW*C', M'] DMA'd from OIHW by a 4-D access pattern,
                npu_pe.matmul(cols, W, acc, accumulate = not first; a_zp/b_zp)
    out box     = acc, DMA'd to the result (N, M, OH, OW) with dims (oh, ow, m).

A 1x1 kernel without padding skips im2col: the DMA reads the strided input
directly as the [P, C'] matrix. Without a matrix unit for the input type the
same npu_pe.matmul runs with `unit = "vector"` (as in rules_matmul: same
arithmetic, no products buffer, the same tile budget).

`conv_float` (fp8 / bf16 / fp16 level 2) follows its golden chain exactly
(npu.spatial.float_l2): no bias in the accumulator, taps in (c, ky, kx) order
(columns reordered after im2col, weight rows DMA'd in that order), chunks never
split over PEs, then acc * scale[c] + bias.
"""

from __future__ import annotations

from npu.spatial import dequant_fuse, float_l2
from npu.spatial.cost import Chip
from npu.spatial.epilogue import run_epilogue
from npu.spatial.family import Family, halvings, register, splits
from npu.spatial.graph import Node
from npu.spatial.layout import Pattern, View, box_pattern
from npu.spatial.plan import Space
from npu.spatial.program import nbytes
from npu.spatial.rules_eltwise import epilogue_bytes


class ConvGeometry:
    """Shapes and window parameters of a 2-D convolution or pooling node (`of(node)` caches it)."""

    @classmethod
    def of(cls, node: Node, kernel=None) -> "ConvGeometry":
        geom = node.__dict__.get("_conv_geometry")
        if geom is None:
            geom = node.__dict__["_conv_geometry"] = cls(node, kernel)
        return geom

    def __init__(self, node: Node, kernel=None):
        x = node.operands[0].shape
        y = node.out.shape
        self.n, self.c, self.h, self.w = x
        self.m, self.oh, self.ow = y[1], y[2], y[3]
        a = node.attrs
        self.kernel = tuple(kernel or a.get("kernel_shape") or node.operands[1].shape[2:])
        self.strides = tuple(a.get("strides") or (1, 1))
        self.dilations = tuple(a.get("dilations") or (1, 1))
        self.pads = tuple(a.get("pads") or (0, 0, 0, 0))
        self.group = int(a.get("group", 1))

    def window(self, axis: int, o0: int, count: int) -> tuple[int, int, int, int]:
        """Input range [lo, hi) the outputs [o0, o0+count) of an axis read, and (before, after) padding."""
        size = (self.h, self.w)[axis]
        s, d, k = self.strides[axis], self.dilations[axis], self.kernel[axis]
        r0 = o0 * s - self.pads[axis]
        r1 = (o0 + count - 1) * s - self.pads[axis] + (k - 1) * d + 1
        lo, hi = max(r0, 0), min(r1, size)
        return lo, max(hi, lo), lo - r0, r1 - max(hi, lo)

    def span(self, axis: int, count: int) -> int:
        s, d, k = self.strides[axis], self.dilations[axis], self.kernel[axis]
        return (count - 1) * s + (k - 1) * d + 1

    def window_in_padding(self) -> bool:
        """Whether some window lies wholly in the padding (a pad at least the dilated kernel)."""
        extent = [(k - 1) * d + 1 for k, d in zip(self.kernel, self.dilations)]
        return any(p >= extent[i % 2] for i, p in enumerate(self.pads))

    @property
    def pointwise(self) -> bool:
        return self.kernel == (1, 1) and not any(self.pads)


@register
class ConvFamily(Family):
    name = "conv"
    ops = ("conv", "conv_int", "conv_float")
    splits_k = True
    weight_dims = ("g", "m")

    def can_split_k(self, node: Node) -> bool:
        return not float_l2.is_float_layer(node)

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        if len(node.operands[0].shape) != 4:
            return f"a 2-D convolution (rank-4 input), got rank {len(node.operands[0].shape)}"
        dtype = node.operands[0].dtype
        if float_l2.is_float_layer(node):
            why = float_l2.unsupported(node)
            if why:
                return why
        elif not chip.matrix_supports(dtype) and dtype != "f32":
            return f"an input type the matrix unit supports, got {dtype}"
        if ConvGeometry.of(node).window_in_padding():
            return "pads smaller than the dilated kernel (no window wholly in the padding)"
        return None

    def space(self, node: Node) -> Space:
        g = ConvGeometry.of(node)
        return Space(("n", "g", "oh", "ow", "m", "c"),
                     (g.n, g.group, g.oh, g.ow, g.m // g.group, g.c // g.group), ("c",))

    def candidates(self, node: Node, space: Space, chip: Chip):
        n, groups, oh, ow, m, c = space.sizes
        mx = chip.target.pe.matrix
        dq = dequant_fuse.of(node)
        for toh in splits(oh, chip.num_pes):
            for tm in splits(m, chip.num_pes, mx.cols):
                for tow in halvings(ow):
                    if dq is not None:
                        yield from self._dequant_tiles(node, chip, dq, toh, tow, tm, m, c)
                        continue
                    fitting = next((ct for ct in halvings(c)
                                    if chip.fits(self.step_buffers(node, (1, 1, toh, tow, tm, ct), chip))), None)
                    if fitting is not None:
                        yield (1, 1, toh, tow, tm, fitting)
                        if fitting == c:
                            break

    def _dequant_tiles(self, node: Node, chip: Chip, dq, toh: int, tow: int, tm: int, m: int, c: int):
        """Tiles whose weight boxes [tm, ct * KH * KW] of the packed [OC, K] constant (seen as
        [group, M', K]) are whole bytes and start and end on block boundaries along K: tm and the
        K span rounded to those multiples, the largest fitting channel chunk for each tm."""
        g = ConvGeometry.of(node)
        taps = g.kernel[0] * g.kernel[1]
        shape = (g.group, m, c * taps)
        step_m, step_k = dequant_fuse.granules(dq, 1 if dq.axis == 1 else None, 2)
        for (tmv,) in dequant_fuse.granule_options((tm,), (m,), (step_m,)):
            for ct in halvings(c):
                for (cv,) in dequant_fuse.granule_options((ct,), (c,), (max(1, step_k // taps),)):
                    tile = (1, 1, toh, tow, tmv, cv)
                    if (dequant_fuse.admissible(dq, shape, (1, tmv, cv * taps), 2 if dq.axis == 1 else None)
                            and chip.fits(self.step_buffers(node, tile, chip))):
                        yield tile
                        break
                else:
                    continue
                break

    def _types(self, node: Node, chip: Chip):
        if float_l2.is_float_layer(node):
            return float_l2.types(node, chip)
        dtype = node.operands[0].dtype
        matrix = chip.matrix_supports(dtype)
        return dtype, (chip.accumulator(dtype) if matrix else "f32"), matrix

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        _, _, toh, tow, tm, ct = tile
        g = ConvGeometry.of(node)
        dtype, acc, _ = self._types(node, chip)
        p, kk = toh * tow, g.kernel[0] * g.kernel[1] * ct
        dq = dequant_fuse.of(node)
        if dq is None:
            weight = [nbytes((kk, tm), dtype)]
        else:  # the packed [tm, kk] box, dequantized in place of it, and its [kk, tm] transpose
            weight = dequant_fuse.box_bytes(dq, (tm, kk)) + ([nbytes((kk, tm), "f32")] if kk > 1 and tm > 1 else [])
        bufs = [nbytes((g.span(0, toh), g.span(1, tow), ct), dtype), *weight, nbytes((p, tm), acc)]
        if not g.pointwise:
            bufs.append(nbytes((p, kk), dtype))
        if node.out.dtype != acc:
            bufs.append(nbytes((p, tm), node.out.dtype))
        if float_l2.is_float_layer(node) and not g.pointwise:
            bufs.append(nbytes((p, kk), dtype))  # the columns in (c, ky, kx) order
        return bufs + epilogue_bytes(node, p * tm)

    def partial_bytes(self, node: Node, tile, chip: Chip) -> int:
        return nbytes((tile[2] * tile[3], tile[4]), self._types(node, chip)[1])

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        _, _, toh, tow, tm, ct = tile
        g = ConvGeometry.of(node)
        dtype, _, matrix = self._types(node, chip)
        p, kk = toh * tow, g.kernel[0] * g.kernel[1] * ct
        dq = dequant_fuse.of(node)
        moved = (nbytes((g.span(0, toh), g.span(1, tow), ct), dtype) + nbytes((kk, tm), dq.dtype if dq else dtype)
                 + nbytes((p, tm), node.out.dtype))
        im2col = 0 if g.pointwise else chip.vector_cycles(p * kk, dtype)
        return chip.matmul_cycles(p, tm, kk, dtype, vector=not matrix) + im2col, moved

    # ------------------------------------------------------------ lowering
    def _weight_box(self, ctx, g: ConvGeometry, gi: int, m0: int, tm: int, c0: int, ct: int):
        w = ctx.node.operands[1]
        kh, kw = g.kernel
        lo = (gi * (g.m // g.group) + m0, c0, 0, 0)
        # rows in the order im2col gives the taps: (ky, kx, c); conv_float sums in (c, ky, kx) order
        order = (1, 2, 3, 0) if float_l2.is_float_layer(ctx.node) else (2, 3, 1, 0)
        return w, lo, (tm, ct, kh, kw), order, (kh * kw * ct, tm), w.dtype

    def resident_boxes(self, ctx) -> list:
        dq = dequant_fuse.of(ctx.node)
        if ctx.node.operands[1].kind != "const" and dq is None:
            return []
        g = ConvGeometry.of(ctx.node)
        _, gi, _, _, m0, _ = ctx.lo
        tm = ctx.sizes[4]
        if dq is not None:  # the packed [tm, kk] boxes of an int4 weight dequantized in SRAM
            return [self._packed_box(ctx, g, dq, gi, m0, tm, clo[5], csz[5])
                    for clo, csz in ctx.plan.chunk_boxes(ctx.lo, ctx.sizes, ctx.chunks)]
        return [self._weight_box(ctx, g, gi, m0, tm, clo[5], csz[5])
                for clo, csz in ctx.plan.chunk_boxes(ctx.lo, ctx.sizes, ctx.chunks)]

    def emit(self, ctx) -> None:
        node, prog, chip = ctx.node, ctx.prog, ctx.chip
        g = ConvGeometry.of(node)
        dtype, acc_t, matrix = self._types(node, chip)
        n, gi, oh0, ow0, m0, _ = ctx.lo
        _, _, toh, tow, tm, _ = ctx.sizes
        p = toh * tow
        cg = g.c // g.group
        input_zp = int(node.attrs.get("input_zp", 0))
        zps = {"a_zp": input_zp, "b_zp": int(node.attrs.get("weight_zp", 0))} if node.name == "conv_int" else {}
        acc = prog.alloc((p, tm), acc_t)
        first, pending = True, []
        l2 = float_l2.is_float_layer(node)
        dq = dequant_fuse.of(node)
        if len(node.operands) > 2 and not ctx.is_member and not l2:
            pending.append(self._bias_into(ctx, acc, g, gi * (g.m // g.group) + m0, p, tm))
            first = False
        x = ctx.view_of(node.operands[0])
        for clo, csz in ctx.plan.chunk_boxes(ctx.lo, ctx.sizes, ctx.chunks):
            c0, ct = clo[5], csz[5]
            cin = gi * cg + c0
            if g.pointwise:
                strided = View(x.symbol, x.shape, (x.strides[0], x.strides[1], x.strides[2] * g.strides[0],
                                                   x.strides[3] * g.strides[1]), x.offset)
                cols, tx = ctx.load(strided, (n, cin, oh0, ow0), (1, ct, toh, tow), (0, 2, 3, 1), dtype, (p, ct))
                inp = None
            else:
                rlo, rhi, top, bottom = g.window(0, oh0, toh)
                qlo, qhi, left, right = g.window(1, ow0, tow)
                inp, tx = ctx.load(x, (n, cin, rlo, qlo), (1, ct, rhi - rlo, qhi - qlo), (0, 2, 3, 1), dtype,
                                   (rhi - rlo, qhi - qlo, ct))
            if dq is None:
                wt, lo, sizes, order, shape, wdtype = self._weight_box(ctx, g, gi, m0, tm, c0, ct)
                wbuf, tw = ctx.load(wt, lo, sizes, order, wdtype, shape)
            else:  # the packed [tm, kk] box of the [OC, K] constant (rows in (c, ky, kx) order already)
                packed_view, wlo, wsizes, worder, wshape, wdtype = self._packed_box(ctx, g, dq, gi, m0, tm, c0, ct)
                kk = wsizes[1]
                wbuf, tw = ctx.load(packed_view, wlo, wsizes, worder, wdtype, wshape)
            params, ptoks = dequant_fuse.load_params(ctx, dq, wlo, (tm, kk)) if dq else ([], [])
            prog.dma_wait([t for t in (*pending, tx, tw, *ptoks) if t])
            pending = []
            wown = wbuf
            if dq is not None:
                wbuf, wown = self._dequantized(ctx, dq, wbuf, wlo, tm, kk, params)
            if inp is not None:
                cols = prog.alloc((p, g.kernel[0] * g.kernel[1] * ct), dtype)
                prog.im2col(inp, cols, g.kernel, g.strides, (top, left, bottom, right), g.dilations,
                            input_zp if node.name == "conv_int" else 0.0)
                ctx.release(inp)
                if l2:
                    ordered = float_l2.reorder_taps(prog, cols, g.kernel[0] * g.kernel[1], ct)
                    if ordered is not cols:
                        ctx.release(cols)
                        cols = ordered
            prog.matmul(cols, wbuf, acc, accumulate=not first, unit="matrix" if matrix else "vector", **zps)
            first = False
            ctx.release(cols, wown)
        if ctx.combine_partials(acc):
            ctx.release(acc)
            return
        if l2:
            bias = (lambda: self._bias_box(ctx, g, gi * (g.m // g.group) + m0, tm)) if len(node.operands) > 2 else None
            ctx.release(*float_l2.scale_and_bias(ctx, acc, gi * (g.m // g.group) + m0, tm, bias))
        out = acc
        if node.out.dtype != acc_t:
            out = prog.alloc((p, tm), node.out.dtype)
            prog.cast(acc, out)
        lo, sizes, order = (n, gi * (g.m // g.group) + m0, oh0, ow0), (1, tm, toh, tow), (0, 2, 3, 1)
        result, tensor = run_epilogue(ctx, out, lo, sizes, order)
        tok = ctx.store(result, tensor, lo, sizes, order)
        prog.dma_wait([tok])
        ctx.release(*{acc, out})
        if result not in (acc, out):
            ctx.release(result)

    def _packed_box(self, ctx, g: ConvGeometry, dq, gi: int, m0: int, tm: int, c0: int, ct: int):
        """The [tm, ct * KH * KW] box of the packed [OC, K] constant a chunk reads (view, lo, sizes, order,
        shape, dtype)."""
        taps = g.kernel[0] * g.kernel[1]
        view = View.dense(ctx.view_of(ctx.node.operands[1]).symbol, dq.shape)
        return view, (gi * (g.m // g.group) + m0, c0 * taps), (tm, ct * taps), (0, 1), (tm, ct * taps), dq.dtype

    def _dequantized(self, ctx, dq, packed, lo, tm: int, kk: int, params):
        """The packed [tm, kk] weight box dequantized (f32) and transposed to the [kk, tm] the matmul takes
        (a view when either is 1); returns (that buffer, the buffer to release)."""
        prog = ctx.prog
        f = dequant_fuse.dequantize_box(ctx, dq, packed, lo, (tm, kk), params)
        ctx.release(packed, *params)
        if tm == 1 or kk == 1:
            return prog.view(f, (kk, tm)), f
        out = prog.alloc((kk, tm), "f32")
        prog.transpose(f, out, (1, 0))
        ctx.release(f)
        return out, out

    def _bias_box(self, ctx, g: ConvGeometry, m0: int, tm: int):
        """The bias of output channels [m0, m0 + tm) as a [1, tm] buffer."""
        bias = ctx.node.operands[2]
        buf, tok = ctx.load(ctx.view_of(bias).reshape((1, g.m)), (0, m0), (1, tm), (0, 1), bias.dtype)
        ctx.prog.dma_wait([tok] if tok else [])
        return buf

    def _bias_into(self, ctx, acc, g: ConvGeometry, m0: int, p: int, tm: int) -> str:
        bias = ctx.view_of(ctx.node.operands[2])
        view = bias.reshape((1, g.m)).broadcast_to((p, g.m))
        pattern = box_pattern(view, (0, m0), (p, tm), (0, 1))
        ext = ctx.lw.globals[view.symbol]
        src = ctx.prog.global_buf(view.symbol, ext.shape, ext.dtype)
        return ctx.prog.dma(src, acc, pattern, Pattern.contiguous(p * tm))
