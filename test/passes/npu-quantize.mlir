// Calibration: 4 samples spanning exactly [0, 2.55], so the int8 input is scale 0.01, zero point -128.
// RUN: rm -rf %t && mkdir -p %t/calib
// RUN: %PYTHON -c "import numpy as np; [np.save('%t/calib/c%%d.npy' %% i, np.roll(np.linspace(0, 2.55, 16, dtype=np.float32), i).reshape(1, 1, 4, 4)) for i in range(4)]"
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false" | FileCheck %s
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false" | npu-opt | FileCheck %s
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false per-channel=false" | FileCheck %s --check-prefix=PT
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false symmetric=true rounding=double" | FileCheck %s --check-prefix=SYM

// A conv (channel maxima |w| 1.27 and 2.54: scales 0.01 and 0.02) with ReLU, a max pool,
// a flatten and a Gemm (transB) whose result is returned.

// The input is quantized once; conv + relu become conv_int -> rescale (the ReLU is the
// output range [0, max] of the rescale: zero point -128, no clamp needed).
// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = "npu_tensor.quantize"(%arg0) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.00999999977>, zero_point = array<i64: -128>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>
// CHECK:      %[[W:.*]] = arith.constant dense_resource<conv1_w> : tensor<2x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.0099999997764825821,0.019999999552965164}>>
// CHECK:      %[[B:.*]] = arith.constant dense<[50, 25]> : tensor<2xi32>
// CHECK:      %[[ACC:.*]] = "npu_tensor.conv_int"(%[[X]], %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = -128 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64}
// CHECK-SAME: -> tensor<1x2x4x4x!quant.uniform<i32:f32:1, {9.99999{{[0-9]*}}E-5,1.99999{{[0-9]*}}E-4}>>
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.rescale"(%[[ACC]]) {axis = 1 : i64, input_zp = 0 : i64, multiplier = array<i64: {{[0-9]+}}, {{[0-9]+}}>, output_zp = -128 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: {{[0-9]+}}, {{[0-9]+}}>}
// CHECK-NOT:  "npu_tensor.clamp"
// Data movement stays on int8 with the same quant parameters.
// CHECK-NEXT: %[[P:.*]] = "npu_tensor.max_pool"(%[[R]]) {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, [[S:.*]]:-128>>
// CHECK-NEXT: %[[F:.*]] = "npu_tensor.reshape"(%[[P]]) : (tensor<1x2x2x2x!quant.uniform<i8:f32, [[S]]:-128>>) -> tensor<1x8x!quant.uniform<i8:f32, [[S]]:-128>>
// The Gemm weight is transposed to [K, N] and quantized per output column; its result is
// returned, so it is dequantized straight from the int32 accumulator.
// CHECK:      %[[FW:.*]] = arith.constant dense_resource<fc_w> : tensor<8x3x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>>
// CHECK:      %[[FC:.*]] = "npu_tensor.matmul_int"(%[[F]], %[[FW]], %{{.*}}) {lhs_zp = -128 : i64, rhs_zp = 0 : i64} : {{.*}} -> tensor<1x3x!quant.uniform<i32:f32:1, {{.*}}>>
// CHECK-NEXT: %[[Y:.*]] = "npu_tensor.dequantize"(%[[FC]]) {axis = 1 : i64, block_size = 0 : i64, scale = array<f32: {{.*}}, {{.*}}, {{.*}}>, zero_point = array<i64: 0, 0, 0>} : {{.*}} -> tensor<1x3xf32>
// CHECK-NEXT: return %[[Y]] : tensor<1x3xf32>

// Per-tensor weights: one scale (the largest channel's, 0.02), one multiplier.
// PT:      arith.constant dense_resource<conv1_w> : tensor<2x1x3x3x!quant.uniform<i8<-127:127>:f32, 0.019999999552965164>>
// PT:      "npu_tensor.conv_int"{{.*}} -> tensor<1x2x4x4x!quant.uniform<i32:f32, 1.99999{{[0-9]*}}E-4>>
// PT-NEXT: "npu_tensor.rescale"({{.*}}) {axis = 1 : i64, input_zp = 0 : i64, multiplier = array<i64: {{[0-9]+}}>, output_zp = -128 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: {{[0-9]+}}>}

// Symmetric activations: zero point 0 and scale max|x| / 127 = 2.55 / 127; the ReLU now needs
// a clamp at the zero point; DOUBLE_ROUND rescales.
// SYM:      "npu_tensor.quantize"(%arg0) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.02007873{{[0-9]+}}>, zero_point = array<i64: 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.02007873{{[0-9]+}}>>
// SYM:      "npu_tensor.conv_int"{{.*}}input_zp = 0 : i64
// SYM-NEXT: %[[R:.*]] = "npu_tensor.rescale"{{.*}}output_zp = 0 : i64, rounding_mode = "DOUBLE_ROUND"
// SYM-NEXT: "npu_tensor.clamp"(%[[R]]) {max = 127 : i64, min = 0 : i64}
func.func @main(%x: tensor<1x1x4x4xf32> {npu.name = "x"}) -> (tensor<1x3xf32> {npu.name = "y"}) {
  %w = arith.constant dense<[[[[1.27, -0.5, 0.25], [0.0, 0.5, -1.0], [0.75, 0.1, -0.2]]], [[[-2.54, 1.0, 0.5], [0.3, -0.6, 0.9], [1.2, 0.0, -0.4]]]]> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<[0.005, 0.005]> : tensor<2xf32>
  %fw = arith.constant dense<[[0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8], [0.8, 0.7, -0.6, 0.5, 0.4, -0.3, 0.2, 0.1], [-0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1]]> : tensor<3x8xf32>
  %fb = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %0 = "npu_tensor.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv1"("Conv"))
  %1 = "npu_tensor.relu"(%0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu1"("Relu"))
  %2 = "npu_tensor.max_pool"(%1) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> loc("pool"("MaxPool"))
  %3 = "npu_tensor.reshape"(%2) : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32> loc("flatten"("Flatten"))
  %4 = "npu_tensor.gemm"(%3, %fw, %fb) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<1x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<1x3xf32> loc("fc"("Gemm"))
  return %4 : tensor<1x3xf32>
}
