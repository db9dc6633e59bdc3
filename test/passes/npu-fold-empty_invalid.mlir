// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-fold-empty

// arg_max over an empty axis has no index to give (golden refuses it): a located error at the op.
func.func @main(%x: tensor<2x0xf32> {npu.name = "x"}) -> tensor<2x1xi64> {
  // expected-error @below {{'npu_tensor.arg_max' op cannot be evaluated on its empty operand: expects a non-empty axis 1 to take the index of an extreme, got shape [2, 0]}}
  %0 = "npu_tensor.arg_max"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x0xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// The same with select_last_index (arg_min).
func.func @main(%x: tensor<0x3xi8> {npu.name = "x"}) -> tensor<3xi64> {
  // expected-error @below {{'npu_tensor.arg_min' op cannot be evaluated on its empty operand: expects a non-empty axis 0 to take the index of an extreme, got shape [0, 3]}}
  %0 = "npu_tensor.arg_min"(%x) {axis = 0 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<0x3xi8>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}
