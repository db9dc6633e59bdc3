// Integer softmax, layer normalization, constant-lhs matmul, Gemm transA and concat of
// differently scaled int8 tensors, as npu-quantize emits them (int8, per channel).
// RUN: rm -rf %t && mkdir -p %t/calib
// RUN: %PYTHON -c "import numpy as np; [np.save('%t/calib/c%%d.npy' %% i, np.random.RandomState(i).uniform(-2, 2, (4, 8)).astype(np.float32)) for i in range(4)]"
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false" | FileCheck %s
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false" | npu-opt | FileCheck %s
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false integer-norm=false" | FileCheck %s --check-prefix=FLOAT

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = "npu_tensor.quantize"(%arg0)
// CHECK:      %[[H:.*]] = "npu_tensor.rescale"({{.*}}) -> tensor<4x8x!quant.uniform<i8:f32, {{.*}}:[[HZP:-?[0-9]+]]>>
// LayerNormalization: the rsqrt TABLE, gamma and beta as int32 constants, every integer
// parameter an attribute (8 values per row: pre-shift -4, 4 bits gained).
// CHECK:      %[[RS:.*]] = arith.constant dense_resource<layer_norm_rsqrt> : tensor<513xi16>
// CHECK-NEXT: %[[G:.*]] = arith.constant dense<[{{.*}}]> : tensor<8xi32>
// CHECK-NEXT: %[[B:.*]] = arith.constant dense<[{{.*}}]> : tensor<8xi32>
// CHECK-NEXT: %[[LN:.*]] = "npu_tensor.layer_norm_int"(%[[H]], %[[RS]], %[[G]], %[[B]]) {axis = 1 : i64, epsilon = {{[0-9]+}} : i64, gamma_shift = {{[0-9]+}} : i64, input_zp = [[HZP]] : i64, multiplier = {{[0-9]+}} : i64, output_zp = {{-?[0-9]+}} : i64, pre_shift = -4 : i64, rounding_mode = "SINGLE_ROUND", shift = {{[0-9]+}} : i64}
// Softmax: an exp TABLE for this input scale, the shared reciprocal TABLE, output 1/255 and -128.
// CHECK-NEXT: %[[EXP:.*]] = arith.constant dense_resource<sm_exp> : tensor<513xi16>
// CHECK-NEXT: %[[REC:.*]] = arith.constant dense_resource<softmax_recip> : tensor<513xi16>
// CHECK-NEXT: %[[SM:.*]] = "npu_tensor.softmax_int"(%[[LN]], %[[EXP]], %[[REC]]) {axis = 1 : i64} : {{.*}} -> tensor<4x8x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
// MatMul with a constant left operand: weight per output row, the bias add folded per row.
// CHECK-NEXT: %[[WL:.*]] = arith.constant dense_resource<lhs_w> : tensor<4x4x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>
// CHECK-NEXT: %[[BL:.*]] = arith.constant dense<[{{\[}}{{-?[0-9]+}}], [{{-?[0-9]+}}], [{{-?[0-9]+}}], [{{-?[0-9]+}}]]> : tensor<4x1xi32>
// CHECK-NEXT: %[[ACC:.*]] = "npu_tensor.matmul_int"(%[[WL]], %[[SM]], %[[BL]]) {lhs_zp = 0 : i64, rhs_zp = -128 : i64} : {{.*}} -> tensor<4x8x!quant.uniform<i32:f32:0, {{.*}}>>
// CHECK-NEXT: %[[LO:.*]] = "npu_tensor.rescale"(%[[ACC]]) {axis = 0 : i64, {{.*}}} : {{.*}} -> tensor<4x8x!quant.uniform<i8:f32, [[CS:.*]]:[[CZ:-?[0-9]+]]>>
// Concat: the softmax output (other parameters) is rescaled int8 -> int8 to the output's.
// CHECK-NEXT: %[[SR:.*]] = "npu_tensor.rescale"(%[[SM]]) {axis = 0 : i64, input_zp = -128 : i64, multiplier = array<i64: {{[0-9]+}}>, output_zp = [[CZ]] : i64, {{.*}}} : {{.*}} -> tensor<4x8x!quant.uniform<i8:f32, [[CS]]:[[CZ]]>>
// CHECK-NEXT: %[[CAT:.*]] = "npu_tensor.concat"(%[[SR]], %[[LO]]) {axis = 0 : i64} : {{.*}} -> tensor<8x8x!quant.uniform<i8:f32, [[CS]]:[[CZ]]>>
// Gemm transA: the int8 operand is transposed, then an ordinary integer layer.
// CHECK-NEXT: %[[T:.*]] = "npu_tensor.transpose"(%[[CAT]]) {perm = array<i64: 1, 0>}
// CHECK:      %[[Y:.*]] = "npu_tensor.matmul_int"(%[[T]], %{{.*}}) {lhs_zp = [[CZ]] : i64, {{.*}}}
// CHECK-NEXT: "npu_tensor.dequantize"(%[[Y]])
// CHECK-NOT:  "npu_tensor.layer_normalization"
// CHECK-NOT:  "npu_tensor.softmax"

