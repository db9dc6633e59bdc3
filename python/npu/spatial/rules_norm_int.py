"""Integer softmax and layer normalization (`softmax_int`, `layer_norm_int`) as npu_pe vector ops.

The rows family (rules_rows) loads a tile as an int8 buffer [outer, L, inner] whose
axis 1 holds the L values normalized together; these functions emit the steps of
npu.numerics.normalization on it, one npu_pe op per TOSA operator of the golden
algorithm, so the level-4 result is the golden bits:

    softmax_int8                              level 4 (row stats are [outer, 1, inner])
    d   = x - max(x)                          reduce max; cast i8 -> i32 (x and max); binary sub
    e   = TABLE16(RESCALE(d, x128)) >> 7      rescale i32 -> i16 (1<<30, 23); table i16; binary ashr 7
    S   = sum(e);  k = CLZ(S)                 reduce sum; unary clz
    m   = S << (k - 1)                        binary sub, binary shl (per-row amounts)
    r   = TABLE16(int16((m >> 14) - 98304))   binary ashr 14, binary sub, cast i32 -> i16, table
    y   = MUL(e, r, 15)                       mul_shift 15 (r broadcast over the row)
    q   = ARITHMETIC_RIGHT_SHIFT(y, 30 - k, round)    binary sub, binary ashr_round (per row)
    out = RESCALE(q, x1, zp -128) : int8      rescale (1<<30, 30)

    layer_norm_int8 (p = pre_shift)
    u   = x - input_zp;  c = N u - sum(u)     cast, binary sub; mul_shift(u, N, 0); reduce sum; binary sub
    h   = c >> p rounded | c << -p | c        binary ashr_round | shl (scalar amount) | nothing
    W   = sum(h * h) + E                      mul_shift(h, h, 0); reduce sum; binary add
    sh  = (CLZ(W) - 1) & -2;  m = W << sh     unary clz; binary sub, and, shl
    r   = TABLE16(int16((m >> 15) - 32768))   binary ashr, sub; cast; table
    z   = (c if p > 0 else h) << (sh >> 1)    binary ashr 1, binary shl (per row)
    P   = MUL(z, r, 16 + max(p, 0))           mul_shift
    A   = MUL(P, gamma_q, gamma_shift) + beta_q    mul_shift, binary add ([1, L, 1] boxes)
    out = RESCALE(A, multiplier, shift, zp) : int8 rescale

A row too long for the SRAM budget is cut into chunks (npu.spatial.rows_split):
`softmax_int_chunked` / `layer_norm_int_chunked` run the same steps in three passes
over the chunks (row statistics first: max(x), then sum(e); sum(u), then sum(h * h);
each an exact integer max or sum combined across chunks and PEs; then every chunk's
elementwise steps again), so the result is still the golden bits.

The casts to i16 saturate where TOSA CAST truncates; their inputs are in int16 by
construction (m is normalized into [2^30, 2^31) resp. [2^29, 2^31), so both are
equal). The exact int32 additions, subtractions and reductions saturate where the
golden steps REQUIRE (raise); parameters from `layer_norm_params` keep every step in
range (docs/quantization.md proves the bounds), so no golden run that succeeds differs.
"""

from __future__ import annotations

from npu.spatial.program import Buf

_TIMES_128 = ([1 << 30], [23])  # RESCALE of exactly x128 (npu.numerics.normalization._TIMES_128)
_TIMES_1 = ([1 << 30], [30])
SOFTMAX_OUT_ZP = -128


