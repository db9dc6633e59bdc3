"""The static race and deadlock verifier of level-4 modules (`npu-check-races`).

`check_module(module)` returns every finding as a (op, message) pair, the
message in MLIR wording (`'npu_pe.matmul' op reads bytes ...`). What it checks:

1. Per PE program, in program order, against the asynchronous accesses in
   flight (a DMA, send or recv between its start and the wait of its token):
   a read of bytes a DMA or recv is still writing (read before completion);
   a write to bytes a DMA or send is still reading, or another DMA or recv is
   still writing (reuse while in flight); a DMA whose source and target
   overlap. Bytes are SRAM addresses once buffers have offsets (so two
   buffers sharing bytes conflict) and bytes of the SSA buffer before that.
2. Per PE program, buffer lifetimes: a use after `npu_mem.dealloc`, a dealloc
   while a transfer on the buffer is in flight, and -- once offsets are
   assigned -- a read of bytes that another buffer sharing them overwrote since
   this buffer last wrote them (two simultaneously live buffers placed on the
   same SRAM bytes). Optionally (`uninitialized=True`) a read of bytes nothing
   wrote.
3. Across PEs (`npu.spatial.happens_before.simulate`): deadlocks, reported at
   the op each blocked PE is stuck on; and external-memory races: two PEs
   touching overlapping bytes of a global (or, once addressed, of external
   memory), at least one writing, with neither access completed before the
   other started in happens-before order (no barrier, semaphore or transfer
   orders them). Overlaps are exact on the DMA access patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mlir import ir

from npu.dialects.level4 import fmt
from npu.spatial.access import (
    Access, Program, ProgramError, Root, build_programs, runs_overlap, where,
)
from npu.spatial.happens_before import SyncResult, simulate

MAX_EXT_FINDINGS = 20
_PAIR_CHUNK = 1 << 20


@dataclass
class Finding:
    op: ir.Operation
    message: str


def check_module(module: ir.Operation, uninitialized: bool = False) -> list[Finding]:
    """Every race and deadlock of a level-4 module (see the module docstring)."""
    try:
        programs = build_programs(module)
    except ProgramError as err:
        return [Finding(err.op, str(err))]
    found: list[Finding] = []
    for prog in programs:
        found += check_program(prog, uninitialized)
    sync = simulate(programs)
    if not sync.finished:
        found += deadlock_findings(sync)
    else:
        found += ext_races(programs, sync)
    return found


def _range_of(root: Root, lo: int, hi: int) -> str:
    base = root.offset or 0
    return f"bytes [{lo - base}, {hi - base}) of {root.describe()}"


# ---------------------------------------------------------------- one program

def check_program(prog: Program, uninitialized: bool = False) -> list[Finding]:
    found: list[Finding] = []
    flight = _InFlight(prog)
    contents = _Contents(prog, uninitialized)
    freed = {d: root for root, d in prog.dealloc_of.items()}
    for i, op in enumerate(prog.ops):
        accesses = prog.by_op[i]
        if i in freed:
            found += _dealloc_in_flight(prog, freed[i], op, flight.on_root(freed[i], i))
        for a in accesses:
            d = prog.dealloc_of.get(a.root)
            if d is not None and d < i:
                found.append(Finding(op, f"'{op.name}' op uses {a.root.describe()} after its "
                                         f"{where(prog.ops[d])}"))
                continue
            clash = _in_flight_clash(prog.ops, a, flight.near(a, i)) if flight.count else None
            if clash is not None:
                found.append(Finding(op, clash))
        if op.name == "npu_mem.dma_start" and len(accesses) == 2:
            src, dst = accesses
            hit = src.root.domain() == dst.root.domain() and runs_overlap(src.runs, dst.runs)
            if hit:
                found.append(Finding(op, f"'{op.name}' op copies between overlapping "
                                         f"{_range_of(dst.root, *hit)}"))
        found += contents.step(i, op, accesses)
        for a in accesses:
            if a.is_async:
                flight.add(a, i)
    return found


class _InFlight:
    """The asynchronous accesses in flight at an op, found through the address buckets they cover.

    An access is in flight from its op until the wait of its token (`end`,
    exclusive). A query returns the in-flight accesses of the same domain
    whose extents meet the given one, in the order they started -- what a
    scan of every in-flight access would find, without scanning them all
    (with prefetching, a hundred or more may be in flight on a PE). Expired
    entries are dropped as buckets are scanned and in a sweep every
    `SWEEP` additions."""

    SPAN = 64      # an access covering more buckets goes to its domain's wide list
    SWEEP = 4096

    def __init__(self, prog: Program):
        sizes = [a.hi - a.lo for a in prog.accesses if a.is_async]
        self.width = max(16, int(np.median(sizes))) if sizes else 16
        self.buckets: dict[tuple, list[tuple[int, Access]]] = {}
        self.wide: dict[tuple, list[tuple[int, Access]]] = {}
        self.every: dict[tuple, list[tuple[int, Access]]] = {}  # per domain, for queries wider than SPAN
        self.by_root: dict[Root, list[Access]] = {}
        self.seq = 0
        self.count = 0  # entries added since the last sweep plus those it kept (an upper bound on the live ones)

    def add(self, a: Access, i: int) -> None:
        dom = a.root.domain()
        b0, b1 = a.lo // self.width, (a.hi - 1) // self.width
        entry = (self.seq, a)
        self.seq += 1
        if b1 - b0 >= self.SPAN:
            self.wide.setdefault(dom, []).append(entry)
        else:
            for b in range(b0, b1 + 1):
                self.buckets.setdefault((dom, b), []).append(entry)
        self.every.setdefault(dom, []).append(entry)
        self.by_root.setdefault(a.root, []).append(a)
        self.count += 1
        if self.seq % self.SWEEP == 0:
            self._sweep(i)

    def _sweep(self, i: int) -> None:
        for table in (self.buckets, self.wide, self.every):
            for key in list(table):
                kept = [e for e in table[key] if e[1].end > i]
                if kept:
                    table[key] = kept
                else:
                    del table[key]
        for root in list(self.by_root):
            kept = [a for a in self.by_root[root] if a.end > i]
            if kept:
                self.by_root[root] = kept
            else:
                del self.by_root[root]
        self.count = sum(len(v) for v in self.every.values())

    def _live(self, table: dict, key, i: int) -> list[tuple[int, Access]]:
        entries = table.get(key)
        if not entries:
            return []
        kept = [e for e in entries if e[1].end > i]
        if len(kept) != len(entries):
            if kept:
                table[key] = kept
            else:
                del table[key]
        return kept

    def near(self, a: Access, i: int) -> list[Access]:
        """In-flight accesses at op i of a's domain whose extents meet a's, oldest first."""
        dom = a.root.domain()
        b0, b1 = a.lo // self.width, (a.hi - 1) // self.width
        if b1 - b0 >= self.SPAN:
            found = self._live(self.every, dom, i)
        else:
            found = list(self._live(self.wide, dom, i))
            for b in range(b0, b1 + 1):
                found += self._live(self.buckets, (dom, b), i)
        hits = {seq: p for seq, p in found if a.lo < p.hi and p.lo < a.hi}
        return [hits[seq] for seq in sorted(hits)]

    def on_root(self, root: Root, i: int) -> list[Access]:
        """In-flight accesses at op i to `root`."""
        return [a for a in self.by_root.get(root, ()) if a.end > i]


def _dealloc_in_flight(prog: Program, root: Root, op: ir.Operation, pending: list[Access]) -> list[Finding]:
    for p in pending:
        if p.root is root:
            return [Finding(op, f"'{op.name}' op deallocates {root.describe()} while the "
                                f"{where(prog.ops[p.index])} using it is in flight")]
    return []


def _in_flight_clash(ops: list[ir.Operation], a: Access, pending: list[Access]) -> str | None:
    """Why access `a` conflicts with a transfer still in flight (the first in `pending` that does), or None."""
    dom = a.root.domain()
    for p in pending:
        if not (a.write or p.write) or p.root.domain() != dom or a.hi <= p.lo or p.hi <= a.lo:
            continue
        hit = runs_overlap(a.runs, p.runs)
        if hit is None:
            continue
        name, other, what = ops[a.index].name, where(ops[p.index]), _range_of(a.root, *hit)
        if p.write and not a.write:
            return f"'{name}' op reads {what} before the {other} that writes them completed"
        verb = "writing" if p.write else "reading"
        return f"'{name}' op writes {what} while the {other} {verb} them is in flight"
    return None


class _Contents:
    """Who last wrote each byte: SRAM addresses once allocated, else bytes of each buffer."""

    def __init__(self, prog: Program, uninitialized: bool):
        self.prog = prog
        self.uninitialized = uninitialized
        ends = [a.hi for a in prog.accesses if a.root.space == "sram" and a.root.offset is not None]
        self.sram = np.zeros(max(ends, default=0), dtype=np.int32)
        self.ids = {root: k + 1 for k, root in enumerate(prog.roots)}
        self.writer: dict[int, int] = {}  # root id -> op index of its last write
        self.local: dict[Root, np.ndarray] = {}

    def _array(self, root: Root) -> np.ndarray:
        if root.offset is not None:
            return self.sram
        if root not in self.local:
            self.local[root] = np.zeros(root.nbytes, dtype=np.int32)
        return self.local[root]

    def step(self, i: int, op: ir.Operation, accesses: list[Access]) -> list[Finding]:
        found = []
        for a in accesses:
            if a.root.space != "sram" or a.write:
                continue
            if a.root.offset is None and not self.uninitialized:
                continue
            owner = _gather(self._array(a.root), a)
            rid = self.ids[a.root]
            bad = np.flatnonzero(owner != rid)
            if bad.size == 0:
                continue
            other = int(owner[bad[0]])
            if other == 0 and not self.uninitialized:
                bad = np.flatnonzero((owner != rid) & (owner != 0))
                if bad.size == 0:
                    continue
                other = int(owner[bad[0]])
            lo, hi = _span(a, bad)
            if other == 0:
                found.append(Finding(op, f"'{op.name}' op reads {_range_of(a.root, lo, hi)} before anything "
                                         f"wrote them"))
            else:
                culprit = self.prog.roots[other - 1]
                found.append(Finding(op, f"'{op.name}' op reads {_range_of(a.root, lo, hi)} that "
                                         f"{where(self.prog.ops[self.writer[other]])} overwrote through "
                                         f"{culprit.describe()} (the two buffers share SRAM bytes while both are live)"))
        for a in accesses:
            if a.root.space == "sram" and a.write and (a.root.offset is not None or self.uninitialized):
                _scatter(self._array(a.root), a, self.ids[a.root])
                self.writer[self.ids[a.root]] = i
        return found


def _flat(a: Access) -> np.ndarray | slice:
    if a.starts.size == 1:
        return slice(int(a.starts[0]), int(a.ends[0]))
    lens = a.ends - a.starts
    first = np.repeat(a.starts - np.r_[0, np.cumsum(lens)[:-1]], lens)
    return first + np.arange(int(lens.sum()), dtype=np.int64)


def _gather(arr: np.ndarray, a: Access) -> np.ndarray:
    return arr[_flat(a)]


def _scatter(arr: np.ndarray, a: Access, value: int) -> None:
    arr[_flat(a)] = value


def _span(a: Access, bad: np.ndarray) -> tuple[int, int]:
    """Address range of the first contiguous stretch of flagged positions of an access."""
    flat = _flat(a)
    addr = np.arange(flat.start, flat.stop) if isinstance(flat, slice) else flat
    sel = addr[bad]
    stop = np.flatnonzero(np.diff(sel) != 1)
    last = sel[stop[0]] if stop.size else sel[-1]
    return int(sel[0]), int(last) + 1


# ---------------------------------------------------------------- across PEs

def deadlock_findings(sync: SyncResult) -> list[Finding]:
    tail = sync.message()
    return [Finding(b.op, f"'{b.op.name}' op deadlocks: PE {fmt(b.pe)} waits here {b.reason}; {tail}")
            for b in sync.blocked]


def ext_races(programs: list[Program], sync: SyncResult) -> list[Finding]:
    """Overlapping external accesses of two PEs, one a write, unordered by happens-before."""
    items = [(p, a) for p, prog in enumerate(programs) for a in prog.accesses if a.root.space == "ext"]
    if not items:
        return []
    pe_col = np.array([sync.index[programs[p].pe] for p, _ in items], dtype=np.int64)
    start = np.array([a.index for _, a in items], dtype=np.int64)
    end = np.array([a.end for _, a in items], dtype=np.int64)
    vc = np.zeros((len(items), len(sync.pes)), dtype=np.int32)
    prog_of = np.array([p for p, _ in items], dtype=np.int64)  # nondecreasing: items are in program order
    bounds = np.searchsorted(prog_of, np.arange(len(programs) + 1))
    for p, prog in enumerate(programs):
        rows = np.arange(bounds[p], bounds[p + 1])
        if rows.size:
            vc[rows] = sync.vcs(prog.pe, start[rows])
    write = np.array([a.write for _, a in items])
    by_domain: dict[tuple, list[int]] = {}
    for k, (_, a) in enumerate(items):
        by_domain.setdefault(a.root.domain(), []).append(k)
    found: list[Finding] = []
    disjoint: set[tuple] = set()  # (shape, shape, base difference) of access pairs whose runs do not meet
    for ks in by_domain.values():
        ks = np.array(ks, dtype=np.int64)
        lo = np.array([items[k][1].lo for k in ks])
        hi = np.array([items[k][1].hi for k in ks])
        order = np.argsort(lo, kind="stable")
        ks, lo, hi = ks[order], lo[order], hi[order]
        stop = np.searchsorted(lo, hi, side="left")
        for I, J in _pairs(stop):
            a_, b_ = ks[I], ks[J]
            keep = (pe_col[a_] != pe_col[b_]) & (write[a_] | write[b_])
            a_, b_ = a_[keep], b_[keep]
            ordered = (vc[b_, pe_col[a_]] > end[a_]) | (vc[a_, pe_col[b_]] > end[b_])
            for x, y in zip(a_[~ordered], b_[~ordered]):
                f = _ext_finding(programs, items[int(x)], items[int(y)], disjoint)
                if f is not None:
                    found.append(f)
                    if len(found) >= MAX_EXT_FINDINGS:
                        return found
    return found


def _pairs(stop: np.ndarray):
    """Index pairs (i, j), i < j < stop[i], in chunks of bounded size."""
    n = stop.size
    counts = np.maximum(stop - np.arange(n) - 1, 0)
    i0 = 0
    while i0 < n:
        csum = np.cumsum(counts[i0:])
        i1 = i0 + max(1, int(np.searchsorted(csum, _PAIR_CHUNK, side="right")))
        c = counts[i0:i1]
        I = np.repeat(np.arange(i0, i1), c)
        if I.size:
            first = np.repeat(np.arange(i0, i1) + 1 - np.r_[0, np.cumsum(c)[:-1]], c)
            J = first + np.arange(I.size)
            yield I, J
        i0 = i1


def _ext_finding(programs: list[Program], x: tuple[int, Access], y: tuple[int, Access],
                 disjoint: set[tuple]) -> Finding | None:
    (px, ax), (py, ay) = x, y
    (shape_x, base_x), (shape_y, base_y) = ax.form(), ay.form()
    key = (shape_x, shape_y, base_y - base_x)
    if key in disjoint:  # the same two shapes at the same distance were found not to meet
        return None
    hit = runs_overlap(ax.runs, ay.runs)
    if hit is None:
        disjoint.add(key)
        return None
    # report at the write when there is one, naming the other access
    if not ay.write or (ax.write and (px, ax.index) > (py, ay.index)):
        (px, ax), (py, ay) = (py, ay), (px, ax)
    op, other = programs[py].ops[ay.index], programs[px].ops[ax.index]
    verb = "writes" if ax.write else "reads"
    return Finding(op, f"'{op.name}' op writes {_range_of(ay.root, *hit)} that PE {fmt(programs[px].pe)} also "
                       f"{verb} with {where(other)}, and no barrier, semaphore or transfer orders the two")
