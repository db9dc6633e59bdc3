// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-tile | FileCheck %s --check-prefix=TILE
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --pass-pipeline="builtin.module(npu-tile{fuse-dequant=false},npu-place,npu-lower-to-pe)" | FileCheck %s --check-prefix=SEPARATE

// An int4 weight-only layer (npu.spatial.dequant_fuse): the weight's dequantize has no layer of its
// own (npu.tile family "prologue"); the matmul DMAs the packed i4 box, casts it to f32 and multiplies
// it by the group scales, viewed [groups, block, N] against [groups, 1, N], then multiplies. No f32
// copy of the weight exists in external memory. With fuse-dequant=false the dequantize is its own
// layer writing an f32 scratch copy (and its scale expanded to one per element).

// TILE-LABEL: func.func @main
// TILE: "npu_tensor.dequantize"{{.*}}npu.tile = {family = "prologue"}
// TILE: "npu_tensor.matmul_float"{{.*}}family = "matmul"

// CHECK-NOT: kind = "scratch"
// CHECK: "npu_mem.global"() {kind = "weight", sym_name = "w4_0", type = memref<8x4xi4, "ext">
// CHECK-NOT: kind = "scratch"
// CHECK: "npu_mem.global"() {kind = "weight", sym_name = "dq_scale", type = memref<2x4xf32, "ext">
// CHECK-LABEL: func.func @pe_0_0
// CHECK: %[[Q:.*]] = "npu_mem.alloc"() : () -> memref<8x4xi4, "sram">
// CHECK: "npu_mem.dma_start"(%{{.*}}, %[[Q]]) {{.*}}src_sizes = array<i64: 32>
// CHECK: "npu_mem.get_global"() {name = @dq_scale}
// CHECK: "npu_pe.cast"(%[[Q]], %[[F:.*]]) : (memref<8x4xi4, "sram">, memref<8x4xf32, "sram">)
// CHECK: %[[FV:.*]] = "npu_mem.view"(%[[F]]) {{.*}} -> memref<2x4x4xf32, "sram">
// CHECK: "npu_pe.binary"(%[[FV]], %{{.*}}, %[[FV]]) {kind = "mul"} : (memref<2x4x4xf32, "sram">, memref<2x1x4xf32, "sram">, memref<2x4x4xf32, "sram">)
// CHECK: "npu_pe.matmul"(%{{.*}}, %[[F]], %{{.*}})

