// npu_pe.matmul `unit`: the matrix unit only for types the target's matrix unit rates
// (edge-lpddr has no f32 MACs), the vector unit only for float inputs with an f32 acc.
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --verify-diagnostics

func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects an input type the matrix unit of 'edge-lpddr' supports (int8, int4, bf16, fp16), got f32}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false, unit = "matrix"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects an input type the matrix unit of 'edge-lpddr' supports (int8, int4, bf16, fp16), got f32}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects float inputs for unit "vector" (integer products need the matrix unit), got i8}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false, unit = "vector"} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xbf16, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xbf16, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects an f32 acc for unit "vector", got bf16}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false, unit = "vector"} : (memref<4x4xbf16, "sram">, memref<4x4xbf16, "sram">, memref<4x4xbf16, "sram">) -> ()
  return
}

// -----

func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects unit "matrix" or "vector", got "simd"}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false, unit = "simd"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects no a_zp for float inputs (f32)}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false, unit = "vector", a_zp = 1 : i64} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}
