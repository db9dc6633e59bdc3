"""npu-schedule: reorder each PE program so DMA transfers overlap compute.

Algorithm (npu.spatial.schedule):
1. split multi-token waits into one wait per token;
2. build the dependence DAG of each program: SSA, overlapping bytes (an
   asynchronous access counts from its start to its wait), synchronization
   order, and ext accesses to written globals pinned between the same
   synchronization ops;
3. list-schedule: DMA starts as early as the DAG allows (prefetch), waits
   just before the first op that needs them, everything else in its order;
   before SRAM allocation, prefetches stop where the live bytes would exceed
   `fill` x the SRAM of the target, and the order is kept only if the
   buffers still pack (else retried with less fill, else the original
   order); after allocation the bytes themselves limit what moves;
4. merge runs of adjacent waits of one kind back into one wait.

Before:                                  After:
  %t0 = dma_start(x0 -> a0)                %t0 = dma_start(x0 -> a0)
  dma_wait(%t0)                            %t1 = dma_start(x1 -> a1)
  matmul(a0, ...)                          dma_wait(%t0)
  %t1 = dma_start(x1 -> a1)                matmul(a0, ...)
  dma_wait(%t1)                            dma_wait(%t1)
  matmul(a1, ...)                          matmul(a1, ...)

Run `npu-check-races` after it to re-verify (tests do).
"""

from dataclasses import dataclass

import numpy as np
from mlir import ir

from npu.ir.pass_base import Pass, PassEnv
from npu.spatial.access import ProgramError, build_programs, globals_of, programs_of
from npu.spatial.alloc_sram import pack, program_items, sram_alignment
from npu.spatial.schedule import dependences, schedule

WAITS = ("npu_mem.dma_wait", "npu_noc.wait")


@dataclass(frozen=True)
class SchedulePass(Pass):
    NAME = "npu-schedule"
    SUMMARY = "Reorder PE programs: hoist DMA starts (prefetch), sink waits to their first use"
    fill: float = 0.9
    alignment: int = 0

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        target = env.require_target(op, self.NAME)
        for func in programs_of(op):
            _split_waits(func)
        try:
            programs = build_programs(op)
        except ProgramError as err:
            raise env.fail(err.op, str(err)) from None
        readonly = _readonly_globals(op, programs)
        capacity = target.pe.sram.bytes
        try:
            align = sram_alignment(self.alignment, target)
        except ValueError as err:
            raise env.fail(op, f"pass 'npu-schedule' {err}") from None
        for prog in programs:
            deps = dependences(prog, readonly)
            if all(r.offset is not None for r in prog.roots if r.space == "sram"):
                order = schedule(prog, deps, None)
            else:
                order = _fitting_order(prog, deps, capacity, align, self.fill)
            for i in order:
                prog.ops[i].move_before(prog.ret)
        for func in programs_of(op):
            _merge_waits(func)


def _fitting_order(prog, deps, capacity: int, align: int, fill: float) -> list[int]:
    """The first order, for fills from `fill` down to 0, whose buffers still pack."""
    for f in (fill, 0.9 * fill, 0.8 * fill, 0.65 * fill, 0.5 * fill, 0.25 * fill, 0.0):
        order = schedule(prog, deps, int(f * capacity))
        pos = np.empty(len(order), dtype=np.int64)
        pos[np.array(order, dtype=np.int64)] = np.arange(len(order))
        items = program_items(prog, align, pos)
        if pack(items.sizes, items.aligns, items.starts, items.ends, capacity, budget=0, orders=("size",)).ok:
            return order
    return list(range(len(prog.ops)))


def _readonly_globals(module: ir.Operation, programs) -> set[str]:
    written = {a.root.name for p in programs for a in p.accesses if a.root.space == "ext" and a.write}
    return {name for name, g in globals_of(module).items()
            if g.attributes["kind"].value in ("weight", "input") and name not in written}


def _split_waits(func: ir.Operation) -> None:
    for op in list(func.regions[0].blocks[0].operations):
        op = op.operation
        if op.name in WAITS and len(op.operands) > 1:
            with ir.InsertionPoint(op), op.location:
                for token in op.operands:
                    ir.Operation.create(op.name, operands=[token])
            op.erase()


def _merge_waits(func: ir.Operation) -> None:
    ops = [op.operation for op in func.regions[0].blocks[0].operations]
    k = 0
    while k < len(ops):
        j = k
        while j + 1 < len(ops) and ops[j + 1].name == ops[k].name and ops[k].name in WAITS:
            j += 1
        if j > k:
            with ir.InsertionPoint(ops[k]), ops[k].location:
                ir.Operation.create(ops[k].name, operands=[t for op in ops[k:j + 1] for t in op.operands])
            for op in ops[k:j + 1]:
                op.erase()
        k = j + 1
