// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-tile

// What the spatial lowering refuses on the storage-only types, each named (without npu-decompose,
// which moves sub-byte concats, transposes, slices and expands as bytes).

// Nothing computes on a storage-only type.
func.func @main(%a: tensor<2x4xui4>, %b: tensor<2x4xui4>) -> tensor<2x4xui4> {
  // expected-error @below {{'npu_tensor.add' op cannot lower to level 4 yet: expects element types the vector unit computes 'add' on, got ui4 (a storage-only type: level 4 only moves, selects and casts it)}}
  %0 = "npu_tensor.add"(%a, %b) : (tensor<2x4xui4>, tensor<2x4xui4>) -> tensor<2x4xui4>
  return %0 : tensor<2x4xui4>
}

// -----

// A concat of sub-byte tensors may start its second part inside a byte.
func.func @main(%a: tensor<3x6xi2>, %b: tensor<1x6xi2>) -> tensor<4x6xi2> {
  // expected-error @below {{'npu_tensor.concat' op cannot lower to level 4 yet: expects whole-byte element types, got i2 (its parts may start inside a byte; npu-decompose moves it as bytes)}}
  %0 = "npu_tensor.concat"(%a, %b) {axis = 0 : i64} : (tensor<3x6xi2>, tensor<1x6xi2>) -> tensor<4x6xi2>
  return %0 : tensor<4x6xi2>
}

// -----

// f64 to an integer type stays refused (golden's astype of f64 has no f32 step to follow).
func.func @main(%x: tensor<2x4xf64>) -> tensor<2x4xi2> {
  // expected-error @below {{'npu_tensor.cast' op cannot lower to level 4 yet: expects a cast numpy's astype semantics can be built for, got f64 to i2 (no ui64 wrap, no f64 to integer)}}
  %0 = "npu_tensor.cast"(%x) {saturate = 1 : i64, round_mode = "up"} : (tensor<2x4xf64>) -> tensor<2x4xi2>
  return %0 : tensor<2x4xi2>
}
