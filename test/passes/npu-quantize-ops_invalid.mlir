// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per rule of the level-2 verifiers (dialects/npu_tensor_quant.py).

func.func @quantize_not_f32(%x: tensor<4xf16>) {
  // expected-error @+1 {{'npu_tensor.quantize' op expects an f32 operand, got f16}}
  %0 = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4xf16>) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>
  return
}

// -----

func.func @quantize_plain_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a !quant.uniform result element type, got i8}}
  %0 = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  return
}

// -----

func.func @quantize_attrs_disagree(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects scale/zero_point/axis/block_size attributes equal to the result type's parameters}}
  %0 = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>
  return
}

// -----

func.func @quantize_scale_count(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{expects 2 scales along axis 0, got 3}}
  %0 = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5, 0.5, 0.5>, zero_point = array<i64: 0, 0, 0>} : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01,5.000000e-01}>>
  return
}

// -----

func.func @quantize_negative_scale(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects finite scales > 0}}
  %0 = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: -0.5>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>
  return
}

// -----

func.func @quantize_blocks(%x: tensor<8x2xf32>) {
  // expected-error @+1 {{expects 4 block scales (2 blocks of 4 along axis 0), got 2}}
  %0 = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 4 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<8x2xf32>) -> tensor<8x2x!quant.uniform<i4:f32:{0:4}, {{1.0e-01, 2.0e-01}, {3.0e-01, 4.0e-01}}>>
  return
}

// -----

func.func @dequantize_not_f32(%q: tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>) {
  // expected-error @+1 {{'npu_tensor.dequantize' op expects an f32 result, got bf16}}
  %0 = "npu_tensor.dequantize"(%q) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<4xbf16>
  return
}

// -----

func.func @dequantize_shape(%q: tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>) {
  // expected-error @+1 {{expects result shape [4], got [2, 2]}}
  %0 = "npu_tensor.dequantize"(%q) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<2x2xf32>
  return
}

// -----

func.func @conv_int_float_input(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xi8>) {
  // expected-error @+1 {{'npu_tensor.conv_int' op expects an input of int8 storage, got f32}}
  %0 = "npu_tensor.conv_int"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi32>
  return
}

// -----

func.func @conv_int_i8_result(%x: tensor<1x1x4x4xi8>, %w: tensor<2x1x3x3xi8>) {
  // expected-error @+1 {{expects a result of int32 storage, got i8}}
  %0 = "npu_tensor.conv_int"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x4x4xi8>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi8>
  return
}

// -----

func.func @conv_int_shape(%x: tensor<1x1x4x4xi8>, %w: tensor<2x1x3x3xi8>) {
  // expected-error @+1 {{expects result shape [1, 2, 2, 2], got [1, 2, 4, 4]}}
  %0 = "npu_tensor.conv_int"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x4x4xi8>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi32>
  return
}

// -----

func.func @conv_int_group(%x: tensor<1x2x4x4xi8>, %w: tensor<2x1x3x3xi8>) {
  // expected-error @+1 {{expects weight [M, C/group, KH, KW] for C=2 and group=1, got [2, 1, 3, 3]}}
  %0 = "npu_tensor.conv_int"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x2x4x4xi8>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi32>
  return
}

// -----

func.func @conv_int_zero_point(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>, %w: tensor<2x1x3x3xi8>) {
  // expected-error @+1 {{expects input_zp 5 to equal the input type's zero point -3}}
  %0 = "npu_tensor.conv_int"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = 5 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x4x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi32>
  return
}

// -----

func.func @conv_int_bias(%x: tensor<1x1x4x4xi8>, %w: tensor<2x1x3x3xi8>, %b: tensor<2xi16>) {
  // expected-error @+1 {{expects an int32 bias of shape [2], got tensor<2xi16>}}
  %0 = "npu_tensor.conv_int"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x4x4xi8>, tensor<2x1x3x3xi8>, tensor<2xi16>) -> tensor<1x2x4x4xi32>
  return
}

// -----

func.func @conv_int_acc_scale(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>, %w: tensor<2x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,2.000000e-02}>>) {
  // expected-error @+1 {{expects result scale = input scale x weight scale (0.0002 for channel 0), got 0.0003}}
  %0 = "npu_tensor.conv_int"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = -3 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x4x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<2x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,2.000000e-02}>>) -> tensor<1x2x4x4x!quant.uniform<i32:f32:1, {3.000000e-04,4.000000e-04}>>
  return
}

// -----

func.func @matmul_int_shapes(%a: tensor<2x8xi8>, %b: tensor<4x4xi8>) {
  // expected-error @+1 {{'npu_tensor.matmul_int' op expects [..., M, K] x [..., K, N] operands, got [2, 8] and [4, 4]}}
  %0 = "npu_tensor.matmul_int"(%a, %b) {lhs_zp = 0 : i64, rhs_zp = 0 : i64} : (tensor<2x8xi8>, tensor<4x4xi8>) -> tensor<2x4xi32>
  return
}

// -----

