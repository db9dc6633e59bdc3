// RUN: npu-opt %s --split-input-file --target=edge-lpddr --verify-diagnostics

// The accumulator must be the target's: edge-lpddr accumulates int8 in int32.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi16, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects acc of type i32, the accumulator of 'edge-lpddr' for i8, got i16}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xi16, "sram">) -> ()
  return
}

// -----

// expected-error @below {{'builtin.module' op expects npu_pe.target "datacenter-hbm" to name the target given, 'edge-lpddr'}}
module attributes {npu_pe.target = "datacenter-hbm"} {
  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    return
  }
}
