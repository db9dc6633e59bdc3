// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per verifier rule of the elementwise and shape families of npu_tensor.
func.func @sub(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.sub' op expects broadcast-compatible operands, got [2, 3] and [4]}}
  %0 = "npu_tensor.sub"(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @mul(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @below {{'npu_tensor.mul' op expects result shape [2, 3], got [3, 3]}}
  %0 = "npu_tensor.mul"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @div(%a: tensor<2x3xf32>, %b: tensor<3xf16>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.div' op expects operands of one element type, got f32 and f16}}
  %0 = "npu_tensor.div"(%a, %b) : (tensor<2x3xf32>, tensor<3xf16>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @max(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf16> {
  // expected-error @below {{'npu_tensor.max' op expects result element type f32 equal to the lhs's, got f16}}
  %0 = "npu_tensor.max"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

func.func @less(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.less' op expects an i1 result, got f32}}
  %0 = "npu_tensor.less"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @and(%a: tensor<3xi8>, %b: tensor<3xi1>) -> tensor<3xi1> {
  // expected-error @below {{'npu_tensor.and' op expects i1 operands}}
  %0 = "npu_tensor.and"(%a, %b) : (tensor<3xi8>, tensor<3xi1>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @equal(%a: tensor<3xf32>, %b: tensor<2xf32>) -> tensor<3xi1> {
  // expected-error @below {{'npu_tensor.equal' op expects broadcast-compatible operands, got [3] and [2]}}
  %0 = "npu_tensor.equal"(%a, %b) : (tensor<3xf32>, tensor<2xf32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @exp(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @below {{'npu_tensor.exp' op expects result shape [2, 3] equal to its operand's, got [3, 2]}}
  %0 = "npu_tensor.exp"(%a) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @gelu(%a: tensor<2x3xf32>) -> tensor<2x3xf16> {
  // expected-error @below {{'npu_tensor.gelu' op expects result element type f32 equal to the operand's, got f16}}
  %0 = "npu_tensor.gelu"(%a) {approximate = "none"} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

func.func @is_nan(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.is_nan' op expects an i1 result, got f32}}
  %0 = "npu_tensor.is_nan"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cast(%a: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @below {{'npu_tensor.cast' op expects result shape [2, 3] equal to its operand's, got [6]}}
  %0 = "npu_tensor.cast"(%a) {round_mode = "up", saturate = 1 : i64} : (tensor<2x3xf32>) -> tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

func.func @cast(%a: tensor<2x3xf32>) -> tensor<2x3xf16> {
  // expected-error @below {{'npu_tensor.cast' op expects round_mode up, down or nearest, got 'sideways'}}
  %0 = "npu_tensor.cast"(%a) {round_mode = "sideways", saturate = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

func.func @where(%c: tensor<3xf32>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @below {{'npu_tensor.where' op expects an i1 condition, got f32}}
  %0 = "npu_tensor.where"(%c, %a, %b) : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @where(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xf32> {
  // expected-error @below {{'npu_tensor.where' op expects both branches of one element type, got f32 and i32}}
  %0 = "npu_tensor.where"(%c, %a, %b) : (tensor<3xi1>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @where(%c: tensor<2x1xi1>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @below {{'npu_tensor.where' op expects result shape [2, 3], got [3]}}
  %0 = "npu_tensor.where"(%c, %a, %b) : (tensor<2x1xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @squeeze(%a: tensor<1x3x1xf32>) -> tensor<3xf32> {
  // expected-error @below {{'npu_tensor.squeeze' op expects axes sorted, unique and in [0, 3), got [2, 0]}}
  %0 = "npu_tensor.squeeze"(%a) {axes = array<i64: 2, 0>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @squeeze(%a: tensor<1x3x1xf32>) -> tensor<1x1xf32> {
  // expected-error @below {{'npu_tensor.squeeze' op expects size-1 dimensions at axes [1], got shape [1, 3, 1]}}
  %0 = "npu_tensor.squeeze"(%a) {axes = array<i64: 1>} : (tensor<1x3x1xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @squeeze(%a: tensor<1x3x1xf32>) -> tensor<3xf32> {
  // expected-error @below {{'npu_tensor.squeeze' op expects result shape [3, 1], got [3]}}
  %0 = "npu_tensor.squeeze"(%a) {axes = array<i64: 0>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @unsqueeze(%a: tensor<3xf32>) -> tensor<1x3xf32> {
  // expected-error @below {{'npu_tensor.unsqueeze' op expects axes sorted, unique and in [0, 2), got [3]}}
  %0 = "npu_tensor.unsqueeze"(%a) {axes = array<i64: 3>} : (tensor<3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @unsqueeze(%a: tensor<3xf32>) -> tensor<1x3xf32> {
  // expected-error @below {{'npu_tensor.unsqueeze' op expects result shape [3, 1], got [1, 3]}}
  %0 = "npu_tensor.unsqueeze"(%a) {axes = array<i64: 1>} : (tensor<3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  // expected-error @below {{'npu_tensor.concat' op expects axis in [0, 2), got 2}}
  %0 = "npu_tensor.concat"(%a, %b) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @concat(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x8xf32> {
  // expected-error @below {{'npu_tensor.concat' op expects operands equal outside axis 1, got [2, 3] and [4, 5]}}
  %0 = "npu_tensor.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x7xf32> {
  // expected-error @below {{'npu_tensor.concat' op expects result shape [2, 8], got [2, 7]}}
  %0 = "npu_tensor.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @slice(%a: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.slice' op expects starts, ends, axes and steps of equal length}}
  %0 = "npu_tensor.slice"(%a) {axes = array<i64: 1>, ends = array<i64: 7>, starts = array<i64>, steps = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice(%a: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.slice' op expects unique axes in [0, 2), got [2]}}
  %0 = "npu_tensor.slice"(%a) {axes = array<i64: 2>, ends = array<i64: 7>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice(%a: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.slice' op expects non-zero steps}}
  %0 = "npu_tensor.slice"(%a) {axes = array<i64: 1>, ends = array<i64: 7>, starts = array<i64: 1>, steps = array<i64: 0>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice(%a: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.slice' op expects result shape [2, 0], got [2, 3]}}
  %0 = "npu_tensor.slice"(%a) {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 7>, steps = array<i64: -2>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather(%a: tensor<10x4xf32>, %b: tensor<2xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.gather' op expects integer indices, got f32}}
  %0 = "npu_tensor.gather"(%a, %b) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather(%a: tensor<10x4xf32>, %b: tensor<2xi64>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.gather' op expects result shape [10, 2], got [2, 4]}}
  %0 = "npu_tensor.gather"(%a, %b) {axis = 1 : i64} : (tensor<10x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather(%a: tensor<10x4xf32>, %b: tensor<2xi64>) -> tensor<10x2xf32> {
  // expected-error @below {{'npu_tensor.gather' op expects axis in [0, 2), got -1}}
  %0 = "npu_tensor.gather"(%a, %b) {axis = -1 : i64} : (tensor<10x4xf32>, tensor<2xi64>) -> tensor<10x2xf32>
  return %0 : tensor<10x2xf32>
}

// -----

func.func @gather_elements(%a: tensor<2x4xf32>, %b: tensor<3xi64>) -> tensor<3xf32> {
  // expected-error @below {{'npu_tensor.gather_elements' op expects indices of rank 2, got rank 1}}
  %0 = "npu_tensor.gather_elements"(%a, %b) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<3xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gather_elements(%a: tensor<2x4xf32>, %b: tensor<2x3xi64>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.gather_elements' op expects result shape [2, 3] (the indices' shape), got [2, 4]}}
  %0 = "npu_tensor.gather_elements"(%a, %b) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather_nd(%a: tensor<2x2xf32>, %b: tensor<2x3xi64>) -> tensor<2xf32> {
  // expected-error @below {{'npu_tensor.gather_nd' op expects batch_dims + indices.shape[-1] <= rank 2, got 0 + 3}}
  %0 = "npu_tensor.gather_nd"(%a, %b) {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_nd(%a: tensor<2x2xf32>, %b: tensor<2x1xi64>) -> tensor<2xf32> {
  // expected-error @below {{'npu_tensor.gather_nd' op expects result shape [2, 2], got [2]}}
  %0 = "npu_tensor.gather_nd"(%a, %b) {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x1xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @expand(%a: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.expand' op expects shape [2, 4] broadcast-compatible with the operand [3]}}
  %0 = "npu_tensor.expand"(%a) {shape = array<i64: 2, 4>} : (tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @expand(%a: tensor<3xf32>) -> tensor<2x1xf32> {
  // expected-error @below {{'npu_tensor.expand' op expects result shape [2, 3], got [2, 1]}}
  %0 = "npu_tensor.expand"(%a) {shape = array<i64: 2, 1>} : (tensor<3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @tile(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @below {{'npu_tensor.tile' op expects 2 non-negative repeats, got [2]}}
  %0 = "npu_tensor.tile"(%a) {repeats = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @tile(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @below {{'npu_tensor.tile' op expects result shape [4, 6], got [4, 3]}}
  %0 = "npu_tensor.tile"(%a) {repeats = array<i64: 2, 2>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @pad(%a: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @below {{'npu_tensor.pad' op expects 4 pads (begin and end per dimension), got 2}}
  %0 = "npu_tensor.pad"(%a) {mode = "constant", pads = array<i64: 0, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @pad(%a: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @below {{'npu_tensor.pad' op expects mode constant, reflect, edge or wrap, got 'mirror'}}
  %0 = "npu_tensor.pad"(%a) {mode = "mirror", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @pad(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.pad' op expects result shape [2, 5], got [2, 4]}}
  %0 = "npu_tensor.pad"(%a) {mode = "edge", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @resize(%a: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @below {{'npu_tensor.resize' op expects 4 scales and a result of rank 4}}
  %0 = "npu_tensor.resize"(%a) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, nearest_mode = "floor", mode = "nearest", roi = array<f64>, scales = array<f64: 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize(%a: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @below {{'npu_tensor.resize' op expects mode nearest, linear or cubic, got 'area'}}
  %0 = "npu_tensor.resize"(%a) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, nearest_mode = "floor", mode = "area", roi = array<f64>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize(%a: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @below {{'npu_tensor.resize' op expects an empty roi or 8 roi values, got 2}}
  %0 = "npu_tensor.resize"(%a) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, nearest_mode = "floor", mode = "linear", roi = array<f64: 0.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize(%a: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @below {{'npu_tensor.resize' op expects positive scales, got [1.0, 0.0, 2.0, 2.0]}}
  %0 = "npu_tensor.resize"(%a) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, nearest_mode = "floor", mode = "linear", roi = array<f64>, scales = array<f64: 1.0, 0.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @depth_to_space(%a: tensor<1x6x2x3xf32>) -> tensor<1x1x4x6xf32> {
  // expected-error @below {{'npu_tensor.depth_to_space' op expects an NCHW operand whose channels divide by blocksize^2 = 4, got [1, 6, 2, 3]}}
  %0 = "npu_tensor.depth_to_space"(%a) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x6x2x3xf32>) -> tensor<1x1x4x6xf32>
  return %0 : tensor<1x1x4x6xf32>
}

// -----

func.func @depth_to_space(%a: tensor<1x8x2x3xf32>) -> tensor<1x2x4x3xf32> {
  // expected-error @below {{'npu_tensor.depth_to_space' op expects result shape [1, 2, 4, 6], got [1, 2, 4, 3]}}
  %0 = "npu_tensor.depth_to_space"(%a) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x3xf32>
  return %0 : tensor<1x2x4x3xf32>
}

// -----

func.func @space_to_depth(%a: tensor<1x2x3x6xf32>) -> tensor<1x8x1x3xf32> {
  // expected-error @below {{'npu_tensor.space_to_depth' op expects an NCHW operand whose H and W divide by blocksize 2, got [1, 2, 3, 6]}}
  %0 = "npu_tensor.space_to_depth"(%a) {blocksize = 2 : i64} : (tensor<1x2x3x6xf32>) -> tensor<1x8x1x3xf32>
  return %0 : tensor<1x8x1x3xf32>
}

// -----

func.func @space_to_depth(%a: tensor<1x2x4x6xf32>) -> tensor<1x8x2x6xf32> {
  // expected-error @below {{'npu_tensor.space_to_depth' op expects result shape [1, 8, 2, 3], got [1, 8, 2, 6]}}
  %0 = "npu_tensor.space_to_depth"(%a) {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x6xf32>
  return %0 : tensor<1x8x2x6xf32>
}

// -----

func.func @trilu(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @below {{'npu_tensor.trilu' op expects an operand of rank >= 2, got rank 1}}
  %0 = "npu_tensor.trilu"(%a) {k = 0 : i64, upper = 1 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @trilu(%a: tensor<3x3xf32>) -> tensor<3x2xf32> {
  // expected-error @below {{'npu_tensor.trilu' op expects result shape [3, 3] equal to its operand's, got [3, 2]}}
  %0 = "npu_tensor.trilu"(%a) {k = 0 : i64, upper = 1 : i64} : (tensor<3x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @bit_cast(%a: tensor<2x3xf32>) -> tensor<2x3xi16> {
  // expected-error @below {{'npu_tensor.bit_cast' op expects element types of equal width, got f32 and i16}}
  %0 = "npu_tensor.bit_cast"(%a) : (tensor<2x3xf32>) -> tensor<2x3xi16>
  return %0 : tensor<2x3xi16>
}

// -----

func.func @bit_cast(%a: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error @below {{'npu_tensor.bit_cast' op expects result shape [2, 3] equal to its operand's, got [6]}}
  %0 = "npu_tensor.bit_cast"(%a) : (tensor<2x3xf32>) -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

func.func @scatter_elements(%d: tensor<2x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.scatter_elements' op expects reduction none, add, mul, max or min, got 'sum'}}
  %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "sum"} : (tensor<2x4xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @scatter_elements(%d: tensor<2x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'npu_tensor.scatter_elements' op expects indices and updates of one shape and of rank 2, got [2, 2] and [2, 3]}}
  %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<2x4xf32>, tensor<2x2xi64>, tensor<2x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @scatter_elements(%d: tensor<2x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @below {{'npu_tensor.scatter_elements' op expects result shape [2, 4] (the data's), got [2, 2]}}
  %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<2x4xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @scatter_nd(%d: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @below {{'npu_tensor.scatter_nd' op expects updates of shape indices.shape[:-1] + data.shape[k:], got [2, 4]}}
  %0 = "npu_tensor.scatter_nd"(%d, %i, %u) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @cum_sum(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'npu_tensor.cum_sum' op expects axis in [0, 2), got 2}}
  %0 = "npu_tensor.cum_sum"(%a) {axis = 2 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cum_prod(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @below {{'npu_tensor.cum_prod' op expects result shape [2, 3] equal to its operand's, got [3, 2]}}
  %0 = "npu_tensor.cum_prod"(%a) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @one_hot(%a: tensor<3xi64>) -> tensor<5x3xf32> {
  // expected-error @below {{'npu_tensor.one_hot' op expects result shape [3] + [depth] + [], got [5, 3]}}
  %0 = "npu_tensor.one_hot"(%a) {axis = 1 : i64, off_value = 0.0 : f32, on_value = 1.0 : f32} : (tensor<3xi64>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @reverse_sequence(%a: tensor<4x2x3xf32>, %l: tensor<4xi64>) -> tensor<4x2x3xf32> {
  // expected-error @below {{'npu_tensor.reverse_sequence' op expects one length per batch entry (2), got shape [4]}}
  %0 = "npu_tensor.reverse_sequence"(%a, %l) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<4x2x3xf32>, tensor<4xi64>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

func.func @reverse_sequence(%a: tensor<4x2x3xf32>, %l: tensor<2xi64>) -> tensor<4x2x3xf32> {
  // expected-error @below {{'npu_tensor.reverse_sequence' op expects batch_axis and time_axis to be 0 and 1 of an operand of rank >= 2, got 1 and 2}}
  %0 = "npu_tensor.reverse_sequence"(%a, %l) {batch_axis = 1 : i64, time_axis = 2 : i64} : (tensor<4x2x3xf32>, tensor<2xi64>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}
