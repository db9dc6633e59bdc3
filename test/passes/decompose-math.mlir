// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// Without a target every op that has a rule is rewritten (softplus has a spatial rule of its own;
// its decomposition still serves mish and a target without that rule).

// elu: relu(x) + alpha * em1(min(x, 0)), em1(v) = 2 tanh(v/2) / (1 - tanh(v/2)) (no cancellation near 0).
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.elu
// CHECK: %[[NEG:.*]] = "npu_tensor.min"(%arg0, %{{.*}})
// CHECK: %[[HALF:.*]] = "npu_tensor.mul"(%[[NEG]], %{{.*}})
// CHECK: %[[T:.*]] = "npu_tensor.tanh"(%[[HALF]])
// CHECK: %[[T2:.*]] = "npu_tensor.add"(%[[T]], %[[T]])
// CHECK: %[[DEN:.*]] = "npu_tensor.sub"(%{{.*}}, %[[T]])
// CHECK: %[[EM1:.*]] = "npu_tensor.div"(%[[T2]], %[[DEN]])
// CHECK: %[[POS:.*]] = "npu_tensor.relu"(%arg0)
// CHECK: %[[SC:.*]] = "npu_tensor.mul"(%[[EM1]], %{{.*}})
// CHECK: %[[Y:.*]] = "npu_tensor.add"(%[[POS]], %[[SC]])
// CHECK: return %[[Y]]
func.func @main(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = "npu_tensor.elu"(%x) {alpha = 5.000000e-01 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// softplus: relu(x) + log1p(exp(-|x|)) with the compensated log1p log(w) + (e - (w - 1)) / w.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.softplus
// CHECK: "npu_tensor.abs"(%arg0)
// CHECK: "npu_tensor.neg"
// CHECK: %[[E:.*]] = "npu_tensor.exp"
// CHECK: %[[W:.*]] = "npu_tensor.add"(%[[E]], %{{.*}})
// CHECK: %[[WM1:.*]] = "npu_tensor.sub"(%[[W]], %{{.*}})
// CHECK: %[[LOST:.*]] = "npu_tensor.sub"(%[[E]], %[[WM1]])
// CHECK: "npu_tensor.log"(%[[W]])
// CHECK: "npu_tensor.div"(%[[LOST]], %[[W]])
func.func @main(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = "npu_tensor.softplus"(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// hard_swish: x * clip(x * (1/6) + 1/2, 0, 1), bit-identical to the golden kernel.
// CHECK-LABEL: func.func @main
// CHECK: arith.constant dense<0.166666672> : tensor<1x1xf32>
// CHECK: "npu_tensor.mul"(%arg0
// CHECK: "npu_tensor.add"
// CHECK: "npu_tensor.clip"({{.*}}) {max = 1.000000e+00 : f32, min = 0.000000e+00 : f32}
// CHECK: "npu_tensor.mul"(%arg0
// CHECK-NOT: npu_tensor.hard_swish
func.func @main(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = "npu_tensor.hard_swish"(%x) : (tensor<3x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// group_normalization: layer_normalization over [N, G, C/G * H * W], reshaped back, per-channel scale and bias.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = "npu_tensor.reshape"(%arg0) : (tensor<2x8x3x3xf32>) -> tensor<2x2x36xf32>
// CHECK: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<36xf32>
// CHECK: %[[LN:.*]]:3 = "npu_tensor.layer_normalization"(%[[R]], %[[ONES]]) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32
// CHECK: %[[B:.*]] = "npu_tensor.reshape"(%[[LN]]#0) : (tensor<2x2x36xf32>) -> tensor<2x8x3x3xf32>
// CHECK: %[[S:.*]] = "npu_tensor.reshape"(%arg1) : (tensor<8xf32>) -> tensor<1x8x1x1xf32>
// CHECK: "npu_tensor.mul"(%[[B]], %[[S]])
// CHECK: "npu_tensor.add"
// CHECK-NOT: npu_tensor.group_normalization
func.func @main(%x: tensor<2x8x3x3xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8x3x3xf32> {
  %0 = "npu_tensor.group_normalization"(%x, %s, %b) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64} : (tensor<2x8x3x3xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x3x3xf32>
  return %0 : tensor<2x8x3x3xf32>
}

// -----

// reduce_log_sum_exp: m + log(sum(exp(x - m))), m = reduce_max(x) (0 where not finite: m - m != 0);
// keepdims = 0 by a final reshape.
// CHECK-LABEL: func.func @main
// CHECK: %[[MAX:.*]] = "npu_tensor.reduce_max"(%arg0) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<3x7xf32>) -> tensor<3x1xf32>
// CHECK: %[[Z:.*]] = "npu_tensor.sub"(%[[MAX]], %[[MAX]])
// CHECK: %[[FIN:.*]] = "npu_tensor.equal"(%[[Z]], %{{.*}})
// CHECK: %[[M:.*]] = "npu_tensor.where"(%[[FIN]], %[[MAX]], %{{.*}})
// CHECK: %[[D:.*]] = "npu_tensor.sub"(%arg0, %[[M]])
// CHECK: %[[E:.*]] = "npu_tensor.exp"(%[[D]])
// CHECK: %[[S:.*]] = "npu_tensor.reduce_sum"(%[[E]]) {axes = array<i64: 1>, keepdims = 1 : i64}
// CHECK: %[[L:.*]] = "npu_tensor.log"(%[[S]])
// CHECK: %[[Y:.*]] = "npu_tensor.add"(%[[L]], %[[M]])
// CHECK: "npu_tensor.reshape"(%[[Y]]) : (tensor<3x1xf32>) -> tensor<3xf32>
func.func @main(%x: tensor<3x7xf32>) -> tensor<3xf32> {
  %0 = "npu_tensor.reduce_log_sum_exp"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<3x7xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// gemm with alpha and beta: the matmul family takes the product (transB kept), alpha and beta C are eltwise.
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = "npu_tensor.gemm"(%arg0, %arg1) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, operandSegmentSizes = array<i32: 1, 1, 0>, transA = 0 : i64, transB = 1 : i64}
// CHECK: %[[A:.*]] = "npu_tensor.mul"(%[[P]], %{{.*}})
// CHECK: %[[C:.*]] = "npu_tensor.mul"(%arg2, %{{.*}})
// CHECK: "npu_tensor.add"(%[[A]], %[[C]]) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
func.func @main(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// gemm with alpha = beta = 1 is the matmul family's as it is: the rule leaves it.
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.gemm"(%arg0, %arg1, %arg2) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64}
// CHECK-NEXT: return
func.func @main(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// dequantize_float: exact cast to f32, then the scale.
// CHECK-LABEL: func.func @main
// CHECK: %[[Q:.*]] = "npu_tensor.cast"(%arg0) {round_mode = "up", saturate = 1 : i64} : (tensor<1x8xf8E4M3FN>) -> tensor<1x8xf32>
// CHECK: "npu_tensor.mul"(%[[Q]], %{{.*}})
func.func @main(%q: tensor<1x8xf8E4M3FN>) -> tensor<1x8xf32> {
  %0 = "npu_tensor.dequantize_float"(%q) {scale = 1.250000e-02 : f32} : (tensor<1x8xf8E4M3FN>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// matmul_integer with uint8 operands: a RESCALE moves the dynamic lhs to int8 (input_zp 128), the constant
// rhs is folded to int8; both zero points move down by 128 onto matmul_int.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = "npu_tensor.rescale"(%arg0) {axis = 0 : i64, input_zp = 128 : i64, multiplier = array<i64: 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 30>} : (tensor<2x3xui8>) -> tensor<2x3xi8>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}-128, -127], [0, 1], [126, 127]]> : tensor<3x2xi8>
// CHECK: "npu_tensor.matmul_int"(%[[A]], %[[W]]) {lhs_zp = -125 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = 2 : i64} : (tensor<2x3xi8>, tensor<3x2xi8>) -> tensor<2x2xi32>
func.func @main(%a: tensor<2x3xui8>) -> tensor<2x2xi32> {
  %w = arith.constant dense<[[0, 1], [128, 129], [254, 255]]> : tensor<3x2xui8>
  %za = arith.constant dense<3> : tensor<ui8>
  %zw = arith.constant dense<130> : tensor<ui8>
  %0 = "npu_tensor.matmul_integer"(%a, %w, %za, %zw) : (tensor<2x3xui8>, tensor<3x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// conv_integer with per-output-channel weight zero points: conv_int with weight_zp 0, minus
// w_zp[m] x the window sums of x - x_zp (a conv_int with a ones kernel).
// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.*]] = "npu_tensor.conv_int"(%arg0, %arg1) {{.*}}input_zp = 5 : i64{{.*}}weight_zp = 0 : i64} : (tensor<1x2x4x4xi8>, tensor<3x2x1x1xi8>) -> tensor<1x3x4x4xi32>
// CHECK: %[[ONES:.*]] = arith.constant dense<1> : tensor<1x2x1x1xi8>
// CHECK: %[[S:.*]] = "npu_tensor.conv_int"(%arg0, %[[ONES]]) {{.*}} -> tensor<1x1x4x4xi32>
// CHECK: "npu_tensor.mul"
// CHECK: "npu_tensor.sub"(%[[Y]],
func.func @main(%x: tensor<1x2x4x4xi8>, %w: tensor<3x2x1x1xi8>) -> tensor<1x3x4x4xi32> {
  %zx = arith.constant dense<5> : tensor<i8>
  %zw = arith.constant dense<[1, -2, 3]> : tensor<3xi8>
  %0 = "npu_tensor.conv_integer"(%x, %w, %zx, %zw) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xi8>, tensor<3x2x1x1xi8>, tensor<i8>, tensor<3xi8>) -> tensor<1x3x4x4xi32>
  return %0 : tensor<1x3x4x4xi32>
}

// -----

// shrink: two selects on compares (bit-identical, NaN included).
// CHECK-LABEL: func.func @main
// CHECK: %[[GT:.*]] = "npu_tensor.greater"(%arg0, %{{.*}}) : (tensor<6xf32>, tensor<1xf32>) -> tensor<6xi1>
// CHECK: %[[HI:.*]] = "npu_tensor.sub"(%arg0,
// CHECK: %[[UP:.*]] = "npu_tensor.where"(%[[GT]], %[[HI]], %{{.*}})
// CHECK: %[[LT:.*]] = "npu_tensor.less"(%arg0, %{{.*}}) : (tensor<6xf32>, tensor<1xf32>) -> tensor<6xi1>
// CHECK: %[[LO:.*]] = "npu_tensor.add"(%arg0,
// CHECK: "npu_tensor.where"(%[[LT]], %[[LO]], %[[UP]])
func.func @main(%x: tensor<6xf32>) -> tensor<6xf32> {
  %0 = "npu_tensor.shrink"(%x) {bias = 5.000000e-01 : f32, lambd = 1.000000e+00 : f32} : (tensor<6xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// hardmax: the first position holding the max (or a NaN) by reduce_min over where(hit, iota, n).
// CHECK-LABEL: func.func @main
// CHECK: %[[IOTA:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00]]> : tensor<1x4xf32>
// CHECK: %[[M:.*]] = "npu_tensor.reduce_max"(%arg0) {axes = array<i64: 1>, keepdims = 1 : i64}
// CHECK: "npu_tensor.equal"(%arg0, %[[M]])
// CHECK: "npu_tensor.is_nan"(%arg0)
// CHECK: %[[HIT:.*]] = "npu_tensor.or"
// CHECK: %[[CAND:.*]] = "npu_tensor.where"(%[[HIT]], %[[IOTA]], %{{.*}})
// CHECK: %[[FIRST:.*]] = "npu_tensor.reduce_min"(%[[CAND]]) {axes = array<i64: 1>, keepdims = 1 : i64}
// CHECK: %[[ONE:.*]] = "npu_tensor.equal"(%[[IOTA]], %[[FIRST]])
// CHECK: "npu_tensor.where"(%[[ONE]], %{{.*}}, %{{.*}}) : (tensor<3x4xi1>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<3x4xf32>
func.func @main(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "npu_tensor.hardmax"(%x) {axis = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// pow with a constant integer exponent: square-and-multiply (x^5 = x * (x^2)^2).
// CHECK-LABEL: func.func @main
// CHECK: %[[SQ:.*]] = "npu_tensor.mul"(%arg0, %arg0)
// CHECK: %[[Q:.*]] = "npu_tensor.mul"(%[[SQ]], %[[SQ]])
// CHECK: %[[Y:.*]] = "npu_tensor.mul"(%arg0, %[[Q]])
// CHECK: return %[[Y]]
// CHECK-NOT: npu_tensor.pow
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense<5.000000e+00> : tensor<1xf32>
  %0 = "npu_tensor.pow"(%x, %c) : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A fractional exponent: exp(c log x), with the IEEE specials of -inf selected.
// CHECK-LABEL: func.func @main
// CHECK: %[[L:.*]] = "npu_tensor.log"(%arg0)
// CHECK: %[[P:.*]] = "npu_tensor.mul"(%[[L]], %{{.*}})
// CHECK: %[[E:.*]] = "npu_tensor.exp"(%[[P]])
// CHECK: %[[NI:.*]] = "npu_tensor.equal"(%arg0, %{{.*}})
// CHECK: "npu_tensor.where"(%[[NI]], %{{.*}}, %[[E]])
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense<3.000000e-01> : tensor<1xf32>
  %0 = "npu_tensor.pow"(%x, %c) : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// quantize_float with saturate = 0 to f8E4M3FN: NaN (with the value's sign) past the 448/464 midpoint,
// then the saturating form.
// CHECK-LABEL: func.func @main
// CHECK: %[[V:.*]] = "npu_tensor.div"(%arg0, %{{.*}})
// CHECK: %[[NEG:.*]] = "npu_tensor.less"(%[[V]], %{{.*}})
// CHECK: %[[MNAN:.*]] = arith.constant dense<0xFFC00000> : tensor<1x1xf32>
// CHECK: %[[PNAN:.*]] = arith.constant dense<0x7FC00000> : tensor<1x1xf32>
// CHECK: %[[NAN:.*]] = "npu_tensor.where"(%[[NEG]], %[[MNAN]], %[[PNAN]])
// CHECK: %[[A:.*]] = "npu_tensor.abs"(%[[V]])
// CHECK: %[[LIM:.*]] = arith.constant dense<4.640000e+02> : tensor<1x1xf32>
// CHECK: %[[OVER:.*]] = "npu_tensor.greater"(%[[A]], %[[LIM]])
// CHECK: %[[S:.*]] = "npu_tensor.where"(%[[OVER]], %[[NAN]], %[[V]])
// CHECK: "npu_tensor.quantize_float"(%[[S]]) {saturate = 1 : i64, scale = 1.000000e+00 : f32}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf8E4M3FN> {
  %0 = "npu_tensor.quantize_float"(%x) {saturate = 0 : i64, scale = 1.250000e-02 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf8E4M3FN>
  return %0 : tensor<1x8xf8E4M3FN>
}
