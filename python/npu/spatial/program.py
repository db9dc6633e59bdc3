"""Text emission of one PE program (level 4): SSA names, buffers, DMA, NoC and compute ops.

Level-4 modules are large (a ResNet-50 on an 8x8 mesh is ~10^5 ops), so the
lowering writes the generic-form text of every op and parses the module once
(20k ops parse in ~0.1 s) instead of creating ops one by one through the
bindings. `Program` owns one PE's op list: it names values (`%N`, numbered per
function), remembers the `npu_mem.get_global` of each global it touched, and
formats every op exactly as the dialects define it (attribute spelling,
operand and result types). Buffers are unallocated (`npu_mem.alloc` without
`offset`); npu-alloc-sram assigns offsets later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from math import prod

import numpy as np

from npu.dialects.level4 import ELEMENT_BITS as _BITS
from npu.dialects.level4 import FLOAT_TYPES
from npu.spatial.layout import Pattern


def nbytes(shape, dtype: str) -> int:
    return (prod(shape) * _BITS[dtype] + 7) // 8


def memref(shape, dtype: str, space: str) -> str:
    dims = "x".join(str(int(d)) for d in shape)
    return f'memref<{dims}x{dtype}, "{space}">' if dims else f'memref<{dtype}, "{space}">'


def i64s(values) -> str:
    return "array<i64: " + ", ".join(str(int(v)) for v in values) + ">" if len(values) else "array<i64>"


def scalar(value, dtype: str) -> str:
    """An integer or float attribute of element type `dtype`."""
    if dtype in FLOAT_TYPES:
        v = float(value)
        if math.isfinite(v):
            return f"{float(np.float32(v))!r} : {dtype}" if dtype == "f32" else f"{v!r} : {dtype}"
        if dtype == "f64":
            return f"0x{int(np.array([v], dtype=np.float64).view(np.uint64)[0]):016X} : f64"
        bits = np.array([v], dtype=np.float32).view(np.uint32)[0]
        if dtype != "f32":
            raise ValueError(f"non-finite {dtype} attribute")
        return f"0x{int(bits):08X} : f32"
    return f"{int(value)} : {dtype}"


@dataclass(frozen=True)
class Buf:
    """An SSA buffer value of a program."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    space: str = "sram"

    @cached_property
    def type(self) -> str:
        return memref(self.shape, self.dtype, self.space)

    @property
    def nbytes(self) -> int:
        return nbytes(self.shape, self.dtype)