class _Steps:
    """Emission helpers over one item: per-row buffers, i32 scalars (cached per layer), tables."""

    def __init__(self, fam, ctx, shape):
        self.fam, self.ctx, self.prog = fam, ctx, ctx.prog
        self.outer, self.length, self.inner = shape
        self.owned: list[Buf] = []

    def row(self, dtype: str = "i32") -> Buf:
        buf = self.prog.alloc((self.outer, 1, self.inner), dtype)
        self.owned.append(buf)
        return buf

    def tile(self, dtype: str = "i32") -> Buf:
        buf = self.prog.alloc((self.outer, self.length, self.inner), dtype)
        self.owned.append(buf)
        return buf

    def const(self, value: int) -> Buf:
        buf = self.fam._scalar(self.ctx, int(value), "i32", f"i32_{value}".replace("-", "m"))
        self.owned.append(buf)
        return buf

    def table(self, tensor) -> Buf:
        buf, tok = self.ctx.load(tensor, (0,), tensor.shape, (0,), tensor.dtype)
        self.prog.dma_wait([tok] if tok else [])
        self.owned.append(buf)
        return buf

    def rsqrt_like(self, m: Buf, shift: int, offset: int, table: Buf) -> Buf:
        """r = TABLE16(int16((m >> shift) - offset)) on a per-row value (m is overwritten)."""
        p = self.prog
        p.binary("ashr", m, self.const(shift), m)
        p.binary("sub", m, self.const(offset), m)
        t16 = self.row("i16")
        p.cast(m, t16)
        r = self.row()
        p.table(t16, table, r)
        return r

    def reciprocal(self, total: Buf, table: Buf) -> tuple[Buf, Buf, Buf]:
        """Softmax's k = CLZ(S); r = TABLE16(int16(((S << (k - 1)) >> 14) - 98304)); returns (r, k, a per-row
        buffer holding k - 1) (total is overwritten)."""
        p = self.prog
        k = self.row()
        p.unary("clz", total, k)
        km1 = self.row()
        p.binary("sub", k, self.const(1), km1)
        p.binary("shl", total, km1, total)
        return self.rsqrt_like(total, 14, 98304, table), k, km1

    def inv_sqrt(self, w: Buf, epsilon: int, table: Buf) -> tuple[Buf, Buf]:
        """Layer norm's W += E; sh = (CLZ(W) - 1) & -2; r = TABLE16(int16(((W << sh) >> 15) - 32768));
        returns (r, sh >> 1) per row (w is overwritten)."""
        p = self.prog
        p.binary("add", w, self.const(epsilon), w)
        sh = self.row()
        p.unary("clz", w, sh)
        p.binary("sub", sh, self.const(1), sh)
        p.binary("and", sh, self.const(-2), sh)
        p.binary("shl", w, sh, w)
        r = self.rsqrt_like(w, 15, 32768, table)
        p.binary("ashr", sh, self.const(1), sh)
        return r, sh

    def release(self, *extra: Buf) -> None:
        self.ctx.release(*self.owned, *extra)


def _rounding(attrs) -> str:
    """The final RESCALE's rounding from layer_norm_int's `rounding_mode` attribute."""
    return "double_round" if str(attrs.get("rounding_mode", "SINGLE_ROUND")).upper() == "DOUBLE_ROUND" \
        else "single_round"


def softmax_int(fam, ctx, x: Buf, shape) -> Buf:
    """The integer softmax of the [outer, L, inner] int8 tile `x` along axis 1; returns the int8 result."""
    node, p = ctx.node, ctx.prog
    s = _Steps(fam, ctx, shape)
    exp_tab, recip_tab = s.table(node.operands[1]), s.table(node.operands[2])
    mx8 = s.row("i8")
    p.reduce("max", 1, x, mx8)
    d = s.tile()
    p.cast(x, d)
    mx = s.row()
    p.cast(mx8, mx)
    p.binary("sub", d, mx, d)
    d16 = s.tile("i16")
    p.rescale(d, d16, *_TIMES_128, 0, 0, "single_round")
    e = d  # d is dead once rescaled: e reuses its bytes
    p.table(d16, exp_tab, e)
    p.binary("ashr", e, s.const(7), e)
    total = s.row()
    p.reduce("sum", 1, e, total)
    r, k, km1 = s.reciprocal(total, recip_tab)
    p.mul_shift(e, r, e, 15)
    p.binary("sub", s.const(30), k, km1)  # 30 - k
    p.binary("ashr_round", e, km1, e)
    out = ctx.prog.alloc(x.shape, "i8")
    p.rescale(e, out, *_TIMES_1, 0, SOFTMAX_OUT_ZP, "single_round")
    s.release()
    return out


