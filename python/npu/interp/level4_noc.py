"""Network state of the level-4 interpreter: tagged transfers, semaphores, barriers.

Owns the npu_noc semantics of docs/level4-execution.md:

* Matching: the k-th `send`/`multicast` from P to Q with tag t pairs with the
  k-th `recv` on Q from P with tag t (`Network.post_send` / `post_recv`, a
  FIFO per (P, Q, t) channel, whichever side posts first waits in it).
* Rendezvous: a send's `wait` completes once every destination has posted its
  matching recv; a recv's `wait` once its send is posted. The payload is read
  from the sender's buffer at the first of those waits (`Transfer.capture`)
  and written into the receiver's buffer at the receiver's wait.
* Semaphores: one counter per (PE, id), starting at the declared `init`
  before any program runs; `sem_signal` adds at once, `sem_wait` blocks until
  the value reaches `count` and subtracts it.
* Barriers: the k-th barrier `id` of a PE completes when every PE of its group
  has arrived at its k-th barrier `id` (`Barriers.arrive` / `passed`).

Each object keeps the ops involved so that errors and deadlock reports can
name them, and the sizes and routes the performance model charges.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

import numpy as np
from mlir import ir

from npu.interp.level4_memory import BufRef

Coord = tuple[int, int]


@dataclass(eq=False)
class RecvPost:
    """A posted `npu_noc.recv`: the receiving end of one transfer."""

    pe: Coord
    op: ir.Operation
    buf: BufRef
    src: Coord
    tag: int
    transfer: "Transfer | None" = None
    done: bool = False


@dataclass(eq=False)
class Transfer:
    """One posted `npu_noc.send` or `npu_noc.multicast`: a buffer to one or more PEs."""

    src: Coord
    op: ir.Operation
    buf: BufRef
    dsts: list[Coord]
    routes: list[list[Coord]]
    tag: int
    recvs: dict[Coord, RecvPost] = field(default_factory=dict)
    payload: np.ndarray | None = None  # bytes read from the sender's buffer
    payload_init: np.ndarray | None = None
    sender_done: bool = False

    @property
    def nbytes(self) -> int:
        return self.buf.nbytes

    @property
    def matched(self) -> bool:
        return len(self.recvs) == len(self.dsts)

    def capture(self) -> None:
        """Read the sender's buffer (once): the data every destination receives."""
        if self.payload is None:
            mem = self.buf.mem
            self.payload = mem.data[self.buf.base:self.buf.end].copy()
            self.payload_init = mem.init[self.buf.base:self.buf.end].copy()


class Network:
    """The FIFO channels that pair sends with recvs."""

    def __init__(self):
        self.pending_sends: dict[tuple[Coord, Coord, int], deque[Transfer]] = defaultdict(deque)
        self.pending_recvs: dict[tuple[Coord, Coord, int], deque[RecvPost]] = defaultdict(deque)

    def post_send(self, transfer: Transfer) -> list[RecvPost]:
        """Queue the transfer on each destination's channel; returns the recvs it paired with now."""
        paired = []
        for dst in transfer.dsts:
            key = (transfer.src, dst, transfer.tag)
            waiting = self.pending_recvs[key]
            if waiting:
                recv = waiting.popleft()
                self._pair(transfer, recv)
                paired.append(recv)
            else:
                self.pending_sends[key].append(transfer)
        return paired

    def post_recv(self, recv: RecvPost) -> Transfer | None:
        """Queue the recv on its channel; returns the transfer it paired with now, if any."""
        key = (recv.src, recv.pe, recv.tag)
        waiting = self.pending_sends[key]
        if waiting:
            transfer = waiting.popleft()
            self._pair(transfer, recv)
            return transfer
        self.pending_recvs[key].append(recv)
        return None

    @staticmethod
    def _pair(transfer: Transfer, recv: RecvPost) -> None:
        transfer.recvs[recv.pe] = recv
        recv.transfer = transfer

    def unmatched(self) -> list[tuple[str, ir.Operation, Coord, Coord, int]]:
        """Posted sends and recvs nobody matched: (side, op, src, dst, tag)."""
        out = []
        for (src, dst, tag), queue in self.pending_sends.items():
            out.extend(("send", t.op, src, dst, tag) for t in queue)
        for (src, dst, tag), queue in self.pending_recvs.items():
            out.extend(("recv", r.op, src, dst, tag) for r in queue)
        return out


class Semaphores:
    """Counting semaphores keyed by (owning PE, id)."""

    def __init__(self):
        self.value: dict[tuple[Coord, int], int] = {}

    def declare(self, pe: Coord, sem_id: int, init: int) -> None:
        self.value[(pe, sem_id)] = init

    def signal(self, pe: Coord, sem_id: int, count: int) -> bool:
        """Add `count`; False when the semaphore was never declared."""
        key = (pe, sem_id)
        if key not in self.value:
            return False
        self.value[key] += count
        return True

    def try_wait(self, pe: Coord, sem_id: int, count: int) -> bool:
        key = (pe, sem_id)
        if self.value[key] < count:
            return False
        self.value[key] -= count
        return True


@dataclass(eq=False)
class BarrierGroup:
    """A barrier id with its group of PEs (one object per distinct pair, hashed by identity)."""

    id: int
    pes: tuple[Coord, ...]


class Barriers:
    """Barrier arrivals of one run.

    `arrivals[(id, pes)]` maps each PE of a group (pes sorted) to how many
    barriers of it the PE has arrived at; `reached[group][g - 1]` counts the
    PEs that arrived at their g-th.
    """

    def __init__(self):
        self.arrivals: dict[tuple[int, tuple[Coord, ...]], dict[Coord, int]] = {}
        self.counts: dict[BarrierGroup, dict[Coord, int]] = {}
        self.reached: dict[BarrierGroup, list[int]] = {}

    def arrive(self, group: BarrierGroup, pe: Coord) -> int:
        """Register `pe` at its next barrier of `group`; returns which one (1 = its first)."""
        counts = self.counts.get(group)
        if counts is None:
            counts = self.counts[group] = self.arrivals[(group.id, group.pes)] = defaultdict(int)
            self.reached[group] = []
        counts[pe] += 1
        generation = counts[pe]
        reached = self.reached[group]
        if len(reached) < generation:
            reached.append(0)
        reached[generation - 1] += 1
        return generation

    def passed(self, group: BarrierGroup, generation: int) -> bool:
        return self.reached[group][generation - 1] == len(group.pes)

    def missing(self, group: BarrierGroup, generation: int) -> list[Coord]:
        counts = self.counts[group]
        return [q for q in group.pes if counts[q] < generation]
