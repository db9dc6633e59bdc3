// RUN: npu-opt %s --npu-decompose | FileCheck %s

// gather_nd of an i32 table with run-time indices: the table split into i16 halves (low 16 bits moved down by
// 2^15, the high half by an exact division), each gathered by the one-hot matmul in f32, recombined in i32.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.gather_nd
// CHECK: %[[LO:.*]] = "npu_tensor.bitwise_and"(%arg0, %{{.*}}) : (tensor<4x3xi32>, tensor<1x1xi32>) -> tensor<4x3xi32>
// CHECK: %[[D:.*]] = "npu_tensor.sub"(%arg0, %[[LO]])
// CHECK: %[[HI:.*]] = "npu_tensor.div"(%[[D]], %{{.*}})
// CHECK: "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<4x3xi32>) -> tensor<4x3xi16>
// CHECK: "npu_tensor.cast"(%[[HI]]) {{.*}} : (tensor<4x3xi32>) -> tensor<4x3xi16>
// CHECK: "npu_tensor.matmul"(%{{.*}}, %{{.*}}) : (tensor<1x2x4xf32>, tensor<1x4x3xf32>) -> tensor<1x2x3xf32>
// CHECK: %[[H:.*]] = "npu_tensor.mul"(%{{.*}}, %{{.*}}) : (tensor<2x3xi32>, tensor<1x1xi32>) -> tensor<2x3xi32>
// CHECK: "npu_tensor.matmul"(%{{.*}}, %{{.*}}) : (tensor<1x2x4xf32>, tensor<1x4x3xf32>) -> tensor<1x2x3xf32>
// CHECK: %[[S:.*]] = "npu_tensor.add"(%[[H]], %{{.*}}) : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK: %[[Y:.*]] = "npu_tensor.add"(%[[S]], %{{.*}}) : (tensor<2x3xi32>, tensor<1x1xi32>) -> tensor<2x3xi32>
// CHECK: return %[[Y]]
func.func @main(%x: tensor<4x3xi32>, %i: tensor<2x1xi64>) -> tensor<2x3xi32> {
  %y = "npu_tensor.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<4x3xi32>, tensor<2x1xi64>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}