func.func @matmul_int_zp_on_int32(%a: tensor<2x8xi8>, %b: tensor<8x4xi32>) {
  // expected-error @+1 {{expects an rhs of int8 storage, got i32}}
  %0 = "npu_tensor.matmul_int"(%a, %b) {lhs_zp = 0 : i64, rhs_zp = 0 : i64} : (tensor<2x8xi8>, tensor<8x4xi32>) -> tensor<2x4xi32>
  return
}

// -----

func.func @matmul_int_bias(%a: tensor<2x8xi8>, %b: tensor<8x4xi8>, %c: tensor<3xi32>) {
  // expected-error @+1 {{expects a bias broadcastable to [2, 4], got [3]}}
  %0 = "npu_tensor.matmul_int"(%a, %b, %c) {lhs_zp = 0 : i64, rhs_zp = 0 : i64} : (tensor<2x8xi8>, tensor<8x4xi8>, tensor<3xi32>) -> tensor<2x4xi32>
  return
}

// -----

func.func @matmul_int_rhs_axis(%a: tensor<2x8xi8>, %b: tensor<8x4x!quant.uniform<i8:f32:0, {1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0}>>) {
  // expected-error @+1 {{expects a per-tensor rhs or one quantized along its last axis, got axis 0}}
  %0 = "npu_tensor.matmul_int"(%a, %b) {lhs_zp = 0 : i64, rhs_zp = 0 : i64} : (tensor<2x8xi8>, tensor<8x4x!quant.uniform<i8:f32:0, {1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0}>>) -> tensor<2x4xi32>
  return
}

// -----

func.func @rescale_rounding(%x: tensor<4xi32>) {
  // expected-error @+1 {{'npu_tensor.rescale' op expects rounding_mode SINGLE_ROUND or DOUBLE_ROUND, got 'HALF_EVEN'}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1073741824>, output_zp = 0 : i64, rounding_mode = "HALF_EVEN", shift = array<i64: 31>} : (tensor<4xi32>) -> tensor<4xi8>
  return
}

// -----

func.func @rescale_counts(%x: tensor<4xi32>) {
  // expected-error @+1 {{expects as many multipliers as shifts (>= 1), got 2 and 1}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1073741824, 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 31>} : (tensor<4xi32>) -> tensor<4xi8>
  return
}

// -----

func.func @rescale_channels(%x: tensor<2x3xi32>) {
  // expected-error @+1 {{expects 2 multipliers to match dimension 1 of [2, 3]}}
  %0 = "npu_tensor.rescale"(%x) {axis = 1 : i64, input_zp = 0 : i64, multiplier = array<i64: 1073741824, 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 31, 31>} : (tensor<2x3xi32>) -> tensor<2x3xi8>
  return
}

// -----

func.func @rescale_multiplier(%x: tensor<4xi32>) {
  // expected-error @+1 {{expects multipliers in [0, 2^31) (TOSA REQUIRE)}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 2147483648>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 31>} : (tensor<4xi32>) -> tensor<4xi8>
  return
}

// -----

func.func @rescale_shift(%x: tensor<4xi32>) {
  // expected-error @+1 {{expects shifts in [2, 62] (TOSA REQUIRE)}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 63>} : (tensor<4xi32>) -> tensor<4xi8>
  return
}

// -----

func.func @rescale_int32_zero_point(%x: tensor<4xi32>) {
  // expected-error @+1 {{expects input_zp = 0 for int32 input (TOSA: zero points on 8-bit types only), got 7}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 7 : i64, multiplier = array<i64: 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 31>} : (tensor<4xi32>) -> tensor<4xi8>
  return
}

// -----

func.func @rescale_output_zero_point(%x: tensor<4xi32>) {
  // expected-error @+1 {{expects output_zp 0 to equal the result type's zero point -128}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 31>} : (tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-128>>
  return
}

// -----

func.func @rescale_unsigned_both(%x: tensor<4xui8>) {
  // expected-error @+1 {{expects at most one unsigned side (TOSA ERROR_IF)}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 31>} : (tensor<4xui8>) -> tensor<4x!quant.uniform<u8:f32, 5.000000e-01>>
  return
}

// -----

func.func @rescale_axis(%x: tensor<2x3x!quant.uniform<i32:f32:1, {1.0,2.0,3.0}>>) {
  // expected-error @+1 {{expects axis 1 (the input type's quantized dimension), got 0}}
  %0 = "npu_tensor.rescale"(%x) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1073741824>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 31>} : (tensor<2x3x!quant.uniform<i32:f32:1, {1.0,2.0,3.0}>>) -> tensor<2x3xi8>
  return
}

// -----

func.func @clamp_bounds(%x: tensor<4xi8>) {
  // expected-error @+1 {{'npu_tensor.clamp' op expects bounds inside int8 [-128, 127], got [-200, 100]}}
  %0 = "npu_tensor.clamp"(%x) {max = 100 : i64, min = -200 : i64} : (tensor<4xi8>) -> tensor<4xi8>
  return
}

// -----

func.func @clamp_order(%x: tensor<4xi8>) {
  // expected-error @+1 {{expects min <= max, got 10 > 5}}
  %0 = "npu_tensor.clamp"(%x) {max = 5 : i64, min = 10 : i64} : (tensor<4xi8>) -> tensor<4xi8>
  return
}

