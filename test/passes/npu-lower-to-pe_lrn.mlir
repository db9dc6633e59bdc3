// RUN: npu-opt %s --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe --mlir-print-debuginfo | FileCheck %s

// LRN across channels (rules_lrn): the tile is loaded channels-first as [C, R] = [6, 6];
// x*x goes into a [C + size - 1, R] = [8, 6] zero-filled buffer at channel offset
// (size-1)/2 = 1 (byte offset 1 * 6 * 4); the window sum adds the views at channel offsets
// 0, 1, 2 (byte offsets 0, 24, 48); then * alpha/size + bias, pow as exp(beta * log), x / d.
// Every op keeps the ONNX node's name.
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: %[[X:.*]] = "npu_mem.alloc"() : () -> memref<6x6xf32, "sram">
// CHECK: %[[P:.*]] = "npu_mem.alloc"() : () -> memref<8x6xf32, "sram">
// CHECK: "npu_pe.fill"(%[[P]]) {value = 0.000000e+00 : f32} : (memref<8x6xf32, "sram">) -> () loc([[L:#.*]])
// CHECK: %[[MID:.*]] = "npu_mem.view"(%[[P]]) {byte_offset = 24 : i64} : (memref<8x6xf32, "sram">) -> memref<6x6xf32, "sram">
// CHECK: "npu_pe.binary"(%[[X]], %[[X]], %[[MID]]) {kind = "mul"}
// CHECK: %[[D:.*]] = "npu_mem.alloc"() : () -> memref<6x6xf32, "sram">
// CHECK: %[[V0:.*]] = "npu_mem.view"(%[[P]]) {byte_offset = 0 : i64}
// CHECK: "npu_pe.unary"(%[[V0]], %[[D]]) {kind = "copy"}
// CHECK: %[[V1:.*]] = "npu_mem.view"(%[[P]]) {byte_offset = 24 : i64}
// CHECK: "npu_pe.binary"(%[[D]], %[[V1]], %[[D]]) {kind = "add"}
// CHECK: %[[V2:.*]] = "npu_mem.view"(%[[P]]) {byte_offset = 48 : i64}
// CHECK: "npu_pe.binary"(%[[D]], %[[V2]], %[[D]]) {kind = "add"}
// CHECK-NOT: byte_offset = 72
// CHECK: "npu_pe.binary"(%[[D]], %{{.*}}, %[[D]]) {kind = "mul"} : (memref<6x6xf32, "sram">, memref<1x1xf32, "sram">, memref<6x6xf32, "sram">)
// CHECK: "npu_pe.binary"(%[[D]], %{{.*}}, %[[D]]) {kind = "add"} : (memref<6x6xf32, "sram">, memref<1x1xf32, "sram">, memref<6x6xf32, "sram">)
// CHECK: "npu_pe.unary"(%[[D]], %[[D]]) {kind = "log"}
// CHECK: "npu_pe.binary"(%[[D]], %{{.*}}, %[[D]]) {kind = "mul"}
// CHECK: "npu_pe.unary"(%[[D]], %[[D]]) {kind = "exp"}
// CHECK: "npu_pe.binary"(%[[X]], %[[D]], %[[X]]) {kind = "div"} : (memref<6x6xf32, "sram">, memref<6x6xf32, "sram">, memref<6x6xf32, "sram">) -> () loc([[L]])
// CHECK: [[L]] = loc("norm1"
func.func @main(%x: tensor<1x6x2x3xf32> {npu.name = "x"}) -> (tensor<1x6x2x3xf32> {npu.name = "y"}) {
  %0 = "npu_tensor.lrn"(%x) {alpha = 3.000000e-01 : f32, beta = 7.500000e-01 : f32, bias = 2.000000e+00 : f32, size = 3 : i64} : (tensor<1x6x2x3xf32>) -> tensor<1x6x2x3xf32> loc("norm1"("LRN"))
  return %0 : tensor<1x6x2x3xf32>
}
