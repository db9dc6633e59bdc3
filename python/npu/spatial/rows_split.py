"""Rows whose reduced ("row") dims are split into chunks: reductions, softmax and layer norm across tiles.

npu-tile splits the row dims of a rows-family op (rules_rows) only when a whole
row does not fit the SRAM budget; the row dims are the plan's reduce dims, so a
tile's chunks are sequential steps on one PE and, when the placement gives the
tile K groups, ranges of chunks on several PEs. Every chunk is loaded as an
[outer, Lc, inner] buffer (Lc = the chunk's row elements) and reduced along
axis 1 into per-row partials [outer, 1, inner], combined chunk after chunk in
row order; across PEs (`allreduce`) the K-group members send their partials to
the K-group 0 PE, which combines them in K-group order and, when every PE needs
the total (softmax, layer norm), sends it back (one multicast when the NoC has it):

    reduce sum / max / min     one pass: partials combined by add (f32; add_wrap for
                               i32, exact whenever the golden int32 sum is: a chunk's
                               own sum of int8 values cannot overflow, as a chunk fits
                               SRAM, far below 2^23 elements), max, min;
                               the K-group 0 PE finishes (mean = sum / N,
                               reduce_sum_int - N * input_zp) and stores
    softmax, log_softmax       pass 1: m = max over chunks; pass 2: s = sum of exp(x - m)
                               over chunks; pass 3: each chunk again, exp(x - m) / s or
                               (x - m) - log(s), stored
    layer_normalization        pass 1: mean = (sum over chunks) / N; pass 2: var = (sum of
                               (x - mean)^2 over chunks) / N; pass 3: (x - mean) *
                               rsqrt(var + eps) * scale + bias per chunk (mean / inv_std_dev
                               stored by the K-group 0 PE when used)
    softmax_int, layer_norm_int  the same three passes over the integer steps of
                               rules_norm_int (every row statistic is an exact integer
                               max or sum, so the chunked result is the golden bits)

Float bound (f32 data, N = row length, u = 2^-24, gamma_n = n u / (1 - n u)): each
element's arithmetic is the whole-row path's, only the order of the row sums differs,
so the sums stay within gamma_N * sum |terms| of exact as in docs/spatial.md's
accumulation-order bound; what that gives for each op's output is stated and tested in
test/python/test_spatial_rows_split.py.
"""

from __future__ import annotations

from math import prod

from npu.spatial.emit import route
from npu.spatial.program import FLOAT_TYPES, Buf

COMBINE_FLOAT = {"sum": "add", "max": "max", "min": "min"}
COMBINE_INT = {"sum": "add_wrap", "max": "max", "min": "min"}


def combine_kind(kind: str, dtype: str) -> str:
    return (COMBINE_FLOAT if dtype in FLOAT_TYPES else COMBINE_INT)[kind]


def splits_rows(plan) -> bool:
    """Whether a rows plan cuts its rows into several chunks."""
    return plan.num_chunks > 1


