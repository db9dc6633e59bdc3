// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// Elman RNN, constant weights: one input projection for all steps (W^T transposed at compile time),
// then per step the slice of that step, h @ R^T (none at step 0: h0 = 0), add, tanh; Y concatenates the steps.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<2x1x2xf32>)
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[}}[5.000000e-01, 2.500000e-01, 1.000000e+00], [-1.000000e+00, 2.000000e+00, 0.000000e+00]]> : tensor<2x3xf32>
// CHECK: %[[X2:.*]] = "npu_tensor.reshape"(%[[X]]) : (tensor<2x1x2xf32>) -> tensor<2x2xf32>
// CHECK: %[[P:.*]] = "npu_tensor.matmul"(%[[X2]], %[[WT]]) : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[P3:.*]] = "npu_tensor.reshape"(%[[P]]) : (tensor<2x3xf32>) -> tensor<2x1x3xf32>
// CHECK: %[[RT:.*]] = arith.constant dense<1.250000e-01> : tensor<3x3xf32>
// CHECK: %[[S0:.*]] = "npu_tensor.slice"(%[[P3]]) {axes = array<i64: 0, 2>, ends = array<i64: 1, 3>, starts = array<i64: 0, 0>
// CHECK: %[[X0:.*]] = "npu_tensor.reshape"(%[[S0]]) : (tensor<1x1x3xf32>) -> tensor<1x3xf32>
// CHECK: %[[H0:.*]] = "npu_tensor.tanh"(%[[X0]])
// CHECK: %[[S1:.*]] = "npu_tensor.slice"(%[[P3]]) {axes = array<i64: 0, 2>, ends = array<i64: 2, 3>, starts = array<i64: 1, 0>
// CHECK: %[[X1:.*]] = "npu_tensor.reshape"(%[[S1]])
// CHECK: %[[REC:.*]] = "npu_tensor.matmul"(%[[H0]], %[[RT]]) : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>
// CHECK: %[[A1:.*]] = "npu_tensor.add"(%[[X1]], %[[REC]])
// CHECK: %[[H1:.*]] = "npu_tensor.tanh"(%[[A1]])
// CHECK: %[[Y0:.*]] = "npu_tensor.reshape"(%[[H0]]) : (tensor<1x3xf32>) -> tensor<1x1x1x3xf32>
// CHECK: %[[Y1:.*]] = "npu_tensor.reshape"(%[[H1]]) : (tensor<1x3xf32>) -> tensor<1x1x1x3xf32>
// CHECK: %[[Y:.*]] = "npu_tensor.concat"(%[[Y0]], %[[Y1]]) {axis = 0 : i64}
// CHECK: return %[[Y]] : tensor<2x1x1x3xf32>
// CHECK-NOT: npu_tensor.rnn
func.func @main(%x: tensor<2x1x2xf32>) -> tensor<2x1x1x3xf32> {
  %w = arith.constant dense<[[[0.5, -1.0], [0.25, 2.0], [1.0, 0.0]]]> : tensor<1x3x2xf32>
  %r = arith.constant dense<0.125> : tensor<1x3x3xf32>
  %y:2 = "npu_tensor.rnn"(%x, %w, %r) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = ["Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 3 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<2x1x2xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>) -> (tensor<2x1x1x3xf32>, tensor<1x1x3xf32>)
  return %y#0 : tensor<2x1x1x3xf32>
}

// -----

// Reverse GRU, linear_before_reset, runtime sequence_lens: Wb + Rb(z, r) fold into the projection bias,
// Rb(h) stays inside r * (h @ Rh^T + Rb(h)); lengths become 0/1 masks clip(len - s, 0, 1) and the reversed
// time order a one-hot gather clip(1 - |len - 1 - s - t|, 0, 1) summed over time.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<2x2x1xf32>, %[[L:.*]]: tensor<2xi32>)
// CHECK: %[[MM:.*]] = "npu_tensor.matmul"
// CHECK-DAG: %[[RBH:.*]] = arith.constant dense<6.000000e-01> : tensor<1x1xf32>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<[5.000000e-01, 0.699999988, 3.000000e-01]> : tensor<3xf32>
// CHECK: "npu_tensor.add"(%[[MM]], %[[BIAS]]) : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK: %[[LF:.*]] = "npu_tensor.cast"(%[[L]]) {{.*}} : (tensor<2xi32>) -> tensor<2xf32>
// CHECK: %[[LEN:.*]] = "npu_tensor.reshape"(%[[LF]]) : (tensor<2xf32>) -> tensor<2x1xf32>
// CHECK: %[[M0:.*]] = "npu_tensor.clip"(%[[LEN]]) {max = 1.000000e+00 : f32, min = 0.000000e+00 : f32}
// CHECK: "npu_tensor.abs"
// CHECK: %[[W0:.*]] = "npu_tensor.clip"
// CHECK: %[[G0:.*]] = "npu_tensor.mul"(%[[W0]], %{{.*}}) : (tensor<2x2x1xf32>, tensor<2x2x3xf32>) -> tensor<2x2x3xf32>
// CHECK: %[[XS0:.*]] = "npu_tensor.reduce_sum"(%[[G0]]) {axes = array<i64: 0>, keepdims = 0 : i64} : (tensor<2x2x3xf32>) -> tensor<2x3xf32>
// CHECK: "npu_tensor.sigmoid"
// CHECK: %[[R0:.*]] = "npu_tensor.sigmoid"
// CHECK: "npu_tensor.mul"(%[[R0]], %[[RBH]])
// CHECK: "npu_tensor.tanh"
// CHECK: "npu_tensor.mul"(%[[M0]],
// CHECK: "npu_tensor.reduce_sum"
// CHECK: "npu_tensor.reduce_sum"
// CHECK: "npu_tensor.reduce_sum"
// CHECK: "npu_tensor.concat"
// CHECK-NOT: npu_tensor.gru
func.func @main(%x: tensor<2x2x1xf32>, %l: tensor<2xi32>) -> tensor<2x1x2x1xf32> {
  %w = arith.constant dense<0.5> : tensor<1x3x1xf32>
  %r = arith.constant dense<-0.25> : tensor<1x3x1xf32>
  %b = arith.constant dense<[[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]> : tensor<1x6xf32>
  %y:2 = "npu_tensor.gru"(%x, %w, %r, %b, %l) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = ["Sigmoid", "Tanh"], clip = 0x7F800000 : f32, direction = "reverse", hidden_size = 1 : i64, layout = 0 : i64, linear_before_reset = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0>} : (tensor<2x2x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x6xf32>, tensor<2xi32>) -> (tensor<2x1x2x1xf32>, tensor<1x2x1xf32>)
  return %y#0 : tensor<2x1x2x1xf32>
}

// -----

// Bidirectional LSTM, runtime weights, HardSigmoid gates and clip: one projection matmul for both directions
// (W transposed by an op), gate pre-activations clipped, hardsigmoid = clip(0.2 x + 0.5, 0, 1); Y_h joins the
// two directions' last h.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<2x1x1xf32>, %[[W:.*]]: tensor<2x4x1xf32>, %[[R:.*]]: tensor<2x4x1xf32>)
// CHECK: %[[WT:.*]] = "npu_tensor.transpose"(%[[W]]) {perm = array<i64: 2, 0, 1>} : (tensor<2x4x1xf32>) -> tensor<1x2x4xf32>
// CHECK: %[[W2:.*]] = "npu_tensor.reshape"(%[[WT]]) : (tensor<1x2x4xf32>) -> tensor<1x8xf32>
// CHECK: "npu_tensor.matmul"(%{{.*}}, %[[W2]]) : (tensor<2x1xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
// CHECK: %[[PRE:.*]] = "npu_tensor.clip"(%{{.*}}) {max = 3.000000e+00 : f32, min = -3.000000e+00 : f32}
// CHECK: %[[SC:.*]] = "npu_tensor.mul"(%[[PRE]], %{{.*}})
// CHECK: %[[SH:.*]] = "npu_tensor.add"(%[[SC]], %{{.*}})
// CHECK: "npu_tensor.clip"(%[[SH]]) {max = 1.000000e+00 : f32, min = 0.000000e+00 : f32}
// CHECK: %[[HF:.*]] = "npu_tensor.reshape"(%{{.*}}) : (tensor<1x1xf32>) -> tensor<1x1x1xf32>
// CHECK: %[[HB:.*]] = "npu_tensor.reshape"(%{{.*}}) : (tensor<1x1xf32>) -> tensor<1x1x1xf32>
// CHECK: %[[YH:.*]] = "npu_tensor.concat"(%[[HF]], %[[HB]]) {axis = 0 : i64} : (tensor<1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<2x1x1xf32>
// CHECK: return %[[YH]]
// CHECK-NOT: npu_tensor.lstm
func.func @main(%x: tensor<2x1x1xf32>, %w: tensor<2x4x1xf32>, %r: tensor<2x4x1xf32>) -> tensor<2x1x1xf32> {
  %y:3 = "npu_tensor.lstm"(%x, %w, %r) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = ["HardSigmoid", "Tanh", "Tanh", "HardSigmoid", "Tanh", "Tanh"], clip = 3.0 : f32, direction = "bidirectional", hidden_size = 1 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>} : (tensor<2x1x1xf32>, tensor<2x4x1xf32>, tensor<2x4x1xf32>) -> (tensor<2x2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %y#1 : tensor<2x1x1xf32>
}