// integer-norm=false: layer norm and softmax stay float between dequantize and quantize.
// FLOAT:      "npu_tensor.dequantize"
// FLOAT:      "npu_tensor.layer_normalization"
// FLOAT-NEXT: "npu_tensor.softmax"(%{{.*}}#0) {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
// FLOAT-NEXT: "npu_tensor.quantize"
// FLOAT-NOT:  "npu_tensor.softmax_int"
func.func @main(%x: tensor<4x8xf32> {npu.name = "x"}) -> (tensor<8x3xf32> {npu.name = "y"}) {
  %w = arith.constant dense<[[0.5, -0.25, 0.0, 0.125, 0.3, -0.1, 0.2, 0.05], [0.1, 0.6, -0.2, 0.0, 0.1, 0.2, -0.3, 0.4], [-0.3, 0.2, 0.7, -0.1, 0.0, 0.1, 0.2, -0.2], [0.2, 0.0, 0.1, 0.8, -0.2, 0.3, 0.1, 0.0], [0.0, 0.1, -0.1, 0.2, 0.9, 0.0, -0.1, 0.3], [0.1, -0.2, 0.3, 0.0, 0.1, 0.5, 0.2, -0.1], [0.2, 0.1, 0.0, -0.3, 0.2, 0.1, 0.6, 0.0], [-0.1, 0.3, 0.2, 0.1, 0.0, -0.2, 0.1, 0.7]]> : tensor<8x8xf32>
  %g = arith.constant dense<[1.0, 0.9, 1.1, 1.2, 0.8, 1.0, 0.7, 1.3]> : tensor<8xf32>
  %b = arith.constant dense<[0.0, 0.1, -0.1, 0.2, 0.0, -0.2, 0.05, 0.0]> : tensor<8xf32>
  %wl = arith.constant dense<[[1.0, -0.5, 0.25, 0.0], [0.5, 0.5, -0.5, 0.25], [0.0, 1.0, 0.5, -1.0], [-0.25, 0.0, 1.0, 0.5]]> : tensor<4x4xf32>
  %bl = arith.constant dense<[[0.1], [0.2], [0.3], [0.4]]> : tensor<4x1xf32>
  %w2 = arith.constant dense<[[1.0, 0.0, -1.0], [0.5, 0.5, 0.5], [0.0, 1.0, 0.0], [-0.5, 0.25, 1.0], [0.2, -0.2, 0.4], [0.3, 0.3, -0.3], [0.0, -1.0, 1.0], [1.0, 1.0, 1.0]]> : tensor<8x3xf32>
  %0 = "npu_tensor.matmul"(%x, %w) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("fc"("MatMul"))
  %1:3 = "npu_tensor.layer_normalization"(%0, %g, %b) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>) loc("ln"("LayerNormalization"))
  %2 = "npu_tensor.softmax"(%1#0) {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("sm"("Softmax"))
  %3 = "npu_tensor.matmul"(%wl, %2) : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("lhs"("MatMul"))
  %4 = "npu_tensor.add"(%3, %bl) : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32> loc("lhs_bias"("Add"))
  %5 = "npu_tensor.concat"(%2, %4) {axis = 0 : i64} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32> loc("cat"("Concat"))
  %6 = "npu_tensor.gemm"(%5, %w2) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 1 : i64, transB = 0 : i64} : (tensor<8x8xf32>, tensor<8x3xf32>) -> tensor<8x3xf32> loc("gt"("Gemm"))
  return %6 : tensor<8x3xf32>
}
