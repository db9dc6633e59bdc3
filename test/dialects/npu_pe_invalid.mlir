// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per npu_pe verifier rule (no target).

// expected-error @below {{'func.func' op expects npu_pe.pe to be array<i64: row, col>, got array<i64: 1>}}
func.func @p() attributes {npu_pe.pe = array<i64: 1>} {
  return
}

// -----

// expected-error @below {{'func.func' op expects npu_pe.pe coordinates >= 0, got (-1, 0)}}
func.func @p() attributes {npu_pe.pe = array<i64: -1, 0>} {
  return
}

// -----

// expected-error @below {{'func.func' op expects a PE program to take no arguments and return nothing, got (memref<4xi8, "sram">) -> ()}}
func.func @p(%a: memref<4xi8, "sram">) attributes {npu_pe.pe = array<i64: 0, 0>} {
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  return
}
// expected-error @below {{'func.func' op expects one program per PE, PE (0, 0) already runs @p}}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 0>} {
  return
}

// -----

func.func @not_a_program(%a: memref<4x4xi8, "sram">, %c: memref<4x4xi32, "sram">) {
  // expected-error @below {{'npu_pe.matmul' op expects to be inside an npu_pe program (a func.func with npu_pe.pe)}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

"npu_mem.global"() {sym_name = "w", kind = "input", type = memref<4x4xi8, "ext">} : () -> ()
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %w = "npu_mem.get_global"() {name = @w} : () -> memref<4x4xi8, "ext">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects rhs in "sram" memory, got "ext"}}
  "npu_pe.matmul"(%a, %w, %c) {accumulate = false} : (memref<4x4xi8, "sram">, memref<4x4xi8, "ext">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<2x4x4xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects rank-2 lhs, rhs and acc, got ranks 3, 2, 2}}
  "npu_pe.matmul"(%a, %b, %c) {accumulate = false} : (memref<2x4x4xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects lhs [M, K], rhs [K, N] and acc [M, N], got [4, 8], [4, 4] and [4, 4]}}
  "npu_pe.matmul"(%a, %b, %c) {accumulate = false} : (memref<4x8xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x8xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects lhs [M, K], rhs [K, N] and acc [M, N], got [4, 8], [8, 4] and [4, 8]}}
  "npu_pe.matmul"(%a, %b, %c) {accumulate = false} : (memref<4x8xi8, "sram">, memref<8x4xi8, "sram">, memref<4x8xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xi4, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects lhs and rhs of one type in i4, i8, f8E4M3FN, f8E5M2, bf16, f16, f32, got i8 and i4}}
  "npu_pe.matmul"(%a, %b, %c) {accumulate = false} : (memref<4x4xi8, "sram">, memref<4x4xi4, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects lhs and rhs of one type in i4, i8, f8E4M3FN, f8E5M2, bf16, f16, f32, got i32 and i32}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects acc to be another buffer than lhs and rhs}}
  "npu_pe.matmul"(%a, %b, %a) {accumulate = true} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects an acc of type i16 or i32 for i8 inputs, got f32}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xbf16, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects no a_zp for float inputs (bf16)}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false, a_zp = 1} : (memref<4x4xbf16, "sram">, memref<4x4xbf16, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op expects b_zp in the i8 range [-128, 127], got 128}}
  "npu_pe.matmul"(%a, %a, %c) {accumulate = false, b_zp = 128} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.matmul' op attribute "accumulate" is expected but not provided}}
  "npu_pe.matmul"(%a, %a, %c) : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %c = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.fill' op expects value to be an integer attribute for i32 data, got 0.000000e+00 : f32}}
  "npu_pe.fill"(%c) {value = 0.0 : f32} : (memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %c = "npu_mem.alloc"() : () -> memref<4x4xi4, "sram">
  // expected-error @below {{'npu_pe.fill' op expects value in the i4 range [-8, 7], got 8}}
  "npu_pe.fill"(%c) {value = 8 : i32} : (memref<4x4xi4, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.binary' op expects lhs, rhs and out of one element type, got i32, i8, i32}}
  "npu_pe.binary"(%a, %b, %a) {kind = "add"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">, memref<4x4xi32, "sram">) -> ()
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
  %b = "npu_mem.alloc"() : () -> memref<3xf32, "sram">
  // expected-error @below {{'npu_pe.binary' op expects broadcast-compatible lhs and rhs, got [4, 4] and [3]}}
  "npu_pe.binary"(%a, %b, %a) {kind = "mul"} : (memref<4x4xf32, "sram">, memref<3xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x1xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<1x4xf32, "sram">
  // expected-error @below {{'npu_pe.binary' op expects out of the broadcast shape [4, 4], got [4, 1]}}
  "npu_pe.binary"(%a, %b, %a) {kind = "sub"} : (memref<4x1xf32, "sram">, memref<1x4xf32, "sram">, memref<4x1xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // IRDL rejects a kind outside its irdl.any_of list while parsing.
  // expected-error @below {{'"pow"' does not satisfy the constraint}}
  "npu_pe.binary"(%a, %a, %a) {kind = "pow"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.unary' op expects float data for kind 'exp', got i8 (use 'npu_pe.table' for integer nonlinearities)}}
  "npu_pe.unary"(%a, %a) {kind = "exp"} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf16, "sram">
  %b = "npu_mem.alloc"() : () -> memref<16xf16, "sram">
  // expected-error @below {{'npu_pe.unary' op expects input and out of the same shape, got [4, 4] and [16]}}
  "npu_pe.unary"(%a, %b) {kind = "tanh"} : (memref<4x4xf16, "sram">, memref<16xf16, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf16, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.unary' op expects input and out of one element type, got f16, f32}}
  "npu_pe.unary"(%a, %b) {kind = "copy"} : (memref<4x4xf16, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x2xf32, "sram">
  // expected-error @below {{'npu_pe.cast' op expects input and out of the same shape, got [4, 4] and [4, 2]}}
  "npu_pe.cast"(%a, %b) : (memref<4x4xi32, "sram">, memref<4x2xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x1xf32, "sram">
  // expected-error @below {{'npu_pe.reduce' op expects axis in [0, 2), got 2}}
  "npu_pe.reduce"(%a, %b) {kind = "sum", axis = 2} : (memref<4x4xf32, "sram">, memref<4x1xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4xf32, "sram">
  // expected-error @below {{'npu_pe.reduce' op expects out of shape [4, 1], got [4]}}
  "npu_pe.reduce"(%a, %b) {kind = "max", axis = 1} : (memref<4x4xf32, "sram">, memref<4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x1xi8, "sram">
  // expected-error @below {{'npu_pe.reduce' op expects an integer sum from i8, i16 or i32 into i32, got i8 into i8}}
  "npu_pe.reduce"(%a, %b) {kind = "sum", axis = 1} : (memref<4x4xi8, "sram">, memref<4x1xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf16, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x1xi32, "sram">
  // expected-error @below {{'npu_pe.reduce' op expects a float sum into a float type, got f16 into i32}}
  "npu_pe.reduce"(%a, %b) {kind = "sum", axis = 1} : (memref<4x4xf16, "sram">, memref<4x1xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<1x4xi32, "sram">
  // expected-error @below {{'npu_pe.reduce' op expects input and out of one element type, got i8, i32}}
  "npu_pe.reduce"(%a, %b) {kind = "min", axis = 0} : (memref<4x4xi8, "sram">, memref<1x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %t = "npu_mem.alloc"() : () -> memref<256xi8, "sram">
  // expected-error @below {{'npu_pe.table' op expects i8 or i16 input, got i32}}
  "npu_pe.table"(%a, %t, %a) : (memref<4x4xi32, "sram">, memref<256xi8, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi16, "sram">
  %t = "npu_mem.alloc"() : () -> memref<512xi16, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.table' op expects a [513] i16 table and i32 out for i16 input, got [512] i16 and i32}}
  "npu_pe.table"(%a, %t, %o) : (memref<4x4xi16, "sram">, memref<512xi16, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %t = "npu_mem.alloc"() : () -> memref<256xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
  // expected-error @below {{'npu_pe.table' op expects input and out of the same shape, got [4, 4] and [16]}}
  "npu_pe.table"(%a, %t, %o) : (memref<4x4xi8, "sram">, memref<256xi8, "sram">, memref<16xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects i8, i16 or i32 input and out, got f32 and i8}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1073741824>, shift = array<i8: 30>, input_zp = 0, output_zp = 0, rounding = "single_round"} : (memref<4x4xf32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects multiplier and shift of length 1 or 4 (the last dimension), got 2 and 2}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1, 2>, shift = array<i8: 30, 30>, input_zp = 0, output_zp = 0, rounding = "single_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects multiplier values in the int32 range}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i64: 4294967296>, shift = array<i8: 30>, input_zp = 0, output_zp = 0, rounding = "single_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects shift values in [2, 62], got [1]}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1073741824>, shift = array<i8: 1>, input_zp = 0, output_zp = 0, rounding = "single_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects attribute 'shift' to be a dense integer array, got array<f32: 3.000000e+01>}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1073741824>, shift = array<f32: 30.0>, input_zp = 0, output_zp = 0, rounding = "single_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects input_zp = 0 for i32 data, got 5}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1073741824>, shift = array<i8: 30>, input_zp = 5, output_zp = 0, rounding = "single_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.rescale' op expects output_zp in the i8 range [-128, 127], got 200}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1073741824>, shift = array<i8: 30>, input_zp = 0, output_zp = 200, rounding = "single_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %o = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'"inexact_round"' does not satisfy the constraint}}
  "npu_pe.rescale"(%a, %o) {multiplier = array<i32: 1073741824>, shift = array<i8: 30>, input_zp = 0, output_zp = 0, rounding = "inexact_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.clamp' op expects min <= max, got 10 > -10}}
  "npu_pe.clamp"(%a, %a) {min = 10 : i8, max = -10 : i8} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xbf16, "sram">
  // expected-error @below {{'npu_pe.clamp' op expects min to be a float attribute for bf16 data, got 0 : i64}}
  "npu_pe.clamp"(%a, %a) {min = 0, max = 6.0 : f32} : (memref<4x4xbf16, "sram">, memref<4x4xbf16, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x4xi16, "sram">
  // expected-error @below {{'npu_pe.clamp' op expects input and out of one element type, got i8, i16}}
  "npu_pe.clamp"(%a, %b) {min = 0 : i8, max = 6 : i8} : (memref<4x4xi8, "sram">, memref<4x4xi16, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<64x9xi8, "sram">
  // expected-error @below {{'npu_pe.im2col' op expects an H x W x C input and a rank-2 out, got ranks 2 and 2}}
  "npu_pe.im2col"(%x, %o) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, pad_value = 0 : i8} : (memref<8x8xi8, "sram">, memref<64x9xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.alloc"() : () -> memref<8x8x1xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<64x9xi8, "sram">
  // expected-error @below {{'npu_pe.im2col' op expects pads to have 4 values, got 2}}
  "npu_pe.im2col"(%x, %o) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_value = 0 : i8} : (memref<8x8x1xi8, "sram">, memref<64x9xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.alloc"() : () -> memref<8x8x1xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<64x9xi8, "sram">
  // expected-error @below {{'npu_pe.im2col' op expects out of shape [36, 9] (6 x 6 windows of 3 x 3 x 1), got [64, 9]}}
  "npu_pe.im2col"(%x, %o) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, pad_value = 0 : i8} : (memref<8x8x1xi8, "sram">, memref<64x9xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.alloc"() : () -> memref<2x2x1xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<1x9xi8, "sram">
  // expected-error @below {{'npu_pe.im2col' op expects the dilated kernel to fit in the padded input, got 0 x 0 windows}}
  "npu_pe.im2col"(%x, %o) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, pad_value = 0 : i8} : (memref<2x2x1xi8, "sram">, memref<1x9xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.alloc"() : () -> memref<8x8x1xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<64x9xi8, "sram">
  // expected-error @below {{'npu_pe.im2col' op expects pad_value to be an integer attribute for i8 data, got 0.000000e+00 : f32}}
  "npu_pe.im2col"(%x, %o) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, pad_value = 0.0 : f32} : (memref<8x8x1xi8, "sram">, memref<64x9xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.alloc"() : () -> memref<8x8x1xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<64x9xi8, "sram">
  // expected-error @below {{'npu_pe.im2col' op expects every value of strides >= 1, got [0, 1]}}
  "npu_pe.im2col"(%x, %o) {kernel = array<i64: 3, 3>, strides = array<i64: 0, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, pad_value = 0 : i8} : (memref<8x8x1xi8, "sram">, memref<64x9xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<2x3x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x3x2xf32, "sram">
  // expected-error @below {{'npu_pe.transpose' op expects perm to be a permutation of 0..2, got [2, 1, 1]}}
  "npu_pe.transpose"(%a, %b) {perm = array<i64: 2, 1, 1>} : (memref<2x3x4xf32, "sram">, memref<4x3x2xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<2x3x4xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4x3x2xf32, "sram">
  // expected-error @below {{'npu_pe.transpose' op expects out of shape [3, 4, 2], got [4, 3, 2]}}
  "npu_pe.transpose"(%a, %b) {perm = array<i64: 1, 2, 0>} : (memref<2x3x4xf32, "sram">, memref<4x3x2xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.transpose' op expects out to be another buffer than input}}
  "npu_pe.transpose"(%a, %a) {perm = array<i64: 1, 0>} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi16, "sram">
  // expected-error @below {{'npu_pe.binary' op expects i32 data for kind 'shl', got i16}}
  "npu_pe.binary"(%a, %a, %a) {kind = "shl"} : (memref<4x4xi16, "sram">, memref<4x4xi16, "sram">, memref<4x4xi16, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf32, "sram">
  // expected-error @below {{'npu_pe.binary' op expects i8 or i16 or i32 data for kind 'ashr_round', got f32}}
  "npu_pe.binary"(%a, %a, %a) {kind = "ashr_round"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xf16, "sram">
  // expected-error @below {{'npu_pe.binary' op expects i4 or i8 or i16 or i32 data for kind 'add_wrap', got f16}}
  "npu_pe.binary"(%a, %a, %a) {kind = "add_wrap"} : (memref<4x4xf16, "sram">, memref<4x4xf16, "sram">, memref<4x4xf16, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  // expected-error @below {{'npu_pe.unary' op expects i32 data for kind 'clz', got i8}}
  "npu_pe.unary"(%a, %a) {kind = "clz"} : (memref<4x4xi8, "sram">, memref<4x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi16, "sram">
  // expected-error @below {{'npu_pe.mul_shift' op expects i32 lhs, rhs and out, got i16, i16, i16}}
  "npu_pe.mul_shift"(%a, %a, %a) {shift = 1} : (memref<4x4xi16, "sram">, memref<4x4xi16, "sram">, memref<4x4xi16, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  // expected-error @below {{'npu_pe.mul_shift' op expects shift in [0, 63], got 64}}
  "npu_pe.mul_shift"(%a, %a, %a) {shift = 64} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xi32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<3xi32, "sram">
  // expected-error @below {{'npu_pe.mul_shift' op expects broadcast-compatible lhs and rhs, got [4, 4] and [3]}}
  "npu_pe.mul_shift"(%a, %b, %a) {shift = 1} : (memref<4x4xi32, "sram">, memref<3xi32, "sram">, memref<4x4xi32, "sram">) -> ()
  return
}
