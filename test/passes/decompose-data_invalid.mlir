// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-decompose

// Linear resize of integers would need the golden kernel's float64 rounding: refused at the op.
func.func @main(%x: tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi8> {
  // expected-error @below {{linear resize of i8 has no decomposition (float only: integers would need the golden rounding)}}
  %0 = "npu_tensor.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "linear", nearest_mode = "round_prefer_floor", roi = array<f64>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi8>
  return %0 : tensor<1x1x4x4xi8>
}

// -----

// A constant gather index out of range is a compile-time error.
func.func @main(%t: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %i = arith.constant dense<[1, 4]> : tensor<2xi64>
  // expected-error @below {{gather index 4 out of range [-4, 3]}}
  %0 = "npu_tensor.gather"(%t, %i) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Run-time indices into an int32 table: f32 cannot hold every value exactly.
func.func @main(%t: tensor<4x3xi32>, %i: tensor<2xi64>) -> tensor<2x3xi32> {
  // expected-error @below {{gather of a i32 table with run-time indices has no exact decomposition (floats and integers up to 16 bits)}}
  %0 = "npu_tensor.gather"(%t, %i) {axis = 0 : i64} : (tensor<4x3xi32>, tensor<2xi64>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// reverse_sequence by run-time lengths selects through f32: an int32 input cannot be exact.
func.func @main(%x: tensor<3x2xi32>, %l: tensor<2xi64>) -> tensor<3x2xi32> {
  // expected-error @below {{reverse_sequence of a i32 table with run-time indices has no exact decomposition (floats and integers up to 16 bits)}}
  %0 = "npu_tensor.reverse_sequence"(%x, %l) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<3x2xi32>, tensor<2xi64>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}
