"""Module-level state of the lowering to level 4 and the context one placed item is emitted in.

`Lowering` owns what all programs share: the external-memory globals
(`npu_mem.global`: graph inputs and outputs by ONNX name, weights, scratch
activations, constants computed at compile time), where every tensor of the
graph lives (`npu.spatial.layout.View`), and the per-PE `Program`s.

`ItemCtx` is handed to a family's `emit` for one item (one tile, or one K group
of one tile) on one PE. It loads boxes of tensors into fresh SRAM buffers
(`load`: alloc + DMA, or the layer's resident copy of a weight box), stores
buffers back (`store`), releases buffers (`release`), and combines K-split
partial sums (`combine_partials`: members send their accumulator to the K-group
0 PE along the XY route, which receives and adds them in K-group order, wrapping
for integer accumulators).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
from mlir import ir

from npu.dialects.level4 import ELEMENT_TYPES as LEVEL4_TYPES  # the one list of level-4 element types
from npu.errors import NpuError
from npu.ir import resources
from npu.ir.attrs import dense_attr, from_attr
from npu.spatial.cost import Chip
from npu.spatial.graph import Graph, Node, Tensor
from npu.spatial.layout import Pattern, View, box_pattern
from npu.spatial.plan import TilePlan
from npu.spatial.program import FLOAT_TYPES, Buf, Program

Coord = tuple[int, int]


@dataclass
class GlobalDecl:
    symbol: str
    kind: str  # input, output, weight, scratch
    shape: tuple[int, ...]
    dtype: str
    value: ir.Attribute | None = None
    loc: str = ""  # ` loc(...)` suffix: the producing (or first consuming) op, or the ONNX tensor name
    element: str | None = None  # graph element type of an input/output held in another buffer type (i1)

    def text(self) -> str:
        from npu.spatial.program import memref

        name = self.symbol.replace("\\", "\\\\").replace('"', '\\"')
        element = f", element = {self.element}" if self.element else ""
        return (f'  "npu_mem.global"() {{sym_name = "{name}", kind = "{self.kind}", '
                f"type = {memref(self.shape, self.dtype, 'ext')}{element}}} : () -> (){self.loc}\n")


def route(chip: Chip, src: Coord, dst: Coord) -> list[int]:
    """The XY route from src to dst, flattened (both ends included)."""
    flat = [src[0], src[1]]
    for _, to in chip.target.xy_route(src, dst):
        flat.extend(to)
    return flat


class Lowering:
    """What the programs of one level-4 module share (see the module docstring)."""

    def __init__(self, graph: Graph, chip: Chip):
        self.graph = graph
        self.chip = chip
        self.globals: dict[str, GlobalDecl] = {}
        self.views: dict[int, View] = {}
        self.programs: dict[Coord, Program] = {}
        self._const_symbols: dict[str, str] = {}
        self._blobs: dict[str, bytes] | None = None
        self._values: dict[int, np.ndarray] = {}
        self.tag = 0
        self._locs: dict[str, str] = {}  # printed MLIR location -> its alias (#locN)

    # ------------------------------------------------------------ globals
    def unique(self, base: str) -> str:
        base = re.sub(r"[^\w.$-]", "_", base) or "g"
        name, k = base, 1
        while name in self.globals:
            k += 1
            name = f"{base}_{k}"
        return name

    def declare(self, symbol: str, kind: str, shape, dtype: str, value=None, loc: str = "",
                element: str | None = None) -> GlobalDecl:
        if dtype not in LEVEL4_TYPES:
            raise NpuError(f"level 4 has no {dtype} buffers (tensor '{symbol}'); supported element types: "
                           f"{', '.join(LEVEL4_TYPES)}")
        decl = GlobalDecl(symbol, kind, tuple(shape), dtype, value, loc, element)
        self.globals[symbol] = decl
        return decl

    def view(self, t: Tensor) -> View:
        """Where tensor `t` lives; constants become weight globals on first use."""
        v = self.views.get(t.index)
        if v is None:
            if t.kind != "const":
                raise NpuError(f"internal: tensor {t.index} has no location")
            v = self.views[t.index] = self._weight(t)
        return v

    def _weight(self, t: Tensor) -> View:
        attr = t.const
        base = resources.resource_name(attr) if _is_resource(attr) else f"const{t.index}"
        value = attr if _level4_typed(attr) else self._retyped(t)
        loc = self.loc_ref(t.consumers[0].op.location) if t.consumers else ""
        decl = self.declare(self.unique(base), "weight", t.shape, t.dtype, value, loc)
        return View.dense(decl.symbol, t.shape)

    def _retyped(self, t: Tensor) -> ir.Attribute:
        """A quantized constant's value with its storage element type (level-4 globals hold storage types;
        a boolean constant becomes its i8 mask)."""
        value = self.const_value(t)
        return dense_attr(value.astype(np.int8) if value.dtype == np.bool_ else value)

    def constant(self, array: np.ndarray, hint: str, dtype: str, loc: str = "") -> View:
        """A weight global holding `array` (computed at compile time), shared by equal contents;
        `loc` (the ` loc(...)` suffix of the first op needing it) locates the global."""
        array = np.ascontiguousarray(array)
        key = hashlib.sha1(array.tobytes() + str(array.shape).encode() + dtype.encode()).hexdigest()
        symbol = self._const_symbols.get(key)
        if symbol is None:
            symbol = self.unique(hint)
            self.declare(symbol, "weight", array.shape, dtype, dense_attr(array), loc)
            self._const_symbols[key] = symbol
        return View.dense(symbol, tuple(array.shape))

    def const_value(self, t: Tensor) -> np.ndarray:
        """The numpy value of a constant tensor (dense resources read once for all, lazily)."""
        value = self._values.get(t.index)
        if value is None:
            attr = t.const
            if not _is_resource(attr):
                value = np.asarray(from_attr(attr))
            else:
                if self._blobs is None:
                    self._blobs = self._read_blobs()
                value = resources.resource_value(attr, self._blobs)
            self._values[t.index] = value
        return value

    def _read_blobs(self) -> dict[str, bytes]:
        """Blobs of the resource constants that lowering needs values of: printed from a scratch
        module holding only those constants (printing the whole model would print every weight)."""
        wanted = [t for t in self.graph.tensors if t.kind == "const" and _is_resource(t.const) and self.needs_value(t)]
        ctx = self.graph.func.context
        with ctx, ir.Location.unknown():
            scratch = ir.Module.create()
            with ir.InsertionPoint(scratch.body):
                for t in wanted:
                    ir.Operation.create("arith.constant", results=[t.const.type], attributes={"value": t.const})
            text = scratch.operation.get_asm(large_elements_limit=None)
        start = text.rfind("{-#")
        return resources.parse_blobs(text[start:]) if start >= 0 else {}

    def needs_value(self, t: Tensor) -> bool:
        """Constants whose numbers the lowering reads (normalization parameters, quantized weights)."""
        if t.dtype not in LEVEL4_TYPES or not _level4_typed(t.const):
            return True
        return any(c.name == "batch_normalization" for c in t.consumers)

    # ------------------------------------------------------------ programs
    def program(self, pe: Coord) -> Program:
        prog = self.programs.get(pe)
        if prog is None:
            prog = self.programs[pe] = Program(pe)
        return prog

    def next_tag(self) -> int:
        self.tag += 1
        return self.tag

    def loc_ref(self, location: ir.Location) -> str:
        """The ` loc(#locN)` suffix that gives a level-4 op the location of a source op (its ONNX node
        name: the perf model's per-layer figures and the binary's debug table key by it)."""
        text = str(location)
        alias = self._locs.get(text)
        if alias is None:
            alias = self._locs[text] = f"#npuloc{len(self._locs)}"
        return f" loc({alias})"

    def module_text(self, target_name: str) -> str:
        parts = [f"{alias} = {text}\n" for text, alias in self._locs.items()]
        parts.append(f'module attributes {{npu_pe.target = "{target_name}"}} {{\n')
        parts.extend(g.text() for g in self.globals.values())
        parts.extend(self.programs[pe].text() for pe in sorted(self.programs))
        parts.append("}\n")
        return "".join(parts)


def _is_resource(attr: ir.Attribute) -> bool:
    if isinstance(attr, ir.DenseResourceElementsAttr):
        return True
    # not always downcast by the bindings; printing is cheap for anything but dense elements
    return not isinstance(attr, ir.DenseElementsAttr) and str(attr).startswith("dense_resource<")


def _level4_typed(attr: ir.Attribute) -> bool:
    return str(attr.type.element_type) in LEVEL4_TYPES


# ------------------------------------------------------------------ one item


class ConstCache:
    """Small constant boxes (biases, normalization constants, scalars) a PE keeps for a layer
    once loaded, up to `budget` bytes; the layer's end deallocates them."""

    def __init__(self, budget: int):
        self.budget = budget
        self.buffers: dict = {}
        self.kept: set = set()
        self.used = 0

    def keep(self, key, buf: Buf) -> None:
        if self.used + buf.nbytes <= self.budget:
            self.buffers[key] = buf
            self.kept.add(buf)
            self.used += buf.nbytes


