"""Addresses in external memory for the globals of a level-4 module.

Every `npu_mem.global` gets an aligned byte address. Inputs, outputs and
weights each keep their own bytes for the whole run. Scratch globals may
share bytes when their uses are provably disjoint in time: scratch S comes
entirely before scratch T when every access to S (up to the wait that
completes it) happens before every access to T starts, in the happens-before
order of `npu.spatial.happens_before` (program order within a PE; barriers,
semaphores and transfers across PEs). Two scratch globals conflict unless one
comes entirely before the other; a scratch no program touches conflicts with
nothing. When the synchronization deadlocks no scratch shares.

Placement is first-fit over a conflict graph (largest first): each global at
the lowest aligned address clear of the globals it conflicts with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from mlir import ir

from npu.dialects.level4 import buffer_type
from npu.spatial.access import Program, globals_of
from npu.spatial.alloc_sram import lowest_gap, align_up
from npu.spatial.happens_before import SyncResult

KIND_ORDER = ("input", "output", "weight", "scratch")


@dataclass
class ExtLayout:
    """Addresses by global name, with the figures the pass reports."""

    addresses: dict[str, int]
    sizes: dict[str, int]
    end: int             # bytes of external memory used
    unshared: int        # bytes used if no scratch shared (aligned)
    shared_pairs: int    # pairs of scratch globals allowed to share


def scratch_order(names: list[str], programs: list[Program], sync: SyncResult | None) -> np.ndarray:
    """before[i, j] = every access of scratch i completes before any access of scratch j starts."""
    n = len(names)
    before = np.zeros((n, n), dtype=bool)
    if sync is None or not sync.finished or n < 2:
        return before
    pos = {name: k for k, name in enumerate(names)}
    npe = len(sync.pes)
    last = np.full((n, npe), -1, dtype=np.int64)              # latest completion per PE
    first_vc = np.full((n, npe), np.iinfo(np.int64).max, dtype=np.int64)  # elementwise min start clock
    touched = np.zeros(n, dtype=bool)
    for prog in programs:
        p = sync.index[prog.pe]
        acc = [a for a in prog.accesses if a.root.space == "ext" and a.root.name in pos]
        if not acc:
            continue
        rows = np.array([pos[a.root.name] for a in acc])
        starts = np.array([a.index for a in acc], dtype=np.int64)
        ends = np.array([a.end for a in acc], dtype=np.int64)
        vcs = sync.vcs(prog.pe, starts)
        np.maximum.at(last[:, p], rows, ends)
        np.minimum.at(first_vc, rows, vcs)
        touched[rows] = True
    # i before j  <=>  for every PE p: last[i, p] < first_vc[j, p]  (vc counts events up to and including)
    for i in range(n):
        before[i] = np.all(last[i][None, :] < first_vc, axis=1)
    before &= touched[:, None] & touched[None, :]
    np.fill_diagonal(before, False)
    return before


def layout(module: ir.Operation, programs: list[Program], sync: SyncResult | None, alignment: int,
           share_scratch: bool = True) -> ExtLayout:
    """Addresses for every global of `module` (see the module docstring)."""
    gops = globals_of(module)
    names = sorted(gops, key=lambda g: (KIND_ORDER.index(gops[g].attributes["kind"].value), g))
    sizes, aligns, kinds = [], [], []
    for g in names:
        buf, _ = buffer_type(gops[g].attributes["type"].value)
        sizes.append(buf.nbytes)
        aligns.append(math.lcm(alignment, max(1, _bits(buf.dtype) // 8)))
        kinds.append(gops[g].attributes["kind"].value)
    n = len(names)
    conflict = np.ones((n, n), dtype=bool)
    scratch = [k for k in range(n) if kinds[k] == "scratch"]
    shared_pairs = 0
    if share_scratch and scratch:
        sub = scratch_order([names[k] for k in scratch], programs, sync)
        untouched = _untouched([names[k] for k in scratch], programs)
        ok = sub | sub.T
        ok[untouched, :] = True
        ok[:, untouched] = True
        idx = np.array(scratch)
        conflict[np.ix_(idx, idx)] = ~ok
        shared_pairs = int(np.triu(ok, 1).sum())
    np.fill_diagonal(conflict, False)
    sizes_a, aligns_a = np.array(sizes, dtype=np.int64), np.array(aligns, dtype=np.int64)
    # fixed globals first, in kind order; scratch largest first
    order = [k for k in range(n) if kinds[k] != "scratch"] + sorted(scratch, key=lambda k: -sizes[k])
    offsets = np.full(n, -1, dtype=np.int64)
    for k in order:
        mask = (offsets >= 0) & conflict[k]
        offsets[k] = lowest_gap(offsets[mask], offsets[mask] + sizes_a[mask], sizes[k], aligns[k])
    end = int((offsets + sizes_a).max()) if n else 0
    unshared = 0
    for k in order:
        unshared = int(align_up(unshared, aligns[k])) + sizes[k]
    return ExtLayout({g: int(o) for g, o in zip(names, offsets)}, dict(zip(names, sizes)), end, unshared,
                     shared_pairs)


def _untouched(names: list[str], programs: list[Program]) -> np.ndarray:
    used = {a.root.name for prog in programs for a in prog.accesses if a.root.space == "ext"}
    return np.array([name not in used for name in names], dtype=bool)


def _bits(dtype: str) -> int:
    from npu.dialects.level4 import bits
    return bits(dtype)
