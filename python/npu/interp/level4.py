"""The level-4 interpreter: runs the per-PE programs of an npu_mem/npu_noc/npu_pe module.

    outputs = run_level4(module, {"x": x}, target="edge-lpddr")

`run_level4(module, inputs, *, target=None, on_op=None, check=True, schedule="row-major")` takes
the inputs keyed by the `sym_name` of the `npu_mem.global`s of kind "input"
and returns the outputs keyed by those of kind "output", in the graph's element type: a global
whose `element` attribute names a graph type without buffers (a boolean's i8 mask) takes and
returns that type (npu.interp.level4_io). `Level4Machine`
prepares a module once (programs as lists of `Step`s, globals, semaphores)
and runs it any number of times; it is also the base of the performance model:

* `execute(pe, step, operands)` runs one op on one PE; every op goes through
  it, so a subclass can charge cycles per op.
* DMAs and NoC transfers are explicit events (`DmaEvent`, `level4_noc.Transfer`,
  `RecvPost`) with source, destination, bytes and routes; the machine calls
  `dma_started` / `dma_completed` / `transfer_posted` / `recv_posted` /
  `transfer_delivered` / `sem_signalled` (no-ops here) as they happen.
* `advance(pe)` executes one op of one PE (or reports it blocked); `run_all`
  is the functional scheduler: PEs in row-major order, each running until it
  blocks, round after round; a round without progress is a deadlock.

Semantics (docs/level4-execution.md): a DMA's target bytes are poisoned at
`dma_start` and the copy (source read, target written) happens at
`dma_wait`; a NoC payload is read from the sender at the first wait of the
transfer and written at the receiver's wait; sends and recvs pair FIFO per
(source, destination, tag). With `check=True` the machine reports, as
one-line NpuErrors naming PE, op and location: reads of bytes never written,
accesses to buffers with a transfer in flight, overlapping live SRAM
allocations, out-of-bounds accesses, send/recv size or type mismatches,
transfers never matched or waited for, and outputs left unwritten. A
deadlock is always an error naming every blocked PE and op.

Memories: npu.interp.level4_memory; compute semantics:
npu.interp.level4_compute; network state: npu.interp.level4_noc.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from mlir import ir

from npu.dialects.level4 import INT_ARRAYS, PE_ATTR, TARGET_ATTR, buffer_type
from npu.errors import NpuError
from npu.interp.level4_compute import COMPUTE, run_compute
from npu.interp.level4_io import api_dtype_of, check_element, from_buffer, to_buffer
from npu.interp.level4_memory import BufRef, BytePattern, Memory, element_pattern, nbytes_of
from npu.interp.level4_noc import BarrierGroup, Barriers, Network, RecvPost, Semaphores, Transfer
from npu.ir import resources
from npu.ir.attrs import dense_value, from_attr
from npu.ir.diagnostics import format_location

Coord = tuple[int, int]
OnOp = Callable[[Coord, ir.Operation, list], None]

__all__ = ["DmaEvent", "Level4Machine", "PEState", "Step", "is_level4", "run_level4"]


# ---------------------------------------------------------------- prepared module

@dataclass
class Step:
    """One op of a PE program, prepared: operand/result slots, static types, attributes."""

    op: ir.Operation
    name: str
    operands: list[int]
    results: list[int]
    types: list[tuple[tuple[int, ...], str, str] | None]  # (shape, element type, space) per operand
    result_types: list[tuple[tuple[int, ...], str, str] | None]
    attrs: dict[str, Any]

    @property
    def where(self) -> str:
        return f"'{self.name}' at {format_location(self.op.location)}"


@dataclass
class GlobalInfo:
    name: str
    kind: str
    shape: tuple[int, ...]
    dtype: str
    address: int | None
    value: np.ndarray | None
    op: ir.Operation
    element: str | None = None  # the graph's element type of an input/output held in another buffer type

    @property
    def nbytes(self) -> int:
        return nbytes_of(self.shape, self.dtype)


@dataclass(eq=False)
class DmaEvent:
    """One `npu_mem.dma_start` in flight (its token): who, from where to where, how many bytes."""

    pe: Coord
    op: ir.Operation
    src: BufRef
    dst: BufRef
    src_space: str
    dst_space: str
    src_pattern: BytePattern
    dst_pattern: BytePattern
    done: bool = False

    @property
    def nbytes(self) -> int:
        return self.dst_pattern.count


@dataclass(eq=False)
class InFlight:
    """Bytes an unfinished transfer reads ("source") or will write ("target")."""

    pattern: BytePattern
    role: str  # "source" or "target"
    kind: str  # "DMA", "transfer", "receive"
    step: Step
    pe: Coord
    owner: object  # the DmaEvent / Transfer / RecvPost

    @property
    def what(self) -> str:
        return f"the {self.kind} of {self.step.where} on PE {_fmt(self.pe)}"


@dataclass(eq=False)
class PEState:
    """Run-time state of one PE: program counter, SSA values, SRAM, what it waits on."""

    pe: Coord
    steps: list[Step]
    values: list
    sram: Memory | None
    pc: int = 0
    done: bool = False
    why: Callable[[], str] | None = None  # why the current op cannot proceed (formatted on demand)
    barrier_generation: int | None = None
    arrived: bool = False  # registered at a barrier in this call (progress, though blocked)
    live: dict[int, tuple[int, int, Step]] = field(default_factory=dict)  # alloc slot -> SRAM range
    outstanding: dict[int, object] = field(default_factory=dict)  # id(token) -> unwaited token

    @property
    def name(self) -> str:
        return f"PE ({self.pe[0]}, {self.pe[1]})"

    @property
    def blocked(self) -> str | None:
        """Why the current op cannot proceed, or None."""
        return None if self.why is None else self.why()


def _attr_value(attr: ir.Attribute) -> Any:
    if isinstance(attr, INT_ARRAYS):
        return [int(v) for v in attr]
    if isinstance(attr, ir.ArrayAttr):
        return [_attr_value(a) for a in attr]
    return from_attr(attr)


def _coords(values: list[int]) -> list[Coord]:
    return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]


def _fmt(pe: Coord) -> str:
    return f"({pe[0]}, {pe[1]})"


def is_level4(module: ir.Module) -> bool:
    """Does the module hold PE programs (func.func with npu_pe.pe) or npu_mem globals?"""
    for op in module.body.operations:
        op = op.operation
        if op.name == "npu_mem.global" or (op.name == "func.func" and PE_ATTR in op.attributes):
            return True
    return False


_SUPPORTED = {
    "npu_mem.get_global", "npu_mem.alloc", "npu_mem.dealloc", "npu_mem.view", "npu_mem.dma_start",
    "npu_mem.dma_wait", "npu_noc.send", "npu_noc.recv", "npu_noc.multicast", "npu_noc.wait",
    "npu_noc.semaphore", "npu_noc.sem_signal", "npu_noc.sem_wait", "npu_noc.barrier", "func.return",
} | set(COMPUTE)


# ---------------------------------------------------------------- the machine

class Level4Machine:
    """A prepared level-4 module and the functional machine that runs it."""

    def __init__(self, module: ir.Module, target=None, *, check: bool = True, on_op: OnOp | None = None,
                 schedule: str = "row-major"):
        if schedule not in ("row-major", "reverse"):
            raise NpuError(f"unknown schedule '{schedule}'; expected 'row-major' or 'reverse'")
        self.module = module
        self.check = check
        self.schedule = schedule
        self.on_op = on_op
        self.target = self._resolve_target(target)
        self.globals: dict[str, GlobalInfo] = {}
        self.programs: dict[Coord, tuple[list[Step], int]] = {}
        self.semaphore_decls: list[tuple[Coord, int, int]] = []
        self._type_cache: dict = {}
        self._attr_cache: dict = {}  # attributes are uniqued: convert each distinct one once
        self._groups: dict = {}
        self._blobs: dict[str, bytes] | None = None
        with module.context:
            self._prepare()
        self._handlers = self._handler_table()

    # ----- preparation

    def _resolve_target(self, target):
        from npu.target import Target, list_presets, load_target

        attrs = self.module.operation.attributes
        named = attrs[TARGET_ATTR] if TARGET_ATTR in attrs else None
        if named is not None:
            named = named.value if isinstance(named, ir.StringAttr) else str(named)
        if target is None:
            return load_target(named) if named in list_presets() else None
        if not isinstance(target, Target):
            target = load_target(target)
        if named is not None and named != target.chip.name:
            raise NpuError(f"the module was compiled for target '{named}', not '{target.chip.name}'")
        return target

    def _buffer_type(self, t: ir.Type):
        if t not in self._type_cache:
            buf, _ = buffer_type(t)
            self._type_cache[t] = None if buf is None else (buf.shape, buf.dtype, buf.space)
        return self._type_cache[t]

    def _prepare(self) -> None:
        for op in self.module.body.operations:
            op = op.operation
            if op.name == "npu_mem.global":
                self._prepare_global(op)
            elif op.name == "func.func" and PE_ATTR in op.attributes:
                pe = tuple(int(v) for v in op.attributes[PE_ATTR])
                if pe in self.programs:
                    raise NpuError(f"'func.func' at {format_location(op.location)}: PE {_fmt(pe)} has two programs")
                self.programs[pe] = self._prepare_program(pe, op)
        if not self.programs:
            raise NpuError("the module has no PE program (a func.func with npu_pe.pe) to run")

    def _prepare_global(self, op: ir.Operation) -> None:
        name = op.attributes["sym_name"].value
        kind = op.attributes["kind"].value
        btype = self._buffer_type(op.attributes["type"].value)
        if btype is None or btype[2] != "ext":
            raise NpuError(f"'npu_mem.global' at {format_location(op.location)}: expects an \"ext\" buffer type")
        address = int(op.attributes["address"].value) if "address" in op.attributes else None
        value = None
        if "value" in op.attributes:
            attr = op.attributes["value"]
            if isinstance(attr, ir.DenseElementsAttr):
                value = dense_value(attr)
            else:
                if self._blobs is None:
                    self._blobs = self._resource_blobs()
                value = resources.resource_value(attr, self._blobs)
        element = None
        if "element" in op.attributes:
            attr = op.attributes["element"]
            element = str(attr.value) if isinstance(attr, ir.TypeAttr) else str(attr)
            why = check_element(element, btype[1], kind)
            if why:
                raise NpuError(f"'npu_mem.global' at {format_location(op.location)}: expects {why}")
        self.globals[name] = GlobalInfo(name, kind, btype[0], btype[1], address, value, op, element)

    def _group(self, attr: ir.Attribute, barrier_id: int) -> "BarrierGroup":
        """One BarrierGroup per (id, set of PEs): hashed once, compared by identity afterwards."""
        if (attr, barrier_id) not in self._groups:
            pes = tuple(sorted(_coords(self._attr_cache[attr])))
            key = (barrier_id, pes)
            if key not in self._groups:
                self._groups[key] = BarrierGroup(barrier_id, pes)
            self._groups[(attr, barrier_id)] = self._groups[key]
        return self._groups[(attr, barrier_id)]

    def _resource_blobs(self) -> dict[str, bytes]:
        """The dense-resource blobs of the weight globals: print a module of just those globals
        (printing a whole level-4 module, ~10^5 ops, only to reach its resource section is slow)."""
        with ir.Location.unknown():
            holder = ir.Module.create()
            with ir.InsertionPoint(holder.body):
                for op in self.module.body.operations:
                    op = op.operation
                    if op.name == "npu_mem.global" and "value" in op.attributes:
                        op.clone()
        return resources.resource_blobs(holder)

    def _prepare_program(self, pe: Coord, func: ir.Operation) -> tuple[list[Step], int]:
        slots: dict[ir.Value, int] = {}
        steps: list[Step] = []
        blocks = func.regions[0].blocks
        if len(blocks) != 1:
            raise NpuError(f"'func.func' at {format_location(func.location)}: a PE program has one block")
        for op in blocks[0].operations:
            op = op.operation
            name = op.name
            where = f"'{name}' at {format_location(op.location)}"
            if name not in _SUPPORTED:
                raise NpuError(f"{where}: the level-4 interpreter does not run '{name}' in a PE program")
            operands = []
            for v in op.operands:
                if v not in slots:
                    raise NpuError(f"{where}: an operand is not defined in this PE program")
                operands.append(slots[v])
            results = []
            for r in op.results:
                slots[r] = len(slots)
                results.append(slots[r])
            attrs = {}
            for a in op.attributes:
                attr = op.attributes[a]
                if attr not in self._attr_cache:
                    self._attr_cache[attr] = _attr_value(attr)
                attrs[a] = self._attr_cache[attr]
            if name == "npu_noc.barrier":
                attrs["_group"] = self._group(op.attributes["pes"], attrs["id"])
            elif name in ("npu_noc.send", "npu_noc.multicast"):
                attrs["_dsts"] = [tuple(attrs["dst"])] if name == "npu_noc.send" else _coords(attrs["dsts"])
                attrs["_routes"] = ([_coords(attrs["route"])] if name == "npu_noc.send"
                                    else [_coords(r) for r in attrs["routes"]])
            steps.append(Step(op, name, operands, results, [self._buffer_type(v.type) for v in op.operands],
                              [self._buffer_type(r.type) for r in op.results], attrs))
            if name == "npu_noc.semaphore":
                self.semaphore_decls.append((pe, attrs["id"], attrs["init"]))
            if name == "func.return":
                break
        return steps, len(slots)

    @property
    def inputs(self) -> list:
        """The input globals as executor.IOSpec (name, shape, numpy dtype), like Program.inputs."""
        from npu.interp.executor import IOSpec

        return [IOSpec(g.name, g.shape, api_dtype_of(g.dtype, g.element)) for g in self.globals.values()
                if g.kind == "input"]

    @property
    def outputs(self) -> list:
        from npu.interp.executor import IOSpec

        return [IOSpec(g.name, g.shape, api_dtype_of(g.dtype, g.element)) for g in self.globals.values()
                if g.kind == "output"]

    # ----- running

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Run every program on fresh memories; the outputs keyed by global name."""
        self.reset()
        self.load_inputs(inputs)
        self.run_all()
        return self.collect_outputs()

    def reset(self) -> None:
        """Fresh memories, PE states, network, semaphores and barriers."""
        self.ext: dict[str, BufRef] = {}
        placed = [g for g in self.globals.values() if g.address is not None]
        shared = Memory("external memory", max((g.address + g.nbytes for g in placed), default=0))
        if self.check and self.target is not None and shared.nbytes > self.target.memory.bytes:
            g = max(placed, key=lambda g: g.address + g.nbytes)
            raise NpuError(f"global '{g.name}' ends at byte {g.address + g.nbytes}, beyond the "
                           f"{self.target.memory.bytes} bytes of external memory of '{self.target.chip.name}'")
        for g in self.globals.values():
            if g.address is not None:
                self.ext[g.name] = BufRef(shared, g.address, g.shape, g.dtype)
            else:
                self.ext[g.name] = BufRef(Memory(f"global '{g.name}'", g.nbytes), 0, g.shape, g.dtype)
        for g in self.globals.values():
            if g.value is not None:
                self.ext[g.name].from_api(g.value)
        self.pes: dict[Coord, PEState] = {}
        for pe in sorted(self.programs):
            steps, nslots = self.programs[pe]
            self.pes[pe] = PEState(pe, steps, [None] * nslots, self._make_sram(pe, steps))
        self.network = Network()
        self.semaphores = Semaphores()
        for pe, sem_id, init in self.semaphore_decls:
            self.semaphores.declare(pe, sem_id, init)
        self.barriers = Barriers()

    def _make_sram(self, pe: Coord, steps: list[Step]) -> Memory | None:
        ends = [step.attrs["offset"] + nbytes_of(*step.result_types[0][:2])
                for step in steps if step.name == "npu_mem.alloc" and "offset" in step.attrs]
        if not ends:
            return None
        # only the bytes the program uses are materialized; _alloc checks the target's capacity
        return Memory(f"SRAM of PE {_fmt(pe)}", max(ends))

    def load_inputs(self, inputs: dict[str, np.ndarray]) -> None:
        expected = {g.name: g for g in self.globals.values() if g.kind == "input"}
        unknown = sorted(set(inputs) - set(expected))
        if unknown:
            raise NpuError(f"unknown input '{unknown[0]}' (the module takes: {', '.join(sorted(expected))})")
        for name, g in expected.items():
            if name not in inputs:
                raise NpuError(f"missing input '{name}' ({list(g.shape)} {api_dtype_of(g.dtype, g.element)})")
            self.ext[name].from_api(to_buffer(name, inputs[name], g.shape, g.dtype, g.element))

    def collect_outputs(self) -> dict[str, np.ndarray]:
        if self.check:
            self._check_finished()
        outputs = {}
        for g in self.globals.values():
            if g.kind != "output":
                continue
            buf = self.ext[g.name]
            if self.check:
                first = buf.first_unwritten()
                if first is not None:
                    missing = int(np.count_nonzero(~buf.mem.init[buf.base:buf.end]))
                    raise NpuError(f"output '{g.name}': {missing} of its {buf.nbytes} bytes were never written "
                                   f"(first at byte {first})")
            outputs[g.name] = from_buffer(buf.to_api(), g.element)
        return outputs

    def _check_finished(self) -> None:
        for side, op, src, dst, tag in self.network.unmatched():
            peer = f"no 'npu_noc.recv' on PE {_fmt(dst)}" if side == "send" else f"no send from PE {_fmt(src)}"
            pe = src if side == "send" else dst
            raise NpuError(f"'{op.name}' at {format_location(op.location)} on PE {_fmt(pe)}: {side} with tag "
                           f"{tag} has {peer} matching it")

    def run_all(self) -> None:
        """The functional scheduler: round-robin over PEs, each runs until it blocks.

        `schedule="reverse"` visits the PEs in reverse row-major order: a module
        whose outputs change with it has a race the checks did not see.
        """
        active = list(self.pes.values())
        if self.schedule == "reverse":
            active.reverse()
        while active:
            progress = False
            for st in active:
                while not st.done and self.advance(st):
                    progress = True
            active = [st for st in active if not st.done]
            if active and not progress:
                raise NpuError("deadlock: " + "; ".join(
                    f"{st.name} blocked at {st.steps[st.pc].where}: {st.blocked}" for st in active))

    def advance(self, st: PEState) -> bool:
        """Execute the next op of `st`; False (and `st.blocked` set) when it must wait."""
        step = st.steps[st.pc]
        operands = [st.values[s] for s in step.operands]
        if not self.execute(st, step, operands):
            arrived, st.arrived = st.arrived, False
            return arrived
        st.why = None
        st.pc += 1
        if self.on_op is not None:
            self.on_op(st.pe, step.op, operands)
        return True

    def execute(self, st: PEState, step: Step, operands: list) -> bool:
        """Run one op on one PE; False when it blocks. The one entry point for every op."""
        return self._handlers[step.name](st, step, operands)

    # ----- event hooks for the performance model (no-ops in the functional machine)

    def dma_started(self, dma: DmaEvent) -> None:
        pass

    def dma_completed(self, dma: DmaEvent) -> None:
        pass

    def transfer_posted(self, transfer: Transfer) -> None:
        pass

    def recv_posted(self, recv: RecvPost) -> None:
        pass

    def transfer_delivered(self, transfer: Transfer, recv: RecvPost) -> None:
        pass

    def sem_signalled(self, src: Coord, dst: Coord, sem_id: int, count: int, route: list[Coord]) -> None:
        pass

    # ----- errors and checks

    @staticmethod
    def error(st: PEState, step: Step, message: str) -> NpuError:
        return NpuError(f"{step.where} on {st.name}: {message}")

    def _check_read(self, st: PEState, step: Step, buf: BufRef, role: str) -> None:
        first = buf.first_unwritten()
        if first is not None:
            raise self.error(st, step, f"reads {role} byte {first} of {buf.nbytes}, never written "
                                       f"({buf.mem.name}, byte {buf.base + first})")

    def _check_inflight(self, st: PEState, step: Step, pattern: BytePattern, role: str, *, write: bool,
                        mem: Memory) -> None:
        for rec in mem.inflight:
            if rec.role == "source" and not write:
                continue
            if rec.pattern.overlaps(pattern):
                verb = "writes" if write else "reads"
                state = "still arriving from" if rec.role == "target" else "still being read by"
                raise self.error(st, step, f"{verb} {role} while its bytes are {state} {rec.what}")

    @staticmethod
    def _inflight(st: PEState, step: Step, mem: Memory, pattern: BytePattern, role: str, kind: str,
                  owner: object) -> None:
        mem.inflight.append(InFlight(pattern, role, kind, step, st.pe, owner))

    @staticmethod
    def _retire(mem: Memory, owner: object) -> None:
        mem.inflight = [rec for rec in mem.inflight if rec.owner is not owner]

    # ----- op handlers

    def _handler_table(self) -> dict[str, Callable[[PEState, Step, list], bool]]:
        table = {
            "npu_mem.get_global": self._get_global, "npu_mem.alloc": self._alloc,
            "npu_mem.dealloc": self._dealloc, "npu_mem.view": self._view,
            "npu_mem.dma_start": self._dma_start, "npu_mem.dma_wait": self._dma_wait,
            "npu_noc.send": self._send, "npu_noc.multicast": self._send, "npu_noc.recv": self._recv,
            "npu_noc.wait": self._noc_wait, "npu_noc.semaphore": self._semaphore,
            "npu_noc.sem_signal": self._sem_signal, "npu_noc.sem_wait": self._sem_wait,
            "npu_noc.barrier": self._barrier, "func.return": self._return,
        }
        table.update({name: self._compute for name in COMPUTE})
        return table

    def _get_global(self, st: PEState, step: Step, operands: list) -> bool:
        name = step.attrs["name"]
        name = name.value if hasattr(name, "value") else str(name).lstrip("@")
        if name not in self.ext:
            raise self.error(st, step, f"names no global '@{name}'")
        st.values[step.results[0]] = self.ext[name]
        return True

    def _alloc(self, st: PEState, step: Step, operands: list) -> bool:
        shape, dtype, _ = step.result_types[0]
        nbytes = nbytes_of(shape, dtype)
        if "offset" not in step.attrs:
            buf = BufRef(Memory(f"buffer of {step.where} on {st.name}", nbytes), 0, shape, dtype)
        else:
            lo = step.attrs["offset"]
            hi = lo + nbytes
            capacity = self.target.pe.sram.bytes if self.target is not None else st.sram.nbytes
            if hi > capacity:
                raise self.error(st, step, f"allocates SRAM bytes [{lo}, {hi}) beyond the {capacity} bytes of SRAM")
            if self.check:
                for olo, ohi, other in st.live.values():
                    if lo < ohi and olo < hi:
                        raise self.error(st, step, f"allocates SRAM bytes [{lo}, {hi}) overlapping [{olo}, {ohi}) "
                                                   f"of the live buffer of {other.where}")
            st.live[step.results[0]] = (lo, hi, step)
            st.sram.invalidate(lo, hi)
            buf = BufRef(st.sram, lo, shape, dtype)
        st.values[step.results[0]] = buf
        return True

    def _dealloc(self, st: PEState, step: Step, operands: list) -> bool:
        buf = operands[0]
        if self.check:
            self._check_inflight(st, step, buf.pattern, "the buffer", write=True, mem=buf.mem)
        st.live.pop(step.operands[0], None)
        return True

    def _view(self, st: PEState, step: Step, operands: list) -> bool:
        src = operands[0]
        shape, dtype, _ = step.result_types[0]
        off = step.attrs["byte_offset"]
        if off + nbytes_of(shape, dtype) > src.nbytes:
            raise self.error(st, step, f"views bytes [{off}, {off + nbytes_of(shape, dtype)}) of a "
                                       f"{src.nbytes}-byte buffer")
        st.values[step.results[0]] = src.view(off, shape, dtype)
        return True

    # DMA

    def _dma_pattern(self, st: PEState, step: Step, buf: BufRef, side: str) -> BytePattern:
        a = step.attrs
        offset, sizes, strides = a[f"{side}_offset"], a[f"{side}_sizes"], a[f"{side}_strides"]
        if self.check:
            last = offset + sum((n - 1) * s for n, s in zip(sizes, strides))
            if len(sizes) != len(strides) or min(sizes) < 1 or offset < 0 or min(strides) < 0 or last >= buf.numel:
                raise self.error(st, step, f"{side} pattern (offset {offset}, sizes {sizes}, strides {strides}) "
                                           f"leaves its {buf.numel}-element buffer")
        return element_pattern(buf.base, buf.dtype, offset, sizes, strides)

    def _dma_start(self, st: PEState, step: Step, operands: list) -> bool:
        src, dst = operands
        sp, dp = self._dma_pattern(st, step, src, "src"), self._dma_pattern(st, step, dst, "dst")
        if sp.count != dp.count:
            raise self.error(st, step, f"moves {sp.count} bytes from the source but {dp.count} to the target")
        dma = DmaEvent(st.pe, step.op, src, dst, step.types[0][2], step.types[1][2], sp, dp)
        if self.check:
            self._check_inflight(st, step, sp, "its source", write=False, mem=src.mem)
            self._check_inflight(st, step, dp, "its target", write=True, mem=dst.mem)
            if src.mem is dst.mem and sp.overlaps(dp):
                raise self.error(st, step, "copies between overlapping source and target bytes")
        self._inflight(st, step, src.mem, sp, "source", "DMA", dma)
        self._inflight(st, step, dst.mem, dp, "target", "DMA", dma)
        dp.scatter(dst.mem.data, np.full(dp.count, 0xFF, np.uint8))  # undefined until the wait
        dp.scatter(dst.mem.init, np.zeros(dp.count, np.bool_))
        st.values[step.results[0]] = dma
        st.outstanding[id(dma)] = dma
        self.dma_started(dma)
        return True

    def _dma_wait(self, st: PEState, step: Step, operands: list) -> bool:
        for dma in operands:
            if not isinstance(dma, DmaEvent) or dma.pe != st.pe or dma.done:
                raise self.error(st, step, "expects tokens of DMAs this PE started and has not waited for")
            self._complete_dma(dma)
            st.outstanding.pop(id(dma), None)
        return True

    def _complete_dma(self, dma: DmaEvent) -> None:
        self._retire(dma.src.mem, dma)
        self._retire(dma.dst.mem, dma)
        data = dma.src_pattern.gather(dma.src.mem.data)
        init = dma.src_pattern.gather(dma.src.mem.init)
        dma.dst_pattern.scatter(dma.dst.mem.data, data)
        dma.dst_pattern.scatter(dma.dst.mem.init, init)
        dma.done = True
        self.dma_completed(dma)

    # NoC

    def _send(self, st: PEState, step: Step, operands: list) -> bool:
        buf = operands[0]
        a = step.attrs
        transfer = Transfer(st.pe, step.op, buf, a["_dsts"], a["_routes"], a["tag"])
        if self.check:
            self._check_inflight(st, step, buf.pattern, "its buffer", write=False, mem=buf.mem)
        self._inflight(st, step, buf.mem, buf.pattern, "source", "transfer", transfer)
        for recv in self.network.post_send(transfer):
            self._check_match(transfer, recv)
        st.values[step.results[0]] = transfer
        st.outstanding[id(transfer)] = transfer
        self.transfer_posted(transfer)
        return True

    def _recv(self, st: PEState, step: Step, operands: list) -> bool:
        buf = operands[0]
        recv = RecvPost(st.pe, step.op, buf, tuple(step.attrs["src"]), step.attrs["tag"])
        if self.check:
            self._check_inflight(st, step, buf.pattern, "its buffer", write=True, mem=buf.mem)
        self._inflight(st, step, buf.mem, buf.pattern, "target", "receive", recv)
        buf.mem.invalidate(buf.base, buf.end)
        transfer = self.network.post_recv(recv)
        if transfer is not None:
            self._check_match(transfer, recv)
        st.values[step.results[0]] = recv
        st.outstanding[id(recv)] = recv
        self.recv_posted(recv)
        return True

    @staticmethod
    def _check_match(transfer: Transfer, recv: RecvPost) -> None:
        s, r = transfer.buf, recv.buf
        if s.dtype != r.dtype or s.numel != r.numel:
            raise NpuError(f"'{recv.op.name}' at {format_location(recv.op.location)} on PE {_fmt(recv.pe)}: "
                           f"expects the {s.numel} {s.dtype} elements that '{transfer.op.name}' at "
                           f"{format_location(transfer.op.location)} on PE {_fmt(transfer.src)} sends with tag "
                           f"{transfer.tag}, got a buffer of {r.numel} {r.dtype}")

    def _noc_wait(self, st: PEState, step: Step, operands: list) -> bool:
        for token in operands:
            if isinstance(token, Transfer) and token.src == st.pe and not token.sender_done:
                if not token.matched:
                    missing = [d for d in token.dsts if d not in token.recvs]
                    st.why = lambda token=token, missing=missing: (
                        f"waits for PE {_fmt(missing[0])} to post the 'npu_noc.recv' matching "
                        f"{token.op.name.split('.')[1]} tag {token.tag}")
                    return False
            elif isinstance(token, RecvPost) and token.pe == st.pe and not token.done:
                if token.transfer is None:
                    st.why = lambda token=token: f"waits for a send from PE {_fmt(token.src)} with tag {token.tag}"
                    return False
            else:
                raise self.error(st, step, "expects tokens of transfers this PE posted and has not waited for")
        for token in operands:
            if isinstance(token, Transfer):
                token.capture()
                token.sender_done = True
                self._retire(token.buf.mem, token)
            else:
                transfer = token.transfer
                transfer.capture()
                self._retire(token.buf.mem, token)
                token.buf.write_bytes(transfer.payload, transfer.payload_init)
                token.done = True
                self.transfer_delivered(transfer, token)
            st.outstanding.pop(id(token), None)
        return True

    def _semaphore(self, st: PEState, step: Step, operands: list) -> bool:
        st.values[step.results[0]] = (st.pe, step.attrs["id"])
        return True

    def _sem_signal(self, st: PEState, step: Step, operands: list) -> bool:
        a = step.attrs
        pe = tuple(a["pe"])
        if not self.semaphores.signal(pe, a["id"], a["count"]):
            raise self.error(st, step, f"signals semaphore {a['id']} of PE {_fmt(pe)}, which declares none")
        self.sem_signalled(st.pe, pe, a["id"], a["count"], _coords(a["route"]))
        return True

    def _sem_wait(self, st: PEState, step: Step, operands: list) -> bool:
        pe, sem_id = operands[0]
        count = step.attrs["count"]
        if self.semaphores.try_wait(pe, sem_id, count):
            return True
        st.why = lambda: (f"waits for semaphore {sem_id} to reach {count} "
                              f"(holds {self.semaphores.value[(pe, sem_id)]})")
        return False

    def _barrier(self, st: PEState, step: Step, operands: list) -> bool:
        group = step.attrs["_group"]
        if st.barrier_generation is None:
            st.barrier_generation = self.barriers.arrive(group, st.pe)
            st.arrived = True
        generation = st.barrier_generation
        if self.barriers.passed(group, generation):
            st.barrier_generation = None
            st.arrived = False
            return True
        st.why = lambda: (f"waits at barrier {group.id} for "
                              f"{', '.join('PE ' + _fmt(p) for p in self.barriers.missing(group, generation))}")
        return False

    def _return(self, st: PEState, step: Step, operands: list) -> bool:
        if st.outstanding:
            token = next(iter(st.outstanding.values()))
            if self.check:
                raise self.error(st, step, f"ends the program while {self._token_what(token)} was never waited for")
            for token in list(st.outstanding.values()):  # unchecked: complete what can complete
                if isinstance(token, DmaEvent):
                    self._complete_dma(token)
        st.done = True
        return True

    @staticmethod
    def _token_what(token: object) -> str:
        op = token.op
        return f"'{op.name}' at {format_location(op.location)}"

    # compute

    def _compute(self, st: PEState, step: Step, operands: list) -> bool:
        spec = COMPUTE[step.name]
        reads = spec.reads(step.attrs)
        args = [None] * len(operands)
        roles = _ROLES[step.name]
        for i in reads:
            buf = operands[i]
            if self.check:
                self._check_inflight(st, step, buf.pattern, roles[i], write=False, mem=buf.mem)
                self._check_read(st, step, buf, roles[i])
            args[i] = buf.read()
        out = operands[-1]
        try:
            value = run_compute(step.name, args, [t[1] for t in step.types], step.attrs, out.shape)
        except NpuError as err:
            raise self.error(st, step, str(err)) from None
        if self.check:
            self._check_inflight(st, step, out.pattern, roles[-1], write=True, mem=out.mem)
        out.write(value)
        return True


_ROLES = {
    "npu_pe.matmul": ("lhs", "rhs", "acc"), "npu_pe.fill": ("out",), "npu_pe.binary": ("lhs", "rhs", "out"),
    "npu_pe.table": ("input", "table", "out"), "npu_pe.mul_shift": ("lhs", "rhs", "out"),
    "npu_pe.compare": ("lhs", "rhs", "out"), "npu_pe.select": ("cond", "lhs", "rhs", "out"),
}
for _name in COMPUTE:
    _ROLES.setdefault(_name, ("input", "out"))


def run_level4(module: ir.Module, inputs: dict[str, np.ndarray], *, target=None, on_op: OnOp | None = None,
               check: bool = True, schedule: str = "row-major") -> dict[str, np.ndarray]:
    """Run a level-4 module; outputs keyed by the sym_name of the output globals.

    `target` is a Target, a preset name or a TOML path; None takes the
    module's `npu_pe.target` when it names a preset. `on_op(pe, op, operands)`
    is called after each op executes. `check` enables the run-time checks.
    `schedule` ("row-major" or "reverse") is the order the PEs take turns in.
    """
    return Level4Machine(module, target, check=check, on_op=on_op, schedule=schedule).run(inputs)