class Chunks:
    """The chunks of one item: loading each as [outer, Lc, inner], per-row partial statistics."""

    def __init__(self, fam, ctx, rows):
        self.fam, self.ctx, self.prog = fam, ctx, ctx.prog
        self.rows = rows
        self.order, self.outer, self.length, self.inner = fam._order(ctx, rows)
        self.boxes = list(ctx.plan.chunk_boxes(ctx.lo, ctx.sizes, ctx.chunks))

    def chunk_len(self, csz) -> int:
        return prod(csz[d] for d in self.rows)

    def load(self, clo, csz, tensor=None, dtype: str | None = None) -> Buf:
        ctx = self.ctx
        tensor = tensor if tensor is not None else ctx.node.operands[0]
        buf, tok = ctx.load(tensor, clo, csz, self.order, dtype or tensor.dtype,
                            (self.outer, self.chunk_len(csz), self.inner))
        self.prog.dma_wait([tok] if tok else [])
        return buf

    def centered(self, clo, csz, stat: Buf) -> tuple[Buf, Buf]:
        """(chunk (clo, csz) of the input as loaded, a fresh f32 buffer holding x - stat): a loaded box may be a
        layer-long cached copy read again by the next pass, so it is never written in place; narrow floats are
        cast to f32 first."""
        x = self.load(clo, csz)
        d = self.prog.alloc(x.shape, "f32")
        if x.dtype == "f32":
            self.prog.binary("sub", x, stat, d)
        else:
            self.prog.cast(x, d)
            self.prog.binary("sub", d, stat, d)
        return x, d

    def row(self, dtype: str) -> Buf:
        return self.prog.alloc((self.outer, 1, self.inner), dtype)

    def accumulate(self, acc: Buf | None, kind: str, x: Buf, dtype: str | None = None) -> Buf:
        """acc (None: a fresh per-row buffer of `dtype`, default x's) combined with the `kind` reduction of
        chunk `x` along axis 1."""
        if acc is None:
            acc = self.row(dtype or x.dtype)
            self.prog.reduce(kind, 1, x, acc)
            return acc
        part = self.row(acc.dtype)
        self.prog.reduce(kind, 1, x, part)
        self.prog.binary(combine_kind(kind, acc.dtype), acc, part, acc)
        self.prog.dealloc(part)
        return acc

    def param(self, tensor, clo, csz) -> Buf:
        """A per-row-element parameter (broadcast against the reduced dims) as a [1, Lc, 1] buffer of chunk (clo, csz)."""
        ctx = self.ctx
        rank = len(clo)
        pshape = (1,) * (rank - len(tensor.shape)) + tensor.shape
        view = ctx.view_of(tensor).reshape(pshape)
        lo = tuple(clo[d] if pshape[d] != 1 else 0 for d in range(rank))
        sizes = tuple(csz[d] if pshape[d] != 1 else 1 for d in range(rank))
        buf, tok = ctx.load(view, lo, sizes, self.order, tensor.dtype, (1, self.chunk_len(csz), 1))
        self.prog.dma_wait([tok] if tok else [])
        return buf

    def store(self, buf: Buf, clo, csz) -> None:
        """Store chunk (clo, csz) of the result from `buf` (cast to the result type when it differs)."""
        from npu.spatial.rules_rows import narrowed

        out = narrowed(self.ctx, buf, self.ctx.node.out.dtype)
        tok = self.ctx.store(out, self.ctx.node.out, clo, csz, self.order)
        self.prog.dma_wait([tok])
        if out is not buf:
            self.ctx.release(out)


def allreduce(ctx, stats: list[tuple[Buf, str]], back: bool) -> None:
    """Combine per-row statistics over the K groups of the item's tile: members send each buffer to the K-group 0
    PE, which combines them (`binary` kind given per buffer) in K-group order; with `back`, the K-group 0 PE sends
    the totals back so every member holds them. No K split: nothing to do."""
    ks = ctx.ksplit
    if ks is None or not stats:
        return
    prog, chip, pe = ctx.prog, ctx.chip, ctx.pe
    if ctx.is_member:
        for buf, _ in stats:
            prog.noc_wait([prog.send(buf, ks.leader, route(chip, pe, ks.leader), ks.tag)])
        if back:
            for buf, _ in stats:
                prog.noc_wait([prog.recv(buf, ks.leader, ks.tag)])
        return
    for member in ks.members:
        for buf, kind in stats:
            part = prog.alloc(buf.shape, buf.dtype)
            prog.noc_wait([prog.recv(part, member, ks.tag)])
            prog.binary(kind, buf, part, buf)
            prog.dealloc(part)
    if back:  # one multicast per statistic when the NoC has multicast, else a send per member
        for buf, _ in stats:
            if chip.target.noc.multicast and len(ks.members) > 1:
                routes = [route(chip, pe, m) for m in ks.members]
                prog.noc_wait([prog.multicast(buf, ks.members, routes, ks.tag)])
            else:
                for member in ks.members:
                    prog.noc_wait([prog.send(buf, member, route(chip, pe, member), ks.tag)])


# ------------------------------------------------------------------ the ops


def emit(fam, ctx, rows) -> None:
    """The level-4 ops of one item of a rows op whose row is split into chunks (see the module docstring)."""
    from npu.spatial import rules_rows

    name = ctx.node.name
    ch = Chunks(fam, ctx, rows)
    if name in rules_rows._REDUCE:
        _reduce(ch, rules_rows._REDUCE[name])
    elif name in ("softmax", "log_softmax"):
        _softmax(ch)
    elif name == "layer_normalization":
        _layer_norm(ch)
    elif name == "softmax_int":
        from npu.spatial import rules_norm_int

        rules_norm_int.softmax_int_chunked(ch)
    elif name == "layer_norm_int":
        from npu.spatial import rules_norm_int

        rules_norm_int.layer_norm_int_chunked(ch)
    else:  # pragma: no cover - the family lists its ops
        raise AssertionError(name)


