// Matrix-unit types and accumulators and the module's target name, checked
// against a target: valid for datacenter-hbm (fp8 and fp32 MACs), invalid for
// edge-lpddr (no fp8 or fp32 MACs, a 4x4 mesh).
// RUN: npu-opt %s --split-input-file --target=datacenter-hbm | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --verify-diagnostics

// CHECK-LABEL: func.func @pe_0_0()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf8E4M3FN, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // CHECK: "npu_pe.matmul"
  // expected-error @below {{'npu_pe.matmul' op expects an input type the matrix unit of 'edge-lpddr' supports (int8, int4, bf16, fp16), got f8E4M3FN}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false} : (memref<4x4xf8E4M3FN, "sram">, memref<4x4xf8E4M3FN, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @pe_7_7()
// expected-error @below {{'func.func' op expects npu_pe.pe (7, 7) inside the 4x4 mesh of target 'edge-lpddr'}}
func.func @pe_7_7() attributes {npu_pe.pe = array<i64: 7, 7>} {
  return
}