@dataclass
class KSplit:
    """K-split role of an item: the K-group 0 PE and the PEs of the other K groups."""

    leader: Coord
    members: list[Coord]
    tag: int


@dataclass
class ItemCtx:
    lw: Lowering
    node: Node
    plan: TilePlan
    prog: Program
    lo: tuple[int, ...]
    sizes: tuple[int, ...]
    chunks: range
    ksplit: KSplit | None = None
    resident: dict = field(default_factory=dict)
    # small constant boxes this PE already loaded in this layer (kept until the layer ends)
    cache: "ConstCache | None" = None

    @property
    def chip(self) -> Chip:
        return self.lw.chip

    @property
    def pe(self) -> Coord:
        return self.prog.pe

    @property
    def is_member(self) -> bool:
        return self.ksplit is not None and self.ksplit.leader != self.pe

    def where(self) -> View:
        return self.lw.view(self.node.out)

    def view_of(self, src: Tensor | View) -> View:
        return src if isinstance(src, View) else self.lw.view(src)

    def load(self, src: Tensor | View, lo, sizes, order, dtype: str, shape=None) -> tuple[Buf, str | None]:
        """A buffer holding box [lo, lo+sizes) of `src` with dims in `order` (reshaped to `shape`)."""
        view = self.view_of(src)
        pattern = box_pattern(view, tuple(lo), tuple(sizes), tuple(order))
        shape = tuple(shape) if shape is not None else tuple(sizes[d] for d in order)
        key = (view.symbol, pattern, shape)
        if key in self.resident:
            return self.resident[key], None
        cache = self.cache
        if cache is not None and key in cache.buffers:
            return cache.buffers[key], None
        buf = self.prog.alloc(shape, dtype)
        ext = self.lw.globals[view.symbol]
        src_buf = self.prog.global_buf(view.symbol, ext.shape, ext.dtype)
        tok = self.prog.dma(src_buf, buf, pattern, Pattern.contiguous(pattern.count))
        if ext.kind in ("scratch", "output"):
            self.prog.record("r", view.symbol, pattern)
        elif cache is not None:
            cache.keep(key, buf)
        return buf, tok

    def store(self, buf: Buf, dst: Tensor | View, lo, sizes, order) -> str:
        view = self.view_of(dst)
        pattern = box_pattern(view, tuple(lo), tuple(sizes), tuple(order))
        ext = self.lw.globals[view.symbol]
        dst_buf = self.prog.global_buf(view.symbol, ext.shape, ext.dtype)
        self.prog.record("w", view.symbol, pattern)
        return self.prog.dma(buf, dst_buf, Pattern.contiguous(pattern.count), pattern)

    def release(self, *bufs: Buf) -> None:
        kept = set(self.resident.values())
        if self.cache is not None:
            kept |= self.cache.kept
        self.prog.dealloc(*[b for b in bufs if b not in kept])

    def combine_partials(self, acc: Buf) -> bool:
        """K split over PEs: members send `acc` to the leader (True: the member is done), the
        leader receives every member's partial and adds it into `acc` (False: go on and store)."""
        ks = self.ksplit
        if ks is None:
            return False
        prog = self.prog
        if self.is_member:
            tok = prog.send(acc, ks.leader, route(self.chip, self.pe, ks.leader), ks.tag)
            prog.noc_wait([tok])
            return True
        # integer accumulators wrap modulo 2^32 like the golden int32 sum (wrapping is associative,
        # so any split gives the same bits); float partial sums add in K-group order
        kind = "add" if acc.dtype in FLOAT_TYPES else "add_wrap"
        for member in ks.members:
            part = prog.alloc(acc.shape, acc.dtype)
            tok = prog.recv(part, member, ks.tag)
            prog.noc_wait([tok])
            prog.binary(kind, acc, part, acc)
            prog.dealloc(part)
        return False
