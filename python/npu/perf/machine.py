"""The timed level-4 machine: the interpreter's semantics plus a clock per PE and shared resources.

`PerfMachine(module, target)` subclasses `npu.interp.level4.Level4Machine`
through its hooks (docs/level4-execution.md, "For the performance model"),
so outputs are exactly the functional machine's; on top it keeps time:

1. **Scheduler.** `run_all` always advances the PE with the smallest clock
   (ties by row-major order), one op at a time; a PE that blocks (NoC wait,
   semaphore, barrier) is retried after the next op that can release it. Every
   later action then happens at a time >= the current one, so a wait sees
   every event that precedes it in time.
2. **Issue.** Each PE issues its ops in program order at its `clock`
   (`PerfConfig.issue_cycles` per op, 0 by default: the target has no issue
   rate). Compute ops are queued to their unit and do not stall the stream
   (`overlap_units`); only waits move the clock: `dma_wait` to the DMA's end,
   `npu_noc.wait` to the transfer's end (sender: its buffer drained;
   receiver: the data arrived), `sem_wait` to the arrival of the signal that
   makes the count, `barrier` to the last arrival plus the group's diameter in
   hops times the hop latency. Clock jumps are recorded as stalls by cause.
3. **Units.** The matrix and vector units of a PE serve their ops in order;
   an op starts when its unit is free and its operands are ready: a
   scoreboard per SRAM byte range remembers when the last compute op writing
   it finishes (read after write) and when the last one reading it finishes
   (write after read). Cost: npu.perf.costs (MAC rate and tile-shape passes,
   vector rate, SRAM bank words), the longer of unit and bank time. An
   npu_pe.matmul with `unit = "vector"` occupies the vector unit and is
   tallied as vector ops (two per MAC), not as MACs of the matrix roofline.
4. **DMA.** `dma_start` takes the PE's DMA engine that frees first (engines
   serve in order, `pe.dma.engines` per PE). An external-memory DMA flows
   through the external pool and, from a PE without a memory port, over the
   NoC links of the XY route to the nearest PE on `memory.edges` (reads:
   port -> PE; writes: PE -> port). The flow is water-filled across these
   shared resources (npu.perf.resources) at no more than the engine rate and
   the SRAM side's bank rate; it completes `memory.latency_cycles` plus the
   hops times `noc.hop_latency_cycles` after its last byte.
5. **NoC.** A send (or each branch of a multicast) starts once both the send
   and the matching recv are posted and their buffers are ready, on an engine
   of the sender, water-filled over the links of its explicit route (a
   multicast reserves each tree link once); delivery adds the hops times the
   hop latency. Semaphore signals arrive after their route's hop latency.

Everything is tallied per layer (the ONNX node name of the op location, or
`phase k` after the k-th barrier when ops carry no name): MACs per dtype,
unit busy time, bytes per memory level, NoC byte-hops (`layer_names`, as
npu.perf.models.lower_for_timing returns them, name the phases when the
lowering left no name locations); npu.perf.report turns
the tallies into the report, energy and roofline.
"""

from __future__ import annotations

import heapq
from bisect import insort
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import count
from math import inf

from npu.dialects.level4 import TARGET_DTYPE
from npu.errors import NpuError
from npu.interp.level4 import DmaEvent, Level4Machine, PEState, Step
from npu.interp.level4_compute import COMPUTE
from npu.interp.level4_noc import RecvPost, Transfer
from npu.perf.costs import Costs
from npu.perf.resources import Capacity, Unit, waterfill

__all__ = ["Activity", "LayerTally", "PETiming", "PerfConfig", "PerfMachine"]

Coord = tuple[int, int]
Link = tuple[Coord, Coord]

_WAKERS = {"npu_noc.send", "npu_noc.multicast", "npu_noc.recv", "npu_noc.sem_signal", "npu_noc.barrier"}


@dataclass(frozen=True)
class PerfConfig:
    """Model choices that are not chip figures (the target has no field for them)."""

    issue_cycles: float = 0.0    # cycles to issue one op on a PE's instruction stream
    overlap_units: bool = True   # compute ops run asynchronously on their unit (False: the stream waits)
    record: bool = True          # keep every busy interval (needed for traces)


