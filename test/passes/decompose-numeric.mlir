// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// quantize_linear per axis: round half to even, the zero point added in f32, clip to the type, exact cast.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.quantize_linear
// CHECK: %[[S:.*]] = "npu_tensor.reshape"(%arg1) : (tensor<4xf32>) -> tensor<1x4xf32>
// CHECK: %[[V:.*]] = "npu_tensor.div"(%arg0, %[[S]])
// CHECK: %[[ZP:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]> : tensor<1x4xf32>
// CHECK: %[[R:.*]] = "npu_tensor.round"(%[[V]])
// CHECK: %[[A:.*]] = "npu_tensor.add"(%[[R]], %[[ZP]])
// CHECK: %[[C:.*]] = "npu_tensor.clip"(%[[A]]) {max = 1.270000e+02 : f32, min = -1.280000e+02 : f32}
// CHECK: %[[Q:.*]] = "npu_tensor.cast"(%[[C]]) {{.*}} -> tensor<2x4xi8>
// CHECK: return %[[Q]]
func.func @main(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xi8> {
  %z = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi8>
  %0 = "npu_tensor.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xi8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

// dequantize_linear: (f32(q) - f32(zp)) * scale, the difference exact in f32.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.dequantize_linear
// CHECK: %[[SC:.*]] = arith.constant dense<5.000000e-01> : tensor<1x1xf32>
// CHECK: %[[F:.*]] = "npu_tensor.cast"(%arg0) {{.*}} : (tensor<2x4xui8>) -> tensor<2x4xf32>
// CHECK: %[[Z:.*]] = arith.constant dense<1.280000e+02> : tensor<1x1xf32>
// CHECK: %[[D:.*]] = "npu_tensor.sub"(%[[F]], %[[Z]])
// CHECK: %[[Y:.*]] = "npu_tensor.mul"(%[[D]], %[[SC]])
// CHECK: return %[[Y]]
func.func @main(%q: tensor<2x4xui8>) -> tensor<2x4xf32> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %z = arith.constant dense<128> : tensor<ui8>
  %0 = "npu_tensor.dequantize_linear"(%q, %s, %z) {axis = 1 : i64, block_size = 0 : i64} : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// dynamic_quantize_linear: range from reduce_max / reduce_min widened to 0, scale = range / 255.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.dynamic_quantize_linear
// CHECK: "npu_tensor.reduce_max"(%arg0) {axes = array<i64: 0, 1>, keepdims = 1 : i64}
// CHECK: "npu_tensor.reduce_min"(%arg0) {axes = array<i64: 0, 1>, keepdims = 1 : i64}
// CHECK: arith.constant dense<2.550000e+02>
// CHECK: "npu_tensor.round"
// CHECK: "npu_tensor.clip"({{.*}}) {max = 2.550000e+02 : f32, min = 0.000000e+00 : f32}
// CHECK: "npu_tensor.cast"({{.*}}) -> tensor<2x3xui8>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<1x1xf32>) -> tensor<f32>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<1x1xui8>) -> tensor<ui8>
func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) {
  %0:3 = "npu_tensor.dynamic_quantize_linear"(%x) : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>)
  return %0#0, %0#1, %0#2 : tensor<2x3xui8>, tensor<f32>, tensor<ui8>
}

// -----

