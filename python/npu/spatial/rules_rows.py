"""Ops that reduce along some axes: softmax, log_softmax, layer normalization (float and integer),
reduce_*, global pooling.

Iteration space: the input's dims, the reduced ("row") dims being its reduce
dims. The other dims are tiled; the row dims stay whole whenever some tile with
whole rows fits the SRAM budget, and only otherwise are cut into chunks (tile
steps on one PE, or K groups on several PEs), which npu.spatial.rows_split
lowers (partial row statistics combined across chunks and PEs). A tile with
whole rows on one PE is loaded as a buffer [outer, L, inner] (L = the row
elements, contiguous in the buffer: the dims are ordered as the input is stored
when the row dims are adjacent there, else kept dims first and row dims last),
and reduced along axis 1 with npu_pe.reduce, so the per-row results
[outer, 1, inner] broadcast back over the rows:

    softmax      = exp(x - max) / sum(exp(x - max))
    log_softmax  = (x - max) - log(sum(exp(x - max)))
    layer_norm   = (x - mean) * rsqrt(mean((x - mean)^2) + eps) * scale + bias
                   (mean / inv_std_dev results stored when used)
    softmax_int, layer_norm_int: the integer algorithms of npu.numerics.normalization,
                   step for step (rules_norm_int)
    reduce sum / max / min, mean = sum / L;  reduce_sum_int = sum(x) - L * input_zp (exact in i32)
    global_average_pool / global_max_pool = reduce mean / max over the spatial dims

Narrow float data (bf16, f16) is widened to f32 (`widen`), computed as above and
rounded once to the result type (`narrowed`); max / min stay in the input type (exact).
"""

from __future__ import annotations

from math import prod

import numpy as np

from npu.spatial import rows_split
from npu.spatial.cost import Chip
from npu.spatial.family import Family, register, splits
from npu.spatial.graph import Node
from npu.spatial.plan import Space
from npu.spatial.program import FLOAT_TYPES, nbytes

_REDUCE = {"reduce_sum": "sum", "reduce_mean": "sum", "reduce_max": "max", "reduce_min": "min",
           "reduce_sum_int": "sum", "global_average_pool": "sum", "global_max_pool": "max"}


_INT_NORM = ("softmax_int", "layer_norm_int")  # rules_norm_int: int8 in, int8 out
_ELEMENTWISE_OUT = ("softmax", "log_softmax", "layer_normalization", *_INT_NORM)


def row_axes(node: Node) -> tuple[int, ...]:
    rank = len(node.operands[0].shape)
    a = node.attrs
    if node.name in ("softmax", "log_softmax", "softmax_int"):
        return (int(a.get("axis", -1)) % rank,)
    if node.name in ("layer_normalization", "layer_norm_int"):
        return tuple(range(int(a.get("axis", -1)) % rank, rank))
    if node.name.startswith("global_"):
        return tuple(range(2, rank))
    axes = a.get("axes") or []
    if not axes:
        return tuple(range(rank))
    return tuple(sorted(int(x) % rank for x in axes))


def widen(ctx, buf):
    """An f32 copy of a narrow-float buffer (bf16, f16, fp8), the buffer itself otherwise: float rows compute in f32."""
    if buf.dtype not in FLOAT_TYPES or buf.dtype == "f32":
        return buf
    wide = ctx.prog.alloc(buf.shape, "f32")
    ctx.prog.cast(buf, wide)
    return wide


def narrowed(ctx, buf, dtype: str):
    """`buf` cast to `dtype` (a fresh buffer) when its type differs, else `buf`."""
    if buf.dtype == dtype:
        return buf
    out = ctx.prog.alloc(buf.shape, dtype)
    ctx.prog.cast(buf, out)
    return out