@dataclass
class Activity:
    """One busy interval on one track: a PE unit, a DMA engine, a stall, or a NoC link."""

    track: tuple[str, str]       # (process, thread), e.g. ("PE (0, 1)", "matrix") or ("NoC", "(0, 0)->(0, 1)")
    name: str
    layer: str
    start: float
    end: float
    args: dict = field(default_factory=dict)


@dataclass
class LayerTally:
    """What one layer did, summed over PEs."""

    name: str
    first: float = inf
    last: float = 0.0
    ops: int = 0
    macs: Counter = field(default_factory=Counter)      # by target dtype name (int8, bf16, ...)
    mac_cycles: float = 0.0       # sum of MACs / per-PE peak rate: the compute share of the roofline
    matrix_busy: float = 0.0
    vector_busy: float = 0.0
    vector_ops: int = 0
    ext_read: int = 0
    ext_write: int = 0
    sram_bytes: int = 0           # bytes read or written in PE SRAMs (compute operands, DMA and NoC ends)
    noc_bytes: int = 0            # bytes sent PE to PE
    noc_byte_hops: int = 0        # bytes times links crossed (NoC transfers and DMAs routed to memory ports)

    def span(self, start: float, end: float) -> None:
        self.first = min(self.first, start)
        self.last = max(self.last, end)

    @property
    def cycles(self) -> float:
        return max(0.0, self.last - self.first) if self.first < inf else 0.0


class PETiming:
    """Timing state of one PE."""

    def __init__(self, pe: Coord, engines: int):
        self.pe = pe
        self.name = f"PE ({pe[0]}, {pe[1]})"
        self.clock = 0.0
        self.matrix = Unit("matrix")
        self.vector = Unit("vector")
        self.engines = [Unit(f"dma {i}") for i in range(engines)]
        self.board: dict[int, dict[tuple[int, int], list[float]]] = defaultdict(dict)  # id(mem) -> range -> [w, r]
        self.stalls: Counter = Counter()
        self.phase = 0
        self.finish = 0.0

    @property
    def dma_busy(self) -> float:
        return sum(e.busy for e in self.engines)


@dataclass
class _Flow:
    """A NoC transfer being timed: its sender and the tree links already reserved."""

    sender: PETiming
    ready: float
    layer: str
    links: set = field(default_factory=set)
    engine: Unit | None = None
    start: float = inf
    end: float = 0.0