def layer_norm_int(fam, ctx, x: Buf, order, shape) -> Buf:
    """The integer layer normalization of the [outer, L, inner] int8 tile `x` over axis 1 (the dims from
    `axis` on); returns the int8 result."""
    node, p = ctx.node, ctx.prog
    a = node.attrs
    pre = int(a["pre_shift"])
    s = _Steps(fam, ctx, shape)
    table = s.table(node.operands[1])
    gamma, beta = (fam._row_param(ctx, node.operands[i], order, shape[1]) for i in (2, 3))
    s.owned += [gamma, beta]
    u = s.tile()
    p.cast(x, u)
    p.binary("sub", u, s.const(int(a["input_zp"])), u)
    total = s.row()
    p.reduce("sum", 1, u, total)
    c = s.tile()
    p.mul_shift(u, s.const(s.length), c, 0)
    p.binary("sub", c, total, c)
    if pre > 0:
        h = u  # u is dead once c exists
        p.binary("ashr_round", c, s.const(pre), h)
    elif pre < 0:
        h = u
        p.binary("shl", c, s.const(-pre), h)
    else:
        h = c
    sq = c if pre < 0 else u  # whichever tile is dead: z below reads c (p > 0) or h
    p.mul_shift(h, h, sq, 0)
    w = s.row()
    p.reduce("sum", 1, sq, w)
    r, sh = s.inv_sqrt(w, int(a["epsilon"]), table)
    z = c if pre > 0 else h
    p.binary("shl", z, sh, z)
    p.mul_shift(z, r, z, 16 + max(pre, 0))
    p.mul_shift(z, gamma, z, int(a["gamma_shift"]))
    p.binary("add", z, beta, z)
    out = ctx.prog.alloc(x.shape, "i8")
    rounding = _rounding(a)
    p.rescale(z, out, [int(a["multiplier"])], [int(a["shift"])], 0, int(a["output_zp"]), rounding)
    s.release()
    return out


# ------------------------------------------------------------------ rows split into chunks (npu.spatial.rows_split)
#
# Every row statistic above is an exact integer max or sum (max(x), sum(e), sum(u), sum(h * h)), and
# every other step is elementwise given the row statistics, so a row cut into chunks gives the golden
# bits: pass 1 and pass 2 combine per-chunk partials (`binary max`, `add_wrap`: the golden int32 sums
# never overflow when the golden run succeeds, and partial sums of non-negative terms stay below the
# total; wrapping is associative, so sum(u) too), pass 3 recomputes each chunk's elementwise steps from
# the row statistics and stores it.


def _exp_chunk(ch, x: Buf, mx: Buf, exp_tab: Buf, seven: Buf) -> Buf:
    """e = TABLE16(RESCALE(x - max, x128)) >> 7 of an int8 chunk, as i32."""
    p = ch.prog
    d = p.alloc(x.shape, "i32")
    p.cast(x, d)
    p.binary("sub", d, mx, d)
    d16 = p.alloc(x.shape, "i16")
    p.rescale(d, d16, *_TIMES_128, 0, 0, "single_round")
    p.table(d16, exp_tab, d)
    p.binary("ashr", d, seven, d)
    p.dealloc(d16)
    return d


def softmax_int_chunked(ch) -> None:
    """softmax_int over a row split into chunks `ch` (rows_split.Chunks); stores each chunk's int8 result."""
    from npu.spatial.rows_split import allreduce

    fam, ctx, p = ch.fam, ch.ctx, ch.prog
    node = ctx.node
    s = _Steps(fam, ctx, (ch.outer, ch.length, ch.inner))
    exp_tab, recip_tab = s.table(node.operands[1]), s.table(node.operands[2])
    seven = s.const(7)
    mx8 = None
    for clo, csz in ch.boxes:  # pass 1: the row maxima (exact)
        x = ch.load(clo, csz)
        mx8 = ch.accumulate(mx8, "max", x)
        ctx.release(x)
    s.owned.append(mx8)
    allreduce(ctx, [(mx8, "max")], back=True)
    mx = s.row()
    p.cast(mx8, mx)
    total = None
    for clo, csz in ch.boxes:  # pass 2: S = sum(e) (exact)
        x = ch.load(clo, csz)
        e = _exp_chunk(ch, x, mx, exp_tab, seven)
        total = ch.accumulate(total, "sum", e)
        ctx.release(x, e)
    s.owned.append(total)
    allreduce(ctx, [(total, "add_wrap")], back=True)
    r, k, km1 = s.reciprocal(total, recip_tab)
    p.binary("sub", s.const(30), k, km1)  # 30 - k
    for clo, csz in ch.boxes:  # pass 3: each chunk's result
        x = ch.load(clo, csz)
        e = _exp_chunk(ch, x, mx, exp_tab, seven)
        p.mul_shift(e, r, e, 15)
        p.binary("ashr_round", e, km1, e)
        out = p.alloc(x.shape, "i8")
        p.rescale(e, out, *_TIMES_1, 0, SOFTMAX_OUT_ZP, "single_round")
        ch.store(out, clo, csz)
        ctx.release(x, e, out)
    s.release()


