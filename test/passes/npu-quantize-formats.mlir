// RUN: rm -rf %t && mkdir -p %t/calib
// RUN: %PYTHON -c "import numpy as np; [np.savez('%t/calib/c%%d.npz' %% i, x=np.random.RandomState(i).uniform(-1, 1, (1, 4, 8)).astype(np.float32)) for i in range(4)]"
// RUN: %PYTHON -c "from npu.target import load_target; open('%t/acc16.toml', 'w').write(load_target('edge-lpddr').with_overrides({'pe.matrix.accumulator.fp8': 'fp16'}).to_toml())"
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false" | npu-opt | FileCheck %s
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false scheme=fp8e4m3" | npu-opt | FileCheck %s --check-prefix=FP8
// RUN: npu-opt %s --target=%t/acc16.toml --npu-quantize="calib=%t/calib cache=false scheme=fp8e5m2" | FileCheck %s --check-prefix=ACC16
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false scheme=bf16" | npu-opt | FileCheck %s --check-prefix=BF16
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false scheme=int4 group-size=4" | npu-opt | FileCheck %s --check-prefix=W4
// RUN: npu-opt %s --npu-quantize="calib=%t/calib cache=false overrides=fc1=fp16" | npu-opt | FileCheck %s --check-prefix=MIX

// fc1 (matmul + bias add) -> sigmoid -> residual add with the input -> mean over tokens -> head.

// int8: the bias add is folded into matmul_int; sigmoid becomes a TABLE whose output range
// is sigmoid's [0, 1] (scale 1/255, zero point -128); the residual add of two int8 tensors is
// rescale to int32 -> add_int -> rescale; the mean is reduce_sum_int -> rescale.
// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = "npu_tensor.quantize"(%arg0)
// CHECK:      %[[ACC:.*]] = "npu_tensor.matmul_int"(%[[X]], %{{.*}}, %{{.*}}) {lhs_zp = {{-?[0-9]+}} : i64, rhs_zp = 0 : i64} : ({{.*}}, tensor<8x8x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>>, tensor<8xi32>) -> tensor<1x4x8x!quant.uniform<i32:f32:2, {{.*}}>>
// CHECK-NEXT: %[[H:.*]] = "npu_tensor.rescale"(%[[ACC]]) {axis = 2 : i64
// CHECK:      %[[T:.*]] = arith.constant dense_resource<act_table> : tensor<256xi8>
// CHECK-NEXT: %[[S:.*]] = "npu_tensor.table"(%[[H]], %[[T]]) : ({{.*}}, tensor<256xi8>) -> tensor<1x4x8x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
// CHECK-NEXT: %[[A:.*]] = "npu_tensor.rescale"(%[[S]]) {{.*}} -> tensor<1x4x8x!quant.uniform<i32:f32, {{.*}}>>
// CHECK-NEXT: %[[B:.*]] = "npu_tensor.rescale"(%[[X]]) {{.*}} -> tensor<1x4x8x!quant.uniform<i32:f32, {{.*}}>>
// CHECK-NEXT: %[[SUM:.*]] = "npu_tensor.add_int"(%[[A]], %[[B]])
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.rescale"(%[[SUM]]) {{.*}} -> tensor<1x4x8x!quant.uniform<i8:f32, {{.*}}>>
// CHECK-NEXT: %[[M:.*]] = "npu_tensor.reduce_sum_int"(%[[R]]) {axes = array<i64: 1>, input_zp = {{-?[0-9]+}} : i64, keepdims = 0 : i64} : {{.*}} -> tensor<1x8x!quant.uniform<i32:f32, {{.*}}>>
// CHECK-NEXT: %[[P:.*]] = "npu_tensor.rescale"(%[[M]])
// CHECK:      "npu_tensor.matmul_int"(%[[P]]
// CHECK-NEXT: "npu_tensor.dequantize"
// CHECK-NEXT: return

// fp8: activations and weights rounded to f8E4M3FN with scales, fp32 accumulation (edge-lpddr);
// sigmoid, add and mean stay float.
// FP8:      %[[Q:.*]] = "npu_tensor.quantize_float"(%arg0) {saturate = 1 : i64, scale = {{.*}} : f32} : (tensor<1x4x8xf32>) -> tensor<1x4x8xf8E4M3FN>
// FP8:      %[[W:.*]] = arith.constant dense_resource<fc1_w> : tensor<8x8xf8E4M3FN>
// FP8:      "npu_tensor.matmul_float"(%[[Q]], %[[W]], %{{.*}}) {acc = "fp32", scale = array<f32: {{.*}}>} : (tensor<1x4x8xf8E4M3FN>, tensor<8x8xf8E4M3FN>, tensor<8xf32>) -> tensor<1x4x8xf32>
// FP8:      "npu_tensor.sigmoid"
// FP8:      "npu_tensor.add"
// FP8:      "npu_tensor.reduce_mean"
// FP8:      "npu_tensor.matmul_float"({{.*}}) {acc = "fp32"

