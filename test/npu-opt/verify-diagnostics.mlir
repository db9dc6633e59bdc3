// RUN: npu-opt %s --split-input-file --verify-diagnostics
// RUN: not npu-opt %s --split-input-file 2>&1 | FileCheck %s --check-prefix=ERR

// Without --verify-diagnostics each error is one located line.
// ERR: verify-diagnostics.mlir:[[@LINE+3]]:8: error: 'npu_tensor.reshape' op expects the same number of elements, got 16 and 15
func.func @bad_reshape(%a: tensor<2x8xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{expects the same number of elements, got 16 and 15}}
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @missing_attr(%a: tensor<2x8xf32>) -> tensor<8x2xf32> {
  // expected-error @below {{'npu_tensor.transpose' op attribute "perm" is expected but not provided}}
  %0 = "npu_tensor.transpose"(%a) : (tensor<2x8xf32>) -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}

// -----

func.func @unknown_op(%a: tensor<2x8xf32>) {
  %0 = "npu_tensor.bogus"(%a) : (tensor<2x8xf32>) -> tensor<8x2xf32> // expected-error {{unregistered operation 'npu_tensor.bogus'}}
  return
}
