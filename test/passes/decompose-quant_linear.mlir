// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// qlinear_matmul with run-time scales and zero points: uint8 moved to int8 in i32, the product and the row /
// column sums from matmul_int, the zero-point terms in i32, M in f32, then the f64 requantization rounding
// half to even by adding and subtracting 1.5 * 2^52 (0x4338000000000000), the zero point, the clip, the casts.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.qlinear_matmul
// CHECK: %[[A32:.*]] = "npu_tensor.cast"(%arg0) {{.*}} -> tensor<2x4xi32>
// CHECK: %[[A8:.*]] = "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<2x4xi32>) -> tensor<2x4xi8>
// CHECK: %[[B8:.*]] = "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<4x3xi32>) -> tensor<4x3xi8>
// CHECK: %[[P:.*]] = "npu_tensor.matmul_int"(%[[A8]], %[[B8]]) {{.*}} -> tensor<2x3xi32>
// CHECK: "npu_tensor.matmul_int"(%{{.*}}, %[[B8]]) {{.*}} : (tensor<1x4xi8>, tensor<4x3xi8>) -> tensor<1x3xi32>
// CHECK: "npu_tensor.matmul_int"(%[[A8]], %{{.*}}) {{.*}} : (tensor<2x4xi8>, tensor<4x1xi8>) -> tensor<2x1xi32>
// CHECK: %[[M:.*]] = "npu_tensor.mul"(%{{.*}}, %{{.*}}) : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
// CHECK: "npu_tensor.div"(%[[M]], %{{.*}}) : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
// CHECK: %[[T:.*]] = "npu_tensor.mul"(%{{.*}}, %{{.*}}) : (tensor<2x3xf64>, tensor<1x1xf64>) -> tensor<2x3xf64>
// CHECK: %[[C:.*]] = arith.constant dense<0x4338000000000000> : tensor<1x1xf64>
// CHECK: %[[UP:.*]] = "npu_tensor.add"(%{{.*}}, %[[C]]) : (tensor<2x3xf64>, tensor<1x1xf64>) -> tensor<2x3xf64>
// CHECK: %[[C2:.*]] = arith.constant dense<0x4338000000000000> : tensor<1x1xf64>
// CHECK: "npu_tensor.sub"(%[[UP]], %[[C2]]) : (tensor<2x3xf64>, tensor<1x1xf64>) -> tensor<2x3xf64>
// CHECK: arith.constant dense<0.000000e+00> : tensor<1x1xf64>
// CHECK: arith.constant dense<2.550000e+02> : tensor<1x1xf64>
// CHECK: %[[F:.*]] = "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<2x3xf64>) -> tensor<2x3xf32>
// CHECK: %[[Y:.*]] = "npu_tensor.cast"(%[[F]]) {{.*}} : (tensor<2x3xf32>) -> tensor<2x3xui8>
// CHECK: return %[[Y]]
func.func @main(%a: tensor<2x4xui8>, %as: tensor<f32>, %az: tensor<ui8>, %b: tensor<4x3xui8>, %bs: tensor<f32>, %bz: tensor<ui8>, %ys: tensor<f32>, %yz: tensor<ui8>) -> tensor<2x3xui8> {
  %0 = "npu_tensor.qlinear_matmul"(%a, %as, %az, %b, %bs, %bz, %ys, %yz) : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

// int8 per-row / per-column scales and zero points (f16 scales): no shift by 128, M in f16, clip to [-128, 127].
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.qlinear_matmul
// CHECK: "npu_tensor.reshape"(%arg2) : (tensor<2xi8>) -> tensor<2x1xi8>
// CHECK: "npu_tensor.reshape"(%arg5) : (tensor<3xi8>) -> tensor<1x3xi8>
// CHECK: "npu_tensor.matmul_int"(%arg0, %arg3)
// CHECK: "npu_tensor.mul"(%{{.*}}, %{{.*}}) : (tensor<2x1xf16>, tensor<1x3xf16>) -> tensor<2x3xf16>
// CHECK: "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<2x3xf16>) -> tensor<2x3xf64>
// CHECK: arith.constant dense<-1.280000e+02> : tensor<1x1xf64>
// CHECK: arith.constant dense<1.270000e+02> : tensor<1x1xf64>
// CHECK: "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<2x3xf32>) -> tensor<2x3xi8>
func.func @main(%a: tensor<2x4xi8>, %as: tensor<2xf16>, %az: tensor<2xi8>, %b: tensor<4x3xi8>, %bs: tensor<3xf16>, %bz: tensor<3xi8>, %ys: tensor<f16>, %yz: tensor<i8>) -> tensor<2x3xi8> {
  %0 = "npu_tensor.qlinear_matmul"(%a, %as, %az, %b, %bs, %bz, %ys, %yz) : (tensor<2x4xi8>, tensor<2xf16>, tensor<2xi8>, tensor<4x3xi8>, tensor<3xf16>, tensor<3xi8>, tensor<f16>, tensor<i8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// qlinear_conv, grouped, padded, per-channel weight zero points, int32 bias: conv_int of the operands, of the
// ones input (the zero-point cross term with the padding), of the ones kernel per group, the constant window
// counts (4/6/9 taps of a 3x3 window at the corners / edges / inside), the bias added in f64, then the
// requantization as for qlinear_matmul.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.qlinear_conv
// CHECK: %[[P:.*]] = "npu_tensor.conv_int"(%arg0, %arg3) {{.*}}group = 2 {{.*}} -> tensor<1x4x4x4xi32>
// CHECK: "npu_tensor.conv_int"(%{{.*}}, %arg3) {{.*}} : (tensor<1x2x4x4xi8>, tensor<4x1x3x3xi8>) -> tensor<1x4x4x4xi32>
// CHECK: "npu_tensor.conv_int"(%arg0, %{{.*}}) {{.*}} : (tensor<1x2x4x4xi8>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi32>
// CHECK: "npu_tensor.mul"(%{{.*}}, %{{.*}}) : (tensor<1x2x1x4x4xi32>, tensor<1x2x2x1x1xi32>) -> tensor<1x2x2x4x4xi32>
// CHECK: arith.constant dense<{{\[\[\[\[}}4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6], [4, 6, 6, 4]]]]> : tensor<1x1x4x4xi32>
// CHECK: %[[ACC:.*]] = "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xf64>
// CHECK: %[[B:.*]] = "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<1x4x1x1xi32>) -> tensor<1x4x1x1xf64>
// CHECK: "npu_tensor.add"(%[[ACC]], %[[B]])
// CHECK: arith.constant dense<0x4338000000000000>
// CHECK: "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xi8>
func.func @main(%x: tensor<1x2x4x4xi8>, %xs: tensor<f32>, %xz: tensor<i8>, %w: tensor<4x1x3x3xi8>, %ws: tensor<4xf32>, %wz: tensor<4xi8>, %ys: tensor<f32>, %yz: tensor<i8>, %bias: tensor<4xi32>) -> tensor<1x4x4x4xi8> {
  %0 = "npu_tensor.qlinear_conv"(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %bias) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xi8>, tensor<f32>, tensor<i8>, tensor<4x1x3x3xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, tensor<4xi32>) -> tensor<1x4x4x4xi8>
  return %0 : tensor<1x4x4x4xi8>
}
