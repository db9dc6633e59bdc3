"""npu-alloc-ext: give every `npu_mem.global` an address in external memory.

Algorithm (npu.spatial.alloc_ext):
1. alignment: the pass option, or the target's DMA width
   (`pe.dma.bytes_per_cycle`), and at least the element size;
2. inputs, outputs and weights get bytes of their own, in that order;
3. scratch globals share bytes when their uses are disjoint in time, proven
   from program order and the barriers, semaphores and transfers between the
   PE programs (happens-before from an abstract run of their
   synchronization); `share-scratch=false` turns sharing off;
4. everything must end within `memory.bytes` of the target, else a located
   error at the first global that does not fit.

Before:
  "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<32x64xi8, "ext">} : () -> ()
After:
  "npu_mem.global"() {address = 0 : i64, kind = "input", sym_name = "x", type = memref<32x64xi8, "ext">} : () -> ()
"""

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv
from npu.spatial.access import ProgramError, build_programs, globals_of
from npu.spatial.alloc_ext import layout
from npu.spatial.happens_before import simulate


@dataclass(frozen=True)
class AllocExtPass(Pass):
    NAME = "npu-alloc-ext"
    SUMMARY = "Assign external-memory addresses to npu_mem.global (scratch globals with disjoint lifetimes share)"
    alignment: int = 0
    share_scratch: bool = True

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        target = env.require_target(op, self.NAME)
        try:
            programs = build_programs(op)
        except ProgramError as err:
            raise env.fail(err.op, str(err)) from None
        sync = simulate(programs) if self.share_scratch else None
        result = layout(op, programs, sync, self.alignment or target.pe.dma.bytes_per_cycle, self.share_scratch)
        capacity = target.memory.bytes
        gops = globals_of(op)
        for name, address in sorted(result.addresses.items(), key=lambda kv: kv[1]):
            size = result.sizes[name]
            if address + size > capacity:
                raise env.fail(gops[name], f"'npu_mem.global' op does not fit in external memory: @{name} needs "
                                           f"[{address}, {address + size}) ({result.end} bytes in all), target "
                                           f"'{target.chip.name}' has {capacity} bytes of {target.memory.kind}")
        i64 = ir.IntegerType.get_signless(64)
        for name, address in result.addresses.items():
            gops[name].attributes["address"] = ir.IntegerAttr.get(i64, address)
