"""Liveness-based packing of buffers into a memory of fixed capacity (the SRAM of a PE).

The problem is dynamic storage allocation: items with a size, an alignment
(a power of two) and a lifetime `[start, end]` (inclusive positions) get
offsets so that no two items whose lifetimes intersect share a byte, every
offset is a multiple of its item's alignment and everything ends within the
capacity. It is NP-hard; `pack` does:

1. the lower bound `max_live`: the most bytes live at one position (no
   packing can use less); if it exceeds the capacity, fail (proven);
2. first fit (lowest aligned gap) and best fit (tightest gap) for several
   orders (size, area, start, duration, alignment -- largest first), until
   one fits, keeping the lowest peak; each item is checked only against the
   items its lifetime intersects (`time_neighbours`, listed once per packing),
   so the work grows with the intersecting pairs -- about n times the items
   live at once -- not with n^2 (a PE program of a large model has tens of
   thousands of buffers);
3. if none fits: an alignment-aware lower bound (for each alignment A, the
   live items aligned to at least A occupy their sizes rounded up to A, all
   but the topmost); above the capacity, fail (proven);
4. else an exhaustive search over compacted placements (every item at 0 or
   on top of an earlier-placed item it overlaps in time, in nondecreasing
   offset order -- every feasible packing compacts to one of these) with a
   node budget: it finds a packing, proves there is none (fragmentation), or
   gives up (not proven); with more items than the budget has nodes it gives
   up at once (each node places one item).

`program_items(prog)` turns a PE program (npu.spatial.access.Program) into
items: one per `npu_mem.alloc`, alive from its first access to its last (an
asynchronous access lasts until its wait).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from npu.spatial.access import DEALLOC, Program, Root

ORDERS = ("size", "area", "start", "duration", "align")


@dataclass
class Packing:
    """Result of `pack`: offsets (-1 when failed), peak bytes used, bounds and verdict."""

    offsets: np.ndarray
    peak: int
    max_live: int             # lower bound: most bytes live at one position
    max_live_at: int          # a position where that many bytes are live
    ok: bool
    proven: bool = False      # on failure: True when no packing exists
    reason: str = ""          # "live", "alignment", "fragmentation", "heuristic"
    order: str = ""           # the heuristic (or "exact") that produced the offsets

    @property
    def ratio(self) -> float:
        return self.peak / self.max_live if self.max_live else 1.0


def align_up(x: np.ndarray | int, a: np.ndarray | int):
    return -(-x // a) * a


def sram_alignment(option: int, target) -> int:
    """The SRAM alignment to use: the option (a power of two), else the bank width rounded up to one.

    ValueError naming the option when it is not a power of two."""
    if option:
        if option < 1 or option & (option - 1):
            raise ValueError(f"expects option alignment to be a power of two, got {option}")
        return option
    return 1 << (target.pe.sram.bank_bytes_per_cycle - 1).bit_length()


def max_live(sizes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[int, int]:
    """(most bytes live at one position, that position) for lifetimes [start, end]."""
    if sizes.size == 0:
        return 0, 0
    times = np.concatenate([starts, ends + 1])
    deltas = np.concatenate([sizes, -sizes])
    # at equal times, frees (negative) come before allocations
    order = np.lexsort((deltas, times))
    live = np.cumsum(deltas[order])
    k = int(np.argmax(live))
    return int(live[k]), int(times[order][k])


def _aligned_bound(sizes: np.ndarray, aligns: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> int:
    """A lower bound accounting for alignment gaps (step 3 of the module docstring).

    For each alignment A, the live items aligned to at least A start at
    multiples of A, so each but the topmost blocks ceil(size / A) * A bytes:
    A * sum(ceil(s / A)) - max(A * ceil(s / A) - s) at every position."""
    best = 0
    for a in np.unique(aligns):
        sel = aligns >= a
        rounded = align_up(sizes[sel], a)
        live, _ = max_live(rounded, starts[sel], ends[sel])
        best = max(best, live - int((rounded - sizes[sel]).max()))
    return best


def _order(kind: str, sizes, aligns, starts, ends) -> np.ndarray:
    dur = ends - starts + 1
    keys = {"size": (starts, -sizes), "area": (starts, -(sizes * dur)), "start": (-sizes, starts),
            "duration": (-sizes, -dur), "align": (starts, -sizes, -aligns)}[kind]
    return np.lexsort(keys)


MAX_PAIRS = 1 << 24  # above this many intersecting pairs, first fit scans all placed items instead


def time_neighbours(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(indptr, indices): for each item i, the items j != i whose lifetimes intersect its own, in CSR form.

    Two lifetimes intersect iff one starts within the other, so the pairs are
    found from the items sorted by start (a binary search per item), each
    once, and symmetrized: the work is proportional to the number of intersecting pairs,
    not to the square of the item count. None when there are more than `MAX_PAIRS` pairs."""
    n = starts.size
    order = np.argsort(starts, kind="stable")
    sorted_starts = starts[order]
    # the item at sorted position p meets those at positions p+1 .. hi[p]-1 (they start within it)
    hi = np.searchsorted(sorted_starts, ends[order], side="right")
    counts = np.maximum(hi - np.arange(1, n + 1), 0)
    total = int(counts.sum())
    if total > MAX_PAIRS:
        return None
    first = np.repeat(np.arange(1, n + 1) - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    rows = np.repeat(order, counts)
    cols = order[first + np.arange(total, dtype=np.int64)]
    keys = np.concatenate([rows * n + cols, cols * n + rows])
    if n * n <= np.iinfo(np.int32).max:  # the same keys sort about twice as fast as int32
        keys = keys.astype(np.int32)
    keys = np.sort(keys)
    rows, cols = keys // n, (keys % n).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols


def first_fit(sizes: np.ndarray, aligns: np.ndarray, starts: np.ndarray, ends: np.ndarray,
              order: np.ndarray, best: bool = False, neighbours: tuple[np.ndarray, np.ndarray] | None = None
              ) -> np.ndarray:
    """Offsets placing items in `order`, each in an aligned gap among the placed items it overlaps in time.

    The lowest gap that fits (first fit), or with `best` the one leaving the least room (best fit).
    `neighbours` is `time_neighbours(starts, ends)` when the caller already has it: each item
    then looks only at the items it overlaps in time (linear in the overlapping pairs)."""
    n = sizes.size
    if neighbours is None:
        neighbours = time_neighbours(starts, ends)
    offsets = np.full(n, -1, dtype=np.int64)
    if neighbours is None:  # too many intersecting pairs to list: scan the placed items
        placed = np.zeros(n, dtype=bool)
        for i in order:
            mask = placed & (starts <= ends[i]) & (ends >= starts[i])
            offsets[i] = _gap(offsets[mask], offsets[mask] + sizes[mask], int(sizes[i]), int(aligns[i]), best)
            placed[i] = True
        return offsets
    indptr, indices = neighbours
    tops = np.full(n, -1, dtype=np.int64)  # offset + size of placed items
    off_list, top_list = [-1] * n, [-1] * n
    size_list, align_list = sizes.tolist(), aligns.tolist()
    ptr = indptr.tolist()
    for i in order.tolist():
        a, b = ptr[i], ptr[i + 1]
        if b - a <= 32:  # few neighbours: plain Python lists
            nb = indices[a:b].tolist()
            lo = [off_list[j] for j in nb if off_list[j] >= 0]
            hi = [top_list[j] for j in nb if off_list[j] >= 0]
            x = _gap_small(lo, hi, size_list[i], align_list[i], best)
        else:
            nb = indices[a:b]
            nb = nb[offsets[nb] >= 0]
            x = _gap(offsets[nb], tops[nb], size_list[i], align_list[i], best)
        offsets[i], tops[i] = x, x + size_list[i]
        off_list[i], top_list[i] = x, x + size_list[i]
    return offsets


def _gap(lo: np.ndarray, hi: np.ndarray, size: int, align: int, best: bool = False) -> int:
    """A multiple of `align` where [x, x + size) avoids every [lo, hi): the lowest, or the tightest gap."""
    if lo.size == 0:
        return 0
    if lo.size <= 32:  # few neighbours: plain Python is faster than numpy here
        return _gap_small(lo.tolist(), hi.tolist(), size, align, best)
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], hi[order]
    reach = np.maximum.accumulate(hi)
    cand = align_up(np.concatenate([[0], reach]), align)     # start of the gap after each prefix
    limit = np.concatenate([lo, [np.iinfo(np.int64).max]])   # where that gap ends
    fits = np.flatnonzero(cand + size <= limit)
    if best and fits.size > 1:
        room = limit[fits] - cand[fits]
        return int(cand[fits[np.argmin(room)]])
    return int(cand[fits[0]])


