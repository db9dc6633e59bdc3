"""Timed resources of the performance model: in-order units and shared-bandwidth links.

Two kinds, both in cycles of the target clock (real numbers: the model is a
fluid one, a 100-byte transfer at 64 bytes/cycle takes 1.5625 cycles):

* `Unit`: a resource that serves one request at a time, in the order the
  requests are made (a matrix unit, a vector unit, one DMA engine). It keeps
  the time it becomes free and the list of busy intervals (for traces and
  utilization).
* `Capacity`: a resource with a bandwidth (bytes per cycle) that concurrent
  flows share: a NoC link (one direction), the external-memory pool. Its state
  is a step function of the bandwidth already reserved; a new flow is
  *water-filled* into what is left: from its ready time on, in each interval
  it moves at `min(its own cap, the free bandwidth of every resource it
  crosses)` until its bytes are done. Reservations made earlier keep their
  rates, so two flows sharing a link in the same interval slow each other:
  the later one gets only what the first leaves.

`waterfill(resources, ready, nbytes, cap)` reserves one flow across several
`Capacity` resources at once and returns its pieces `[(t0, t1, rate), ...]`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from math import inf

__all__ = ["Capacity", "Unit", "waterfill"]

# Relative slack when comparing reserved bandwidth with capacity (float sums).
_EPS = 1e-9


class Unit:
    """An in-order resource: requests are served one after another."""

    __slots__ = ("name", "free_at", "busy", "intervals")

    def __init__(self, name: str):
        self.name = name
        self.free_at = 0.0
        self.busy = 0.0
        self.intervals: list[tuple[float, float, object]] = []  # (start, end, what)

    def reserve(self, ready: float, duration: float, what: object = None) -> tuple[float, float]:
        """Serve a request of `duration` cycles ready at `ready`: (start, end)."""
        start = max(ready, self.free_at)
        end = start + duration
        self.occupy(start, end, what)
        return start, end

    def occupy(self, start: float, end: float, what: object = None) -> None:
        """Mark [start, end) busy (the caller computed it, e.g. by water-filling)."""
        self.free_at = max(self.free_at, end)
        if end > start:
            self.busy += end - start
            self.intervals.append((start, end, what))


class Capacity:
    """A shared bandwidth: `capacity` bytes per cycle, a step function of what is reserved.

    `times[i]` starts segment i, in which `used[i]` bytes/cycle are reserved;
    the last segment runs to infinity and always has `used == 0`.
    """

    __slots__ = ("name", "capacity", "times", "used", "bytes", "flows")

    def __init__(self, name: str, capacity: float):
        if capacity <= 0:
            raise ValueError(f"{name}: capacity must be positive, got {capacity}")
        self.name = name
        self.capacity = float(capacity)
        self.times: list[float] = [0.0]
        self.used: list[float] = [0.0]
        self.bytes = 0.0
        self.flows: list[tuple[float, float, float, object]] = []  # (start, end, bytes, what)

    def free(self, i: int) -> float:
        return max(0.0, self.capacity - self.used[i])

    def segment(self, t: float) -> int:
        """Index of the segment containing time t (t >= 0)."""
        return bisect_right(self.times, t) - 1

    def next_change(self, t: float) -> float:
        """The first breakpoint strictly after t (inf when none)."""
        i = bisect_right(self.times, t)
        return self.times[i] if i < len(self.times) else inf

    def _split(self, t: float) -> int:
        """Make t a breakpoint; its segment index."""
        i = bisect_left(self.times, t)
        if i < len(self.times) and self.times[i] == t:
            return i
        self.times.insert(i, t)
        self.used.insert(i, self.used[i - 1])
        return i

    def add(self, t0: float, t1: float, rate: float) -> None:
        """Reserve `rate` bytes/cycle over [t0, t1)."""
        if t1 <= t0 or rate <= 0:
            return
        i0 = self._split(t0)
        i1 = self._split(t1)
        for i in range(i0, i1):
            self.used[i] += rate
        self.bytes += rate * (t1 - t0)

    def used_at(self, t: float) -> float:
        return self.used[self.segment(t)]

    def busy_cycles(self) -> float:
        """Cycles during which any bandwidth is reserved."""
        total = 0.0
        for i in range(len(self.times) - 1):
            if self.used[i] > _EPS * self.capacity:
                total += self.times[i + 1] - self.times[i]
        return total


def waterfill(resources: list[Capacity], ready: float, nbytes: float, cap: float
              ) -> list[tuple[float, float, float]]:
    """Reserve a flow of `nbytes` starting no earlier than `ready`, at most `cap` bytes/cycle.

    In each interval between breakpoints of the resources the flow moves at
    `min(cap, free bandwidth of each resource)`; intervals with no free
    bandwidth are skipped. Returns the pieces `(t0, t1, rate)` with rate > 0
    (empty when nbytes is 0). The
    pieces are reserved on every resource.
    """
    if nbytes <= 0:
        return []
    if not 0 < cap < inf:
        raise ValueError(f"a flow needs a finite positive rate cap, got {cap}")
    pieces: list[tuple[float, float, float]] = []
    t = ready
    left = float(nbytes)
    while left > 0:
        rate = cap
        horizon = inf
        for r in resources:
            i = r.segment(t)
            rate = min(rate, r.free(i))
            horizon = min(horizon, r.next_change(t))
        if rate <= _EPS * cap:
            if horizon == inf:  # cannot happen: the last segment of every resource is free
                raise RuntimeError("water-filling found no free bandwidth")
            t = horizon
            continue
        span = left / rate
        if t + span <= horizon:
            pieces.append((t, t + span, rate))
            left = 0.0
        else:
            pieces.append((t, horizon, rate))
            left -= rate * (horizon - t)
            t = horizon
    merged: list[tuple[float, float, float]] = []
    for p in pieces:
        if merged and merged[-1][1] == p[0] and merged[-1][2] == p[2]:
            merged[-1] = (merged[-1][0], p[1], p[2])
        else:
            merged.append(p)
    for r in resources:
        for t0, t1, rate in merged:
            r.add(t0, t1, rate)
    return merged
