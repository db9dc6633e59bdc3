"""Reordering a PE program so DMAs overlap compute: hoist DMA starts, sink waits.

`dependences(prog, readonly)` builds the DAG the reordering must respect
(edges go from an earlier to a later op of the original order):

1. SSA: a value's definition before its uses (tokens before their waits);
2. memory: two ops touching overlapping bytes, at least one writing, keep
   their order; an asynchronous access counts at its start *and* at its wait,
   so no conflicting op moves into its flight time; `npu_mem.alloc` and
   `npu_mem.dealloc` count as writes of their buffer's bytes (once offsets are
   assigned, bytes are SRAM addresses, so a buffer cannot be prefetched into
   bytes another buffer still uses);
3. synchronization: network and synchronization ops (send, recv, multicast,
   npu_noc.wait, semaphores, barriers) keep their order, so every
   happens-before relation between PEs is unchanged; accesses to external
   globals that some program writes (outputs, scratch) keep their order with
   every synchronization op, so no ext access crosses the barrier, semaphore
   or transfer that orders it against another PE. Weights and inputs no
   program writes are free to move (weight prefetch across barriers).

`schedule(prog, deps, budget)` is a list scheduler over that DAG:
- DMA starts, allocs, views, deallocs are *eager*: emitted as soon as their
  predecessors are (prefetch), unless the bytes live at that point plus the
  buffers the DMA starts to use would exceed `budget` (before SRAM
  allocation; `None` after it, where the bytes themselves constrain);
- `dma_wait` and `npu_noc.wait` are *lazy*: emitted only when the next op
  in original order needs them (just before the first use; a noc.wait also
  before the next synchronization op), or to free bytes when the budget is
  tight, or at the end;
- everything else keeps its original relative order.

The synchronization ops keep their order and DMAs never block on other PEs,
so a deadlock-free program stays deadlock-free; ext accesses stay inside the
same synchronization intervals, so no race appears across PEs; the memory
edges keep every PE-local read and write in order.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from npu.spatial.access import (
    BLOCK, DEALLOC, DMA_START, DMA_WAIT, PURE, SYNC, Program, runs_overlap,
)

EAGER = "eager"
LAZY = "lazy"
NORMAL = "normal"
ON_DEMAND = "on_demand"


@dataclass
class Deps:
    """The dependence DAG of one program over its non-pure ops.

    Pure ops (alloc, view, get_global, semaphore) are contracted out: their
    predecessors become predecessors of their users, and `needs[i]` lists the
    pure ops op i uses (transitively), emitted just before it."""

    preds: list[set[int]]
    succs: list[list[int]]
    cat: list[str]
    needs: list[list[int]]


def category(prog: Program, i: int) -> str:
    kind = prog.kinds[i]
    if kind == PURE:
        return ON_DEMAND
    if kind in (DMA_START, DEALLOC):
        return EAGER
    if kind == DMA_WAIT or prog.ops[i].name == "npu_noc.wait":
        return LAZY
    return NORMAL


def dependences(prog: Program, readonly: set[str]) -> Deps:
    n = len(prog.ops)
    preds: list[set[int]] = [set() for _ in range(n)]
    defined = {}
    for i, op in enumerate(prog.ops):
        for v in op.operands:
            j = defined.get(v)
            if j is not None:
                preds[i].add(j)
        for r in op.results:
            defined[r] = i
    _memory_edges(prog, preds, readonly)
    _sync_edges(prog, preds, readonly)
    cat = [category(prog, i) for i in range(n)]
    needs: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):  # contract pure ops, in order (a pure op's predecessors come before it)
        preds[i].discard(i)
        direct = [j for j in preds[i] if cat[j] == ON_DEMAND]
        if direct:
            closure = set(direct)
            for j in direct:
                closure.update(needs[j])
                preds[i].update(preds[j])
            preds[i].difference_update(closure)
            needs[i] = sorted(closure)
    succs: list[list[int]] = [[] for _ in range(n)]
    for i, ps in enumerate(preds):
        if cat[i] == ON_DEMAND:
            continue
        for j in ps:
            succs[j].append(i)
    return Deps(preds, succs, cat, needs)


def _effects(prog: Program, readonly: set[str]) -> list[list[tuple]]:
    """Per op: (domain, lo, hi, access or None, write); async accesses at their start and their wait.

    `None` stands for a whole-buffer effect (alloc and dealloc). Globals no
    program writes (`readonly`) have no effects: nothing conflicts with them."""
    n = len(prog.ops)
    eff: list[list[tuple]] = [[] for _ in range(n)]
    for a in prog.accesses:
        if a.root.space == "ext" and a.root.name in readonly:
            continue
        item = (a.root.domain(), a.lo, a.hi, a, a.write)
        eff[a.index].append(item)
        if a.is_async and a.end < n:
            eff[a.end].append(item)
    for root in prog.roots:
        if root.space != "sram":
            continue
        base = root.offset or 0
        whole = (root.domain(), base, base + root.nbytes, None, True)
        eff[root.index].append(whole)
        d = prog.dealloc_of.get(root)
        if d is not None:
            eff[d].append(whole)
    return eff


def _runs(lo: int, hi: int, acc) -> tuple:
    if acc is None or acc.single:
        return np.array([lo], dtype=np.int64), np.array([hi], dtype=np.int64)
    return acc.runs


def _overlap(lo: int, hi: int, acc, elo: int, ehi: int, eacc, memo: dict) -> bool:
    """Two effects whose extents intersect: do their bytes? (exact only when one is strided)

    The answer depends only on the two run shapes and the distance between them (`Access.form`), so
    it is remembered per (shape, shape, distance) in `memo`."""
    if (acc is None or acc.single) and (eacc is None or eacc.single):
        return True
    shape, base = acc.form() if acc is not None else (("run", hi - lo), lo)
    eshape, ebase = eacc.form() if eacc is not None else (("run", ehi - elo), elo)
    key = (shape, eshape, ebase - base)
    found = memo.get(key)
    if found is None:
        found = memo[key] = runs_overlap(_runs(lo, hi, acc), _runs(elo, ehi, eacc)) is not None
    return found


class _ByteIndex:
    """The effects seen so far in one domain, found through the address buckets their extents cover.

    An effect covered by a later single-run write is dropped: anything
    conflicting with it conflicts with that write, which is ordered after it."""

    SPAN = 64  # effects covering more buckets are kept in one list checked by every query

    def __init__(self, width: int, memo: dict):
        self.width = width
        self.memo = memo  # _overlap's answers, shared by the domains of a program
        self.entries: list[tuple] = []
        self.buckets: dict[int, list[int]] = {}
        self.wide: list[int] = []
        self.dead: set[int] = set()

    def add(self, preds: set[int], i: int, lo: int, hi: int, acc, write: bool) -> None:
        """Record the edges from conflicting earlier effects into `preds`, then the effect itself."""
        covering = write and (acc is None or acc.single)
        b0, b1 = lo // self.width, (hi - 1) // self.width
        seen: set[int] = set()
        for b in range(b0, b1 + 1):
            if b in self.buckets:
                self.buckets[b] = self._scan(self.buckets[b], seen, preds, i, lo, hi, acc, write, covering)
        self.wide = self._scan(self.wide, seen, preds, i, lo, hi, acc, write, covering)
        eid = len(self.entries)
        self.entries.append((i, lo, hi, acc, write))
        if b1 - b0 < self.SPAN:
            for b in range(b0, b1 + 1):
                self.buckets.setdefault(b, []).append(eid)
        else:
            self.wide.append(eid)

    def _scan(self, ids: list[int], seen: set[int], preds: set[int], i: int, lo: int, hi: int, acc,
              write: bool, covering: bool) -> list[int]:
        keep = []
        for eid in ids:
            if eid in self.dead:
                continue
            if eid not in seen:
                seen.add(eid)
                j, elo, ehi, eacc, ewrite = self.entries[eid]
                if (j != i and (write or ewrite) and lo < ehi and elo < hi
                        and _overlap(lo, hi, acc, elo, ehi, eacc, self.memo)):
                    preds.add(j)
                if covering and j != i and lo <= elo and ehi <= hi:
                    self.dead.add(eid)
                    continue
            keep.append(eid)
        return keep


def _memory_edges(prog: Program, preds: list[set[int]], readonly: set[str]) -> None:
    """Edges between ops touching overlapping bytes, one of them writing (per domain, via _ByteIndex)."""
    effects = _effects(prog, readonly)
    extents: dict[tuple, list[int]] = {}
    for per_op in effects:
        for dom, lo, hi, _, _ in per_op:
            extents.setdefault(dom, []).append(hi - lo)
    # bucket width: a middle extent of the domain (only speed depends on it; most domains are one buffer's)
    memo: dict = {}
    index = {dom: _ByteIndex(max(16, sorted(sizes)[len(sizes) // 2]), memo) for dom, sizes in extents.items()}
    for i, per_op in enumerate(effects):
        for dom, lo, hi, acc, write in per_op:
            if hi > lo:
                index[dom].add(preds[i], i, lo, hi, acc, write)


def _sync_edges(prog: Program, preds: list[set[int]], readonly: set[str]) -> None:
    """Synchronization ops keep their order; ext accesses to written globals stay between the same ones."""
    last_sync = None        # latest synchronization op
    since: list[int] = []   # mutable-ext ops since then
    mutable = [any(a.root.space == "ext" and a.root.name not in readonly for a in accs) for accs in prog.by_op]
    for a in prog.accesses:
        if a.is_async and a.end < len(prog.ops) and a.root.space == "ext" and a.root.name not in readonly:
            mutable[a.end] = True
    for i in range(len(prog.ops)):
        if prog.kinds[i] in (SYNC, BLOCK):
            if last_sync is not None:
                preds[i].add(last_sync)
            preds[i].update(since)
            since = []
            last_sync = i
        elif mutable[i]:
            if last_sync is not None:
                preds[i].add(last_sync)
            since.append(i)


# ---------------------------------------------------------------- list scheduling

class _Live:
    """Bytes of unallocated SRAM buffers in use as ops are emitted.

    A buffer is in use from the first emitted op touching it (an access, or
    the wait completing one) until the last; `freers` collects the ops that
    are now the last toucher of some buffer (emitting them frees bytes)."""

    def __init__(self, prog: Program):
        self.touch: dict[int, list] = {}
        self.size = {}
        for root in prog.roots:
            if root.space == "sram" and root.offset is None:
                self.size[root] = root.nbytes
        self.remaining: dict = {r: set() for r in self.size}
        for a in prog.accesses:
            if a.root in self.remaining:
                self.remaining[a.root].add(a.index)
                if a.end < len(prog.ops):
                    self.remaining[a.root].add(a.end)
        for r, ops in self.remaining.items():
            for i in ops:
                self.touch.setdefault(i, []).append(r)
        # the original order's live bytes at each op, and where each buffer was first touched
        n = len(prog.ops)
        self.first = {r: min(ops) for r, ops in self.remaining.items() if ops}
        delta = np.zeros(n + 2, dtype=np.int64)
        for r, ops in self.remaining.items():
            if ops:
                delta[min(ops)] += self.size[r]
                delta[max(ops) + 1] -= self.size[r]
        self.peaks = _RangeMax(np.cumsum(delta)[: n + 1])
        self.freers: list[int] = [next(iter(ops)) for ops in self.remaining.values() if len(ops) == 1]
        self.started: set = set()
        self.bytes = 0

    def new_bytes(self, i: int) -> int:
        return sum(self.size[r] for r in self.touch.get(i, ()) if r not in self.started)

    def hoist_peak(self, i: int, now: int) -> tuple[int, list]:
        """(the original live bytes peak until the buffers op i starts were first touched, their sizes)."""
        new = [r for r in self.touch.get(i, ()) if r not in self.started and self.first[r] > now]
        if not new:
            return 0, []
        until = max(self.first[r] for r in new)
        return self.peaks.query(now, until), new

    def emit(self, i: int) -> bool:
        """Account for op i; True when it freed bytes."""
        freed = False
        for r in self.touch.get(i, ()):
            if r not in self.started:
                self.started.add(r)
                self.bytes += self.size[r]
            ops = self.remaining[r]
            ops.discard(i)
            if not ops:
                self.bytes -= self.size[r]
                freed = True
            elif len(ops) == 1:
                self.freers.append(next(iter(ops)))
        return freed


class _RangeMax:
    """max(values[lo:hi]) in O(1) per query (sparse table)."""

    def __init__(self, values: np.ndarray):
        self.levels = [values.tolist()]
        width = 1
        while 2 * width <= values.size:
            prev = np.asarray(self.levels[-1])
            self.levels.append(np.maximum(prev[:-width], prev[width:]).tolist())
            width *= 2

    def query(self, lo: int, hi: int) -> int:
        if hi <= lo:
            return 0
        k = (hi - lo).bit_length() - 1
        row = self.levels[k]
        return max(row[lo], row[hi - (1 << k)])


def schedule(prog: Program, deps: Deps, budget: int | None) -> list[int]:
    """A new order of the program's op indices (see the module docstring)."""
    return _ListScheduler(prog, deps, budget).run()


