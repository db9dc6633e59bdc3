"""Sub-byte weight dequantization done inside the consuming layer (int4 weight-only).

The int4 weight-only scheme emits `dequantize(w_i4 constant)` (per block of `block_size`
along one axis, or per axis / per tensor), possibly reshaped, as the weight of a
`matmul_float` or `conv_float`. As its own layer that dequantize would write an f32
copy of the weight to external memory which the layer then reads back, so the int4
weight saves no external traffic. Instead, when every use of the dequantized tensor is
the weight operand of such a layer (directly, or through reshapes for a convolution's
[OC, C, KH, KW] view of the [OC, K] constant), and the result is no graph output:

* npu-tile marks the dequantize `{family = "prologue"}` (no layer of its own) and each
  consuming layer carries the `Dequant` (`of(node)`); the layer's tile search counts
  the packed box, the dequantized box and the parameter boxes in its SRAM budget
  (`box_bytes`) and admits only tiles
  whose weight boxes are whole bytes (npu.spatial.subbyte) and start and end on block
  boundaries along the block axis;
* npu-lower-to-pe gives the dequantize's result no global: its view is the i4
  constant's weight global itself (a reshape on top stays a view of it), and the
  consumer DMAs its weight box packed and calls `dequantize_box` in SRAM:

      f = cast_f32(q)                       (zero points all 0: exact, = golden's cast_f32(cast_i32(q)))
      f = cast_f32(cast_i32(q) - zp)        (otherwise; zp box broadcast per block)
      f = f * scale                         (scale box [.., n / block, 1, ..] broadcast over the block)

  which is golden's `cast_f32(cast_i32(q) - zp) * scale` element for element, so the
  layer stays bit-identical to the golden run.

Not absorbed (the dequantize stays its own layer): a dequantize of a non-constant or
non-sub-byte tensor, one read by anything else (the left operand of a matmul: the
int4 scheme's `lhs_weight` case), one that is a graph output, a conv weight blocked
along the output channels, a block size that does not divide its axis (a ragged last
block), a layer for which no tile that fits the SRAM budget moves its weight in whole bytes
on block boundaries, and every dequantize with npu-tile's `fuse-dequant=false`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from math import lcm, prod

import numpy as np

from npu.spatial.graph import Graph, Node, SpatialError, Tensor
from npu.spatial.layout import View
from npu.spatial.program import Buf, nbytes
from npu.spatial.subbyte import elements_per_byte, grid_moves_whole_bytes, is_sub_byte

PROLOGUE = "prologue"
CONSUMERS = ("matmul_float", "conv_float")


@dataclass(frozen=True)
class Dequant:
    """The dequantize a layer absorbs: its node, the packed constant and the parameters over the
    constant's dims (`params(name)` gives them shaped for broadcasting over the constant)."""

    node: Node
    const: Tensor
    axis: int
    block: int

    @property
    def shape(self) -> tuple[int, ...]:
        return self.const.shape

    @property
    def dtype(self) -> str:
        return self.const.dtype

    def params(self, name: str, dtype) -> np.ndarray:
        """scale or zero_point shaped over the constant's dims: [.., n / block, ..] per block,
        [.., n, ..] per axis, all ones per tensor."""
        values = np.asarray(self.node.attrs[name], dtype=dtype).reshape(-1)
        shape = [1] * len(self.shape)
        if values.size > 1:
            shape = list(self.shape)
            if self.block:
                shape[self.axis] = -(-self.shape[self.axis] // self.block)
            else:
                shape = [1] * len(self.shape)
                shape[self.axis] = values.size
        return values.reshape(shape)

    @property
    def has_zero_point(self) -> bool:
        return bool(np.any(np.asarray(self.node.attrs.get("zero_point", 0))))

    def key(self) -> tuple:
        return (self.const.shape, self.const.dtype, self.axis, self.block, self.has_zero_point)


def of(node: Node) -> Dequant | None:
    """The dequantize `node` (a matmul_float / conv_float) absorbs, if any."""
    return node.__dict__.get("dequant")


def _uses(t: Tensor, src: Tensor) -> list[tuple[Node, Tensor]] | None:
    """(layer, tensor it reads) for every use of `t` through reshapes; None if some use is not the
    weight operand of a float layer, or reads it in another shape than the constant's ([OC, K]
    reshaped to [OC, C, KH, KW] for a convolution)."""
    out = []
    for c in t.consumers:
        if c.name == "reshape":
            inner = _uses(c.out, src)
            if inner is None:
                return None
            out.extend(inner)
        elif (c.name in CONSUMERS and len(c.operands) > 1 and c.operands[1] is t and c.operands[0] is not t
              and len(src.shape) == 2 and t.shape[0] == src.shape[0]
              and (t.shape == src.shape if c.name == "matmul_float" else prod(t.shape[1:]) == src.shape[1])):
            out.append((c, t))
        else:
            return None
    return out


def _candidate(node: Node, outputs: set[int]) -> tuple[Dequant, list[Node]] | None:
    if node.name != "dequantize" or not node.operands or node.operands[0].kind != "const":
        return None
    src = node.operands[0]
    if not is_sub_byte(src.dtype) or len(src.consumers) != 1:
        return None
    uses = _uses(node.out, src)
    if not uses:
        return None
    views = [node.out]
    while views:  # no graph output along the view chain (it would need a stored tensor)
        t = views.pop()
        if t.index in outputs:
            return None
        views.extend(c.out for c in t.consumers if c.name == "reshape")
    rank = len(src.shape)
    dq = Dequant(node, src, int(node.attrs.get("axis", 0)) % max(rank, 1), int(node.attrs.get("block_size", 0)))
    layers = [c for c, _ in uses]
    if rank != 2:
        return None
    if any(c.name == "conv_float" and dq.block and dq.axis != 1 for c in layers):
        return None
    if dq.block and src.shape[dq.axis] % dq.block:  # a ragged last block: no [groups, block] view
        return None
    return dq, layers


def absorb(graph: Graph, chip, outputs: set[int]) -> set[Node]:
    """npu-tile's decision: the dequantize nodes absorbed into their layers (flags set on those layers).
    A dequantize is absorbed when every layer reading it has a fitting admissible tile."""
    from npu.spatial.family import family_of

    absorbed = set()
    for node in graph.nodes:
        found = _candidate(node, outputs)
        if found is None:
            continue
        dq, layers = found
        for c in layers:
            c.__dict__["dequant"] = dq
        ok = True
        for c in layers:
            fam = family_of(c)
            if fam is None or fam.unsupported(c, chip):
                ok = False
                break
            space = fam.space(c)
            if not any(chip.fits(fam.step_buffers(c, t, chip)) for t in fam.candidates(c, space, chip)):
                ok = False
                break
        if ok:
            absorbed.add(node)
        else:
            for c in layers:
                c.__dict__.pop("dequant", None)
    return absorbed


def link(graph: Graph, prologues: set[Node]) -> None:
    """npu-lower-to-pe: flag the layers of each dequantize npu-tile marked `prologue` (error if it
    cannot be absorbed: the plan disagrees with the graph)."""
    outputs = {t.index for t in graph.outputs}
    for node in prologues:
        found = _candidate(node, outputs)
        if found is None:
            raise SpatialError(node.op, f"'{node.op.name}' op is marked {PROLOGUE} (npu.tile) but is not a "
                                        f"sub-byte constant's dequantize read only as the weight of "
                                        f"{' / '.join(CONSUMERS)}")
        dq, layers = found
        node.__dict__["prologue"] = True
        for c in layers:
            c.__dict__["dequant"] = dq


# ------------------------------------------------------------------ tile admissibility and budget


def admissible(dq: Dequant, shape: tuple[int, ...], box: tuple[int, ...], axis_dim: int | None) -> bool:
    """Whether the regular grid of `box`-sized boxes over `shape` (a dense reshape of the constant,
    boxes read in row-major order) moves whole bytes and, along `axis_dim` (the dim of `shape` that
    is the constant's block axis; None: no block), starts and ends every box on a block boundary."""
    if dq.block and axis_dim is not None and dq.block > 1:
        n, b = shape[axis_dim], box[axis_dim]
        if b % dq.block and b < n:
            return False
    view = View.dense("w", tuple(shape))
    return grid_moves_whole_bytes(view, prod(shape), dq.dtype, tuple(box), tuple(range(len(shape))))


def granules(dq: Dequant, block_dim: int | None, rank: int) -> tuple[int, ...]:
    """Per dim of a box: the multiple its size is rounded to (elements a byte; with the block on
    `block_dim`, the least common multiple with the block)."""
    epb = elements_per_byte(dq.dtype)
    return tuple(lcm(epb, dq.block) if dq.block and d == block_dim else epb for d in range(rank))


def granule_options(box: tuple[int, ...], sizes: tuple[int, ...], steps: tuple[int, ...]):
    """`box` with each dim also rounded down and up to a multiple of its step (within [step, size]),
    and the whole dim, every combination (each once)."""
    options = []
    for t, s, g in zip(box, sizes, steps):
        opts = {t, s}
        down, up = (t // g) * g, -(-t // g) * g
        opts.update(v for v in (down, up) if g <= v <= s)
        options.append(sorted(opts))
    return list(product(*options))


def box_bytes(dq: Dequant, sizes: tuple[int, ...]) -> list[int]:
    """SRAM of one dequantized box [sizes] over the constant's dims: the packed box, the f32 box,
    an i32 box with zero points, the parameter boxes."""
    bufs = [nbytes(sizes, dq.dtype), nbytes(sizes, "f32")]
    psizes = _param_sizes(dq, tuple(0 for _ in sizes), sizes)[1]
    bufs.append(nbytes(psizes, "f32"))
    if dq.has_zero_point:
        bufs += [nbytes(sizes, "i32"), nbytes(psizes, "i32")]
    return bufs


def _param_sizes(dq: Dequant, lo, sizes):
    pshape = dq.params("scale", np.float32).shape
    plo, psz = [], []
    for d, (l, s, p) in enumerate(zip(lo, sizes, pshape)):
        if p == 1:
            plo.append(0)
            psz.append(1)
        elif dq.block and d == dq.axis:
            plo.append(l // dq.block)
            psz.append(-(-s // dq.block))
        else:
            plo.append(l)
            psz.append(s)
    return tuple(plo), tuple(psz)


# ------------------------------------------------------------------ level 4


def load_params(ctx, dq: Dequant, lo: tuple[int, ...], sizes: tuple[int, ...]) -> tuple[list[Buf], list[str]]:
    """Start the DMAs of the scale (and zero-point) boxes of box [lo, lo + sizes) of the constant:
    (buffers, tokens to wait for), for `dequantize_box`."""
    prog, lw = ctx.prog, ctx.lw
    plo, psz = _param_sizes(dq, lo, sizes)
    order = tuple(range(len(sizes)))
    bufs, toks = [], []
    names = [("scale", np.float32, "f32", "dq_scale")]
    if dq.has_zero_point:
        names.append(("zero_point", np.int32, "i32", "dq_zp"))
    for name, np_dtype, dtype, hint in names:
        view = lw.constant(dq.params(name, np_dtype), hint, dtype, prog.loc)
        buf, tok = ctx.load(view, plo, psz, order, dtype)
        bufs.append(buf)
        toks.extend([tok] if tok else [])
    return bufs, toks


def dequantize_box(ctx, dq: Dequant, q: Buf, lo: tuple[int, ...], sizes: tuple[int, ...], params: list[Buf]) -> Buf:
    """The f32 values of the packed box `q` (box [lo, lo + sizes) of the constant, row-major) as a new
    buffer of shape `sizes`, by golden's arithmetic (see the module docstring). `params` are
    `load_params`' buffers, already waited for; `q` and `params` are left to the caller."""
    prog = ctx.prog
    _, psz = _param_sizes(dq, lo, sizes)
    split = dq.block > 1 and psz[dq.axis] > 1
    if split:  # [.., n, ..] -> [.., n / block, block, ..] against parameters [.., n / block, 1, ..]
        a = dq.axis
        tshape = tuple(sizes[:a]) + (psz[a], dq.block) + tuple(sizes[a + 1:])
        pview = tuple(psz[:a]) + (psz[a], 1) + tuple(psz[a + 1:])
    else:
        tshape, pview = tuple(sizes), tuple(psz)

    def shaped(buf: Buf, shape) -> Buf:
        return buf if buf.shape == tuple(shape) else prog.view(buf, shape)

    f = prog.alloc(tuple(sizes), "f32")
    if dq.has_zero_point:
        wide = prog.alloc(tuple(sizes), "i32")
        prog.cast(q, wide)
        w = shaped(wide, tshape)
        prog.binary("sub", w, shaped(params[1], pview), w)
        prog.cast(wide, f)
        ctx.release(wide)
    else:
        prog.cast(q, f)
    fv = shaped(f, tshape)
    prog.binary("mul", fv, shaped(params[0], pview), fv)
    return f
