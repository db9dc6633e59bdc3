// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-decompose

// A constant scatter index out of range is a compile-time error at the op.
func.func @main(%d: tensor<2x3xf32>, %u: tensor<2x2xf32>) -> tensor<2x3xf32> {
  %i = arith.constant dense<[[0, 3], [1, 1]]> : tensor<2x2xi64>
  // expected-error @below {{scatter_elements index 3 out of range [-3, 2]}}
  %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "add"} : (tensor<2x3xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// top_k with k = 0 has empty results, which level 4 has no buffers for.
func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x0xf32>, tensor<2x0xi64>) {
  // expected-error @below {{top_k with k = 0 has no decomposition (empty results)}}
  %0:2 = "npu_tensor.top_k"(%x) {axis = 1 : i64, k = 0 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x3xf32>) -> (tensor<2x0xf32>, tensor<2x0xi64>)
  return %0#0, %0#1 : tensor<2x0xf32>, tensor<2x0xi64>
}

// -----

// Quantized data: the compare/select chain has no quantized form.
func.func @main(%x: tensor<2x3x!quant.uniform<i8:f32, 5.000000e-02:3>>) -> tensor<2xi64> {
  // expected-error @below {{arg_min of !quant.uniform<i8:f32, 5.000000e-02:3> data has no decomposition (plain numbers only)}}
  %0 = "npu_tensor.arg_min"(%x) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x3x!quant.uniform<i8:f32, 5.000000e-02:3>>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Run-time f16 scatter add would round per update in f16 on the golden; no exact or bounded form here.
func.func @main(%d: tensor<2x3xf16>, %i: tensor<2x2xi64>, %u: tensor<2x2xf16>) -> tensor<2x3xf16> {
  // expected-error @below {{scatter reduction 'add' of f16 data with run-time indices has no decomposition (f32, f64, integers)}}
  %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "add"} : (tensor<2x3xf16>, tensor<2x2xi64>, tensor<2x2xf16>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}
