"""Abstract execution of the synchronization of all PE programs: deadlocks and happens-before.

`simulate(programs)` runs the network and synchronization ops of every program
(`send`, `recv`, `multicast`, `npu_noc.wait`, `sem_signal`, `sem_wait`,
`barrier`) round-robin over the PEs; every other op is local and never blocks.
Blocking rules, from the npu_noc dialect:

1. the k-th send (or multicast) from P to Q with tag t matches the k-th recv
   on Q from P with tag t (k in program order, so matching is static);
2. `wait` on a recv token completes once the matching send was issued; `wait`
   on a send token once every matching recv was posted (the data lands in the
   receiver's buffer, so a send cannot complete before its recv exists);
3. `sem_wait` completes once the semaphore holds `count` (init + signals
   issued so far - counts already taken);
4. the k-th `barrier` of a group completes when every PE of the group reached
   its k-th barrier with that id and group.

Every condition only grows as other PEs progress, so whether the programs
deadlock does not depend on the interleaving: when no PE can move and some
have not finished, the result names the op each blocked PE is stuck on, the
PEs it waits for, and a cycle of waits when there is one.

Along the way it builds vector clocks: event j of PE Q happens before event i
of PE P when `vc(P, i)[Q] > j`. The edges are the matches above (send issue ->
recv completion, recv post -> send completion, barrier arrivals -> barrier
completion) and, for semaphores, the signals a wait provably needed: with
total signal counts S_R per signalling PE R, a wait that brings the consumed
total to C needs at least C - init - sum_{R != Q} S_R units from Q, so it
happens after the signal of Q whose running count first reaches that.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from mlir import ir

from npu.dialects.level4 import fmt
from npu.spatial.access import Program, where

Coord = tuple[int, int]


def _ints(op: ir.Operation, name: str) -> list[int]:
    return [int(v) for v in op.attributes[name]]


def _int(op: ir.Operation, name: str) -> int:
    return int(op.attributes[name].value)


def _pairs(values: list[int]) -> list[Coord]:
    return [(values[k], values[k + 1]) for k in range(0, len(values) - 1, 2)]


@dataclass
class Blocked:
    """A PE stuck on one op, waiting for other PEs."""

    pe: Coord
    op: ir.Operation
    reason: str
    waits_on: list[Coord]


@dataclass
class SyncResult:
    """Outcome of the abstract run: vector clocks, and the deadlock if any."""

    pes: list[Coord]
    index: dict[Coord, int]
    snap_idx: list[list[int]]
    snap_vc: list[list[np.ndarray]]
    blocked: list[Blocked] = field(default_factory=list)
    cycle: list[Coord] = field(default_factory=list)
    finished: bool = True
    _mats: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def vc(self, pe: Coord, i: int) -> np.ndarray:
        """Vector clock of event (op index) i of `pe`."""
        p = self.index[pe]
        k = bisect_right(self.snap_idx[p], i) - 1
        vc = self.snap_vc[p][k].copy() if k >= 0 else np.zeros(len(self.pes), dtype=np.int64)
        vc[p] = i + 1
        return vc

    def vcs(self, pe: Coord, indices: np.ndarray) -> np.ndarray:
        """Vector clocks of many events of one PE, one row each."""
        p = self.index[pe]
        if p not in self._mats:
            idx = np.array([-1] + self.snap_idx[p], dtype=np.int64)
            mat = np.vstack([np.zeros(len(self.pes), dtype=np.int64)] + self.snap_vc[p])
            self._mats[p] = idx, mat
        idx, mat = self._mats[p]
        rows = mat[np.searchsorted(idx, indices, side="right") - 1].copy()
        rows[:, p] = np.asarray(indices) + 1
        return rows

    def before(self, pa: Coord, ia: int, pb: Coord, ib: int) -> bool:
        """Event ia of pa happens before event ib of pb."""
        if pa == pb:
            return ia < ib
        return bool(self.vc(pb, ib)[self.index[pa]] > ia)

    def message(self) -> str:
        if self.cycle:
            return "cycle of waits " + " -> ".join(fmt(p) for p in self.cycle + self.cycle[:1])
        return "no PE can proceed"


@dataclass
class _Step:
    index: int
    op: ir.Operation
    name: str


class _Sim:
    def __init__(self, programs: list[Program]):
        self.programs = programs
        self.pes = [p.pe for p in programs]
        self.idx = {pe: k for k, pe in enumerate(self.pes)}
        self.n = len(programs)
        self.steps: list[list[_Step]] = []
        self.sem_id: list[dict[ir.Value, int]] = []
        self.sends: dict[tuple, list[tuple[int, int]]] = defaultdict(list)  # (src, dst, tag) -> (p, i)
        self.recvs: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        self.match: dict[tuple[int, int], list[tuple[int, int]]] = {}       # (p, i) -> counterpart events
        self.init: dict[tuple[Coord, int], int] = {}
        self.signals: dict[tuple[Coord, int], dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
        for p, prog in enumerate(programs):
            self._scan(p, prog)
        self._pair()

    def _scan(self, p: int, prog: Program) -> None:
        steps, sem_id = [], {}
        pe = prog.pe
        for i, op in enumerate(prog.ops):
            name = op.name
            if not name.startswith("npu_noc."):
                continue
            if name == "npu_noc.semaphore":
                sem_id[op.results[0]] = _int(op, "id")
                self.init[(pe, _int(op, "id"))] = _int(op, "init")
                continue
            steps.append(_Step(i, op, name))
            if name == "npu_noc.send":
                self.sends[(pe, tuple(_ints(op, "dst")), _int(op, "tag"))].append((p, i))
            elif name == "npu_noc.multicast":
                for dst in _pairs(_ints(op, "dsts")):
                    self.sends[(pe, dst, _int(op, "tag"))].append((p, i))
            elif name == "npu_noc.recv":
                self.recvs[(tuple(_ints(op, "src")), pe, _int(op, "tag"))].append((p, i))
            elif name == "npu_noc.sem_signal":
                key = (tuple(_ints(op, "pe")), _int(op, "id"))
                self.signals[key][p].append((i, _int(op, "count")))
        self.steps.append(steps)
        self.sem_id.append(sem_id)

    def _pair(self) -> None:
        for ch in set(self.sends) | set(self.recvs):
            for s, r in zip(self.sends.get(ch, []), self.recvs.get(ch, [])):
                self.match.setdefault(s, []).append(r)
                self.match.setdefault(r, []).append(s)

    # ------------------------------------------------------------ running

    def run(self) -> SyncResult:
        n = self.n
        self.pc = [0] * n
        self.vc = [np.zeros(n, dtype=np.int64) for _ in range(n)]
        self.snap_idx: list[list[int]] = [[] for _ in range(n)]
        self.snap_vc: list[list[np.ndarray]] = [[] for _ in range(n)]
        self.sem_value: dict[tuple[Coord, int], int] = defaultdict(int)
        self.consumed: dict[tuple[Coord, int], int] = defaultdict(int)
        self.arrived: dict[tuple, list[set[int]]] = defaultdict(list)
        self.arrival_op: dict[tuple, list[dict[int, int]]] = defaultdict(list)
        self.barrier_count: list[dict[tuple, int]] = [defaultdict(int) for _ in range(n)]
        self.here: list[bool] = [False] * n  # arrived at the current barrier step
        result = SyncResult(self.pes, self.idx, self.snap_idx, self.snap_vc)
        while True:
            moved = False
            for p in range(n):
                while self.pc[p] < len(self.steps[p]) and self._step(p, self.steps[p][self.pc[p]]):
                    self.pc[p] += 1
                    moved = True
            if all(self.pc[p] == len(self.steps[p]) for p in range(n)):
                return result
            if not moved:
                self._report(result)
                return result

    def _progress(self, q: int) -> int:
        """Op index before which every op of PE q has run."""
        steps = self.steps[q]
        return steps[self.pc[q]].index if self.pc[q] < len(steps) else 1 << 62

    def _event_vc(self, q: int, i: int) -> np.ndarray:
        k = bisect_right(self.snap_idx[q], i) - 1
        vc = self.snap_vc[q][k].copy() if k >= 0 else np.zeros(self.n, dtype=np.int64)
        vc[q] = i + 1
        return vc

    def _merge(self, p: int, i: int, events: list[tuple[int, int]]) -> None:
        if not events:
            return
        vc = self.vc[p]
        for q, j in events:
            np.maximum(vc, self._event_vc(q, j), out=vc)
        vc[p] = i + 1
        if self.snap_idx[p] and self.snap_idx[p][-1] == i:
            self.snap_vc[p][-1] = vc.copy()
        else:
            self.snap_idx[p].append(i)
            self.snap_vc[p].append(vc.copy())

    def _step(self, p: int, step: _Step) -> bool:
        """Run one synchronization op of PE p; False when it blocks."""
        name, op, i = step.name, step.op, step.index
        if name == "npu_noc.sem_signal":
            self.sem_value[(tuple(_ints(op, "pe")), _int(op, "id"))] += _int(op, "count")
        elif name == "npu_noc.wait":
            need = self._wait_needs(p, i)
            if need is None or any(self._progress(q) <= j for q, j in need):
                return False
            self._merge(p, i, need)
        elif name == "npu_noc.sem_wait":
            return self._sem_wait(p, i, op)
        elif name == "npu_noc.barrier":
            return self._barrier(p, i, op)
        return True

    def _wait_needs(self, p: int, i: int) -> list[tuple[int, int]] | None:
        """Counterpart events a noc.wait needs; None when one has no match at all."""
        need = []
        prog = self.programs[p]
        for s in prog.waited.get(i, []):
            op = prog.ops[s]
            expected = len(_pairs(_ints(op, "dsts"))) if op.name == "npu_noc.multicast" else 1
            found = self.match.get((p, s), [])
            if len(found) < expected:
                return None
            need.extend(found)
        return need

    def _sem_wait(self, p: int, i: int, op: ir.Operation) -> bool:
        pe = self.pes[p]
        sid = self.sem_id[p].get(op.operands[0])
        key = (pe, sid)
        count = _int(op, "count")
        if self.init.get(key, 0) + self.sem_value[key] - self.consumed[key] < count:
            return False
        self.consumed[key] += count
        needed = self.consumed[key] - self.init.get(key, 0)
        by_pe = self.signals.get(key, {})
        totals = {q: sum(c for _, c in sig) for q, sig in by_pe.items()}
        everything = sum(totals.values())
        events = []
        for q, sig in by_pe.items():
            need_q = needed - (everything - totals[q])
            running = 0
            for j, c in sig:
                if need_q <= 0:
                    break
                running += c
                if running >= need_q:
                    events.append((q, j))
                    break
        self._merge(p, i, events)
        return True

    def _barrier(self, p: int, i: int, op: ir.Operation) -> bool:
        group = tuple(sorted(_pairs(_ints(op, "pes"))))
        key = (_int(op, "id"), group)
        k = self.barrier_count[p][key]
        if not self.here[p]:
            while len(self.arrived[key]) <= k:
                self.arrived[key].append(set())
                self.arrival_op[key].append({})
            self.arrived[key][k].add(p)
            self.arrival_op[key][k][p] = i
            self.here[p] = True
        members = [self.idx.get(pe) for pe in group]
        if any(q is None for q in members) or not all(q in self.arrived[key][k] for q in members):
            return False
        self._merge(p, i, [(q, j) for q, j in self.arrival_op[key][k].items() if q != p])
        self.barrier_count[p][key] += 1
        self.here[p] = False
        return True

    # ------------------------------------------------------------ deadlock report

    def _report(self, result: SyncResult) -> None:
        result.finished = False
        graph: dict[Coord, list[Coord]] = {}
        for p in range(self.n):
            if self.pc[p] == len(self.steps[p]):
                continue
            step = self.steps[p][self.pc[p]]
            reason, waits = self._why(p, step)
            result.blocked.append(Blocked(self.pes[p], step.op, reason, waits))
            graph[self.pes[p]] = waits
        result.cycle = _find_cycle(graph)

    def _why(self, p: int, step: _Step) -> tuple[str, list[Coord]]:
        op, i = step.op, step.index
        if step.name == "npu_noc.wait":
            prog = self.programs[p]
            missing = []
            for s in prog.waited.get(i, []):
                sop = prog.ops[s]
                found = self.match.get((p, s), [])
                if sop.name == "npu_noc.recv":
                    src = tuple(_ints(sop, "src"))
                    if not found:
                        return f"for a send from {fmt(src)} with tag {_int(sop, 'tag')} that no program issues", [src]
                    q, j = found[0]
                    if self._progress(q) <= j:
                        missing.append((self.pes[q], f"the send {where(self.programs[q].ops[j])} of {fmt(self.pes[q])}"))
                else:
                    dsts = [tuple(_ints(sop, "dst"))] if sop.name == "npu_noc.send" else _pairs(_ints(sop, "dsts"))
                    posted = {self.pes[q] for q, _ in found}
                    for dst in dsts:
                        if dst not in posted:
                            return f"for a recv on {fmt(dst)} with tag {_int(sop, 'tag')} that no program posts", [dst]
                    for q, j in found:
                        if self._progress(q) <= j:
                            missing.append((self.pes[q], f"the recv {where(self.programs[q].ops[j])} of {fmt(self.pes[q])}"))
            return "for " + ", ".join(m for _, m in missing), [pe for pe, _ in missing]
        if step.name == "npu_noc.sem_wait":
            key = (self.pes[p], self.sem_id[p].get(op.operands[0]))
            signallers = [self.pes[q] for q, sig in self.signals.get(key, {}).items()
                          if any(self._progress(q) <= j for j, _ in sig)]
            have = self.init.get(key, 0) + self.sem_value[key] - self.consumed[key]
            return (f"for semaphore {key[1]} to reach {_int(op, 'count')} (holds {have}; "
                    f"PEs that may still signal it: {', '.join(map(fmt, signallers)) or 'none'})"), signallers
        group = _pairs(_ints(op, "pes"))
        key = (_int(op, "id"), tuple(sorted(group)))
        k = self.barrier_count[p][key]
        absent = [pe for pe in group if self.idx.get(pe) not in self.arrived[key][k]]
        return f"for barrier {key[0]} on {', '.join(map(fmt, absent))}", absent


def _find_cycle(graph: dict[Coord, list[Coord]]) -> list[Coord]:
    """A cycle of the wait-for graph (blocked PEs only), or []."""
    state: dict[Coord, int] = {}
    stack: list[Coord] = []

    def dfs(u: Coord) -> list[Coord]:
        state[u] = 1
        stack.append(u)
        for v in graph.get(u, []):
            if v not in graph:
                continue
            if state.get(v) == 1:
                return stack[stack.index(v):]
            if v not in state:
                found = dfs(v)
                if found:
                    return found
        stack.pop()
        state[u] = 2
        return []

    for u in graph:
        if u not in state:
            found = dfs(u)
            if found:
                return found
    return []


def simulate(programs: list[Program]) -> SyncResult:
    """Run the synchronization of `programs` abstractly; see the module docstring."""
    return _Sim(programs).run()
