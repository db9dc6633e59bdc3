"""What every op of a level-4 PE program reads and writes, where, and until when.

The SRAM allocator, the external-memory allocator, the scheduler and the race
verifier all reason about the same facts, modelled here once:

* `Root`: a buffer that owns memory -- an `npu_mem.alloc` (SRAM of this PE)
  or an `npu_mem.get_global` (external memory, the global's bytes).
  `npu_mem.view` results resolve to (root, byte offset).
* `Access`: one op reading or writing a set of bytes of a root. A
  synchronous access (compute ops) happens at its op; an asynchronous one
  (`dma_start`, `send`, `recv`, `multicast`) starts at its op and lasts until
  the `dma_wait` / `npu_noc.wait` of its token (`end`; `len(ops)` when the
  token is never waited for, i.e. it may last to the end of the program).
* Byte sets are sorted, merged runs (`starts`, `ends` arrays) in a *domain*:
  `("sram",)` absolute SRAM bytes of the PE once the buffer has an `offset`,
  `("buf", root)` bytes of one unallocated buffer, `("ext",)` absolute
  external bytes once the global has an `address`, `("global", name)` bytes of
  one unaddressed global. Two accesses can overlap only in the same domain.
* `Program`: a PE program flattened to its ops in order, with the accesses of
  every op, its roots and the op kinds the scheduler and simulator dispatch on.

DMA access patterns are turned into byte runs exactly (innermost contiguous
dimensions merged, numpy over the outer ones), or into their extent when a
pattern has more than `MAX_RUNS` runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from mlir import ir

from npu.dialects.level4 import PE_ATTR, Buffer, bits, buffer_type, program_pe
from npu.ir.diagnostics import file_line

MAX_RUNS = 1 << 16

# Op kinds.
PURE = "pure"          # alloc, view, get_global, semaphore: no effect but defining a value
DEALLOC = "dealloc"
DMA_START = "dma_start"
DMA_WAIT = "dma_wait"
COMPUTE = "compute"    # npu_pe.*: synchronous reads and writes
SYNC = "sync"          # send, recv, multicast, sem_signal: non-blocking network ops
BLOCK = "block"        # npu_noc.wait, sem_wait, barrier: may block on other PEs
OTHER = "other"        # anything else: treated as reading and writing its memref operands

_KINDS = {
    "npu_mem.alloc": PURE, "npu_mem.view": PURE, "npu_mem.get_global": PURE, "npu_noc.semaphore": PURE,
    "npu_mem.dealloc": DEALLOC, "npu_mem.dma_start": DMA_START, "npu_mem.dma_wait": DMA_WAIT,
    "npu_noc.send": SYNC, "npu_noc.recv": SYNC, "npu_noc.multicast": SYNC, "npu_noc.sem_signal": SYNC,
    "npu_noc.wait": BLOCK, "npu_noc.sem_wait": BLOCK, "npu_noc.barrier": BLOCK,
}


def op_kind(name: str) -> str:
    if name in _KINDS:
        return _KINDS[name]
    return COMPUTE if name.startswith("npu_pe.") else OTHER


_BUFFERS: dict = {}


def buffer_of(t: ir.Type) -> Buffer:
    """The Buffer of a (verified) memref type, cached per type."""
    buf = _BUFFERS.get(t)
    if buf is None:
        buf = _BUFFERS[t] = buffer_type(t)[0]
    return buf


def where(op: ir.Operation) -> str:
    """`'npu_mem.dma_start' (line 12)`: how messages name another op."""
    found = file_line(op.location)
    return f"'{op.name}' (line {found[1]})" if found else f"'{op.name}' ({op.location})"


# ---------------------------------------------------------------- byte runs

def merge_runs(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, disjoint, non-adjacent runs covering the union of [starts, ends)."""
    if starts.size <= 1:
        return starts, ends
    if not (starts[1:] >= starts[:-1]).all():
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    new = np.empty(starts.size, dtype=bool)
    new[0] = True
    new[1:] = starts[1:] > reach[:-1]
    first = np.flatnonzero(new)
    last = np.r_[first[1:], starts.size] - 1
    return starts[first], reach[last]


_MERGE_RUNS = 64  # up to this many runs in all, a Python merge beats numpy's per-call overhead


