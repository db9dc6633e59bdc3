// RUN: npu-opt %s --target=edge-lpddr --npu-tile | FileCheck %s --check-prefix=TILE
// RUN: npu-opt %s --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe | FileCheck %s

// A softmax row of 70000 f32 (280 KB) does not fit edge-lpddr's 240 KiB step budget (512 KiB SRAM,
// 1/16 kept for constants, halved for double buffering), so npu-tile cuts the row (its reduce dim d1)
// into chunks: 70000 halved three times is 8750, the first length whose buffers fit (two 2x8750 tiles
// and two 8750-element row buffers). One tile holds both rows; its 8 chunks run as 8 K groups on
// 8 of the 16 PEs.
// TILE: "npu_tensor.softmax"
// TILE-SAME: family = "rows", reduce = ["d1"], sizes = array<i64: 2, 70000>
// TILE-SAME: tile = array<i64: {{[12]}}, 8750>

// K group 0 (PE 0,0): the max of its chunk, combined with every other K group's in K-group order, sent back
// to each of them (edge-lpddr has no multicast); then the same for the sum of exp(x - max).
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: "npu_mem.dma_start"(%{{[0-9]+}}, %{{[0-9]+}}) {{{.*}}src_offset = 0 : i64, src_sizes = array<i64: 2, 8750>, src_strides = array<i64: 70000, 1>}
// CHECK: "npu_pe.reduce"({{.*}}) {axis = 1 : i64, kind = "max"} : (memref<2x8750x1xf32, "sram">, memref<2x1x1xf32, "sram">)
// CHECK: "npu_noc.recv"({{.*}}) {src = array<i64: 0, 1>, tag = [[TAG:[0-9]+]] : i64}
// CHECK: "npu_pe.binary"({{.*}}) {kind = "max"}
// CHECK: "npu_noc.recv"({{.*}}) {src = array<i64: 1, 3>, tag = [[TAG]] : i64}
// CHECK: "npu_pe.binary"({{.*}}) {kind = "max"}
// CHECK: "npu_noc.send"({{.*}}) {dst = array<i64: 0, 1>,
// CHECK: "npu_noc.send"({{.*}}) {dst = array<i64: 1, 3>,
// CHECK: "npu_pe.unary"({{.*}}) {kind = "exp"}
// CHECK: "npu_pe.reduce"({{.*}}) {axis = 1 : i64, kind = "sum"}
// CHECK: "npu_noc.recv"({{.*}}) {src = array<i64: 0, 1>, tag = [[TAG]] : i64}
// CHECK: "npu_pe.binary"({{.*}}) {kind = "add"}
// CHECK: "npu_noc.send"({{.*}}) {dst = array<i64: 1, 3>,

// K group 1 (PE 0,1) holds chunk 1 (columns 8750..17499): it sends its partial max, receives the row max,
// reads its chunk again for the partial sum, sends it, receives the total, reads the chunk a third time
// and stores exp(x - max) / sum.
// CHECK-LABEL: func.func @pe_0_1()
// CHECK: "npu_mem.dma_start"({{.*}}src_offset = 8750 : i64, src_sizes = array<i64: 2, 8750>, src_strides = array<i64: 70000, 1>}
// CHECK-NEXT: "npu_mem.dma_wait"
// CHECK-NEXT: [[MAX:%[0-9]+]] = "npu_mem.alloc"
// CHECK-NEXT: "npu_pe.reduce"({{.*}}, [[MAX]]) {axis = 1 : i64, kind = "max"}
// CHECK: "npu_noc.send"([[MAX]]) {dst = array<i64: 0, 0>
// CHECK: "npu_noc.recv"([[MAX]]) {src = array<i64: 0, 0>
// CHECK: "npu_mem.dma_start"({{.*}}src_offset = 8750 : i64
// CHECK: "npu_pe.binary"({{.*}}, [[MAX]], {{.*}}) {kind = "sub"}
// CHECK: "npu_pe.unary"({{.*}}) {kind = "exp"}
// CHECK: "npu_pe.reduce"({{.*}}, [[SUM:%[0-9]+]]) {axis = 1 : i64, kind = "sum"}
// CHECK: "npu_noc.send"([[SUM]]) {dst = array<i64: 0, 0>
// CHECK: "npu_noc.recv"([[SUM]]) {src = array<i64: 0, 0>
// CHECK: "npu_mem.dma_start"({{.*}}src_offset = 8750 : i64
// CHECK: "npu_pe.binary"({{.*}}, [[MAX]], {{.*}}) {kind = "sub"}
// CHECK: "npu_pe.unary"({{.*}}) {kind = "exp"}
// CHECK: "npu_pe.binary"({{.*}}, [[SUM]], {{.*}}) {kind = "div"}
// CHECK: "npu_mem.dma_start"({{.*}}) {dst_offset = 8750 : i64, dst_sizes = array<i64: 2, 8750>, dst_strides = array<i64: 70000, 1>
func.func @main(%x: tensor<2x70000xf32>) -> tensor<2x70000xf32> {
  %0 = "npu_tensor.softmax"(%x) {axis = 1 : i64} : (tensor<2x70000xf32>) -> tensor<2x70000xf32>
  return %0 : tensor<2x70000xf32>
}
