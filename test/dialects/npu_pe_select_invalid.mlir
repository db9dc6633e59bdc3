// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per rule of npu_pe.compare, npu_pe.select and the new unary / binary kinds.

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.compare' op expects an i8 mask out, got i32}}
  "npu_pe.compare"(%a, %a, %m) {kind = "eq"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xf16, "sram">
  %m = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.compare' op expects lhs and rhs of one element type, got f32, f16}}
  "npu_pe.compare"(%a, %b, %m) {kind = "lt"} : (memref<4x4xf32, "sram">, memref<4x4xf16, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<1x4xf32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<1x4xi8, "sram">
  // expected-error @below {{'npu_pe.compare' op expects out of the broadcast shape [4, 4], got [1, 4]}}
  "npu_pe.compare"(%a, %b, %m) {kind = "gt"} : (memref<4x4xf32, "sram">, memref<1x4xf32, "sram">, memref<1x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'"lessthan"' does not satisfy the constraint}}
  "npu_pe.compare"(%a, %a, %m) {kind = "lessthan"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.select' op expects an i8 mask cond, got f32}}
  "npu_pe.select"(%c, %a, %a, %a) : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.select' op expects lhs, rhs and out of one element type, got f32, i32, f32}}
  "npu_pe.select"(%m, %a, %b, %a) : (memref<4x4xi8, "sram">, memref<4x4xf32, "sram">, memref<4x4xi32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<3x1xi8, "sram">
  // expected-error @below {{'npu_pe.select' op expects broadcast-compatible cond, lhs and rhs, got [3, 1], [4, 4] and [4, 4]}}
  "npu_pe.select"(%m, %a, %a, %a) : (memref<3x1xi8, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<1x4xf32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<4x1xi8, "sram">
  // expected-error @below {{'npu_pe.select' op expects out of the broadcast shape [4, 4], got [1, 4]}}
  "npu_pe.select"(%m, %a, %a, %a) : (memref<4x1xi8, "sram">, memref<1x4xf32, "sram">, memref<1x4xf32, "sram">, memref<1x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.unary' op expects float data for kind 'floor', got i8}}
  "npu_pe.unary"(%a, %a) {kind = "floor"} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi16, "sram">
  // expected-error @below {{'npu_pe.unary' op expects float data for kind 'sin', got i16}}
  "npu_pe.unary"(%a, %a) {kind = "sin"} : (memref<4x4xi16, "sram">, memref<4x4xi16, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.unary' op expects i8 or i16 or i32 data for kind 'not', got f32}}
  "npu_pe.unary"(%a, %a) {kind = "not"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.binary' op expects i8 or i16 or i32 data for kind 'xor', got f32}}
  "npu_pe.binary"(%a, %a, %a) {kind = "xor"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.binary' op expects i8 or i16 or i32 data for kind 'mod', got f32}}
  "npu_pe.binary"(%a, %a, %a) {kind = "mod"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.binary' op expects float data for kind 'fmod', got i32}}
  "npu_pe.binary"(%a, %a, %a) {kind = "fmod"} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'"truncate"' does not satisfy the constraint}}
  "npu_pe.unary"(%a, %a) {kind = "truncate"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}
