// npu_pe.matmul on the vector unit (`unit = "vector"`): float inputs the matrix unit of
// edge-lpddr lacks (f32, fp8) or has (bf16), always an f32 acc; the attribute round-trips.
// RUN: npu-opt %s --target=edge-lpddr | npu-opt --target=edge-lpddr | FileCheck %s

// CHECK-LABEL: func.func @pe_0_0()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x8xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8x3xf32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x3xf32, "sram">
  %e = "npu_mem.alloc"() : () -> memref<4x8xf8E4M3FN, "sram">
  %f = "npu_mem.alloc"() : () -> memref<8x3xf8E4M3FN, "sram">
  %g = "npu_mem.alloc"() : () -> memref<4x8xbf16, "sram">
  %h = "npu_mem.alloc"() : () -> memref<8x3xbf16, "sram">
  // CHECK: "npu_pe.matmul"(%{{.*}}, %{{.*}}, %{{.*}}) {accumulate = false, unit = "vector"} : (memref<4x8xf32, "sram">, memref<8x3xf32, "sram">, memref<4x3xf32, "sram">) -> ()
  "npu_pe.matmul"(%a, %b, %c) {accumulate = false, unit = "vector"} : (memref<4x8xf32, "sram">, memref<8x3xf32, "sram">, memref<4x3xf32, "sram">) -> ()
  // CHECK: "npu_pe.matmul"(%{{.*}}, %{{.*}}, %{{.*}}) {accumulate = true, unit = "vector"} : (memref<4x8xf8E4M3FN, "sram">
  "npu_pe.matmul"(%e, %f, %c) {accumulate = true, unit = "vector"} : (memref<4x8xf8E4M3FN, "sram">, memref<8x3xf8E4M3FN, "sram">, memref<4x3xf32, "sram">) -> ()
  // CHECK: "npu_pe.matmul"(%{{.*}}, %{{.*}}, %{{.*}}) {accumulate = true, unit = "vector"} : (memref<4x8xbf16, "sram">
  "npu_pe.matmul"(%g, %h, %c) {accumulate = true, unit = "vector"} : (memref<4x8xbf16, "sram">, memref<8x3xbf16, "sram">, memref<4x3xf32, "sram">) -> ()
  // CHECK: "npu_pe.matmul"(%{{.*}}, %{{.*}}, %{{.*}}) {accumulate = true, unit = "matrix"} : (memref<4x8xbf16, "sram">
  "npu_pe.matmul"(%g, %h, %c) {accumulate = true, unit = "matrix"} : (memref<4x8xbf16, "sram">, memref<8x3xbf16, "sram">, memref<4x3xf32, "sram">) -> ()
  return
}