class Program:
    """The op list of the program of one PE."""

    def __init__(self, pe: tuple[int, int]):
        self.pe = pe
        self.lines: list[str] = []
        self._count = 0
        self._globals: dict[str, Buf] = {}
        self.live_bytes = 0
        self.peak_bytes = 0
        # layer -> (first line, line after the last) of this PE's part of the layer
        self.layer_span: dict[int, tuple[int, int]] = {}
        # ext accesses: (layer, "r"|"w", symbol, first element, last element)
        self.accesses: list[tuple[int, str, str, int, int]] = []
        self.layer = -1
        self._inserts: dict[int, list[str]] = {}
        # the location suffix (` loc(#locN)`) every op line gets: the source op of the layer
        # (or of the fused epilogue link) being emitted, so level-4 ops keep the ONNX node name
        self.loc = ""
        self.layer_loc: dict[int, str] = {}

    def _line(self, text: str) -> None:
        self.lines.append(text + self.loc)

    def _value(self) -> str:
        self._count += 1
        return f"%{self._count}"

    # ------------------------------------------------------------ buffers
    def global_buf(self, symbol: str, shape, dtype: str) -> Buf:
        buf = self._globals.get(symbol)
        if buf is None:
            buf = Buf(self._value(), tuple(shape), dtype, "ext")
            ref = '@"' + symbol.replace('"', '\\"') + '"'
            self._line(f'{buf.name} = "npu_mem.get_global"() {{name = {ref}}} : () -> {buf.type}')
            self._globals[symbol] = buf
        return buf

    def alloc(self, shape, dtype: str) -> Buf:
        buf = Buf(self._value(), tuple(int(d) for d in shape), dtype)
        self._line(f'{buf.name} = "npu_mem.alloc"() : () -> {buf.type}')
        self.live_bytes += buf.nbytes
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        return buf

    def dealloc(self, *bufs: Buf) -> None:
        for buf in bufs:
            self._line(f'"npu_mem.dealloc"({buf.name}) : ({buf.type}) -> ()')
            self.live_bytes -= buf.nbytes

    def view(self, buf: Buf, shape, dtype: str | None = None, byte_offset: int = 0) -> Buf:
        out = Buf(self._value(), tuple(int(d) for d in shape), dtype or buf.dtype, buf.space)
        self._line(f'{out.name} = "npu_mem.view"({buf.name}) {{byte_offset = {byte_offset}}} : '
                          f'({buf.type}) -> {out.type}')
        return out

    # ------------------------------------------------------------ DMA
    def dma(self, src: Buf, dst: Buf, sp: Pattern, dp: Pattern) -> str:
        tok = self._value()
        self._line(
            f'{tok} = "npu_mem.dma_start"({src.name}, {dst.name}) {{src_offset = {sp.offset}, '
            f"src_sizes = {i64s(sp.sizes)}, src_strides = {i64s(sp.strides)}, dst_offset = {dp.offset}, "
            f"dst_sizes = {i64s(dp.sizes)}, dst_strides = {i64s(dp.strides)}}} : ({src.type}, {dst.type}) "
            f"-> !npu_mem.token")
        return tok

    def dma_wait(self, tokens: list[str]) -> None:
        if tokens:
            types = ", ".join(["!npu_mem.token"] * len(tokens))
            self._line(f'"npu_mem.dma_wait"({", ".join(tokens)}) : ({types}) -> ()')

    # ------------------------------------------------------------ NoC
    def send(self, buf: Buf, dst, route, tag: int) -> str:
        tok = self._value()
        self._line(f'{tok} = "npu_noc.send"({buf.name}) {{dst = {i64s(dst)}, route = {i64s(route)}, '
                          f"tag = {tag}}} : ({buf.type}) -> !npu_noc.token")
        return tok

    def recv(self, buf: Buf, src, tag: int) -> str:
        tok = self._value()
        self._line(f'{tok} = "npu_noc.recv"({buf.name}) {{src = {i64s(src)}, tag = {tag}}} : '
                          f"({buf.type}) -> !npu_noc.token")
        return tok

    def multicast(self, buf: Buf, dsts, routes, tag: int) -> str:
        tok = self._value()
        flat = [c for pe in dsts for c in pe]
        routes_txt = ", ".join(i64s(r) for r in routes)
        self._line(f'{tok} = "npu_noc.multicast"({buf.name}) {{dsts = {i64s(flat)}, routes = [{routes_txt}], '
                          f"tag = {tag}}} : ({buf.type}) -> !npu_noc.token")
        return tok

    def noc_wait(self, tokens: list[str]) -> None:
        if tokens:
            types = ", ".join(["!npu_noc.token"] * len(tokens))
            self._line(f'"npu_noc.wait"({", ".join(tokens)}) : ({types}) -> ()')

    def barrier(self, ident: int, pes_flat: str) -> None:
        self._line(f'"npu_noc.barrier"() {{id = {ident}, pes = {pes_flat}}} : () -> ()')

    # ------------------------------------------------------------ compute
    def _op(self, name: str, bufs: list[Buf], attrs: str = "") -> None:
        names = ", ".join(b.name for b in bufs)
        types = ", ".join(b.type for b in bufs)
        attr_txt = f" {{{attrs}}}" if attrs else ""
        self._line(f'"npu_pe.{name}"({names}){attr_txt} : ({types}) -> ()')

    def matmul(self, a: Buf, b: Buf, c: Buf, accumulate: bool, a_zp: int = 0, b_zp: int = 0,
               unit: str = "matrix") -> None:
        attrs = f"accumulate = {'true' if accumulate else 'false'}"
        if unit != "matrix":
            attrs += f', unit = "{unit}"'
        if a_zp:
            attrs += f", a_zp = {scalar(a_zp, a.dtype)}"
        if b_zp:
            attrs += f", b_zp = {scalar(b_zp, b.dtype)}"
        self._op("matmul", [a, b, c], attrs)

    def fill(self, out: Buf, value) -> None:
        self._op("fill", [out], f"value = {scalar(value, out.dtype)}")

    def binary(self, kind: str, lhs: Buf, rhs: Buf, out: Buf) -> None:
        self._op("binary", [lhs, rhs, out], f'kind = "{kind}"')

    def mul_shift(self, lhs: Buf, rhs: Buf, out: Buf, shift: int) -> None:
        self._op("mul_shift", [lhs, rhs, out], f"shift = {int(shift)} : i64")

    def unary(self, kind: str, inp: Buf, out: Buf) -> None:
        self._op("unary", [inp, out], f'kind = "{kind}"')

    def compare(self, kind: str, lhs: Buf, rhs: Buf, out: Buf) -> None:
        self._op("compare", [lhs, rhs, out], f'kind = "{kind}"')

    def select(self, cond: Buf, lhs: Buf, rhs: Buf, out: Buf) -> None:
        self._op("select", [cond, lhs, rhs, out])

    def cast(self, inp: Buf, out: Buf) -> None:
        self._op("cast", [inp, out])

    def reduce(self, kind: str, axis: int, inp: Buf, out: Buf) -> None:
        self._op("reduce", [inp, out], f'kind = "{kind}", axis = {axis}')

    def table(self, inp: Buf, table: Buf, out: Buf) -> None:
        self._op("table", [inp, table, out])

    def rescale(self, inp: Buf, out: Buf, multiplier, shift, input_zp: int, output_zp: int, rounding: str) -> None:
        mult = "array<i32: " + ", ".join(str(int(m)) for m in multiplier) + ">"
        shf = "array<i8: " + ", ".join(str(int(s)) for s in shift) + ">"
        self._op("rescale", [inp, out], f"multiplier = {mult}, shift = {shf}, input_zp = {scalar(input_zp, inp.dtype)}, "
                                        f'output_zp = {scalar(output_zp, out.dtype)}, rounding = "{rounding}"')

    def clamp(self, inp: Buf, out: Buf, lo, hi) -> None:
        self._op("clamp", [inp, out], f"min = {scalar(lo, inp.dtype)}, max = {scalar(hi, inp.dtype)}")

    def im2col(self, inp: Buf, out: Buf, kernel, strides, pads, dilations, pad_value) -> None:
        self._op("im2col", [inp, out], f"kernel = {i64s(kernel)}, strides = {i64s(strides)}, pads = {i64s(pads)}, "
                                       f"dilations = {i64s(dilations)}, pad_value = {scalar(pad_value, inp.dtype)}")

    def transpose(self, inp: Buf, out: Buf, perm) -> None:
        self._op("transpose", [inp, out], f"perm = {i64s(perm)}")

    # ------------------------------------------------------------ layers and synchronization
    def begin_layer(self, layer: int, loc: str = "") -> None:
        self.layer = layer
        self.loc = self.layer_loc[layer] = loc
        self.layer_span[layer] = (len(self.lines), len(self.lines))

    def end_layer(self) -> None:
        start, _ = self.layer_span[self.layer]
        self.layer_span[self.layer] = (start, len(self.lines))

    def record(self, kind: str, symbol: str, pattern: Pattern) -> None:
        last = pattern.offset + sum((n - 1) * st for n, st in zip(pattern.sizes, pattern.strides))
        self.accesses.append((self.layer, kind, symbol, pattern.offset, last))

    def insert_before(self, line_index: int, text: str, rank: int = 0, loc: str = "") -> None:
        """Queue op `text` (located at `loc`) to go before line `line_index` (applied by `text()`);
        lower ranks go first."""
        self._inserts.setdefault(line_index, []).append((rank, text + loc))

    # ------------------------------------------------------------ output
    def text(self) -> str:
        r, c = self.pe
        lines = self.lines
        if self._inserts:
            lines = []
            queued = {i: [t for _, t in sorted(items, key=lambda x: x[0])] for i, items in self._inserts.items()}
            for i, line in enumerate(self.lines):
                lines.extend(queued.get(i, ()))
                lines.append(line)
            lines.extend(queued.get(len(self.lines), ()))
        body = "\n    ".join(lines)
        return (f"  func.func @pe_{r}_{c}() attributes {{npu_pe.pe = array<i64: {r}, {c}>}} {{\n"
                f'    {body}\n    return loc(unknown)\n  }} loc("pe_{r}_{c}")\n')
