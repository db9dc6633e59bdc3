"""Matrix products (matmul, gemm, matmul_int, matmul_float) on the matrix unit (or the vector unit).

Iteration space (b, m, n, k), k the reduction: b runs over the broadcast batch
dims of the result (one batch element per tile), m and n over the rows and
columns of the result, k over the shared dimension in chunks.

One item (tile (b, m0:m1, n0:n1), K chunks c0..c1) on one PE:

    acc[m, n]   = bias broadcast over rows (DMA with a 0 row stride), or nothing
    per chunk:  A[m0:m1, k0:k1] and B[k0:k1, n0:n1] DMA'd in (gemm's transA/transB
                are views: the DMA pattern reads the transpose),
                npu_pe.matmul(A, B, acc, accumulate = not first) with the zero
                points of matmul_int (a_zp, b_zp)
    K split:    the PEs of K groups > 0 send acc to the K-group 0 PE, which adds them
    out         = acc (cast when the result type differs), DMA'd to the result box

When the target's matrix unit lacks the input type (fp32 on edge-lpddr), the
same npu_pe.matmul runs with `unit = "vector"`: the dialect gives it the
arithmetic of the matrix unit's float rule (products and partial sums rounded
to f32, ascending k, starting from acc), so the tile plan, the bias start and
the K groups are those of the matrix path and the step needs no buffer beyond
A, B and acc (no [M', K', N'] products).

`matmul_float` (fp8 / bf16 / fp16 level 2) follows its golden chain exactly
(npu.spatial.float_l2): acc from +0.0, K chunks in order on one PE (never split
over PEs), then acc * scale[n] + bias broadcast like numpy.
"""

from __future__ import annotations

from math import prod

import numpy as np

from npu.spatial import dequant_fuse, float_l2
from npu.spatial.cost import Chip
from npu.spatial.family import Family, halvings, register, splits
from npu.spatial.graph import Node
from npu.spatial.layout import Pattern, box_pattern
from npu.spatial.plan import Space
from npu.spatial.program import nbytes


def _geometry(node: Node):
    """(batch shape, M, N, K, A rank-2+ shape, B rank-2+ shape, transA, transB)."""
    a, b = node.operands[0].shape, node.operands[1].shape
    ta = int(node.attrs.get("transA", 0)) if node.name == "gemm" else 0
    tb = int(node.attrs.get("transB", 0)) if node.name == "gemm" else 0
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    m, k = (a2[-1], a2[-2]) if ta else (a2[-2], a2[-1])
    n = b2[-2] if tb else b2[-1]
    batch = tuple(np.broadcast_shapes(a2[:-2], b2[:-2]))
    return batch, m, n, k, a2, b2, ta, tb