// -----

func.func @clamp_type(%x: tensor<4xi8>) {
  // expected-error @+1 {{expects the result type tensor<4xi8>, got tensor<4xi16>}}
  %0 = "npu_tensor.clamp"(%x) {max = 5 : i64, min = 0 : i64} : (tensor<4xi8>) -> tensor<4xi16>
  return
}

// -----

func.func @table_size(%x: tensor<4xi8>, %t: tensor<128xi8>) {
  // expected-error @+1 {{'npu_tensor.table' op expects a tensor<256xi8> table, got tensor<128xi8>}}
  %0 = "npu_tensor.table"(%x, %t) : (tensor<4xi8>, tensor<128xi8>) -> tensor<4xi8>
  return
}

// -----

func.func @table_int16_input(%x: tensor<4xi16>, %t: tensor<256xi8>) {
  // expected-error @+1 {{expects an input of int8 storage, got i16}}
  %0 = "npu_tensor.table"(%x, %t) : (tensor<4xi16>, tensor<256xi8>) -> tensor<4xi8>
  return
}

// -----

func.func @add_int_types(%a: tensor<4xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'npu_tensor.add_int' op expects an lhs of int32 storage, got i8}}
  %0 = "npu_tensor.add_int"(%a, %b) : (tensor<4xi8>, tensor<4xi32>) -> tensor<4xi32>
  return
}

// -----

func.func @add_int_broadcast(%a: tensor<4xi32>, %b: tensor<3xi32>) {
  // expected-error @+1 {{expects broadcast-compatible operands, got [4] and [3]}}
  %0 = "npu_tensor.add_int"(%a, %b) : (tensor<4xi32>, tensor<3xi32>) -> tensor<4xi32>
  return
}

// -----

func.func @reduce_sum_int_axes(%x: tensor<2x8xi8>) {
  // expected-error @+1 {{'npu_tensor.reduce_sum_int' op expects distinct axes in [0, 2), got [2]}}
  %0 = "npu_tensor.reduce_sum_int"(%x) {axes = array<i64: 2>, input_zp = 0 : i64, keepdims = 0 : i64} : (tensor<2x8xi8>) -> tensor<2xi32>
  return
}

// -----

func.func @reduce_sum_int_shape(%x: tensor<2x8xi8>) {
  // expected-error @+1 {{expects result shape [2, 1], got [2]}}
  %0 = "npu_tensor.reduce_sum_int"(%x) {axes = array<i64: 1>, input_zp = 0 : i64, keepdims = 1 : i64} : (tensor<2x8xi8>) -> tensor<2xi32>
  return
}

// -----

func.func @quantize_float_to_f32(%x: tensor<4xf32>) {
  // expected-error @+1 {{'npu_tensor.quantize_float' op expects an f8E4M3FN, f8E5M2, bf16 or f16 result, got f32}}
  %0 = "npu_tensor.quantize_float"(%x) {saturate = 1 : i64, scale = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @quantize_float_scale(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a finite scale > 0, got 0.0}}
  %0 = "npu_tensor.quantize_float"(%x) {saturate = 1 : i64, scale = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xbf16>
  return
}

// -----

func.func @dequantize_float_operand(%x: tensor<4xi8>) {
  // expected-error @+1 {{'npu_tensor.dequantize_float' op expects an f8E4M3FN, f8E5M2, bf16 or f16 operand, got i8}}
  %0 = "npu_tensor.dequantize_float"(%x) {scale = 1.0 : f32} : (tensor<4xi8>) -> tensor<4xf32>
  return
}

// -----

func.func @matmul_float_formats(%a: tensor<2x8xbf16>, %b: tensor<8x4xf16>) {
  // expected-error @+1 {{'npu_tensor.matmul_float' op expects both operands of one float format (f8E4M3FN, f8E5M2, bf16, f16 or f32), got bf16 and f16}}
  %0 = "npu_tensor.matmul_float"(%a, %b) {acc = "fp32", scale = array<f32: 1.0>} : (tensor<2x8xbf16>, tensor<8x4xf16>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_float_acc(%a: tensor<2x8xbf16>, %b: tensor<8x4xbf16>) {
  // expected-error @+1 {{expects acc fp32, fp16, bf16, got 'int32'}}
  %0 = "npu_tensor.matmul_float"(%a, %b) {acc = "int32", scale = array<f32: 1.0>} : (tensor<2x8xbf16>, tensor<8x4xbf16>) -> tensor<2x4xf32>
  return
}

// -----

func.func @conv_float_scales(%x: tensor<1x2x4x4xbf16>, %w: tensor<3x2x3x3xbf16>) {
  // expected-error @+1 {{'npu_tensor.conv_float' op expects 1 or 3 scales, got 2}}
  %0 = "npu_tensor.conv_float"(%x, %w) {acc = "fp32", dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, scale = array<f32: 1.0, 2.0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xbf16>, tensor<3x2x3x3xbf16>) -> tensor<1x3x2x2xf32>
  return
}
