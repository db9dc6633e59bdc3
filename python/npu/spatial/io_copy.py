"""Graph outputs no op of the graph writes: a constant, a graph input, or a value returned twice.

Level 4 gives every graph output its own `output` global (the binary's I/O symbol), so such an
output is filled by a copy: its source (the constant's weight global, the input's global, or the
global of the value's first output) is moved ext -> SRAM -> ext in contiguous chunks. A chunk
holds at most half a PE's SRAM (the target's `pe.sram.bytes`; whole bytes, so chunks of packed
sub-byte types start on a byte); chunks go round-robin over the mesh, one layer per copied output,
after the graph's layers. The copy is byte-exact, so the output equals golden's bit for bit.
Reads and writes are recorded like any layer's, so `lowering.synchronize` orders a copy of a
computed value after the PEs that wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass

from npu.spatial.graph import SpatialError, Tensor
from npu.spatial.layout import Pattern, View
from npu.spatial.program import nbytes
from npu.spatial.subbyte import elements_per_byte


@dataclass(frozen=True)
class OutputCopy:
    """Output global `symbol` (shape, dtype) gets the elements of `source` (a dense, row-major view)."""

    symbol: str
    source: Tensor
    loc: str  # ` loc(...)` suffix of the copy's ops


def chunk_elements(count: int, dtype: str, sram_bytes: int) -> int:
    """Elements per chunk: as many as fit half the SRAM, a multiple of the elements a byte holds (two
    for i4 / ui4 / f4E2M1FN, four for i2 / ui2: every chunk starts on a byte), at least one byte's worth."""
    granule = elements_per_byte(dtype)
    half = sram_bytes // 2
    per = half * granule if granule > 1 else half // nbytes((1,), dtype)
    return min(max(granule, per), -(-count // granule) * granule)


def emit_copies(lw, copies: list[OutputCopy], first_layer: int) -> int:
    """Emit one layer per copy starting at layer `first_layer`; returns the next free layer index."""
    chip = lw.chip
    mesh = chip.target.pe_coords()
    turn = 0
    layer = first_layer
    for copy in copies:
        t = copy.source
        src: View = lw.view(t)
        if not src.is_row_major:
            raise SpatialError(lw.graph.func, f"'func.func' op expects the source of output '{copy.symbol}' "
                                              f"to be stored row-major, got strides {list(src.strides)}")
        count = 1
        for d in t.shape:
            count *= d
        if count == 0:
            continue  # nothing to move: an empty output is complete as declared
        per = chunk_elements(count, t.dtype, chip.target.pe.sram.bytes)
        chunks: dict = {}
        for lo in range(0, count, per):
            chunks.setdefault(mesh[turn % len(mesh)], []).append((lo, min(per, count - lo)))
            turn += 1
        src_decl, out = lw.globals[src.symbol], lw.globals[copy.symbol]
        for pe, parts in chunks.items():
            prog = lw.program(pe)
            prog.begin_layer(layer, copy.loc)
            src_buf = prog.global_buf(src.symbol, src_decl.shape, src_decl.dtype)
            dst_buf = prog.global_buf(copy.symbol, out.shape, out.dtype)
            for lo, n in parts:
                buf = prog.alloc((n,), t.dtype)
                pattern = Pattern.contiguous(n, lo)
                prog.record("r", src.symbol, pattern)
                prog.dma_wait([prog.dma(src_buf, buf, pattern, Pattern.contiguous(n))])
                prog.record("w", copy.symbol, pattern)
                prog.dma_wait([prog.dma(buf, dst_buf, Pattern.contiguous(n), pattern)])
                prog.dealloc(buf)
            prog.end_layer()
        layer += 1
    if not lw.programs:  # every output empty (or constant and empty): one idle program to run
        lw.program(mesh[0])
    return layer