def _reduce(ch: Chunks, kind: str) -> None:
    ctx, prog, fam = ch.ctx, ch.prog, ch.fam
    node = ctx.node
    out_t = node.out.dtype
    work = "f32" if kind == "sum" and out_t in FLOAT_TYPES else out_t  # float sums accumulate in f32
    acc = None
    for clo, csz in ch.boxes:
        x = ch.load(clo, csz)
        acc = ch.accumulate(acc, kind, x, work)
        ctx.release(x)
    allreduce(ctx, [(acc, combine_kind(kind, work))], back=False)
    if ctx.is_member:
        ctx.release(acc)
        return
    consts = []
    if node.name in ("reduce_mean", "global_average_pool"):
        consts.append(fam._scalar(ctx, float(ch.length), work, "row_count"))
        prog.binary("div", acc, consts[-1], acc)
    elif node.name == "reduce_sum_int" and int(node.attrs.get("input_zp", 0)):
        consts.append(fam._scalar(ctx, ch.length * int(node.attrs["input_zp"]), "i32", "row_zp_sum"))
        prog.binary("sub", acc, consts[-1], acc)
    out = acc
    if out_t != work:
        out = ch.row(out_t)
        prog.cast(acc, out)
    keep = node.name.startswith("global_") or bool(node.attrs.get("keepdims", 1))
    fam._store_rows(ctx, out, ch.order, ch.rows, keep, node.out)
    ctx.release(*{acc, out}, *consts)


def _softmax(ch: Chunks) -> None:
    ctx, prog = ch.ctx, ch.prog
    node = ctx.node
    from npu.spatial.rules_rows import widen

    mx = s = None
    for clo, csz in ch.boxes:  # pass 1: the row maxima (in the input type: exact)
        x = ch.load(clo, csz)
        mx = ch.accumulate(mx, "max", x)
        ctx.release(x)
    allreduce(ctx, [(mx, "max")], back=True)
    mx8, mx = mx, widen(ctx, mx)
    for clo, csz in ch.boxes:  # pass 2: sum of exp(x - max)
        x, d = ch.centered(clo, csz, mx)
        prog.unary("exp", d, d)
        s = ch.accumulate(s, "sum", d)
        ctx.release(x, d)
    allreduce(ctx, [(s, "add")], back=True)
    if node.name == "log_softmax":
        prog.unary("log", s, s)
    for clo, csz in ch.boxes:  # pass 3: normalize each chunk
        x, d = ch.centered(clo, csz, mx)
        if node.name == "softmax":
            prog.unary("exp", d, d)
            prog.binary("div", d, s, d)
        else:
            prog.binary("sub", d, s, d)
        ch.store(d, clo, csz)
        ctx.release(x, d)
    ctx.release(*{mx8, mx}, s)


def _layer_norm(ch: Chunks) -> None:
    from npu.spatial.rules_rows import widen

    ctx, prog, fam = ch.ctx, ch.prog, ch.fam
    node = ctx.node
    eps = float(node.attrs.get("epsilon", 1e-5))
    count = fam._scalar(ctx, float(ch.length), "f32", "row_count")
    mean = ssq = None
    for clo, csz in ch.boxes:  # pass 1: the row sums
        x = ch.load(clo, csz)
        mean = ch.accumulate(mean, "sum", x, "f32")
        ctx.release(x)
    allreduce(ctx, [(mean, "add")], back=True)
    prog.binary("div", mean, count, mean)
    for clo, csz in ch.boxes:  # pass 2: the sums of squared deviations
        x, d = ch.centered(clo, csz, mean)
        prog.binary("mul", d, d, d)
        ssq = ch.accumulate(ssq, "sum", d)
        ctx.release(x, d)
    allreduce(ctx, [(ssq, "add")], back=True)
    inv = ssq
    prog.binary("div", inv, count, inv)
    epsilon = fam._scalar(ctx, eps, "f32", "ln_eps")
    prog.binary("add", inv, epsilon, inv)
    prog.unary("rsqrt", inv, inv)
    for clo, csz in ch.boxes:  # pass 3: normalize, scale and shift each chunk
        x, d = ch.centered(clo, csz, mean)
        prog.binary("mul", d, inv, d)
        params = []
        for i, kind in ((1, "mul"), (2, "add")):
            if len(node.operands) > i and node.operands[i] is not None:
                buf = ch.param(node.operands[i], clo, csz)
                wide = widen(ctx, buf)
                prog.binary(kind, d, wide, d)
                params += list({buf, wide})
        ch.store(d, clo, csz)
        ctx.release(x, d, *params)
    if not ctx.is_member:
        fam.store_stats(ctx, mean, inv, ch.order, ch.rows)
    ctx.release(mean, inv, count, epsilon)
