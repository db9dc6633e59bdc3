"""npu-lower-to-pe: level 3 -> level 4. One program per PE: DMA, compute on SRAM buffers, NoC.

Before (level 3: ops with npu.tile and npu.place, from npu-tile and npu-place):
  func.func @main(%x: tensor<1x256xf32> {npu.name = "x"}) -> (tensor<1x10xf32> {npu.name = "y"}) {
    %0 = "npu_tensor.gemm"(%x, %w, %b) {npu.tile = {...}, npu.place = {...}} : ...
After:
  module attributes {npu_pe.target = "edge-lpddr"} {
    "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<1x256xf32, "ext">} : () -> ()
    "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<1x10xf32, "ext">} : () -> ()
    ...
    func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
      ... npu_mem.alloc / dma_start / dma_wait, npu_pe.matmul, npu_noc.send|recv|sem_signal|sem_wait ...
    }
  }

Algorithm (npu.spatial.lowering): locate every tensor (I/O, weight and scratch
globals, views for layout-only ops); per op, per PE, load the layer's resident
weight blocks (multicast when shared and the target allows it), then emit each
placed item with its family's rule (tile loads with halos, npu_pe compute,
fused elementwise epilogues, K-split partial sums to the K-group 0 PE over the
NoC, stores); then every read of an activation waits, by semaphore, for the
other PEs whose writes it overlaps. Buffers are left unallocated (no
`offset`): npu-alloc-sram assigns them.
"""

from dataclasses import dataclass

from mlir import ir

from npu.errors import NpuError
from npu.ir.pass_base import Pass, PassEnv
from npu.spatial.cost import Chip
from npu.spatial.graph import SpatialError
from npu.spatial.lowering import lower_to_pe


@dataclass(frozen=True)
class LowerToPePass(Pass):
    NAME = "npu-lower-to-pe"
    SUMMARY = "Level 3 -> 4: a program per PE (DMA, npu_pe compute, NoC partial sums and multicast, semaphores)"
    multicast: bool = True
    double_buffer: bool = True

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        target = env.require_target(op, self.NAME)
        try:
            lower_to_pe(op, Chip(target, double_buffer=self.double_buffer), multicast=self.multicast)
        except SpatialError as err:
            raise env.fail(err.op or op, str(err)) from None
        except NpuError as err:
            raise env.fail(op, str(err)) from None
