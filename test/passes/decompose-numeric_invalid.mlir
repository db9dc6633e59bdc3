// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-decompose

// bit_cast of f16 to i16: only integers of one width and f32 <-> i32 / f64 <-> i64 have a form.
func.func @main(%x: tensor<4xf16>) -> tensor<4xi16> {
  // expected-error @below {{bit_cast decomposition expects integer types of one width or f32 <-> i32 / f64 <-> i64, got f16 -> i16}}
  %0 = "npu_tensor.bit_cast"(%x) : (tensor<4xf16>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// ONNX BitShift is defined on unsigned integers only.
func.func @main(%x: tensor<4xi8>, %s: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @below {{bit_shift decomposition expects unsigned integers of one type, got i8 and i8}}
  %0 = "npu_tensor.bit_shift"(%x, %s) {direction = "LEFT"} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// pow of f64 data with a run-time exponent: level 4 has no f64 exp / log.
func.func @main(%x: tensor<4xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @below {{pow decomposition of a run-time exponent expects f32, f16 or bf16 data, got f64}}
  %0 = "npu_tensor.pow"(%x, %y) : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}
