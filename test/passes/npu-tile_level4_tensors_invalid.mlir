// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-tile

// An op with a rule whose data has an element type level 4 has no buffers for is named
// (it used to escape as a KeyError from the tile search).
func.func @main(%x: tensor<4xf8E3M4>, %y: tensor<4xf8E3M4>) -> tensor<4xf8E3M4> {
  // expected-error @below {{'npu_tensor.add' op cannot lower to level 4 yet: expects element types level 4 has buffers for (i4, i8, i16, i32, i64, ui8, ui16, ui32, ui64, i2, ui2, ui4, f8E4M3FN, f8E5M2, bf16, f16, f32, f64, f8E4M3FNUZ, f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN), got f8E3M4}}
  %0 = "npu_tensor.add"(%x, %y) : (tensor<4xf8E3M4>, tensor<4xf8E3M4>) -> tensor<4xf8E3M4>
  return %0 : tensor<4xf8E3M4>
}

// -----

// f64 is a level-4 data-movement type: the vector unit has no relu on it.
func.func @main(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  // expected-error @below {{'npu_tensor.relu' op cannot lower to level 4 yet: expects element types the vector unit computes 'relu' on, got f64}}
  %0 = "npu_tensor.relu"(%x) : (tensor<2x3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// ... but moves, casts and adds it (and wraps uint8 adds), so these tile without an error.
func.func @main(%x: tensor<4xui8>, %y: tensor<4xui8>, %z: tensor<2x3xf64>) -> (tensor<4xui8>, tensor<2x3xf32>) {
  %0 = "npu_tensor.add"(%x, %y) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = "npu_tensor.add"(%z, %z) : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
  %2 = "npu_tensor.cast"(%1) {saturate = 1 : i64, round_mode = "up"} : (tensor<2x3xf64>) -> tensor<2x3xf32>
  return %0, %2 : tensor<4xui8>, tensor<2x3xf32>
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