class PerfMachine(Level4Machine):
    """Level4Machine with time: run it, then `report()` (npu.perf.report) or `activities`."""

    def __init__(self, module, target=None, *, config: PerfConfig | None = None, check: bool = True, on_op=None,
                 layer_names: list[str] | None = None):
        super().__init__(module, target, check=check, on_op=on_op)
        self.phase_names = list(layer_names or []) if self._barriers_separate(len(layer_names or [])) else []
        if self.target is None:
            raise NpuError("the performance model needs a target: pass one, or compile the module for a preset "
                           "(npu_pe.target)")
        self.config = config or PerfConfig()
        self.costs = Costs(self.target)
        ports = self.target.memory_port_pes()
        self.port_of = {pe: min(ports, key=lambda p: (self.target.hops(p, pe), p)) for pe in self.programs}
        self._layer_names: dict[int, str | None] = {}

    # ------------------------------------------------------------ state
    def reset(self) -> None:
        super().reset()
        self.timing = {pe: PETiming(pe, self.target.pe.dma.engines) for pe in self.pes}
        self.links: dict[Link, Capacity] = {}
        self.ext_pool = Capacity("external memory", self.costs.ext_rate)
        self.layers: dict[str, LayerTally] = {}
        self.activities: list[Activity] = []
        self._dma_done: dict[int, float] = {}
        self._flows: dict[int, _Flow] = {}
        self._recv_ready: dict[int, float] = {}
        self._delivered: dict[int, float] = {}
        self._sem_arrivals: dict[tuple[Coord, int], list[tuple[float, int]]] = defaultdict(list)
        self._sem_consumed: Counter = Counter()
        for pe, sem_id, init in self.semaphore_decls:
            if init:
                self._sem_arrivals[(pe, sem_id)].append((0.0, init))
        self._barrier_arrivals: dict[tuple, dict[Coord, float]] = defaultdict(dict)
        self._pe: PETiming | None = None
        self._step: Step | None = None

    @property
    def cycles(self) -> float:
        """Total cycles: when the last PE finished."""
        return max((t.finish for t in self.timing.values()), default=0.0)

    def link(self, a: Coord, b: Coord) -> Capacity:
        key = (a, b)
        if key not in self.links:
            self.links[key] = Capacity(f"({a[0]}, {a[1]})->({b[0]}, {b[1]})", self.costs.link_rate)
        return self.links[key]

    def layer_of(self, pt: PETiming, step: Step) -> LayerTally:
        key = id(step)
        if key not in self._layer_names:
            self._layer_names[key] = _location_name(step.op.location)
        name = self._layer_names[key] or self._phase_name(pt.phase)
        tally = self.layers.get(name)
        if tally is None:
            tally = self.layers[name] = LayerTally(name)
        return tally

    def _barriers_separate(self, layers: int) -> bool:
        """Does every program have exactly `layers - 1` barriers (one between consecutive layers)?"""
        return layers > 0 and all(sum(s.name == "npu_noc.barrier" for s in steps) == layers - 1
                                  for steps, _ in self.programs.values())

    def _phase_name(self, phase: int) -> str:
        """Layer of ops without a name location: the phase-th of `layer_names` (phases end at barriers)."""
        return self.phase_names[phase] if phase < len(self.phase_names) else f"phase {phase}"

    def _record(self, track: tuple[str, str], name: str, layer: str, start: float, end: float, **args) -> None:
        if self.config.record and end > start:
            self.activities.append(Activity(track, name, layer, start, end, args))

    # ------------------------------------------------------------ scheduler
    def run_all(self) -> None:
        """Advance the PE with the smallest clock; blocked PEs are retried after the next release-type op."""
        order = count()
        heap = [(0.0, next(order), st) for st in self.pes.values()]
        heapq.heapify(heap)
        blocked: list[PEState] = []
        while heap:
            _, _, st = heapq.heappop(heap)
            pc = st.pc
            name = st.steps[pc].name
            self.advance(st)
            if st.done:
                pass
            elif st.pc == pc:
                blocked.append(st)
            else:
                heapq.heappush(heap, (self.timing[st.pe].clock, next(order), st))
            if blocked and name in _WAKERS and st.pc != pc:
                for b in blocked:
                    heapq.heappush(heap, (self.timing[b.pe].clock, next(order), b))
                blocked = []
        if blocked:
            raise NpuError("deadlock: " + "; ".join(
                f"{st.name} blocked at {st.steps[st.pc].where}: {st.blocked}" for st in blocked))

    def execute(self, st: PEState, step: Step, operands: list) -> bool:
        pt = self.timing[st.pe]
        self._pe, self._step = pt, step
        name = step.name
        if name == "npu_noc.barrier":
            return self._time_barrier(st, pt, step, operands)
        if not super().execute(st, step, operands):
            return False
        timer = _TIMERS.get(name)
        if timer is not None:
            getattr(self, timer)(st, pt, step, operands)
        pt.clock += self.config.issue_cycles
        return True

    def _stall(self, pt: PETiming, until: float, cause: str, step: Step) -> None:
        if until > pt.clock:
            self._record((pt.name, "stall"), cause, self.layer_of(pt, step).name, pt.clock, until)
            pt.stalls[cause] += until - pt.clock
            pt.clock = until

    # ------------------------------------------------------------ scoreboard
    @staticmethod
    def _ready(pt: PETiming, buf, write: bool) -> float:
        """When compute ops are done with `buf`: its last writer (read after write) or also its readers."""
        return PerfMachine._ready_range(pt, buf.mem, buf.base, buf.end, write)

    @staticmethod
    def _ready_range(pt: PETiming, mem, lo: int, hi: int, write: bool) -> float:
        t = 0.0
        for (a, b), (w, r) in pt.board[id(mem)].items():
            if a < hi and lo < b:
                t = max(t, w, r) if write else max(t, w)
        return t

    @staticmethod
    def _note(pt: PETiming, buf, write: float | None = None, read: float | None = None) -> None:
        entries = pt.board[id(buf.mem)]
        if len(entries) > 256:
            for key in [k for k, (w, r) in entries.items() if max(w, r) <= pt.clock]:
                del entries[key]
        rec = entries.setdefault((buf.base, buf.end), [0.0, 0.0])
        if write is not None:
            rec[0] = max(rec[0], write)
        if read is not None:
            rec[1] = max(rec[1], read)

    # ------------------------------------------------------------ compute
    def _time_compute(self, st: PEState, pt: PETiming, step: Step, operands: list) -> None:
        c = self.costs
        reads = COMPUTE[step.name].reads(step.attrs)
        out = operands[-1]
        dtype = step.types[0][1]
        runs: list[tuple[int, int, int]] = [(out.base, out.end, 1)]
        latency = 0.0
        tally = self.layer_of(pt, step)
        if step.name == "npu_pe.matmul":
            (m, k), n = step.types[0][0], step.types[1][0][1]
            cost = c.matmul(m, n, k, dtype, step.attrs.get("unit", "matrix"))
            unit = pt.matrix if cost.unit == "matrix" else pt.vector
            ra, rb = c.matmul_traffic(m, n, k) if cost.unit == "matrix" else (1, 1)
            a, b = operands[0], operands[1]
            runs += [(a.base, a.end, ra), (b.base, b.end, rb)]
            if step.attrs["accumulate"]:
                runs.append((out.base, out.end, 1))
            work, latency = cost.occupancy, cost.latency
            if cost.unit == "matrix":
                tally.macs[TARGET_DTYPE.get(dtype, dtype)] += cost.macs
                tally.mac_cycles += cost.ideal
            else:  # vector-unit work: a multiply and an add per MAC, outside the matrix roofline
                tally.vector_ops += 2 * cost.macs
        else:
            unit = pt.vector
            elements, dtypes = _vector_work(step)
            work = c.vector(elements, *dtypes)
            runs += [(operands[i].base, operands[i].end, 1) for i in reads]
            tally.vector_ops += elements
        starts, ends, reps = zip(*runs)
        bank = c.bank_cycles(starts, ends, reps)
        ready = pt.clock
        for i in reads:
            ready = max(ready, self._ready(pt, operands[i], write=False))
        ready = max(ready, self._ready(pt, out, write=True))
        start, end = unit.reserve(ready, max(work, bank), step)
        done = end + latency
        for i in reads:
            self._note(pt, operands[i], read=end)
        self._note(pt, out, write=done)
        if unit is pt.matrix:
            tally.matrix_busy += end - start
        else:
            tally.vector_busy += end - start
        tally.ops += 1
        tally.sram_bytes += sum((e - s) * r for s, e, r in runs)
        tally.span(start, done)
        self._record((pt.name, unit.name), step.name.split(".")[1], tally.name, start, end,
                     shape=list(step.types[-1][0]), dtype=dtype)
        if not self.config.overlap_units:
            self._stall(pt, done, "compute", step)

    # ------------------------------------------------------------ DMA
    def dma_started(self, dma: DmaEvent) -> None:
        pt, step, c = self._pe, self._step, self.costs
        tally = self.layer_of(pt, step)
        ready = pt.clock
        cap = c.engine_rate
        n = dma.nbytes
        for buf, pattern, space, write in ((dma.src, dma.src_pattern, dma.src_space, False),
                                           (dma.dst, dma.dst_pattern, dma.dst_space, True)):
            if space == "ext":
                continue
            ready = max(ready, self._ready_range(pt, buf.mem, pattern.lo, pattern.hi, write))
            starts, ends = pattern.runs()
            bank = c.bank_cycles(starts, ends)
            if bank > 0:
                cap = min(cap, n / bank)
            tally.sram_bytes += n
        resources: list[Capacity] = []
        route: list[tuple[Coord, Coord]] = []
        external = "ext" in (dma.src_space, dma.dst_space)
        if external:
            resources.append(self.ext_pool)
            port = self.port_of[pt.pe]
            route = self.target.xy_route(port, pt.pe) if dma.src_space == "ext" else self.target.xy_route(pt.pe, port)
            resources += [self.link(a, b) for a, b in route]
            if dma.src_space == "ext":
                tally.ext_read += n
            else:
                tally.ext_write += n
            tally.noc_byte_hops += n * len(route)
        engine = min(pt.engines, key=lambda e: e.free_at)
        s0 = max(ready, engine.free_at)
        pieces = waterfill(resources, s0, n, cap)
        start, end = (pieces[0][0], pieces[-1][1]) if pieces else (s0, s0)
        engine.occupy(start, end, step)
        done = end + (c.ext_latency + len(route) * c.hop_latency if external else 0.0)
        self._dma_done[id(dma)] = done
        tally.ops += 1
        tally.span(start, done)
        what = f"dma {dma.src_space}->{dma.dst_space}"
        self._record((pt.name, engine.name), what, tally.name, start, end, bytes=n)
        for a, b in route:
            self._record(("NoC", self.link(a, b).name), what, tally.name, start, end, bytes=n, pe=list(pt.pe))
        if external:
            self._record(("external memory", "pool"), what, tally.name, start, end, bytes=n, pe=list(pt.pe))

    def _time_dma_wait(self, st: PEState, pt: PETiming, step: Step, operands: list) -> None:
        self._stall(pt, max((self._dma_done[id(d)] for d in operands), default=0.0), "dma_wait", step)

    # ------------------------------------------------------------ NoC
    def transfer_posted(self, transfer: Transfer) -> None:
        pt, step = self._pe, self._step
        ready = max(pt.clock, self._ready(pt, transfer.buf, write=False))
        self._flows[id(transfer)] = _Flow(pt, ready, self.layer_of(pt, step).name)
        for recv in transfer.recvs.values():
            self._branch(transfer, recv)

    def recv_posted(self, recv: RecvPost) -> None:
        pt = self._pe
        self._recv_ready[id(recv)] = max(pt.clock, self._ready(pt, recv.buf, write=True))
        if recv.transfer is not None:
            self._branch(recv.transfer, recv)

    def _branch(self, transfer: Transfer, recv: RecvPost) -> None:
        """Time the delivery of `transfer` to `recv.pe` (a send, or one branch of a multicast)."""
        c = self.costs
        flow = self._flows[id(transfer)]
        n = transfer.nbytes
        route = transfer.routes[transfer.dsts.index(recv.pe)]
        links = [(route[i], route[i + 1]) for i in range(len(route) - 1)]
        ready = max(flow.ready, self._recv_ready[id(recv)])
        cap = min(c.engine_rate, self._bank_rate(transfer.buf, n), self._bank_rate(recv.buf, n))
        first = flow.engine is None
        if first:
            flow.engine = min(flow.sender.engines, key=lambda e: e.free_at)
            ready = max(ready, flow.engine.free_at)
        elif ready < flow.end:
            ready = max(ready, flow.start)
            links = [link for link in links if link not in flow.links]
        pieces = waterfill([self.link(a, b) for a, b in links], ready, n, cap) if links else []
        start, end = (pieces[0][0], pieces[-1][1]) if pieces else (ready, max(ready, flow.end))
        if end > flow.end:
            flow.engine.occupy(max(start, flow.end), end, transfer.op)
        flow.start, flow.end = min(flow.start, start), max(flow.end, end)
        flow.links.update(links)
        self._delivered[id(recv)] = end + (len(route) - 1) * c.hop_latency
        tally = self.layers[flow.layer]
        tally.noc_bytes += n
        tally.noc_byte_hops += n * len(links)
        tally.sram_bytes += n * (2 if first else 1)  # the sender's read once, each receiver's write
        tally.span(start, self._delivered[id(recv)])
        what = transfer.op.name.split(".")[1]
        self._record((flow.sender.name, flow.engine.name), what, flow.layer, start, end, bytes=n,
                     dst=list(recv.pe))
        for a, b in links:
            self._record(("NoC", self.link(a, b).name), what, flow.layer, start, end, bytes=n,
                         src=list(transfer.src), dst=list(recv.pe))

    def _bank_rate(self, buf, n: int) -> float:
        bank = self.costs.bank_cycles([buf.base], [buf.end])
        return n / bank if bank > 0 else inf

    def _time_noc_wait(self, st: PEState, pt: PETiming, step: Step, operands: list) -> None:
        until = 0.0
        for token in operands:
            if isinstance(token, Transfer):
                until = max(until, self._flows[id(token)].end)
            else:
                until = max(until, self._delivered[id(token)])
        self._stall(pt, until, "noc_wait", step)

    # ------------------------------------------------------------ semaphores and barriers
    def sem_signalled(self, src: Coord, dst: Coord, sem_id: int, count: int, route: list[Coord]) -> None:
        arrival = self._pe.clock + max(0, len(route) - 1) * self.costs.hop_latency
        insort(self._sem_arrivals[(dst, sem_id)], (arrival, count))

    def _time_sem_wait(self, st: PEState, pt: PETiming, step: Step, operands: list) -> None:
        key = operands[0]
        need = self._sem_consumed[key] + step.attrs["count"]
        total, when = 0, 0.0
        for when, n in self._sem_arrivals[key]:
            total += n
            if total >= need:
                break
        self._sem_consumed[key] = need
        self._stall(pt, when, "sem_wait", step)

    def _time_barrier(self, st: PEState, pt: PETiming, step: Step, operands: list) -> bool:
        group = tuple(sorted((v[0], v[1]) for v in zip(step.attrs["pes"][0::2], step.attrs["pes"][1::2])))
        bid = step.attrs["id"]
        generation = st.barrier_generation
        ok = super().execute(st, step, operands)
        if generation is None:
            generation = self.barriers.arrivals[(bid, group)][st.pe]
            self._barrier_arrivals[(bid, group, generation)][st.pe] = pt.clock
        if ok:
            arrivals = self._barrier_arrivals[(bid, group, generation)]
            release = max(arrivals.values()) + _diameter(group) * self.costs.hop_latency
            self._stall(pt, release, "barrier", step)
            pt.phase += 1
            pt.clock += self.config.issue_cycles
        return ok

    def _time_return(self, st: PEState, pt: PETiming, step: Step, operands: list) -> None:
        ends = [pt.clock, pt.matrix.free_at, pt.vector.free_at] + [e.free_at for e in pt.engines]
        ends += [max(w, r) for entries in pt.board.values() for w, r in entries.values()]
        pt.finish = max(ends)