@register
class RowsFamily(Family):
    name = "rows"
    ops = ("softmax", "log_softmax", "layer_normalization", *_INT_NORM, *_REDUCE)

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        dtype = node.operands[0].dtype
        if node.name in _INT_NORM:
            return self._too_long(node, chip) if dtype == "i8" and node.out.dtype == "i8" else f"int8 data, got {dtype}"
        if node.name != "reduce_sum_int" and node.name not in ("reduce_max", "reduce_min", "global_max_pool") \
                and dtype not in FLOAT_TYPES:
            return f"float data, got {dtype}"
        if node.name.startswith("reduce") and not node.attrs.get("axes") and node.attrs.get("noop_with_empty_axes"):
            return "a non-empty axes list"
        return self._too_long(node, chip)

    def _too_long(self, node: Node, chip: Chip) -> str | None:
        """Why no tile fits even with the row cut into one-element chunks (the per-row state does not fit)."""
        shape = node.operands[0].shape
        rows = row_axes(node)
        whole = tuple(s if d in rows else 1 for d, s in enumerate(shape))
        if chip.fits(self.step_buffers(node, whole, chip)):
            return None
        one = (1,) * len(shape)
        need = chip.footprint(self.step_buffers(node, one, chip))
        if chip.fits(self.step_buffers(node, one, chip)):
            return None
        return (f"a row that fits the {chip.sram_budget}-byte SRAM budget of target '{chip.target.chip.name}' "
                f"when cut into chunks: its rows of {prod(shape[d] for d in rows)} elements (dims "
                f"{list(rows)}) need {need} bytes even in one-element chunks")

    def space(self, node: Node) -> Space:
        shape = node.operands[0].shape
        dims = tuple(f"d{i}" for i in range(len(shape)))
        return Space(dims, shape, tuple(dims[d] for d in row_axes(node)))

    def can_split_k(self, node: Node) -> bool:
        return True  # chunks of a split row may run on several PEs (rows_split.allreduce)

    def partial_bytes(self, node: Node, tile, chip: Chip) -> int:
        return nbytes((self._per_row(node, tile),), self._work(node))

    def _per_row(self, node: Node, tile) -> int:
        return prod(tile) // max(prod(tile[d] for d in row_axes(node)), 1)

    def _work(self, node: Node) -> str:
        return "f32" if node.operands[0].dtype in FLOAT_TYPES else "i32"

    def splits_row(self, node: Node, tile) -> bool:
        shape = node.operands[0].shape
        return any(tile[d] < shape[d] for d in row_axes(node))

    def candidates(self, node: Node, space: Space, chip: Chip):
        whole = list(self._whole_row_candidates(node, space, chip))
        yield from whole
        if not whole:  # no whole row fits: cut the rows into chunks (npu.spatial.rows_split)
            yield from self._split_row_candidates(node, space, chip)

    def _split_row_candidates(self, node: Node, space: Space, chip: Chip):
        """Tiles of one step along every kept dim but the outermost, whose row dims are halved, the outermost
        row dim in storage order first (a chunk stays a contiguous run when the row is stored contiguously);
        for each row chunk that fits, the outermost kept dim's even splits that still fit."""
        order = node.operands[0].storage_order()
        rows = set(row_axes(node))
        row_order = [d for d in order if d in rows]
        kept = [d for d in order if d not in rows and space.sizes[d] > 1]
        tile = [1 if d not in rows else s for d, s in enumerate(space.sizes)]
        seen = set()
        for r in row_order:
            while True:
                if chip.fits(self.step_buffers(node, tuple(tile), chip)):
                    sizes = splits(space.sizes[kept[0]], chip.num_pes) if kept else [1]
                    for t0 in sizes:
                        cand = list(tile)
                        if kept:
                            cand[kept[0]] = t0
                        cand = tuple(cand)
                        if cand not in seen and chip.fits(self.step_buffers(node, cand, chip)):
                            seen.add(cand)
                            yield cand
                if tile[r] == 1:
                    break
                tile[r] = -(-tile[r] // 2)

    def _whole_row_candidates(self, node: Node, space: Space, chip: Chip):
        rows = set(row_axes(node))
        kept = [d for d in node.operands[0].storage_order() if d not in rows and space.sizes[d] > 1]
        if not kept:
            tile = tuple(space.sizes)
            if chip.fits(self.step_buffers(node, tile, chip)):
                yield tile
            return
        # split the outermost kept dim; further kept dims split by halving when the first is down to 1
        d0 = kept[0]
        for t0 in splits(space.sizes[d0], chip.num_pes):
            tile = list(space.sizes)
            tile[d0] = t0
            for d in kept[1:]:
                if chip.fits(self.step_buffers(node, tuple(tile), chip)):
                    break
                while tile[d] > 1 and not chip.fits(self.step_buffers(node, tuple(tile), chip)):
                    tile[d] = -(-tile[d] // 2)
            if chip.fits(self.step_buffers(node, tuple(tile), chip)):
                yield tuple(tile)

    def smallest(self, node: Node, space: Space) -> tuple[int, ...]:
        rows = row_axes(node)
        return tuple(s if d in rows else 1 for d, s in enumerate(space.sizes))

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        dtype = node.operands[0].dtype
        rows = row_axes(node)
        rowlen = prod(tile[d] for d in rows)
        per_row = prod(tile) // max(rowlen, 1)
        work = "f32" if dtype in FLOAT_TYPES else "i32"
        bufs = [nbytes(tile, dtype), nbytes((per_row,), work), nbytes((per_row,), work)]
        if node.name in ("layer_normalization", "softmax", "log_softmax"):
            bufs += [nbytes(tile, dtype), nbytes((rowlen,), dtype), nbytes((rowlen,), dtype)]
        elif node.name in _INT_NORM:  # two i32 tiles, an i16 one, the i8 result, row values, tables, gamma/beta
            bufs += [nbytes(tile, "i32")] * 2 + [nbytes(tile, "i16"), nbytes(tile, "i8")]
            bufs += [nbytes((per_row,), "i32")] * 5 + [nbytes((513,), "i16")] * 2 + [nbytes((rowlen,), "i32")] * 2
        if dtype in FLOAT_TYPES and dtype != "f32":  # narrow floats compute in f32: the widened tile and result
            bufs += [nbytes(tile, "f32")] * 2
        if self.splits_row(node, tile):  # a chunk's partial statistic and more running statistics
            bufs += [nbytes((per_row,), work)] * (4 if node.name in _INT_NORM else 2)
            if node.name in _INT_NORM:  # pass 2 of layer_norm_int holds u, c and h * h of a chunk
                bufs.append(nbytes(tile, "i32"))
        return bufs

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        dtype = node.operands[0].dtype
        n = prod(tile)
        rows = row_axes(node)
        out = n if node.name in _ELEMENTWISE_OUT else n // prod(tile[d] for d in rows)
        # a split row reads each chunk once per pass (rows_split: three passes but for reductions)
        loads = 1 if not self.splits_row(node, tile) or node.name in _REDUCE else 3
        moved = loads * nbytes(tile, dtype) + nbytes((out,), node.out.dtype)
        if node.name in _INT_NORM:  # about 16 full-tile vector steps on i32 (rules_norm_int)
            return chip.vector_cycles(16 * n + 8 * (loads - 1) * n, "i32"), moved
        return chip.vector_cycles(6 * n + 2 * (loads - 1) * n, dtype), moved

    # ------------------------------------------------------------ lowering
    def _order(self, ctx, rows) -> tuple[tuple[int, ...], int, int, int]:
        """Buffer dim order, and (outer, L, inner) of the tile viewed around the contiguous row dims."""
        order = ctx.view_of(ctx.node.operands[0]).physical_order()
        pos = sorted(order.index(d) for d in rows)
        if pos != list(range(pos[0], pos[0] + len(pos))):
            order = tuple(d for d in order if d not in rows) + tuple(rows)
            pos = list(range(len(order) - len(rows), len(order)))
        sizes = [ctx.sizes[d] for d in order]
        outer = prod(sizes[:pos[0]])
        length = prod(sizes[pos[0]:pos[-1] + 1])
        inner = prod(sizes[pos[-1] + 1:])
        return order, outer, length, inner

    def emit(self, ctx) -> None:
        node, prog = ctx.node, ctx.prog
        rows = row_axes(node)
        if rows_split.splits_rows(ctx.plan):
            rows_split.emit(self, ctx, rows)
            return
        order, outer, length, inner = self._order(ctx, rows)
        dtype = node.operands[0].dtype
        x, tok = ctx.load(node.operands[0], ctx.lo, ctx.sizes, order, dtype, (outer, length, inner))
        prog.dma_wait([tok] if tok else [])
        if node.name in _REDUCE:
            self._reduce(ctx, x, order, rows, (outer, length, inner))
        elif node.name in _INT_NORM:
            from npu.spatial import rules_norm_int

            if node.name == "softmax_int":
                out = rules_norm_int.softmax_int(self, ctx, x, (outer, length, inner))
            else:
                out = rules_norm_int.layer_norm_int(self, ctx, x, order, (outer, length, inner))
            tok = ctx.store(out, node.out, ctx.lo, ctx.sizes, order)
            prog.dma_wait([tok])
            ctx.release(x, out)
        elif node.name == "layer_normalization":
            self._layer_norm(ctx, x, order, rows, (outer, length, inner))
        else:
            self._softmax(ctx, x, order, (outer, length, inner))

    def _row_stat(self, ctx, kind: str, x, shape, dtype: str):
        outer, _, inner = shape
        out = ctx.prog.alloc((outer, 1, inner), dtype)
        ctx.prog.reduce(kind, 1, x, out)
        return out

    def _scalar(self, ctx, value, dtype: str, hint: str):
        view = ctx.lw.constant(np.array([[[value]]], dtype=np.float32 if dtype == "f32" else np.int32), hint, dtype,
                                ctx.prog.loc)
        buf, tok = ctx.load(view, (0, 0, 0), (1, 1, 1), (0, 1, 2), dtype)
        ctx.prog.dma_wait([tok] if tok else [])
        return buf

    def _row_param(self, ctx, t, order, length: int):
        """A per-row-element parameter (layer norm scale / bias, broadcast against the reduced dims) as a
        [1, L, 1] buffer in the tile's row order."""
        rank = len(ctx.lo)
        pshape = (1,) * (rank - len(t.shape)) + t.shape
        view = ctx.view_of(t).reshape(pshape)
        lo = tuple(ctx.lo[d] if pshape[d] != 1 else 0 for d in range(rank))
        sizes = tuple(ctx.sizes[d] if pshape[d] != 1 else 1 for d in range(rank))
        buf, tok = ctx.load(view, lo, sizes, order, t.dtype, (1, length, 1))
        ctx.prog.dma_wait([tok] if tok else [])
        return buf

    def _reduce(self, ctx, x, order, rows, shape) -> None:
        node, prog = ctx.node, ctx.prog
        kind = _REDUCE[node.name]
        out_t = node.out.dtype
        work = "f32" if kind == "sum" and out_t in FLOAT_TYPES else out_t  # narrow float sums accumulate in f32
        red = self._row_stat(ctx, kind, x, shape, work)
        consts = []
        if node.name in ("reduce_mean", "global_average_pool"):
            consts.append(self._scalar(ctx, float(shape[1]), work, "row_count"))
            prog.binary("div", red, consts[-1], red)
        elif node.name == "reduce_sum_int" and int(node.attrs.get("input_zp", 0)):
            consts.append(self._scalar(ctx, shape[1] * int(node.attrs["input_zp"]), "i32", "row_zp_sum"))
            prog.binary("sub", red, consts[-1], red)
        keep = node.name.startswith("global_") or bool(node.attrs.get("keepdims", 1))
        out = narrowed(ctx, red, out_t)
        self._store_rows(ctx, out, order, rows, keep, node.out)
        ctx.release(x, *{red, out}, *consts)

    def _store_rows(self, ctx, buf, order, rows, keep: bool, tensor) -> None:
        """Store per-row results (rows collapsed to size 1, or dropped when not kept)."""
        kept = [d for d in order if d not in rows]
        if keep:
            lo = tuple(0 if d in rows else ctx.lo[d] for d in range(len(ctx.lo)))
            sizes = tuple(1 if d in rows else ctx.sizes[d] for d in range(len(ctx.sizes)))
            tok = ctx.store(buf, tensor, lo, sizes, order)
        else:
            out_dims = [d for d in range(len(ctx.lo)) if d not in rows]
            view = ctx.view_of(tensor)
            if not out_dims:
                view, lo, sizes, border = view.reshape((1,)), (0,), (1,), (0,)
            else:
                index = {d: i for i, d in enumerate(out_dims)}
                lo = tuple(ctx.lo[d] for d in out_dims)
                sizes = tuple(ctx.sizes[d] for d in out_dims)
                border = tuple(index[d] for d in kept)
            tok = ctx.store(buf, view, lo, sizes, border)
        ctx.prog.dma_wait([tok])

    def _softmax(self, ctx, loaded, order, shape) -> None:
        node, prog = ctx.node, ctx.prog
        x = widen(ctx, loaded)
        mx = self._row_stat(ctx, "max", x, shape, x.dtype)
        prog.binary("sub", x, mx, x)
        e = prog.alloc(x.shape, x.dtype)
        prog.unary("exp", x, e)
        s = self._row_stat(ctx, "sum", e, shape, x.dtype)
        if node.name == "softmax":
            prog.binary("div", e, s, e)
            result = e
        else:
            prog.unary("log", s, s)
            prog.binary("sub", x, s, x)
            result = x
        out = narrowed(ctx, result, node.out.dtype)
        tok = ctx.store(out, node.out, ctx.lo, ctx.sizes, order)
        prog.dma_wait([tok])
        ctx.release(*{loaded, x, out, mx, e, s})

    def _layer_norm(self, ctx, loaded, order, rows, shape) -> None:
        node, prog = ctx.node, ctx.prog
        x = widen(ctx, loaded)
        outer, length, inner = shape
        eps = float(node.attrs.get("epsilon", 1e-5))
        count = self._scalar(ctx, float(length), "f32", "row_count")
        mean = self._row_stat(ctx, "sum", x, shape, "f32")
        prog.binary("div", mean, count, mean)
        prog.binary("sub", x, mean, x)
        sq = prog.alloc(x.shape, x.dtype)
        prog.binary("mul", x, x, sq)
        inv = self._row_stat(ctx, "sum", sq, shape, "f32")
        prog.binary("div", inv, count, inv)
        epsilon = self._scalar(ctx, eps, "f32", "ln_eps")
        prog.binary("add", inv, epsilon, inv)
        prog.unary("rsqrt", inv, inv)
        prog.binary("mul", x, inv, x)
        params = []
        for i, kind in ((1, "mul"), (2, "add")):
            if len(node.operands) > i and node.operands[i] is not None:
                buf = self._row_param(ctx, node.operands[i], order, length)
                wide = widen(ctx, buf)
                prog.binary(kind, x, wide, x)
                params += list({buf, wide})
        out = narrowed(ctx, x, node.out.dtype)
        tok = ctx.store(out, node.out, ctx.lo, ctx.sizes, order)
        prog.dma_wait([tok])
        self.store_stats(ctx, mean, inv, order, rows)
        ctx.release(*{loaded, x, out}, sq, mean, inv, count, epsilon, *params)

    def store_stats(self, ctx, mean, inv, order, rows) -> None:
        """Store layer norm's mean / inv_std_dev results when used (cast to their types)."""
        node = ctx.node
        for k, stat in ((1, mean), (2, inv)):
            if len(node.results) > k and (node.results[k].consumers or node.results[k] in ctx.lw.graph.outputs):
                out = narrowed(ctx, stat, node.results[k].dtype)
                self._store_rows(ctx, out, order, rows, True, node.results[k])
                if out is not stat:
                    ctx.release(out)