def runs_overlap(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[int, int] | None:
    """The first overlapping byte range of two merged run sets, or None.

    Runs of one set are sorted and disjoint, so the first overlap is where the lowest shared byte
    lies: found by a two-pointer merge for few runs, by a search of the smaller set in the larger."""
    (sa, ea), (sb, eb) = a, b
    if sa.size + sb.size <= _MERGE_RUNS:
        sa, ea, sb, eb = sa.tolist(), ea.tolist(), sb.tolist(), eb.tolist()
        i = j = 0
        while i < len(sa) and j < len(sb):
            if ea[i] <= sb[j]:
                i += 1
            elif eb[j] <= sa[i]:
                j += 1
            else:
                return max(sa[i], sb[j]), min(ea[i], eb[j])
        return None
    if sa.size > sb.size:
        (sa, ea), (sb, eb) = (sb, eb), (sa, ea)
    idx = np.searchsorted(eb, sa, side="right")  # first b run ending after each a start
    ok = idx < sb.size
    cand = np.flatnonzero(ok)
    if cand.size == 0:
        return None
    j = idx[cand]
    hit = sb[j] < ea[cand]
    if not hit.any():
        return None
    k = int(np.flatnonzero(hit)[0])
    i, j = int(cand[k]), int(j[k])
    return max(int(sa[i]), int(sb[j])), min(int(ea[i]), int(eb[j]))


def pattern_runs(offset: int, sizes: list[int], strides: list[int], elem_bits: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Byte runs touched by a DMA access pattern over elements of `elem_bits` bits."""
    dims = [(n, s) for n, s in zip(sizes, strides) if n > 1 and s > 0]
    run = 1
    while dims and dims[-1][1] == run:  # contiguous inner dimensions form one run
        run *= dims.pop()[0]
    count = int(np.prod([n for n, _ in dims])) if dims else 1
    if not dims:  # one contiguous run
        lo, hi = offset * elem_bits // 8, -(-(offset + run) * elem_bits // 8)
        return np.array([lo], dtype=np.int64), np.array([hi], dtype=np.int64)
    if count > MAX_RUNS:  # too many runs: the extent covers them all
        last = offset + sum((n - 1) * s for n, s in dims) + run
        starts = np.array([offset], dtype=np.int64)
        ends = np.array([last], dtype=np.int64)
    else:
        starts = np.array([offset], dtype=np.int64)
        for n, s in dims:
            starts = (starts[:, None] + np.arange(n, dtype=np.int64)[None, :] * s).reshape(-1)
        ends = starts + run
    starts, ends = starts * elem_bits // 8, -(-ends * elem_bits // 8)
    return merge_runs(starts, ends)


# ---------------------------------------------------------------- the model

@dataclass(eq=False)
class Root:
    """A buffer that owns bytes: an SRAM alloc or an external global."""

    op: ir.Operation
    index: int            # position of the defining op in the program
    space: str            # "sram" or "ext"
    nbytes: int
    name: str             # global name ("" for SRAM)
    offset: int | None    # SRAM offset or global address, when assigned
    buffer: Buffer

    def __post_init__(self) -> None:
        if self.space == "sram":
            self._domain = ("sram",) if self.offset is not None else ("buf", self)
        else:
            self._domain = ("ext",) if self.offset is not None else ("global", self.name)

    def domain(self) -> tuple:
        return self._domain

    def describe(self) -> str:
        if self.space == "ext":
            return f"@{self.name}"
        found = file_line(self.op.location)
        line = f" of line {found[1]}" if found else ""
        return f"the SRAM buffer{line}"


@dataclass(eq=False, slots=True)
class Access:
    """Bytes of one root read or written by one op (asynchronously until `end`).

    `lo`, `hi` bound the bytes in the root's domain; `runs` (merged byte runs,
    computed on first use) are exact; `single` says they form one run."""

    index: int
    end: int
    root: Root
    write: bool
    lo: int
    hi: int
    single: bool
    rel: tuple[int, int]          # extent relative to the root (for messages)
    pattern: tuple | None = None  # (offset, sizes, strides, element bits, byte shift) of a DMA side
    _runs: tuple | None = None
    _form: tuple | None = None

    @property
    def runs(self) -> tuple[np.ndarray, np.ndarray]:
        if self._runs is None:
            if self.single or self.pattern is None:
                self._runs = (np.array([self.lo], dtype=np.int64), np.array([self.hi], dtype=np.int64))
            else:
                offset, sizes, strides, elem_bits, shift = self.pattern
                starts, ends = pattern_runs(offset, sizes, strides, elem_bits)
                self._runs = (starts + shift, ends + shift)
        return self._runs

    def form(self) -> tuple:
        """(shape, base): `runs` are the runs of `shape` (a hashable key) moved by `base` bytes.

        Two accesses' runs overlap exactly when those of their shapes do at the difference of their
        bases, so an overlap test can be remembered per (shape, shape, difference)."""
        if self._form is None:
            if self.single or self.pattern is None:
                self._form = (("run", self.hi - self.lo), self.lo)
            else:
                offset, sizes, strides, elem_bits, shift = self.pattern
                if elem_bits % 8 == 0:  # whole-byte elements: the runs move with the offset
                    self._form = (("dma", tuple(sizes), tuple(strides), elem_bits), offset * elem_bits // 8 + shift)
                else:
                    self._form = (("dma", tuple(sizes), tuple(strides), elem_bits, offset), shift)
        return self._form

    @property
    def starts(self) -> np.ndarray:
        return self.runs[0]

    @property
    def ends(self) -> np.ndarray:
        return self.runs[1]

    @property
    def is_async(self) -> bool:
        return self.end != self.index


@dataclass(eq=False)
class Program:
    """One PE program, flattened."""

    func: ir.Operation
    pe: tuple[int, int]
    ops: list[ir.Operation]
    kinds: list[str]
    roots: list[Root] = field(default_factory=list)
    accesses: list[Access] = field(default_factory=list)
    by_op: list[list[Access]] = field(default_factory=list)
    # op index of a token-producing op -> index of the op waiting for it (len(ops) if none)
    wait_of: dict[int, int] = field(default_factory=dict)
    # op index of a wait -> indices of the ops whose tokens it waits for
    waited: dict[int, list[int]] = field(default_factory=dict)
    dealloc_of: dict[Root, int] = field(default_factory=dict)
    uses: dict[Root, list[int]] = field(default_factory=dict)  # ops using the root or a view of it
    ret: ir.Operation | None = None


class ProgramError(Exception):
    """A program the model cannot describe; carries the op to blame."""

    def __init__(self, op: ir.Operation, message: str):
        super().__init__(message)
        self.op = op


def programs_of(module: ir.Operation) -> list[ir.Operation]:
    """The PE programs (func.func with npu_pe.pe) of a module, in module order."""
    return [op.operation for op in module.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and PE_ATTR in op.operation.attributes]


def globals_of(module: ir.Operation) -> dict[str, ir.Operation]:
    return {op.operation.attributes["sym_name"].value: op.operation
            for op in module.regions[0].blocks[0].operations if op.operation.name == "npu_mem.global"}


def _int_attr(op: ir.Operation, name: str) -> int | None:
    return int(op.attributes[name].value) if name in op.attributes else None


def build_program(func: ir.Operation, global_ops: dict[str, ir.Operation] | None = None) -> Program:
    """Flatten `func` and describe every op's accesses; ProgramError on what it cannot model."""
    block = func.regions[0].blocks[0]
    ops = [op.operation for op in block.operations]
    ret = ops.pop() if ops and ops[-1].name == "func.return" else None
    prog = Program(func, program_pe(func), ops, [op_kind(op.name) for op in ops], ret=ret)
    prog.by_op = [[] for _ in ops]
    b = _Builder(prog, global_ops or {})
    for i, op in enumerate(ops):
        if len(op.regions) and any(len(r.blocks) for r in op.regions):
            raise ProgramError(op, f"'{op.name}' op expects a straight-line PE program (no ops with regions)")
        b.visit(i, op)
    for i in b.tokens.values():
        prog.wait_of.setdefault(i, len(ops))
    pending = [(a, a.index) for a in prog.accesses if a.is_async]
    for access, start in pending:
        access.end = prog.wait_of.get(start, len(ops))
    return prog


_DMA_SIDES = ((0, "src_offset", "src_sizes", "src_strides", False), (1, "dst_offset", "dst_sizes", "dst_strides", True))


class _Builder:
    """The state of flattening one program: what each buffer value is, the tokens not yet waited for.

    Each memref value maps to (root, byte offset in the root, its Buffer), so an operand's size is known
    without asking MLIR for its type again; integer-array attributes (DMA sizes and strides, a few
    distinct ones per program) are converted once per attribute."""

    def __init__(self, prog: Program, global_ops: dict):
        self.prog = prog
        self.global_ops = global_ops
        self.views: dict[ir.Value, tuple[Root, int, Buffer]] = {}
        self.tokens: dict[ir.Value, int] = {}
        self.ints: dict[ir.Attribute, list[int]] = {}

    def visit(self, i: int, op: ir.Operation) -> None:
        prog = self.prog
        name = op.name
        if name == "npu_mem.alloc":
            value = op.results[0]
            buf = buffer_of(value.type)
            self._new_root(value, Root(op, i, "sram", buf.nbytes, "", _int_attr(op, "offset"), buf))
        elif name == "npu_mem.get_global":
            value = op.results[0]
            buf = buffer_of(value.type)
            gname = op.attributes["name"].value
            gop = self.global_ops.get(gname)
            address = _int_attr(gop, "address") if gop is not None else None
            self._new_root(value, Root(op, i, "ext", buf.nbytes, gname, address, buf))
        elif name == "npu_mem.view":
            root, base, _ = self._resolve(op, op.operands[0], 0, i)
            value = op.results[0]
            self.views[value] = (root, base + int(op.attributes["byte_offset"].value), buffer_of(value.type))
        elif name == "npu_mem.dealloc":
            root, _, _ = self._resolve(op, op.operands[0], 0, i)
            prog.dealloc_of.setdefault(root, i)
        elif name == "npu_mem.dma_start":
            self.tokens[op.results[0]] = i
            operands = op.operands
            attrs = op.attributes
            for pos, offset, sizes, strides, write in _DMA_SIDES:
                root, base, buf = self._resolve(op, operands[pos], pos, i)
                _add_pattern(prog, i, root, write, base, int(attrs[offset].value), self._ints(attrs[sizes]),
                             self._ints(attrs[strides]), bits(buf.dtype))
        elif name in ("npu_mem.dma_wait", "npu_noc.wait"):
            tokens = self.tokens
            started = [tokens.pop(t) for t in op.operands if t in tokens]
            prog.waited[i] = started
            for s in started:
                prog.wait_of[s] = i
        elif name in ("npu_noc.send", "npu_noc.multicast", "npu_noc.recv"):
            self.tokens[op.results[0]] = i
            self._whole(op, op.operands[0], i, 0, write=name == "npu_noc.recv", async_=True)
        elif prog.kinds[i] == COMPUTE:
            operands = list(op.operands)
            n = len(operands)
            reads_out = name == "npu_pe.matmul" and _truthy(op, "accumulate")
            for pos in range(n):
                if pos < n - 1 or reads_out:
                    self._whole(op, operands[pos], i, pos, write=False)
            if n:
                self._whole(op, operands[n - 1], i, n - 1, write=True)
        elif prog.kinds[i] == OTHER:
            for pos, value in enumerate(op.operands):
                if value in self.views:
                    self._whole(op, value, i, pos, write=False)
                    self._whole(op, value, i, pos, write=True)

    def _ints(self, attr: ir.Attribute) -> list[int]:
        found = self.ints.get(attr)
        if found is None:
            found = self.ints[attr] = [int(v) for v in attr]
        return found

    def _new_root(self, value: ir.Value, root: Root) -> None:
        self.prog.roots.append(root)
        self.prog.uses[root] = []
        self.views[value] = (root, 0, root.buffer)

    def _resolve(self, op: ir.Operation, value: ir.Value, pos: int, i: int) -> tuple[Root, int, Buffer]:
        found = self.views.get(value)
        if found is None:
            raise ProgramError(op, f"'{op.name}' op expects operand #{pos} to come from 'npu_mem.alloc', "
                                   f"'npu_mem.get_global' or 'npu_mem.view' in the same program")
        uses = self.prog.uses[found[0]]
        if not uses or uses[-1] != i:
            uses.append(i)
        return found

    def _whole(self, op: ir.Operation, value: ir.Value, i: int, pos: int, write: bool, async_: bool = False) -> None:
        root, base, buf = self._resolve(op, value, pos, i)
        nbytes = buf.nbytes
        shift = base + (root.offset or 0)
        _append(self.prog, Access(i, i + 1 if async_ else i, root, write, shift, shift + nbytes, True,
                                  (base, base + nbytes)))


def _truthy(op: ir.Operation, name: str) -> bool:
    attr = op.attributes[name] if name in op.attributes else None
    return bool(attr.value) if isinstance(attr, (ir.BoolAttr, ir.IntegerAttr)) else False


def _add_pattern(prog: Program, i: int, root: Root, write: bool, base: int, offset: int, sizes: list[int],
                 strides: list[int], elem_bits: int) -> None:
    """An asynchronous DMA access: its extent now, its exact runs when needed."""
    dims = [(n, st) for n, st in zip(sizes, strides) if n > 1 and st > 0]
    run = 1
    while dims and dims[-1][1] == run:
        run *= dims.pop()[0]
    last = offset + sum((n - 1) * st for n, st in dims) + run  # one past the last element
    lo, hi = offset * elem_bits // 8, -(-last * elem_bits // 8)
    shift = base + (root.offset or 0)
    _append(prog, Access(i, i + 1, root, write, lo + shift, hi + shift, not dims, (base + lo, base + hi),
                         (offset, sizes, strides, elem_bits, shift)))


def _append(prog: Program, access: Access) -> None:
    prog.accesses.append(access)
    prog.by_op[access.index].append(access)


def build_programs(module: ir.Operation) -> list[Program]:
    gops = globals_of(module)
    return [build_program(f, gops) for f in programs_of(module)]