// bit_shift LEFT on ui8: 2^(s mod 8) as a product over the bits of s, a wrapping multiply, 0 for s >= 8.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.bit_shift
// CHECK: %[[B0:.*]] = "npu_tensor.bitwise_and"(%arg1, %{{.*}})
// CHECK: "npu_tensor.equal"(%[[B0]], %{{.*}})
// CHECK: %[[P1:.*]] = "npu_tensor.where"
// CHECK: "npu_tensor.bitwise_and"(%arg1, %{{.*}})
// CHECK: %[[P2:.*]] = "npu_tensor.where"
// CHECK: %[[P12:.*]] = "npu_tensor.mul"(%[[P1]], %[[P2]])
// CHECK: "npu_tensor.bitwise_and"(%arg1, %{{.*}})
// CHECK: %[[P4:.*]] = "npu_tensor.where"
// CHECK: %[[P:.*]] = "npu_tensor.mul"(%[[P12]], %[[P4]])
// CHECK: %[[Y:.*]] = "npu_tensor.mul"(%arg0, %[[P]])
// CHECK: %[[BIG:.*]] = "npu_tensor.greater_or_equal"(%arg1, %{{.*}})
// CHECK: %[[R:.*]] = "npu_tensor.where"(%[[BIG]], %{{.*}}, %[[Y]])
// CHECK: return %[[R]]
func.func @main(%x: tensor<4xui8>, %s: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "npu_tensor.bit_shift"(%x, %s) {direction = "LEFT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// float cum_prod on a short axis: a chain of multiplies in golden's order, joined by concats.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.cum_prod
// CHECK: %[[X0:.*]] = "npu_tensor.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>
// CHECK: %[[X1:.*]] = "npu_tensor.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>
// CHECK: %[[P1:.*]] = "npu_tensor.mul"(%[[X0]], %[[X1]])
// CHECK: %[[X2:.*]] = "npu_tensor.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 2>
// CHECK: %[[P2:.*]] = "npu_tensor.mul"(%[[P1]], %[[X2]])
// CHECK: %[[C:.*]] = "npu_tensor.concat"(%[[X0]], %[[P1]])
// CHECK: "npu_tensor.concat"(%[[C]], %[[P2]])
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.cum_prod"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// integer cum_prod: shift-and-multiply rounds, ones shifted in.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.cum_prod
// CHECK: %[[ONE:.*]] = arith.constant dense<1> : tensor<2x1xi32>
// CHECK: %[[S:.*]] = "npu_tensor.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 3>
// CHECK: %[[SH:.*]] = "npu_tensor.concat"(%[[ONE]], %[[S]])
// CHECK: %[[Y:.*]] = "npu_tensor.mul"(%arg0, %[[SH]])
// CHECK: "npu_tensor.concat"
// CHECK: "npu_tensor.mul"(%[[Y]], %{{.*}})
func.func @main(%x: tensor<2x4xi32>) -> tensor<2x4xi32> {
  %0 = "npu_tensor.cum_prod"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

// pow with a run-time exponent: exp(y log|x|) with the sign of odd integer powers of negative bases,
// square-and-multiply of x or 1/x over the bits of integer |y| < 64 (fmod 2 and halving), the C99
// special cases as selects.
// CHECK-LABEL: func.func @main
// CHECK-NOT: "npu_tensor.pow"
// CHECK: %[[AX:.*]] = "npu_tensor.abs"(%arg0)
// CHECK: %[[L:.*]] = "npu_tensor.log"(%[[AX]])
// CHECK: %[[T:.*]] = "npu_tensor.mul"(%arg1, %[[L]])
// CHECK: %[[E:.*]] = "npu_tensor.exp"(%[[T]])
// CHECK: "npu_tensor.floor"(%arg1)
// CHECK: "npu_tensor.reciprocal"(%arg0)
// CHECK: "npu_tensor.neg"(%[[E]])
// CHECK: %[[N:.*]] = "npu_tensor.abs"(%arg1)
// CHECK: arith.constant dense<6.400000e+01>
// CHECK: %[[INV:.*]] = "npu_tensor.reciprocal"(%arg0)
// CHECK: %[[P:.*]] = "npu_tensor.where"(%{{.*}}, %[[INV]], %arg0)
// CHECK: %[[B0:.*]] = "npu_tensor.mod"(%[[N]], %{{.*}}) {fmod = 1 : i64}
// CHECK: "npu_tensor.floor"
// CHECK: %[[P2:.*]] = "npu_tensor.mul"(%[[P]], %[[P]])
// CHECK: "npu_tensor.mod"({{.*}}) {fmod = 1 : i64}
// CHECK: "npu_tensor.mul"(%{{.*}}, %[[P2]])
// CHECK: arith.constant dense<0x7FC00000>
// CHECK: %[[Y0:.*]] = "npu_tensor.equal"(%arg1, %{{.*}})
// CHECK: %[[R:.*]] = "npu_tensor.where"(%[[Y0]], %{{.*}}, %{{.*}})
// CHECK: return %[[R]]
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "npu_tensor.pow"(%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// bit_cast between integers of one width: numpy's wrapping cast keeps the bits.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.bit_cast
// CHECK: %[[Y:.*]] = "npu_tensor.cast"(%arg0) {{.*}} : (tensor<4xi8>) -> tensor<4xui8>
// CHECK: return %[[Y]]
func.func @main(%x: tensor<4xi8>) -> tensor<4xui8> {
  %0 = "npu_tensor.bit_cast"(%x) : (tensor<4xi8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}
