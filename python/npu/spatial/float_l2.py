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
* one npu_pe.matmul per K chunk, in ascending order, never split over PEs (a K-group
  sum would reassociate the chain: `can_split_k` is False): on the matrix unit when
  it takes the input type and accumulates in f32, else with `unit = "vector"` (no
  matrix unit for the type, e.g. fp8 on edge-lpddr, or an accumulator other than
  f32), which the dialect defines as the same f32 chain -- the same bits, with no
  products or terms buffer;
* `scale_and_bias`: binary mul by the per-channel scale slice, binary add of the bias
  box, both f32.

An `acc` other than fp32 is not lowered (a located error).
"""

from __future__ import annotations

import numpy as np

from npu.spatial.graph import Node
from npu.spatial.program import Buf

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