def _centered_chunk(ch, s: _Steps, x: Buf, total: Buf, pre: int, input_zp: int) -> tuple[Buf, Buf]:
    """(c, h) of an int8 chunk: u = x - input_zp, c = N u - sum(u), h = c >> pre rounded | c << -pre | c
    (h is c when pre = 0)."""
    p = ch.prog
    u = p.alloc(x.shape, "i32")
    p.cast(x, u)
    p.binary("sub", u, s.const(input_zp), u)
    c = p.alloc(x.shape, "i32")
    p.mul_shift(u, s.const(ch.length), c, 0)
    p.binary("sub", c, total, c)
    if pre > 0:
        p.binary("ashr_round", c, s.const(pre), u)
        return c, u
    if pre < 0:
        p.binary("shl", c, s.const(-pre), u)
        return c, u
    p.dealloc(u)
    return c, c


def layer_norm_int_chunked(ch) -> None:
    """layer_norm_int over a row split into chunks `ch` (rows_split.Chunks); stores each chunk's int8 result."""
    from npu.spatial.rows_split import allreduce

    fam, ctx, p = ch.fam, ch.ctx, ch.prog
    node = ctx.node
    a = node.attrs
    pre, zp = int(a["pre_shift"]), int(a["input_zp"])
    s = _Steps(fam, ctx, (ch.outer, ch.length, ch.inner))
    table = s.table(node.operands[1])
    total = None
    for clo, csz in ch.boxes:  # pass 1: sum(u) (exact)
        x = ch.load(clo, csz)
        u = p.alloc(x.shape, "i32")
        p.cast(x, u)
        p.binary("sub", u, s.const(zp), u)
        total = ch.accumulate(total, "sum", u)
        ctx.release(x, u)
    s.owned.append(total)
    allreduce(ctx, [(total, "add_wrap")], back=True)
    w = None
    for clo, csz in ch.boxes:  # pass 2: W = sum(h * h) (exact)
        x = ch.load(clo, csz)
        c, h = _centered_chunk(ch, s, x, total, pre, zp)
        sq = p.alloc(x.shape, "i32")
        p.mul_shift(h, h, sq, 0)
        w = ch.accumulate(w, "sum", sq)
        ctx.release(x, sq, *{c, h})
    s.owned.append(w)
    allreduce(ctx, [(w, "add_wrap")], back=True)
    r, sh = s.inv_sqrt(w, int(a["epsilon"]), table)
    rounding = _rounding(a)
    for clo, csz in ch.boxes:  # pass 3: normalize, scale and shift each chunk
        x = ch.load(clo, csz)
        c, h = _centered_chunk(ch, s, x, total, pre, zp)
        z = c if pre > 0 else h
        p.binary("shl", z, sh, z)
        p.mul_shift(z, r, z, 16 + max(pre, 0))
        gamma, beta = (ch.param(node.operands[i], clo, csz) for i in (2, 3))
        p.mul_shift(z, gamma, z, int(a["gamma_shift"]))
        p.binary("add", z, beta, z)
        out = p.alloc(x.shape, "i8")
        p.rescale(z, out, [int(a["multiplier"])], [int(a["shift"])], 0, int(a["output_zp"]), rounding)
        ch.store(out, clo, csz)
        ctx.release(x, out, gamma, beta, *{c, h})
    s.release()
