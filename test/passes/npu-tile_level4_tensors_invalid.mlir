// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-tile

// An op with a rule whose data has an element type level 4 has no buffers for is named
// (it used to escape as a KeyError from the tile search).
func.func @main(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @below {{'npu_tensor.add' op cannot lower to level 4 yet: expects element types level 4 has buffers for}}
  %0 = "npu_tensor.add"(%x, %y) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

func.func @main(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  // expected-error @below {{'npu_tensor.relu' op cannot lower to level 4 yet: expects element types level 4 has buffers for}}
  %0 = "npu_tensor.relu"(%x) : (tensor<2x3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// Empty tensors (a zero-sized dim) are named too (they used to divide by zero in the tile search).
func.func @main(%x: tensor<2x0x4xf32>) -> tensor<2x0x4xf32> {
  // expected-error @below {{'npu_tensor.relu' op cannot lower to level 4 yet: expects non-empty tensors, got shape [2, 0, 4]}}
  %0 = "npu_tensor.relu"(%x) : (tensor<2x0x4xf32>) -> tensor<2x0x4xf32>
  return %0 : tensor<2x0x4xf32>
}

// -----

// A view of an empty tensor, too.
func.func @main(%x: tensor<0x3x4xf32>) -> tensor<3x4x0xf32> {
  // expected-error @below {{'npu_tensor.reshape' op cannot lower to level 4 yet: expects non-empty tensors, got shape [0, 3, 4]}}
  %0 = "npu_tensor.reshape"(%x) : (tensor<0x3x4xf32>) -> tensor<3x4x0xf32>
  return %0 : tensor<3x4x0xf32>
}