def _gap_small(lo: list[int], hi: list[int], size: int, align: int, best: bool = False) -> int:
    """`_gap` over Python lists (few intervals)."""
    reach, found, room = 0, None, None
    for a, b in sorted(zip(lo, hi)) + [(1 << 62, 1 << 62)]:
        cand = -(-reach // align) * align
        if cand + size <= a:
            if not best:
                return cand
            if room is None or a - cand < room:
                found, room = cand, a - cand
        reach = max(reach, b)
    return found


def lowest_gap(lo: np.ndarray, hi: np.ndarray, size: int, align: int) -> int:
    """Lowest multiple of `align` where [x, x + size) avoids every [lo, hi)."""
    return _gap(lo, hi, size, align)


def pack(sizes, aligns, starts, ends, capacity: int, budget: int = 20000, minimize: bool = False,
         orders: tuple[str, ...] = ORDERS) -> Packing:
    """Pack items into `capacity` bytes (see the module docstring).

    Stops at the first heuristic that fits unless `minimize`, which tries them all for the lowest peak;
    `orders` limits the heuristics tried (a quick feasibility check passes one)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    aligns = np.asarray(aligns, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    live, at = max_live(sizes, starts, ends)
    empty = np.full(sizes.size, -1, dtype=np.int64)
    if live > capacity:
        return Packing(empty, 0, live, at, False, True, "live")
    best = None
    neighbours = time_neighbours(starts, ends)
    for kind in orders:
        for fit in (False, True):
            offsets = first_fit(sizes, aligns, starts, ends, _order(kind, sizes, aligns, starts, ends), fit, neighbours)
            peak = int((offsets + sizes).max()) if sizes.size else 0
            if best is None or peak < best.peak:
                best = Packing(offsets, peak, live, at, peak <= capacity, order=kind + ("/best" if fit else ""))
        if best.ok and not minimize:
            break
    if best.ok:
        return best
    if _aligned_bound(sizes, aligns, starts, ends) > capacity:
        return Packing(empty, best.peak, live, at, False, True, "alignment")
    found, complete = exact_pack(sizes, aligns, starts, ends, capacity, budget) if budget > 0 else (None, False)
    if found is not None:
        return Packing(found, int((found + sizes).max()), live, at, True, order="exact")
    return Packing(empty, best.peak, live, at, False, complete, "fragmentation" if complete else "heuristic")


def exact_pack(sizes, aligns, starts, ends, capacity: int, budget: int) -> tuple[np.ndarray | None, bool]:
    """(offsets or None, search complete) by DFS over compacted placements in offset order.

    Identical items (same size, alignment and lifetime) are placed in index
    order; a node is cut when the unplaced items live at some position cannot
    fit above the current floor."""
    n = len(sizes)
    if n > budget:  # every node places one item: the search cannot complete within the budget
        return None, False
    sizes, aligns, starts, ends = (np.asarray(v, dtype=np.int64) for v in (sizes, aligns, starts, ends))
    neighbours = time_neighbours(starts, ends)
    if neighbours is None:
        return None, False
    indptr, indices = neighbours
    overlap = [indices[indptr[i]:indptr[i + 1]].tolist() for i in range(n)]
    sizes, aligns, starts, ends = (v.tolist() for v in (sizes, aligns, starts, ends))
    last_of: dict[tuple, int] = {}
    twin = []
    for i in range(n):  # the latest earlier item identical to item i, or -1
        key = (sizes[i], aligns[i], starts[i], ends[i])
        twin.append(last_of.get(key, -1))
        last_of[key] = i
    # the items live at each start time (a maximal clique of the interval graph: enough for the cut)
    live_at = [[i] + [j for j in overlap[i] if starts[j] <= starts[i]] for i in range(n)]
    live_at = list({tuple(sorted(g)): g for g in live_at}.values())
    offsets = [-1] * n
    nodes = [0]

    def free(i: int, x: int) -> bool:
        return all(offsets[j] < 0 or offsets[j] + sizes[j] <= x or x + sizes[i] <= offsets[j] for j in overlap[i])

    def hopeless(floor: int) -> bool:
        room = capacity - floor
        return any(sum(sizes[i] for i in group if offsets[i] < 0) > room for group in live_at)

    def dfs(left: int, floor: int) -> bool | None:
        if left == 0:
            return True
        nodes[0] += 1
        if nodes[0] > budget:
            return None
        if hopeless(floor):
            return False
        for i in range(n):
            if offsets[i] >= 0 or (twin[i] >= 0 and offsets[twin[i]] < 0):
                continue
            cands = {0} | {-(-(offsets[j] + sizes[j]) // aligns[i]) * aligns[i] for j in overlap[i] if offsets[j] >= 0}
            for x in sorted(c for c in cands if c >= floor and c + sizes[i] <= capacity):
                if free(i, x):
                    offsets[i] = x
                    r = dfs(left - 1, x)
                    if r is not False:
                        if r is None:
                            offsets[i] = -1
                        return r
                    offsets[i] = -1
        return False

    result = dfs(n, 0)
    if result:
        return np.array(offsets, dtype=np.int64), True
    return None, result is False


# ---------------------------------------------------------------- PE programs

@dataclass
class ProgramItems:
    """The SRAM buffers of one program as packing items (parallel arrays)."""

    roots: list[Root]
    sizes: np.ndarray
    aligns: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


def program_items(prog: Program, alignment: int, position: np.ndarray | None = None) -> ProgramItems:
    """One item per SRAM alloc; alignment = max(alloc's `alignment`, `alignment`, element bytes).

    An item lives from its first user (an access or a view of it; the alloc
    will be moved there) to its last access (an asynchronous one until its
    wait). `position[i]` is where op i runs when the program is reordered
    (default: in place)."""
    n = len(prog.ops)
    pos = np.arange(n + 1) if position is None else np.append(position, n)  # n = the end of the program
    spans: dict[Root, tuple[int, int]] = {}
    for a in prog.accesses:
        s, e = int(pos[a.index]), int(pos[a.end])
        lo, hi = spans.get(a.root, (s, e))
        spans[a.root] = (min(lo, s), max(hi, e))
    roots = [r for r in prog.roots if r.space == "sram"]
    sizes, aligns, starts, ends = [], [], [], []
    for r in roots:
        first = first_user(prog, r)
        lo, hi = spans.get(r, (first, first) if first is not None else (int(pos[r.index]),) * 2)
        if first is not None:
            lo = min(lo, int(pos[first]))
        own = int(r.op.attributes["alignment"].value) if "alignment" in r.op.attributes else 1
        sizes.append(r.nbytes)
        aligns.append(max(own, alignment, max(1, _elem_bytes(r))))
        starts.append(lo)
        ends.append(hi)
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    return ProgramItems(roots, arr(sizes), arr(aligns), arr(starts), arr(ends))


def first_user(prog: Program, root: Root) -> int | None:
    """The first op (other than a dealloc) using the root's value or a view of it."""
    users = [i for i in prog.uses.get(root, []) if prog.kinds[i] != DEALLOC]
    return min(users) if users else None


def _elem_bytes(root: Root) -> int:
    from npu.dialects.level4 import bits
    return bits(root.buffer.dtype) // 8
