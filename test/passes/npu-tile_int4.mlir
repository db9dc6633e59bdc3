// RUN: npu-opt %s --split-input-file --target=datacenter-hbm --npu-tile | FileCheck %s

// An int4 weight is packed two values a byte and a DMA moves bytes: npu-tile only admits
// tiles whose boxes of it start and end on bytes (npu.spatial.subbyte).

// The digits CNN's conv1 weight [8, 9]: the cost estimate alone gives each of 8 PEs one
// row, but odd rows start mid-byte (offset 9); tiles of 2 rows (18 values) do not.
// CHECK-LABEL: func.func @odd_rows
// CHECK: "npu_tensor.dequantize"
// CHECK-SAME: family = "eltwise"
// CHECK-SAME: tile = array<i64: 2, 9>
func.func @odd_rows() -> tensor<8x9xf32> {
  %w = arith.constant dense_resource<w8x9> : tensor<8x9x!quant.uniform<i4<-7:7>:f32:{1:9}, {{0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}}>>
  %0 = "npu_tensor.dequantize"(%w) {axis = 1 : i64, block_size = 9 : i64, scale = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5>, zero_point = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>} : (tensor<8x9x!quant.uniform<i4<-7:7>:f32:{1:9}, {{0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}}>>) -> tensor<8x9xf32>
  return %0 : tensor<8x9xf32>
}
{-# dialect_resources: { builtin: { w8x9: "0x01000000090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304" } } #-}

// -----

// Rows of 10 values start on bytes whatever the row count: one row per PE.
// CHECK-LABEL: func.func @even_rows
// CHECK: "npu_tensor.dequantize"
// CHECK-SAME: tile = array<i64: 1, 10>
func.func @even_rows() -> tensor<8x10xf32> {
  %w = arith.constant dense_resource<w8x10> : tensor<8x10x!quant.uniform<i4<-7:7>:f32, 0.5>>
  %0 = "npu_tensor.dequantize"(%w) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<8x10x!quant.uniform<i4<-7:7>:f32, 0.5>>) -> tensor<8x10xf32>
  return %0 : tensor<8x10xf32>
}
{-# dialect_resources: { builtin: { w8x10: "0x01000000090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304050607090a0b0c0d0e0f0001020304050607090a0b0c0d" } } #-}

// -----

// Read as a matmul's right operand, the dequantize runs inside the matmul (a prologue: no layer of
// its own, npu.spatial.dequant_fuse); read as the left operand it stays an elementwise layer.
// CHECK-LABEL: func.func @rhs_weight
// CHECK: "npu_tensor.dequantize"{{.*}}npu.tile = {family = "prologue"}
// CHECK: "npu_tensor.matmul_float"{{.*}}family = "matmul"
// CHECK-LABEL: func.func @lhs_weight
// CHECK: "npu_tensor.dequantize"{{.*}}family = "eltwise"
func.func @rhs_weight(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense_resource<w4x2> : tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>
  %d = "npu_tensor.dequantize"(%w) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>) -> tensor<4x2xf32>
  %y = "npu_tensor.matmul_float"(%x, %d) {acc = "fp32", scale = array<f32: 1.0>} : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
{-# dialect_resources: { builtin: { w4x2: "0x0100000001020304050607f9" } } #-}

// -----

func.func @lhs_weight(%x: tensor<2x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense_resource<w4x2> : tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>
  %d = "npu_tensor.dequantize"(%w) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4x2x!quant.uniform<i4:f32, 5.000000e-01>>) -> tensor<4x2xf32>
  %y = "npu_tensor.matmul_float"(%d, %x) {acc = "fp32", scale = array<f32: 1.0>} : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
{-# dialect_resources: { builtin: { w4x2: "0x0100000001020304050607f9" } } #-}
