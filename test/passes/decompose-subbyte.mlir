// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// Layout ops and concat on sub-byte tensors move as bytes (npu.decompose.subbyte): cast to the
// carrier type (i8 for i4 / i2, ui8 for ui4 / ui2, f8E4M3FN for f4E2M1FN: every value exact),
// the op on it, cast back. Other element types keep the op as it is.
// CHECK-LABEL: func.func @transpose_i2
// CHECK-SAME: (%[[X:.*]]: tensor<3x5xi2>)
// CHECK: %[[W:.*]] = "npu_tensor.cast"(%[[X]]) {round_mode = "up", saturate = 1 : i64} : (tensor<3x5xi2>) -> tensor<3x5xi8>
// CHECK: %[[T:.*]] = "npu_tensor.transpose"(%[[W]]) {perm = array<i64: 1, 0>} : (tensor<3x5xi8>) -> tensor<5x3xi8>
// CHECK: %[[Y:.*]] = "npu_tensor.cast"(%[[T]]) {round_mode = "up", saturate = 1 : i64} : (tensor<5x3xi8>) -> tensor<5x3xi2>
// CHECK: return %[[Y]]
func.func @transpose_i2(%x: tensor<3x5xi2>) -> tensor<5x3xi2> {
  %0 = "npu_tensor.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<3x5xi2>) -> tensor<5x3xi2>
  return %0 : tensor<5x3xi2>
}


// -----

// CHECK-LABEL: func.func @concat_f4
// CHECK-SAME: (%[[A:.*]]: tensor<3x2xf4E2M1FN>, %[[B:.*]]: tensor<1x2xf4E2M1FN>)
// CHECK: %[[WA:.*]] = "npu_tensor.cast"(%[[A]]) {{.*}} -> tensor<3x2xf8E4M3FN>
// CHECK: %[[WB:.*]] = "npu_tensor.cast"(%[[B]]) {{.*}} -> tensor<1x2xf8E4M3FN>
// CHECK: %[[C:.*]] = "npu_tensor.concat"(%[[WA]], %[[WB]]) {axis = 0 : i64} : (tensor<3x2xf8E4M3FN>, tensor<1x2xf8E4M3FN>) -> tensor<4x2xf8E4M3FN>
// CHECK: "npu_tensor.cast"(%[[C]]) {{.*}} : (tensor<4x2xf8E4M3FN>) -> tensor<4x2xf4E2M1FN>
func.func @concat_f4(%a: tensor<3x2xf4E2M1FN>, %b: tensor<1x2xf4E2M1FN>) -> tensor<4x2xf4E2M1FN> {
  %0 = "npu_tensor.concat"(%a, %b) {axis = 0 : i64} : (tensor<3x2xf4E2M1FN>, tensor<1x2xf4E2M1FN>) -> tensor<4x2xf4E2M1FN>
  return %0 : tensor<4x2xf4E2M1FN>
}


// -----

// CHECK-LABEL: func.func @slice_ui4
// CHECK: "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<4x6xui4>) -> tensor<4x6xui8>
// CHECK: "npu_tensor.slice"(%{{.*}}) {axes = array<i64: 0, 1>, ends = array<i64: 3, 5>, starts = array<i64: 1, 2>, steps = array<i64: 1, 1>} : (tensor<4x6xui8>) -> tensor<2x3xui8>
// CHECK: "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<2x3xui8>) -> tensor<2x3xui4>
func.func @slice_ui4(%x: tensor<4x6xui4>) -> tensor<2x3xui4> {
  %0 = "npu_tensor.slice"(%x) {axes = array<i64: 0, 1>, starts = array<i64: 1, 2>, ends = array<i64: 3, 5>, steps = array<i64: 1, 1>} : (tensor<4x6xui4>) -> tensor<2x3xui4>
  return %0 : tensor<2x3xui4>
}


// -----

// CHECK-LABEL: func.func @transpose_f32
// CHECK-NOT: npu_tensor.cast
// CHECK: "npu_tensor.transpose"(%{{.*}}) {perm = array<i64: 1, 0>} : (tensor<3x5xf32>) -> tensor<5x3xf32>
func.func @transpose_f32(%x: tensor<3x5xf32>) -> tensor<5x3xf32> {
  %0 = "npu_tensor.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<3x5xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}
