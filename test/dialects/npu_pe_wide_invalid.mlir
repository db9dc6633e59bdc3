// RUN: npu-opt %s --split-input-file --verify-diagnostics

// Compute the vector and matrix units do not have on the data-movement types
// (i64, ui8..ui64, f64; "Wide and unsigned types" in npu_pe.irdl.mlir) is refused.

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi64, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects lhs and rhs of one type in i4, i8, f8E4M3FN, f8E5M2, bf16, f16, f32, got i64 and i64}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false} : (memref<4x4xi64, "sram">, memref<4x4xi64, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi64, "sram">
  // expected-error @below {{'npu_pe.binary' op expects kind add_wrap, sub_wrap, mul_wrap, max, min, and, or, xor, mod, div for i64 data (a data-movement type: the vector unit has no 'add' on it), got 'add'}}
  "npu_pe.binary"(%a, %a, %a) {kind = "add"} : (memref<4x4xi64, "sram">, memref<4x4xi64, "sram">, memref<4x4xi64, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xui8, "sram">
  // expected-error @below {{'npu_pe.binary' op expects kind add_wrap, sub_wrap, mul_wrap, max, min, and, or, xor, mod, div for ui8 data (a data-movement type: the vector unit has no 'shl' on it), got 'shl'}}
  "npu_pe.binary"(%a, %a, %a) {kind = "shl"} : (memref<4x4xui8, "sram">, memref<4x4xui8, "sram">, memref<4x4xui8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf64, "sram">
  // expected-error @below {{'npu_pe.binary' op expects kind add, sub, mul, div, max, min, fmod for f64 data (a data-movement type: the vector unit has no 'add_wrap' on it), got 'add_wrap'}}
  "npu_pe.binary"(%a, %a, %a) {kind = "add_wrap"} : (memref<4x4xf64, "sram">, memref<4x4xf64, "sram">, memref<4x4xf64, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf64, "sram">
  // expected-error @below {{'npu_pe.unary' op expects kind copy for f64 data (a data-movement type), got 'exp'}}
  "npu_pe.unary"(%a, %a) {kind = "exp"} : (memref<4x4xf64, "sram">, memref<4x4xf64, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi64, "sram">
  // expected-error @below {{'npu_pe.unary' op expects kind copy or not for i64 data (a data-movement type), got 'neg'}}
  "npu_pe.unary"(%a, %a) {kind = "neg"} : (memref<4x4xi64, "sram">, memref<4x4xi64, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xui8, "sram">
  %s = "npu_mem.alloc"() : () -> memref<1x4xi32, "sram">
  // expected-error @below {{'npu_pe.reduce' op expects no sum of ui8 into i32 (a data-movement type: only max and min reduce it)}}
  "npu_pe.reduce"(%a, %s) {axis = 0 : i64, kind = "sum"} : (memref<4x4xui8, "sram">, memref<1x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi64, "sram">
  // expected-error @below {{'npu_pe.clamp' op expects a compute element type, got i64 (a data-movement type)}}
  "npu_pe.clamp"(%a, %a) {min = 0 : i64, max = 5 : i64} : (memref<4x4xi64, "sram">, memref<4x4xi64, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xui16, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects i8, i16 or i32 input and out, got ui16 and i32}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1>, shift = array<i8: 2>, input_zp = 0 : i64, output_zp = 0 : i64, rounding = "single_round"} : (memref<4x4xui16, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xui8, "sram">
  // expected-error @below {{'npu_pe.fill' op expects value in the ui8 range [0, 255], got -1}}
  "npu_pe.fill"(%a) {value = -1 : i64} : (memref<4xui8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4xi64, "sram">
  // expected-error @below {{'npu_pe.binary' op expects lhs, rhs and out of one element type, got i32, i32, i64}}
  "npu_pe.binary"(%a, %a, %b) {kind = "add_wrap"} : (memref<4xi32, "sram">, memref<4xi32, "sram">, memref<4xi64, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi4, "sram">
  // expected-error @below {{'npu_pe.binary' op expects float, i8, i16 or i32 data for kind 'div', got i4}}
  "npu_pe.binary"(%a, %a, %a) {kind = "div"} : (memref<4xi4, "sram">, memref<4xi4, "sram">, memref<4xi4, "sram">) -> ()
  return
}