// The accumulator is the target's: pe.matrix.accumulator.fp8 = "fp16".
// ACC16:    "npu_tensor.quantize_float"(%arg0) {{.*}} -> tensor<1x4x8xf8E5M2>
// ACC16:    "npu_tensor.matmul_float"({{.*}}) {acc = "fp16"

// bf16: scale 1 (a plain rounding), fp32 accumulation.
// BF16:     "npu_tensor.quantize_float"(%arg0) {saturate = 1 : i64, scale = 1.000000e+00 : f32} : (tensor<1x4x8xf32>) -> tensor<1x4x8xbf16>
// BF16:     "npu_tensor.matmul_float"({{.*}}) {acc = "fp32", scale = array<f32: 1.000000e+00>} : (tensor<1x4x8xbf16>, tensor<8x8xbf16>, tensor<8xf32>)

// int4 weight-only: weights in groups of 4 along K (two blocks), dequantized to f32 in front of
// the matmul; activations stay f32.
// W4:       %[[C:.*]] = arith.constant dense_resource<fc1_w4> : tensor<8x8x!quant.uniform<i4<-7:7>:f32:{0:4}, {{.*}}>>
// W4-NEXT:  %[[D:.*]] = "npu_tensor.dequantize"(%[[C]]) {axis = 0 : i64, block_size = 4 : i64, scale = array<f32: {{.*}}>, zero_point = array<i64: 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>}
// W4:       "npu_tensor.matmul_float"(%arg0, %[[D]], %{{.*}}) {acc = "fp32", scale = array<f32: 1.000000e+00>} : (tensor<1x4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>

// An override keeps fc1 in fp16; the head stays int8.
// MIX:      "npu_tensor.quantize_float"(%arg0) {{.*}} -> tensor<1x4x8xf16>
// MIX:      "npu_tensor.matmul_float"
// MIX:      "npu_tensor.matmul_int"
func.func @main(%x: tensor<1x4x8xf32> {npu.name = "x"}) -> (tensor<1x2xf32> {npu.name = "y"}) {
  %w1 = arith.constant dense<[[0.5, -0.25, 0.125, 0.3, -0.7, 0.2, 0.1, -0.1], [0.2, 0.4, -0.6, 0.8, 0.1, -0.3, 0.5, 0.7], [-0.5, 0.3, 0.2, -0.1, 0.6, 0.4, -0.2, 0.9], [0.1, 0.1, 0.1, 0.1, -0.1, -0.1, -0.1, -0.1], [0.9, -0.8, 0.7, -0.6, 0.5, -0.4, 0.3, -0.2], [0.3, 0.6, 0.9, -0.3, -0.6, -0.9, 0.2, 0.4], [-0.4, 0.5, -0.6, 0.7, -0.8, 0.9, -0.1, 0.2], [0.25, -0.5, 0.75, -1.0, 0.5, 0.25, -0.75, 1.0]]> : tensor<8x8xf32>
  %b1 = arith.constant dense<[0.1, -0.1, 0.2, -0.2, 0.05, -0.05, 0.0, 0.3]> : tensor<8xf32>
  %w2 = arith.constant dense<[[0.5, -0.5], [0.25, 0.75], [-0.3, 0.3], [0.9, -0.1], [0.2, 0.2], [-0.6, 0.4], [0.1, -0.9], [0.7, 0.7]]> : tensor<8x2xf32>
  %0 = "npu_tensor.matmul"(%x, %w1) : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32> loc("fc1"("MatMul"))
  %1 = "npu_tensor.add"(%0, %b1) : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32> loc("fc1_add"("Add"))
  %2 = "npu_tensor.sigmoid"(%1) : (tensor<1x4x8xf32>) -> tensor<1x4x8xf32> loc("act"("Sigmoid"))
  %3 = "npu_tensor.add"(%2, %x) : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32> loc("res"("Add"))
  %4 = "npu_tensor.reduce_mean"(%3) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<1x4x8xf32>) -> tensor<1x8xf32> loc("pool"("ReduceMean"))
  %5 = "npu_tensor.matmul"(%4, %w2) : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32> loc("head"("MatMul"))
  return %5 : tensor<1x2xf32>
}
