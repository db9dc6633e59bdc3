// RUN: npu-opt %s --split-input-file | npu-opt --split-input-file | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=datacenter-hbm | FileCheck %s

// Round trip of every npu_pe op inside a PE program.

// CHECK-LABEL: module attributes {npu_pe.target = "datacenter-hbm"}
// CHECK-LABEL: func.func @pe_2_3()
// CHECK-SAME: attributes {npu_pe.pe = array<i64: 2, 3>}
module attributes {npu_pe.target = "datacenter-hbm"} {
func.func @pe_2_3() attributes {npu_pe.pe = array<i64: 2, 3>} {
  %a = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64x8xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<16x8xi32, "sram">
  %bias = "npu_mem.alloc"() : () -> memref<1x8xi32, "sram">
  %q = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  %lut = "npu_mem.alloc"() : () -> memref<256xi8, "sram">
  // CHECK: "npu_pe.fill"(%[[C:.*]]) {value = 0 : i32} : (memref<16x8xi32, "sram">) -> ()
  "npu_pe.fill"(%c) {value = 0 : i32} : (memref<16x8xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.matmul"(%{{.*}}, %{{.*}}, %[[C]]) {accumulate = true} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
  "npu_pe.matmul"(%a, %b, %c) {accumulate = true} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.matmul"(%{{.*}}, %{{.*}}, %[[C]]) {a_zp = -3 : i64, accumulate = false, b_zp = 0 : i64}
  "npu_pe.matmul"(%a, %b, %c) {accumulate = false, a_zp = -3, b_zp = 0} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[C]], %{{.*}}, %[[C]]) {kind = "add"} : (memref<16x8xi32, "sram">, memref<1x8xi32, "sram">, memref<16x8xi32, "sram">) -> ()
  "npu_pe.binary"(%c, %bias, %c) {kind = "add"} : (memref<16x8xi32, "sram">, memref<1x8xi32, "sram">, memref<16x8xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.rescale"(%[[C]], %[[Q:.*]]) {input_zp = 0 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824>, output_zp = -3 : i64, rounding = "double_round", shift = array<i8: 38, 38, 38, 38, 37, 37, 37, 37>}
  "npu_pe.rescale"(%c, %q) {multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i8: 38, 38, 38, 38, 37, 37, 37, 37>, input_zp = 0, output_zp = -3, rounding = "double_round"} : (memref<16x8xi32, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.rescale"(%[[C]], %[[Q]]) {input_zp = 0 : i64, multiplier = array<i32: 1518500250>, output_zp = 0 : i64, rounding = "single_round", shift = array<i8: 40>}
  "npu_pe.rescale"(%c, %q) {multiplier = array<i32: 1518500250>, shift = array<i8: 40>, input_zp = 0, output_zp = 0, rounding = "single_round"} : (memref<16x8xi32, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.clamp"(%[[Q]], %[[Q]]) {max = 127 : i8, min = -3 : i8} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.clamp"(%q, %q) {min = -3 : i8, max = 127 : i8} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.table"(%[[Q]], %{{.*}}, %[[Q]]) : (memref<16x8xi8, "sram">, memref<256xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.table"(%q, %lut, %q) : (memref<16x8xi8, "sram">, memref<256xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[Q]], %[[Q]]) {kind = "relu"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.unary"(%q, %q) {kind = "relu"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  return
}
}

// -----

// Float ops: softmax over rows from reduce/binary/unary, casts, transpose,
// bf16 and fp8 matmuls, i16 tables and im2col.
// CHECK-LABEL: func.func @pe_0_0()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.alloc"() : () -> memref<16x8xf32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<16x1xf32, "sram">
  %s = "npu_mem.alloc"() : () -> memref<16x1xf32, "sram">
  %h = "npu_mem.alloc"() : () -> memref<16x8xbf16, "sram">
  %ht = "npu_mem.alloc"() : () -> memref<8x16xbf16, "sram">
  %acc = "npu_mem.alloc"() : () -> memref<16x16xf32, "sram">
  %f8 = "npu_mem.alloc"() : () -> memref<16x8xf8E4M3FN, "sram">
  %f8t = "npu_mem.alloc"() : () -> memref<8x16xf8E4M3FN, "sram">
  // CHECK: "npu_pe.reduce"(%[[X:.*]], %[[M:.*]]) {axis = 1 : i64, kind = "max"} : (memref<16x8xf32, "sram">, memref<16x1xf32, "sram">) -> ()
  "npu_pe.reduce"(%x, %m) {kind = "max", axis = 1} : (memref<16x8xf32, "sram">, memref<16x1xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[X]], %[[M]], %[[X]]) {kind = "sub"}
  "npu_pe.binary"(%x, %m, %x) {kind = "sub"} : (memref<16x8xf32, "sram">, memref<16x1xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[X]], %[[X]]) {kind = "exp"}
  "npu_pe.unary"(%x, %x) {kind = "exp"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.reduce"(%[[X]], %[[S:.*]]) {axis = 1 : i64, kind = "sum"}
  "npu_pe.reduce"(%x, %s) {kind = "sum", axis = 1} : (memref<16x8xf32, "sram">, memref<16x1xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[X]], %[[S]], %[[X]]) {kind = "div"}
  "npu_pe.binary"(%x, %s, %x) {kind = "div"} : (memref<16x8xf32, "sram">, memref<16x1xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.cast"(%[[X]], %[[H:.*]]) : (memref<16x8xf32, "sram">, memref<16x8xbf16, "sram">) -> ()
  "npu_pe.cast"(%x, %h) : (memref<16x8xf32, "sram">, memref<16x8xbf16, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.transpose"(%[[H]], %[[HT:.*]]) {perm = array<i64: 1, 0>} : (memref<16x8xbf16, "sram">, memref<8x16xbf16, "sram">) -> ()
  "npu_pe.transpose"(%h, %ht) {perm = array<i64: 1, 0>} : (memref<16x8xbf16, "sram">, memref<8x16xbf16, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.matmul"(%[[H]], %[[HT]], %{{.*}}) {accumulate = false} : (memref<16x8xbf16, "sram">, memref<8x16xbf16, "sram">, memref<16x16xf32, "sram">) -> ()
  "npu_pe.matmul"(%h, %ht, %acc) {accumulate = false} : (memref<16x8xbf16, "sram">, memref<8x16xbf16, "sram">, memref<16x16xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.matmul"({{.*}}) {accumulate = true} : (memref<16x8xf8E4M3FN, "sram">, memref<8x16xf8E4M3FN, "sram">, memref<16x16xf32, "sram">) -> ()
  "npu_pe.matmul"(%f8, %f8t, %acc) {accumulate = true} : (memref<16x8xf8E4M3FN, "sram">, memref<8x16xf8E4M3FN, "sram">, memref<16x16xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.clamp"(%[[X]], %[[X]]) {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  "npu_pe.clamp"(%x, %x) {min = 0.0 : f32, max = 6.0 : f32} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.fill"(%[[X]]) {value = -1.500000e+00 : f32}
  "npu_pe.fill"(%x) {value = -1.5 : f32} : (memref<16x8xf32, "sram">) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @pe_1_0()
func.func @pe_1_0() attributes {npu_pe.pe = array<i64: 1, 0>} {
  %img = "npu_mem.alloc"() : () -> memref<8x8x4xi8, "sram">
  %cols = "npu_mem.alloc"() : () -> memref<16x36xi8, "sram">
  %i16 = "npu_mem.alloc"() : () -> memref<4x4xi16, "sram">
  %lut = "npu_mem.alloc"() : () -> memref<513xi16, "sram">
  %o32 = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %sum = "npu_mem.alloc"() : () -> memref<4x1xi32, "sram">
  // CHECK: "npu_pe.im2col"(%{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_value = -128 : i8, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (memref<8x8x4xi8, "sram">, memref<16x36xi8, "sram">) -> ()
  "npu_pe.im2col"(%img, %cols) {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>, pad_value = -128 : i8} : (memref<8x8x4xi8, "sram">, memref<16x36xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.table"(%[[I16:.*]], %{{.*}}, %[[O32:.*]]) : (memref<4x4xi16, "sram">, memref<513xi16, "sram">, memref<4x4xi32, "sram">) -> ()
  "npu_pe.table"(%i16, %lut, %o32) : (memref<4x4xi16, "sram">, memref<513xi16, "sram">, memref<4x4xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.reduce"(%[[I16]], %{{.*}}) {axis = 1 : i64, kind = "sum"} : (memref<4x4xi16, "sram">, memref<4x1xi32, "sram">) -> ()
  "npu_pe.reduce"(%i16, %sum) {kind = "sum", axis = 1} : (memref<4x4xi16, "sram">, memref<4x1xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[O32]], %[[O32]]) {kind = "abs"}
  "npu_pe.unary"(%o32, %o32) {kind = "abs"} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[O32]], %[[O32]], %[[O32]]) {kind = "max"}
  "npu_pe.binary"(%o32, %o32, %o32) {kind = "max"} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

// Fixed-point steps of the integer softmax / layer normalization: CLZ, per-row
// shifts (a [4, 1] amount per row), rounding right shift, AND, wrapping add and
// the TOSA MUL with shift.
// CHECK-LABEL: func.func @pe_0_1()
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %e = "npu_mem.alloc"() : () -> memref<4x8xi32, "sram">
  %s = "npu_mem.alloc"() : () -> memref<4x1xi32, "sram">
  %k = "npu_mem.alloc"() : () -> memref<4x1xi32, "sram">
  %q = "npu_mem.alloc"() : () -> memref<4x8xi8, "sram">
  // CHECK: "npu_pe.unary"(%[[S:.*]], %[[K:.*]]) {kind = "clz"} : (memref<4x1xi32, "sram">, memref<4x1xi32, "sram">) -> ()
  "npu_pe.unary"(%s, %k) {kind = "clz"} : (memref<4x1xi32, "sram">, memref<4x1xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[S]], %[[K]], %[[S]]) {kind = "shl"} : (memref<4x1xi32, "sram">, memref<4x1xi32, "sram">, memref<4x1xi32, "sram">) -> ()
  "npu_pe.binary"(%s, %k, %s) {kind = "shl"} : (memref<4x1xi32, "sram">, memref<4x1xi32, "sram">, memref<4x1xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[E:.*]], %[[K]], %[[E]]) {kind = "ashr_round"} : (memref<4x8xi32, "sram">, memref<4x1xi32, "sram">, memref<4x8xi32, "sram">) -> ()
  "npu_pe.binary"(%e, %k, %e) {kind = "ashr_round"} : (memref<4x8xi32, "sram">, memref<4x1xi32, "sram">, memref<4x8xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[E]], %[[K]], %[[E]]) {kind = "ashr"}
  "npu_pe.binary"(%e, %k, %e) {kind = "ashr"} : (memref<4x8xi32, "sram">, memref<4x1xi32, "sram">, memref<4x8xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[K]], %[[S]], %[[K]]) {kind = "and"}
  "npu_pe.binary"(%k, %s, %k) {kind = "and"} : (memref<4x1xi32, "sram">, memref<4x1xi32, "sram">, memref<4x1xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[Q:.*]], %[[Q]], %[[Q]]) {kind = "add_wrap"} : (memref<4x8xi8, "sram">, memref<4x8xi8, "sram">, memref<4x8xi8, "sram">) -> ()
  "npu_pe.binary"(%q, %q, %q) {kind = "add_wrap"} : (memref<4x8xi8, "sram">, memref<4x8xi8, "sram">, memref<4x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.mul_shift"(%[[E]], %[[S]], %[[E]]) {shift = 15 : i64} : (memref<4x8xi32, "sram">, memref<4x1xi32, "sram">, memref<4x8xi32, "sram">) -> ()
  "npu_pe.mul_shift"(%e, %s, %e) {shift = 15} : (memref<4x8xi32, "sram">, memref<4x1xi32, "sram">, memref<4x8xi32, "sram">) -> ()
  return
}