class _ListScheduler:
    """The state of one list-scheduling run (see `schedule`)."""

    def __init__(self, prog: Program, deps: Deps, budget: int | None):
        n = len(prog.ops)
        self.n, self.deps, self.budget = n, deps, budget
        self.indeg = [len(p) for p in deps.preds]
        self.done = [False] * n
        self.pure = [i for i in range(n) if deps.cat[i] == ON_DEMAND]
        self.normals = [i for i in range(n) if deps.cat[i] == NORMAL]
        self.k = 0                      # next op of fixed relative order
        self.left = n - len(self.pure)  # ops still to emit (pure ones come with their users)
        self.eager: list[int] = []      # heap of ready DMA starts and deallocs
        self.lazy: set[int] = set()     # ready waits
        self.deferred: list[int] = []   # heap of prefetches held back by the budget
        self.live = _Live(prog)
        self.freeing: list[int] = []    # heap of ready waits that end some buffer's use
        self.is_freer: set[int] = set()
        self.freed = False              # bytes freed since the deferred prefetches were last retried
        self.ahead: list[tuple[int, int]] = []  # heap of (original first touch, size) of early buffers
        self.ahead_bytes = 0
        self.out: list[int] = []

    @property
    def now(self) -> int:
        return self.normals[self.k] if self.k < len(self.normals) else self.n

    def run(self) -> list[int]:
        self._note_freers()
        for i in range(self.n):
            if self.indeg[i] == 0 and self.deps.cat[i] != ON_DEMAND:
                self._ready(i)
        while self.left:
            self._drain_eager()
            if self.left:
                self._step()
        return self.out + [i for i in self.pure if not self.done[i]]  # pure ops nothing uses

    def _step(self) -> None:
        """Emit one op: a wait to free bytes, a deferred prefetch due now, the next fixed op or what it needs."""
        if self.budget is not None and self.live.bytes > self.budget and self._free_some():
            return
        nxt = self.now
        while self.ahead and self.ahead[0][0] <= nxt:  # the original order caught up with these buffers
            self.ahead_bytes -= heapq.heappop(self.ahead)[1]
        first = self._first_deferred()
        if first is not None and first < nxt:
            self._emit(first)
        elif self.k < len(self.normals) and self.indeg[nxt] == 0:
            self._emit(nxt)
            self.k += 1
            if self.freed:  # freed bytes may admit deferred prefetches, earliest first
                self._retry_deferred()
            self.freed = False
        elif self.k < len(self.normals):
            self._emit(_ready_ancestor(nxt, self.deps, self.indeg, self.done))
        else:
            self._emit(min(list(self.lazy) + ([first] if first is not None else [])))

    def _drain_eager(self) -> None:
        while self.eager:
            s = heapq.heappop(self.eager)
            if self._fits(s):
                self._emit(s)
            elif self._free_some():
                heapq.heappush(self.eager, s)
            else:
                heapq.heappush(self.deferred, s)

    def _first_deferred(self) -> int | None:
        """The earliest deferred prefetch not emitted since (the heap drops emitted ones lazily)."""
        while self.deferred and self.done[self.deferred[0]]:
            heapq.heappop(self.deferred)
        return self.deferred[0] if self.deferred else None

    def _retry_deferred(self) -> None:
        """Admit deferred prefetches in original order until one still does not fit."""
        while (s := self._first_deferred()) is not None and self._fits(s):
            heapq.heappop(self.deferred)
            self._emit(s)

    def _emit(self, i: int) -> None:
        for j in self.deps.needs[i]:
            if not self.done[j]:
                self.done[j] = True
                self.out.append(j)
        self.done[i] = True
        self.out.append(i)
        self.left -= 1
        self.freed |= self.live.emit(i)
        self.lazy.discard(i)
        for s in self.deps.succs[i]:
            self.indeg[s] -= 1
            if self.indeg[s] == 0:
                self._ready(s)
        self._note_freers()

    def _ready(self, s: int) -> None:
        if self.deps.cat[s] == EAGER:
            heapq.heappush(self.eager, s)
        elif self.deps.cat[s] == LAZY:
            self.lazy.add(s)
            if s in self.is_freer:
                heapq.heappush(self.freeing, s)

    def _note_freers(self) -> None:
        for w in self.live.freers:
            self.is_freer.add(w)
            if w in self.lazy:
                heapq.heappush(self.freeing, w)
        self.live.freers.clear()

    def _free_some(self) -> bool:
        """Emit the oldest ready wait that ends a buffer's use; True if one was emitted."""
        while self.freeing:
            w = heapq.heappop(self.freeing)
            if not self.done[w] and w in self.lazy:
                self._emit(w)
                return True
        return False

    def _fits(self, s: int) -> bool:
        """Whether prefetching s now keeps the live bytes within the budget until its buffers' original start."""
        if self.budget is None:
            return True
        extra = self.live.new_bytes(s)
        if extra == 0:
            return True
        peak, new = self.live.hoist_peak(s, self.now)
        if not new:
            return self.live.bytes + extra <= self.budget
        size = sum(self.live.size[r] for r in new)
        if self.live.bytes + extra > self.budget or self.ahead_bytes + size + peak > self.budget:
            return False
        for r in new:
            heapq.heappush(self.ahead, (self.live.first[r], self.live.size[r]))
        self.ahead_bytes += size
        return True


def _ready_ancestor(i: int, deps: Deps, indeg: list[int], done: list[bool]) -> int:
    """The earliest not-yet-emitted ancestor of op i whose own predecessors are all emitted."""
    best, stack, seen = None, [i], {i}
    while stack:
        u = stack.pop()
        for p in deps.preds[u]:
            if done[p] or p in seen:
                continue
            seen.add(p)
            if indeg[p] == 0 and (best is None or p < best):
                best = p
            stack.append(p)
    return best


def hoisted(prog: Program, order: list[int], deps: Deps) -> int:
    """How many DMA starts moved above at least one op of fixed relative order."""
    n = len(order)
    pos = np.empty(n, dtype=np.int64)
    pos[np.array(order, dtype=np.int64)] = np.arange(n)
    normal = np.array([i for i in range(n) if deps.cat[i] == NORMAL], dtype=np.int64)
    starts = np.array([i for i in range(n) if prog.kinds[i] == DMA_START], dtype=np.int64)
    if normal.size == 0 or starts.size == 0:
        return 0
    before_orig = np.searchsorted(normal, starts)
    before_new = np.searchsorted(np.sort(pos[normal]), pos[starts])
    return int((before_new < before_orig).sum())
