// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-tile

// An op without a spatial lowering rule is named, never dropped.
func.func @main(%x: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @below {{'npu_tensor.bit_shift' op cannot lower to level 4 yet: no spatial lowering rule for 'bit_shift'}}
  %0 = "npu_tensor.bit_shift"(%x, %x) {direction = "LEFT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// A rule that does not cover an attribute value says what it expects.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.gelu' op cannot lower to level 4 yet: expects approximate = "none", got "tanh"}}
  %0 = "npu_tensor.gelu"(%x) {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'npu_tensor.gemm' op cannot lower to level 4 yet: expects alpha = 1 and beta = 1 (got alpha = 2.0, beta = 1.0)}}
  %0 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 2.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// LRN never splits its channels: 200000 of them (800000 bytes per buffer) exceed the tile budget,
// half of edge-lpddr's 512 KiB SRAM once 1/16 is set aside for constants, (524288 - 32768) / 2.
// (A softmax row that long is cut into chunks: npu-lower-to-pe_rows_split.mlir.)
func.func @main(%x: tensor<1x200000x1x1xf32>) -> tensor<1x200000x1x1xf32> {
  // expected-error @below {{'npu_tensor.lrn' op cannot be tiled into the 245760-byte SRAM budget of target 'edge-lpddr': its smallest tile needs}}
  %0 = "npu_tensor.lrn"(%x) {alpha = 1.0E-4 : f32, beta = 7.5E-1 : f32, bias = 1.0 : f32, size = 3 : i64} : (tensor<1x200000x1x1xf32>) -> tensor<1x200000x1x1xf32>
  return %0 : tensor<1x200000x1x1xf32>
}

// -----

// Integer data through a float-only recipe.
func.func @main(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @below {{'npu_tensor.exp' op cannot lower to level 4 yet: expects float data, got i8}}
  %0 = "npu_tensor.exp"(%x) : (tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// With a pad of 3 and a 3x3 kernel, the first output row's window is all padding.
func.func @main(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x8x8xf32> {
  // expected-error @below {{'npu_tensor.conv' op cannot lower to level 4 yet: expects pads smaller than the dilated kernel (no window wholly in the padding)}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

// Without saturation an e4m3 overflow is NaN; npu_pe.cast saturates, so this form is not lowered.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  // expected-error @below {{'npu_tensor.quantize_float' op cannot lower to level 4 yet: expects saturate = 1 for f8E4M3FN}}
  %0 = "npu_tensor.quantize_float"(%x) {saturate = 0 : i64, scale = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// A bf16 accumulator rounds every partial sum to bf16, which no npu_pe op does.
func.func @main(%a: tensor<2x8xbf16>, %b: tensor<8x4xbf16>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.matmul_float' op cannot lower to level 4 yet: expects an fp32 accumulator (acc = "fp32"; per-step rounding to bf16 has no npu_pe form), got "bf16"}}
  %0 = "npu_tensor.matmul_float"(%a, %b, %c) {acc = "bf16", scale = array<f32: 1.0>} : (tensor<2x8xbf16>, tensor<8x4xbf16>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
