// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-lower-to-pe

// A dequantize marked as a prologue (done inside the layer reading it, npu.spatial.dequant_fuse)
// whose result is also a graph output: it must be stored, so it cannot be a prologue.
func.func @main(%x: tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense_resource<w4x2> : tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>
  // expected-error @below {{'npu_tensor.dequantize' op is marked prologue (npu.tile) but is not a sub-byte constant's dequantize read only as the weight of matmul_float / conv_float}}
  %d = "npu_tensor.dequantize"(%w) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>, npu.tile = {family = "prologue"}} : (tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>) -> tensor<4x2xf32>
  %y = "npu_tensor.matmul_float"(%x, %d) {acc = "fp32", scale = array<f32: 1.0>, npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 2, 2, 4>, tile = array<i64: 1, 2, 2, 4>, reduce = ["k"]}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0>}} : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %y, %d : tensor<2x2xf32>, tensor<4x2xf32>
}
{-# dialect_resources: { builtin: { w4x2: "0x0100000001020304050607f9" } } #-}

// -----


// The same dequantize read as the left operand (the int4 scheme's lhs_weight case): not a prologue.
func.func @main(%x: tensor<2x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense_resource<w4x2> : tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>
  // expected-error @below {{'npu_tensor.dequantize' op is marked prologue (npu.tile) but is not a sub-byte constant's dequantize read only as the weight of matmul_float / conv_float}}
  %d = "npu_tensor.dequantize"(%w) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>, npu.tile = {family = "prologue"}} : (tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>) -> tensor<4x2xf32>
  %y = "npu_tensor.matmul_float"(%d, %x) {acc = "fp32", scale = array<f32: 1.0>, npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 4, 2, 2>, tile = array<i64: 1, 4, 2, 2>, reduce = ["k"]}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0>}} : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
{-# dialect_resources: { builtin: { w4x2: "0x0100000001020304050607f9" } } #-}
