// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-decompose

// A constant sequence_lens past the sequence length is refused (ONNX requires lengths in [0, seq]).
func.func @main(%x: tensor<3x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = arith.constant dense<0.5> : tensor<1x8x2xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x2xf32>
  %l = arith.constant dense<[5, 1]> : tensor<2xi32>
  // expected-error @below {{cannot decompose 'npu_tensor.lstm': sequence_lens must hold 2 values in [0, 3], got [5, 1]}}
  %y:3 = "npu_tensor.lstm"(%x, %w, %r, %l) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 2 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>} : (tensor<3x2x2xf32>, tensor<1x8x2xf32>, tensor<1x8x2xf32>, tensor<2xi32>) -> (tensor<3x1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>)
  return %y#1 : tensor<1x2x2xf32>
}

// -----

// An activation outside ONNX's list has no decomposition.
func.func @main(%x: tensor<3x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = arith.constant dense<0.5> : tensor<1x2x2xf32>
  %r = arith.constant dense<0.25> : tensor<1x2x2xf32>
  // expected-error @below {{cannot decompose 'npu_tensor.rnn': unsupported RNN activation 'Swish'}}
  %y:2 = "npu_tensor.rnn"(%x, %w, %r) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = ["Swish"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 2 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<3x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> (tensor<3x1x2x2xf32>, tensor<1x2x2xf32>)
  return %y#1 : tensor<1x2x2xf32>
}
