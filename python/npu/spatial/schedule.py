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
    _memory_edges(prog, preds)
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


def _effects(prog: Program) -> list[list[tuple]]:
    """Per op: (domain, lo, hi, access or None, write); async accesses at their start and their wait.

    `None` stands for a whole-buffer effect (alloc and dealloc)."""
    n = len(prog.ops)
    eff: list[list[tuple]] = [[] for _ in range(n)]
    for a in prog.accesses:
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


def _overlap(lo: int, hi: int, acc, elo: int, ehi: int, eacc) -> bool:
    """Two effects whose extents intersect: do their bytes? (exact only when one is strided)"""
    if (acc is None or acc.single) and (eacc is None or eacc.single):
        return True
    return runs_overlap(_runs(lo, hi, acc), _runs(elo, ehi, eacc)) is not None


def _memory_edges(prog: Program, preds: list[set[int]]) -> None:
    """Edges between ops touching overlapping bytes, one of them writing.

    Per domain, the effects seen so far; an effect covered by a later
    single-run write is dropped (anything conflicting with it conflicts with
    that write, which is ordered after it)."""
    active: dict[tuple, list[tuple]] = {}
    for i, effects in enumerate(_effects(prog)):
        for dom, lo, hi, acc, write in effects:
            lst = active.setdefault(dom, [])
            keep = []
            whole = acc is None or acc.single
            for entry in lst:
                j, elo, ehi, eacc, ewrite = entry
                if j != i and (write or ewrite) and lo < ehi and elo < hi and _overlap(lo, hi, acc, elo, ehi, eacc):
                    preds[i].add(j)
                if not (write and whole and lo <= elo and ehi <= hi) or j == i:
                    keep.append(entry)
            keep.append((i, lo, hi, acc, write))
            active[dom] = keep


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
    n = len(prog.ops)
    indeg = [len(p) for p in deps.preds]
    done = [False] * n
    pure = [i for i in range(n) if deps.cat[i] == ON_DEMAND]
    left = [n - len(pure)]
    eager: list[int] = []
    lazy: set[int] = set()
    deferred: list[int] = []
    live = _Live(prog)
    freeing: list[int] = []   # heap of ready lazy ops that end some buffer's use
    is_freer: set[int] = set()
    freed = [False]           # bytes were freed since the last retry of the deferred prefetches
    ahead: list[tuple[int, int]] = []  # heap of (original first touch, size) of buffers started early
    ahead_bytes = [0]
    out: list[int] = []

    def note_freers() -> None:
        for w in live.freers:
            is_freer.add(w)
            if w in lazy:
                heapq.heappush(freeing, w)
        live.freers.clear()

    def ready(s: int) -> None:
        if deps.cat[s] == EAGER:
            heapq.heappush(eager, s)
        elif deps.cat[s] == LAZY:
            lazy.add(s)
            if s in is_freer:
                heapq.heappush(freeing, s)

    def emit(i: int) -> None:
        for j in deps.needs[i]:
            if not done[j]:
                done[j] = True
                out.append(j)
        done[i] = True
        out.append(i)
        left[0] -= 1
        freed[0] |= live.emit(i)
        lazy.discard(i)
        for s in deps.succs[i]:
            indeg[s] -= 1
            if indeg[s] == 0:
                ready(s)
        note_freers()

    def fits(s: int) -> bool:
        """Whether prefetching s now keeps the live bytes within the budget until its buffers' original start."""
        if budget is None:
            return True
        extra = live.new_bytes(s)
        if extra == 0:
            return True
        now = normals[k[0]] if k[0] < len(normals) else n
        peak, new = live.hoist_peak(s, now)
        if not new:
            return live.bytes + extra <= budget
        size = sum(live.size[r] for r in new)
        if live.bytes + extra > budget or ahead_bytes[0] + size + peak > budget:
            return False
        for r in new:
            heapq.heappush(ahead, (live.first[r], live.size[r]))
        ahead_bytes[0] += size
        return True

    def free_some() -> bool:
        """Emit the oldest ready wait that ends a buffer's use; True if one was emitted."""
        while freeing:
            w = heapq.heappop(freeing)
            if not done[w] and w in lazy:
                emit(w)
                return True
        return False

    note_freers()
    for i in range(n):
        if indeg[i] == 0 and deps.cat[i] != ON_DEMAND:
            ready(i)
    normals = [i for i in range(n) if deps.cat[i] == NORMAL]
    k = [0]
    while left[0]:
        while eager:
            s = heapq.heappop(eager)
            if fits(s):
                emit(s)
            elif not free_some():
                deferred.append(s)
            else:
                heapq.heappush(eager, s)
        if not left[0]:
            break
        if budget is not None and live.bytes > budget and free_some():
            continue
        nxt = normals[k[0]] if k[0] < len(normals) else n
        while ahead and ahead[0][0] <= nxt:  # the original order has caught up with these buffers
            ahead_bytes[0] -= heapq.heappop(ahead)[1]
        late = [s for s in deferred if s < nxt]
        if late:
            deferred.remove(min(late))
            emit(min(late))
            continue
        if k[0] < len(normals):
            if indeg[nxt] == 0:
                emit(nxt)
                k[0] += 1
                if freed[0] and deferred:  # freed bytes may admit a deferred prefetch
                    for s in deferred:
                        heapq.heappush(eager, s)
                    deferred.clear()
                freed[0] = False
                continue
            x = _ready_ancestor(nxt, deps, indeg, done)
        else:
            x = min(list(lazy) + deferred)
        if x in deferred:
            deferred.remove(x)
        emit(x)
    return out + [i for i in pure if not done[i]]  # pure ops nothing uses


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