_TIMERS = {name: "_time_compute" for name in COMPUTE}
_TIMERS.update({"npu_mem.dma_wait": "_time_dma_wait", "npu_noc.wait": "_time_noc_wait",
                "npu_noc.sem_wait": "_time_sem_wait", "func.return": "_time_return"})


def _vector_work(step: Step) -> tuple[int, tuple[str, ...]]:
    """(elements, dtypes whose slowest rate applies) of a vector-unit op."""
    from math import prod

    types = step.types
    if step.name == "npu_pe.reduce":
        return prod(types[0][0]), (types[0][1],)
    if step.name in ("npu_pe.cast", "npu_pe.rescale"):
        return prod(types[-1][0]), (types[0][1], types[-1][1])
    if step.name == "npu_pe.table":
        return prod(types[-1][0]), (types[0][1],)
    if step.name == "npu_pe.compare":  # compares at the operands' rate, writes an i8 mask
        return prod(types[-1][0]), (types[0][1], types[-1][1])
    if step.name == "npu_pe.select":  # reads the i8 mask, moves values of the output type
        return prod(types[-1][0]), (types[0][1], types[-1][1])
    return prod(types[-1][0]), (types[-1][1],)


def _diameter(group: tuple[Coord, ...]) -> int:
    """Largest hop distance between two PEs of the group (Manhattan: max spread of r+c and r-c)."""
    s = [r + c for r, c in group]
    d = [r - c for r, c in group]
    return max(max(s) - min(s), max(d) - min(d))


def _location_name(loc) -> str | None:
    """The ONNX node name carried by an op location (a name location, possibly fused or nested)."""
    try:
        if loc.is_a_name():
            return loc.name_str
        if loc.is_a_fused():
            for sub in loc.locations:
                name = _location_name(sub)
                if name:
                    return name
        if loc.is_a_callsite():
            return _location_name(loc.callee)
    except (AttributeError, TypeError):
        return None
    return None
