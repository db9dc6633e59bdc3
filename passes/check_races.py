"""npu-check-races: reject level-4 modules with races or deadlocks.

A static verifier over every PE program of the module (no rewriting):

1. flatten each program into its accesses (npu.spatial.access);
2. per program, check accesses against the DMAs/sends/recvs in flight and the
   buffer lifetimes (read before completion, overwrite while in flight, use
   after dealloc, two live buffers sharing SRAM bytes);
3. run the synchronization of all programs abstractly
   (npu.spatial.happens_before): report a deadlock at the op each blocked PE
   is stuck on, naming what it waits for and the cycle of waits;
4. otherwise, check that overlapping external-memory accesses of different
   PEs (one a write) are ordered by happens-before.

Each finding is a located error, e.g.
  error: 'npu_pe.matmul' op reads bytes [0, 1024) of the SRAM buffer of line 23
         before the 'npu_mem.dma_start' (line 30) that writes them completed
"""

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv, PassFailed
from npu.spatial.races import check_module


@dataclass(frozen=True)
class CheckRacesPass(Pass):
    NAME = "npu-check-races"
    SUMMARY = "Reject level-4 programs with races (read before completion, reuse in flight, unordered ext writes) or deadlocks"
    uninitialized: bool = False

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        findings = check_module(op, uninitialized=self.uninitialized)
        for f in findings:
            f.op.location.emit_error(f.message)
        if findings:
            raise PassFailed(f"npu-check-races found {len(findings)} problem(s)")