@register
class MatmulFamily(Family):
    name = "matmul"
    ops = ("matmul", "gemm", "matmul_int", "matmul_float")
    splits_k = True
    weight_dims = ("b", "n")

    def can_split_k(self, node: Node) -> bool:
        return not float_l2.is_float_layer(node)

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        if float_l2.is_float_layer(node):
            return float_l2.unsupported(node)
        if node.name == "gemm":
            alpha, beta = node.attrs.get("alpha", 1.0), node.attrs.get("beta", 1.0)
            if alpha != 1.0 or (beta != 1.0 and len(node.operands) > 2):
                return f"alpha = 1 and beta = 1 (got alpha = {alpha}, beta = {beta})"
        dtype = node.operands[0].dtype
        if not chip.matrix_supports(dtype) and dtype != "f32":
            return f"an input type the matrix unit supports, got {dtype}"
        return None

    def space(self, node: Node) -> Space:
        batch, m, n, k, *_ = _geometry(node)
        return Space(("b", "m", "n", "k"), (prod(batch), m, n, k), ("k",))

    def candidates(self, node: Node, space: Space, chip: Chip):
        _, m, n, k = space.sizes
        mx = chip.target.pe.matrix
        dq = dequant_fuse.of(node)
        steps = dequant_fuse.granules(dq, dq.axis, 2) if dq else ()
        seen = set()
        for mt in splits(m, chip.num_pes, mx.rows):
            for nt in splits(n, chip.num_pes, mx.cols):
                for kt in halvings(k, min(k, 8)):
                    if dq is None:
                        yield (1, mt, nt, kt)
                        continue
                    # an int4 weight dequantized in SRAM: [kt, nt] boxes of the packed [K, N] constant
                    # in whole bytes, K chunks on block boundaries
                    for kv, nv in dequant_fuse.granule_options((kt, nt), (k, n), steps):
                        if (mt, nv, kv) not in seen and dequant_fuse.admissible(dq, (k, n), (kv, nv), dq.axis):
                            seen.add((mt, nv, kv))
                            yield (1, mt, nv, kv)

    def _types(self, node: Node, chip: Chip) -> tuple[str, str, bool]:
        if float_l2.is_float_layer(node):
            return float_l2.types(node, chip)
        dtype = node.operands[0].dtype
        matrix = chip.matrix_supports(dtype)
        return dtype, (chip.accumulator(dtype) if matrix else "f32"), matrix

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        _, mt, nt, kt = tile
        dtype, acc, _ = self._types(node, chip)
        dq = dequant_fuse.of(node)
        weight = dequant_fuse.box_bytes(dq, (kt, nt)) if dq else [nbytes((kt, nt), dtype)]
        bufs = [nbytes((mt, kt), dtype), *weight, nbytes((mt, nt), acc)]
        if node.out.dtype != acc:
            bufs.append(nbytes((mt, nt), node.out.dtype))
        if float_l2.is_float_layer(node):
            bufs.append(nbytes((mt, nt), "f32"))  # the bias box
        from npu.spatial.rules_eltwise import epilogue_bytes

        return bufs + epilogue_bytes(node, mt * nt)

    def partial_bytes(self, node: Node, tile, chip: Chip) -> int:
        return nbytes((tile[1], tile[2]), self._types(node, chip)[1])

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        _, mt, nt, kt = tile
        dtype, _, matrix = self._types(node, chip)
        dq = dequant_fuse.of(node)
        moved = (nbytes((mt, kt), dtype) + nbytes((kt, nt), dq.dtype if dq else dtype)
                 + nbytes((mt, nt), node.out.dtype))
        return chip.matmul_cycles(mt, nt, kt, dtype, vector=not matrix), moved

    # ------------------------------------------------------------ lowering
    def _views(self, ctx):
        node = ctx.node
        batch, m, n, k, a2, b2, ta, tb = _geometry(node)
        a = ctx.view_of(node.operands[0]).reshape(a2)
        b = ctx.view_of(node.operands[1]).reshape(b2)
        if ta:
            a = a.permute(tuple(range(len(a2) - 2)) + (len(a2) - 1, len(a2) - 2))
        if tb:
            b = b.permute(tuple(range(len(b2) - 2)) + (len(b2) - 1, len(b2) - 2))
        a = a.broadcast_to(batch + (m, k))
        b = b.broadcast_to(batch + (k, n))
        return batch, a, b

    def _bidx(self, batch, b: int) -> tuple[int, ...]:
        return tuple(int(i) for i in np.unravel_index(b, batch)) if batch else ()

    def _b_box(self, ctx, batch, bview, clo, csz):
        bidx = self._bidx(batch, ctx.lo[0])
        lo = bidx + (clo[3], clo[2])
        sizes = (1,) * len(bidx) + (csz[3], csz[2])
        return bview, lo, sizes, tuple(range(len(lo))), (csz[3], csz[2])

    def resident_boxes(self, ctx) -> list:
        node = ctx.node
        dq = dequant_fuse.of(node)  # an int4 weight dequantized in SRAM: its packed boxes stay resident
        if (node.operands[1].kind != "const" and dq is None) or node.operands[0].dtype not in (
                "i8", "i4", "f32", "bf16", "f16", "f8E4M3FN", "f8E5M2"):
            return []
        batch, _, bview = self._views(ctx)
        dtype = dq.dtype if dq else node.operands[1].dtype
        return [self._b_box(ctx, batch, bview, clo, csz) + (dtype,)
                for clo, csz in ctx.plan.chunk_boxes(ctx.lo, ctx.sizes, ctx.chunks)]

    def emit(self, ctx) -> None:
        node, prog, chip = ctx.node, ctx.prog, ctx.chip
        dtype, acc_t, matrix = self._types(node, chip)
        batch, aview, bview = self._views(ctx)
        bidx = self._bidx(batch, ctx.lo[0])
        nb = len(bidx)
        _, m0, n0, _ = ctx.lo
        _, mt, nt, _ = ctx.sizes
        acc = prog.alloc((mt, nt), acc_t)
        first = True
        pending = []
        l2 = float_l2.is_float_layer(node)
        if len(node.operands) > 2 and not ctx.is_member and not l2:
            pending.append(self._bias_into(ctx, acc, bidx, m0, n0, mt, nt))
            first = False
        dq = dequant_fuse.of(node)
        zps = {}
        if node.name == "matmul_int":
            zps = {"a_zp": int(node.attrs.get("lhs_zp", 0)), "b_zp": int(node.attrs.get("rhs_zp", 0))}
        for clo, csz in ctx.plan.chunk_boxes(ctx.lo, ctx.sizes, ctx.chunks):
            k0, kt = clo[3], csz[3]
            a, ta = ctx.load(aview, bidx + (m0, k0), (1,) * nb + (mt, kt), tuple(range(nb + 2)), dtype, (mt, kt))
            bv, lo, sizes, order, shape = self._b_box(ctx, batch, bview, clo, csz)
            b, tb = ctx.load(bv, lo, sizes, order, dq.dtype if dq else dtype, shape)
            params, ptoks = dequant_fuse.load_params(ctx, dq, (k0, clo[2]), shape) if dq else ([], [])
            prog.dma_wait([t for t in (*pending, ta, tb, *ptoks) if t])
            pending = []
            if dq is not None:  # the packed box [kt, nt] of the int4 constant, dequantized in SRAM
                packed = b
                b = dequant_fuse.dequantize_box(ctx, dq, packed, (k0, clo[2]), shape, params)
                ctx.release(packed, *params)
            prog.matmul(a, b, acc, accumulate=not first, unit="matrix" if matrix else "vector", **zps)
            first = False
            ctx.release(a, b)
        if ctx.combine_partials(acc):
            ctx.release(acc)
            return
        if l2:
            bias = (lambda: self._bias_box(ctx, bidx, m0, n0, mt, nt)) if len(node.operands) > 2 else None
            ctx.release(*float_l2.scale_and_bias(ctx, acc, n0, nt, bias))
        out = acc
        if node.out.dtype != acc_t:
            out = prog.alloc((mt, nt), node.out.dtype)
            prog.cast(acc, out)
        self._store(ctx, out, batch, bidx, m0, n0, mt, nt)
        ctx.release(*{acc, out})

    def _bias_view(self, ctx):
        """The bias broadcast (numpy rules) to the result's batch + (M, N) shape."""
        node = ctx.node
        batch, m, n, *_ = _geometry(node)
        full = batch + (m, n)
        view = ctx.view_of(node.operands[2])
        if len(view.shape) > len(full):
            view = view.reshape(view.shape[len(view.shape) - len(full):])
        return view.reshape((1,) * (len(full) - len(view.shape)) + view.shape).broadcast_to(full)

    def _bias_box(self, ctx, bidx, m0, n0, mt, nt):
        """The bias box of tile (m0:m0+mt, n0:n0+nt) as an [mt, nt] buffer (broadcast dims read with stride 0)."""
        nb = len(bidx)
        bias = ctx.node.operands[2]
        buf, tok = ctx.load(self._bias_view(ctx), bidx + (m0, n0), (1,) * nb + (mt, nt), tuple(range(nb + 2)),
                            bias.dtype, (mt, nt))
        ctx.prog.dma_wait([tok] if tok else [])
        return buf

    def _bias_into(self, ctx, acc, bidx, m0, n0, mt, nt) -> str:
        """Start acc from the bias, broadcast over the rows (and batch) by the DMA pattern."""
        node = ctx.node
        bias = node.operands[2]
        batch, m, n, *_ = _geometry(node)
        full = batch + (m, n)
        view = ctx.view_of(bias)
        if len(view.shape) > len(full):
            view = view.reshape(view.shape[len(view.shape) - len(full):])
        view = view.reshape((1,) * (len(full) - len(view.shape)) + view.shape).broadcast_to(full)
        if bias.dtype != acc.dtype:
            raise_unsupported(node, f"a bias of the accumulator type {acc.dtype}, got {bias.dtype}")
        nb = len(bidx)
        pattern = box_pattern(view, bidx + (m0, n0), (1,) * nb + (mt, nt), tuple(range(nb + 2)))
        ext = ctx.lw.globals[view.symbol]
        src = ctx.prog.global_buf(view.symbol, ext.shape, ext.dtype)
        return ctx.prog.dma(src, acc, pattern, Pattern.contiguous(mt * nt))

    def _store(self, ctx, out, batch, bidx, m0, n0, mt, nt) -> None:
        from npu.spatial.epilogue import run_epilogue

        node = ctx.node
        _, m, n, k, a2, b2, *_ = _geometry(node)
        nb = len(bidx)
        lo, sizes, order = bidx + (m0, n0), (1,) * nb + (mt, nt), tuple(range(nb + 2))
        result, tensor = run_epilogue(ctx, out, lo, sizes, order)
        view = ctx.view_of(tensor).reshape(batch + (m, n))
        tok = ctx.store(result, view, lo, sizes, order)
        ctx.prog.dma_wait([tok])
        if result is not out:
            ctx.release(result)


def raise_unsupported(node: Node, what: str):
    from npu.spatial.graph import SpatialError

    raise SpatialError(node.op, f"'{node.op.name}' op cannot lower to level 4 yet: expects {what}")