// SEPARATE: "npu_mem.global"() {kind = "scratch", sym_name = "{{.*}}", type = memref<8x4xf32, "ext">}
// SEPARATE: "npu_mem.global"() {kind = "weight", sym_name = "dq_scale", type = memref<8x4xf32, "ext">
func.func @main(%x: tensor<2x8xf32> {npu.name = "x"}) -> (tensor<2x4xf32> {npu.name = "y"}) {
  %w = arith.constant dense_resource<w4_0> : tensor<8x4x!quant.uniform<i4<-7:7>:f32:{0:4}, {{0.02206375263631344, 0.04628016799688339, 0.028310971334576607, 0.03360820189118385}, {0.0775328204035759, 0.03523678705096245, 0.05366718769073486, 0.0982663482427597}}>>
  %d = "npu_tensor.dequantize"(%w) {axis = 0 : i64, block_size = 4 : i64,
       scale = array<f32: 0.02206375263631344, 0.04628016799688339, 0.028310971334576607, 0.03360820189118385, 0.0775328204035759, 0.03523678705096245, 0.05366718769073486, 0.0982663482427597>,
       zero_point = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>} : (tensor<8x4x!quant.uniform<i4<-7:7>:f32:{0:4}, {{0.02206375263631344, 0.04628016799688339, 0.028310971334576607, 0.03360820189118385}, {0.0775328204035759, 0.03523678705096245, 0.05366718769073486, 0.0982663482427597}}>>) -> tensor<8x4xf32>
  %b = arith.constant dense<[-2.711162567138672, -1.8890132904052734, -0.17477209866046906, -0.422190397977829]> : tensor<4xf32>
  %y = "npu_tensor.matmul_float"(%x, %d, %b) {acc = "fp32", scale = array<f32: 1.0>}
       : (tensor<2x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
{-# dialect_resources: { builtin: { w4_0: "0x0100000000000407090b05070c0d060f0d050c0f02010a0905040501050d0f040a0d0a0f" } } #-}

// -----

// An int4 conv (weight [OC = 2, C·KH·KW = 18] in groups of 6 along K, reshaped to [2, 2, 3, 3]): the
// packed [2, 18] box is dequantized ([2, 3, 6] against scales [2, 3, 1]) and transposed to the
// [18, 2] matrix (rows in conv_float's (c, ky, kx) order).

// TILE-LABEL: func.func @main
// TILE: "npu_tensor.dequantize"{{.*}}npu.tile = {family = "prologue"}
// TILE: "npu_tensor.reshape"{{.*}}npu.tile = {family = "view"}

// CHECK-NOT: kind = "scratch"
// CHECK: "npu_mem.global"() {kind = "weight", sym_name = "w4_1", type = memref<2x18xi4, "ext">
// CHECK-LABEL: func.func @pe_0_0
// CHECK: "npu_pe.cast"(%{{.*}}, %[[F:.*]]) : (memref<2x18xi4, "sram">, memref<2x18xf32, "sram">)
// CHECK: "npu_pe.binary"({{.*}}) {kind = "mul"} : (memref<2x3x6xf32, "sram">, memref<2x3x1xf32, "sram">, memref<2x3x6xf32, "sram">)
// CHECK: "npu_pe.transpose"(%[[F]], %[[W:.*]]) {perm = array<i64: 1, 0>} : (memref<2x18xf32, "sram">, memref<18x2xf32, "sram">)
// CHECK: "npu_pe.matmul"(%{{.*}}, %[[W]], %{{.*}})

// SEPARATE: "npu_mem.global"() {kind = "scratch", sym_name = "{{.*}}", type = memref<2x18xf32, "ext">}
func.func @main(%x: tensor<1x2x5x5xf32> {npu.name = "x"}) -> (tensor<1x2x5x5xf32> {npu.name = "y"}) {
  %w = arith.constant dense_resource<w4_1> : tensor<2x18x!quant.uniform<i4<-7:7>:f32:{1:6}, {{0.028310971334576607, 0.03360820189118385, 0.0775328204035759}, {0.03523678705096245, 0.05366718769073486, 0.0982663482427597}}>>
  %d = "npu_tensor.dequantize"(%w) {axis = 1 : i64, block_size = 6 : i64,
       scale = array<f32: 0.028310971334576607, 0.03360820189118385, 0.0775328204035759, 0.03523678705096245, 0.05366718769073486, 0.0982663482427597>,
       zero_point = array<i64: 0, 0, 0, 0, 0, 0>} : (tensor<2x18x!quant.uniform<i4<-7:7>:f32:{1:6}, {{0.028310971334576607, 0.03360820189118385, 0.0775328204035759}, {0.03523678705096245, 0.05366718769073486, 0.0982663482427597}}>>) -> tensor<2x18xf32>
  %r = "npu_tensor.reshape"(%d) : (tensor<2x18xf32>) -> tensor<2x2x3x3xf32>
  %b = arith.constant dense<[-2.711162567138672, -1.8890132904052734]> : tensor<2xf32>
  %y = "npu_tensor.conv_float"(%x, %r, %b) {acc = "fp32", dilations = array<i64: 1, 1>, group = 1 : i64,
       kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, scale = array<f32: 1.0>,
       strides = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  return %y : tensor<1x2x5x5xf32>
}
{-# dialect_resources: { builtin: { w4_1: "0x0100000000000407090b05070c0d060f0d050c0f02010a0905040501050d0f040a0d0a0f070b0e0f" } } #-}
