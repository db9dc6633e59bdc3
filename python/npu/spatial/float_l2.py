"""Low-precision float layers of level 2 (`conv_float`, `matmul_float`) on npu_pe, bit for bit.

The golden kernels (npu.interp.kernels_quantized) define each output as

    acc = +0.0;  for k in order: acc = f32(acc + f32(a_k * b_k))      (npu.numerics.float_matmul, acc = fp32)
    y   = f32(f32(acc) * scale[c]) + bias[c]  (two f32 roundings, no FMA)

with k running over the taps in (c, ky, kx) order for a convolution and over K for a
matmul. npu_pe.matmul with an f32 accumulator is exactly that chain (its dialect
rule), and chained with `accumulate = true` over K chunks in ascending order it stays
the one chain. So a layer lowers to:

* conv: im2col gives the taps in (ky, kx, c) order; `reorder_taps` transposes the
  [P, KH*KW, C'] columns to [P, C', KH*KW] (one npu_pe.transpose through views), and
  the weight box is DMA'd with rows in (c, ky, kx) order (rules_conv);
* the product on the matrix unit when it takes the input type and accumulates in
  f32, else `sequential_matmul` on the vector unit (below), chunk after chunk, never
  split over PEs (a K-group sum would reassociate the chain: `can_split_k` is False);
* `scale_and_bias`: binary mul by the per-channel scale slice, binary add of the bias
  box, both f32.

`sequential_matmul` (no matrix unit for the type, e.g. fp8 on edge-lpddr): a terms
buffer [K'+1, M, N] f32 holds acc (or +0.0 for the first chunk) in slot 0 and the
products f32(a[m, k] * b[k, n]) in slots 1..K' (binary mul of A^T [K', M, 1] and
B [K', 1, N] after exact casts to f32); npu_pe.reduce sum over axis 0 adds them in
ascending index order starting from slot 0 -- the same chain, the same bits.
A target whose accumulator for the type is not f32 would round partial sums
differently than the level-2 `acc` says; the layer is then also computed on the
vector unit. An `acc` other than fp32 is not lowered (a located error).
"""

from __future__ import annotations

import numpy as np

from npu.spatial.graph import Node
from npu.spatial.program import Buf, nbytes

FLOAT_LAYERS = ("conv_float", "matmul_float")


def is_float_layer(node: Node) -> bool:
    return node.name in FLOAT_LAYERS


def unsupported(node: Node) -> str | None:
    acc = node.attrs.get("acc", "fp32")
    if acc != "fp32":
        return f"an fp32 accumulator (acc = \"fp32\"; per-step rounding to {acc} has no npu_pe form), got \"{acc}\""
    return None


def types(node: Node, chip) -> tuple[str, str, bool]:
    """(input type, accumulator type f32, whether the matrix unit computes the golden chain)."""
    dtype = node.operands[0].dtype
    matrix = chip.matrix_supports(dtype) and chip.accumulator(dtype) == "f32"
    return dtype, "f32", matrix


def vector_bytes(m: int, k: int, n: int) -> list[int]:
    """SRAM of `sequential_matmul` for an [m, k] x [k, n] chunk: terms, A as f32 and transposed, B as f32."""
    return [nbytes((k + 1, m, n), "f32"), nbytes((m, k), "f32"), nbytes((k, m), "f32"), nbytes((k, n), "f32")]


def _as_f32(prog, buf: Buf, temps: list) -> Buf:
    if buf.dtype == "f32":
        return buf
    out = prog.alloc(buf.shape, "f32")
    prog.cast(buf, out)  # exact: fp8, bf16 and f16 values are f32 values
    temps.append(out)
    return out


def sequential_matmul(prog, a: Buf, b: Buf, acc: Buf, first: bool) -> None:
    """acc = (first ? +0.0 : acc) + a x b as the f32 chain in ascending k, on the vector unit."""
    m, k = a.shape
    n = b.shape[1]
    temps: list[Buf] = []
    a32, b32 = _as_f32(prog, a, temps), _as_f32(prog, b, temps)
    at = prog.alloc((k, m), "f32")
    prog.transpose(a32, at, (1, 0))
    terms = prog.alloc((k + 1, m, n), "f32")
    slot0 = prog.view(terms, (1, m, n))
    acc3 = prog.view(acc, (1, m, n))
    if first:
        prog.fill(slot0, 0.0)
    else:
        prog.unary("copy", acc3, slot0)
    products = prog.view(terms, (k, m, n), byte_offset=nbytes((m, n), "f32"))
    prog.binary("mul", prog.view(at, (k, m, 1)), prog.view(b32, (k, 1, n)), products)
    prog.reduce("sum", 0, terms, acc3)
    prog.dealloc(terms, at, *temps)


def reorder_taps(prog, cols: Buf, taps: int, channels: int) -> Buf:
    """[P, taps * C'] columns in (tap, c) order -> a new buffer [P, C' * taps] in (c, tap) order."""
    if taps == 1 or channels == 1:
        return cols
    p = cols.shape[0]
    out = prog.alloc((p, channels * taps), cols.dtype)
    prog.transpose(prog.view(cols, (p, taps, channels)), prog.view(out, (p, channels, taps)), (0, 2, 1))
    return out


def scale_and_bias(ctx, acc: Buf, c0: int, count: int, bias) -> list[Buf]:
    """y = acc * scale[c0:c0+count] + bias (f32, the golden epilogue) in place on acc [rows, count].

    `bias` is a callable returning the bias box as an f32 buffer shaped like acc or [1, count]
    (None: no bias). Returns the constant buffers loaded (for the caller to release)."""
    node, prog = ctx.node, ctx.prog
    scale = np.atleast_1d(np.asarray(node.attrs["scale"], dtype=np.float32))
    loaded = []
    if scale.size > 1:
        view = ctx.lw.constant(scale.reshape(1, -1), "fscale", "f32", prog.loc)
        buf, tok = ctx.load(view, (0, c0), (1, count), (0, 1), "f32")
    else:
        view = ctx.lw.constant(scale.reshape(1, 1), "fscale", "f32", prog.loc)
        buf, tok = ctx.load(view, (0, 0), (1, 1), (0, 1), "f32")
    prog.dma_wait([tok] if tok else [])
    loaded.append(buf)
    prog.binary("mul", acc, buf, acc)
    if bias is not None:
        b = bias()
        prog.binary("add", acc, b, acc)
        loaded.append(b)
    return loaded
