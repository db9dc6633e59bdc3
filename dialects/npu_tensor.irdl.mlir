// npu_tensor: level 1 (graph) and level 2 (quantized) of the npu toolchain.
//
// Value-semantics ops on builtin tensors; element types are builtin ints and
// floats or `!quant.uniform` types. Shapes are static. Every static parameter
// (strides, pads, perm, target shape) is an attribute, never a constant operand.
// Produced by: the ONNX importer (npu-translate --import-onnx) and the
// quantization passes. Consumed by: the golden interpreter, the tiling passes.
//
// Doc convention (read by the docs generator): the comment block right above
// each `irdl.operation` is its documentation; the first line is the summary,
// lines after `Example:` are an example.

irdl.dialect @npu_tensor {
  // Elementwise sum with numpy/ONNX broadcasting.
  // Example:
  //   %0 = "npu_tensor.add"(%a, %b) : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  irdl.operation @add {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out)
  }

  // Elementwise max(x, 0).
  // Example:
  //   %0 = "npu_tensor.relu"(%x) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  irdl.operation @relu {
    %in = irdl.base "!builtin.tensor"
    %out = irdl.base "!builtin.tensor"
    irdl.operands(input: %in)
    irdl.results(out: %out)
  }

  // Matrix product with numpy batching: [..., M, K] x [..., K, N] -> [..., M, N].
  // Example:
  //   %0 = "npu_tensor.matmul"(%a, %b) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  irdl.operation @matmul {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out)
  }

  // Same elements, new static shape (the result type gives the shape).
  // Example:
  //   %0 = "npu_tensor.reshape"(%x) : (tensor<2x8xf32>) -> tensor<16xf32>
  irdl.operation @reshape {
    %in = irdl.base "!builtin.tensor"
    %out = irdl.base "!builtin.tensor"
    irdl.operands(input: %in)
    irdl.results(out: %out)
  }

  // Permute dimensions: out.shape[i] = in.shape[perm[i]].
  // Example:
  //   %0 = "npu_tensor.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<8x2xf32>
  irdl.operation @transpose {
    %in = irdl.base "!builtin.tensor"
    %out = irdl.base "!builtin.tensor"
    %perm = irdl.base "#builtin.dense_array"
    irdl.operands(input: %in)
    irdl.results(out: %out)
    irdl.attributes { "perm" = %perm }
  }

  // ---- elementwise and shape families (owned by the front-end) ----

  // Elementwise difference lhs - rhs with numpy/ONNX broadcasting.
  // Example:
  //   %0 = "npu_tensor.sub"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @sub {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise product with numpy/ONNX broadcasting.
  // Example:
  //   %0 = "npu_tensor.mul"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @mul {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise quotient with broadcasting; integer division truncates toward zero.
  // Example:
  //   %0 = "npu_tensor.div"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @div {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise lhs ** rhs with broadcasting; the result has the lhs element type.
  // Example:
  //   %0 = "npu_tensor.pow"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @pow {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise lhs == rhs with broadcasting, an i1 result.
  // Example:
  //   %0 = "npu_tensor.equal"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  irdl.operation @equal {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise lhs < rhs with broadcasting, an i1 result.
  // Example:
  //   %0 = "npu_tensor.less"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  irdl.operation @less {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise lhs <= rhs with broadcasting, an i1 result.
  // Example:
  //   %0 = "npu_tensor.less_or_equal"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  irdl.operation @less_or_equal {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise lhs > rhs with broadcasting, an i1 result.
  // Example:
  //   %0 = "npu_tensor.greater"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  irdl.operation @greater {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise lhs >= rhs with broadcasting, an i1 result.
  // Example:
  //   %0 = "npu_tensor.greater_or_equal"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  irdl.operation @greater_or_equal {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise x < 0 ? x * slope : x, slope broadcast to x.
  // Example:
  //   %0 = "npu_tensor.prelu"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @prelu {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise logical and of i1 tensors with broadcasting.
  // Example:
  //   %0 = "npu_tensor.and"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  irdl.operation @and {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise logical or of i1 tensors with broadcasting.
  // Example:
  //   %0 = "npu_tensor.or"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  irdl.operation @or {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise logical xor of i1 tensors with broadcasting.
  // Example:
  //   %0 = "npu_tensor.xor"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  irdl.operation @xor {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise bitwise and of integer tensors with broadcasting.
  // Example:
  //   %0 = "npu_tensor.bitwise_and"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  irdl.operation @bitwise_and {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise bitwise or of integer tensors with broadcasting.
  // Example:
  //   %0 = "npu_tensor.bitwise_or"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  irdl.operation @bitwise_or {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise bitwise xor of integer tensors with broadcasting.
  // Example:
  //   %0 = "npu_tensor.bitwise_xor"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  irdl.operation @bitwise_xor {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise remainder with broadcasting: sign of the divisor (fmod = 0) or of the dividend (fmod = 1).
  // Example:
  //   %0 = "npu_tensor.mod"(%a, %b) {fmod = 0 : i64} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  irdl.operation @mod {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %fmod_a = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
    irdl.attributes { "fmod" = %fmod_a }
  }

  // Elementwise shift of unsigned integers, direction "LEFT" or "RIGHT".
  // Example:
  //   %0 = "npu_tensor.bit_shift"(%a, %b) {direction = "LEFT"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  irdl.operation @bit_shift {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %direction_a = irdl.base "#builtin.string"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
    irdl.attributes { "direction" = %direction_a }
  }

  // Elementwise -x.
  // Example:
  //   %0 = "npu_tensor.neg"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @neg {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise |x|.
  // Example:
  //   %0 = "npu_tensor.abs"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @abs {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise sqrt(x).
  // Example:
  //   %0 = "npu_tensor.sqrt"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @sqrt {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise e^x.
  // Example:
  //   %0 = "npu_tensor.exp"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @exp {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise natural logarithm of x.
  // Example:
  //   %0 = "npu_tensor.log"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @log {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise tanh(x).
  // Example:
  //   %0 = "npu_tensor.tanh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @tanh {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise 1 / (1 + e^-x).
  // Example:
  //   %0 = "npu_tensor.sigmoid"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @sigmoid {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise the error function of x.
  // Example:
  //   %0 = "npu_tensor.erf"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @erf {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise 1 / x.
  // Example:
  //   %0 = "npu_tensor.reciprocal"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @reciprocal {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise floor(x).
  // Example:
  //   %0 = "npu_tensor.floor"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @floor {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise ceil(x).
  // Example:
  //   %0 = "npu_tensor.ceil"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @ceil {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise x rounded half to even.
  // Example:
  //   %0 = "npu_tensor.round"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @round {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise sign(x) in {-1, 0, 1}.
  // Example:
  //   %0 = "npu_tensor.sign"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @sign {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise sin(x).
  // Example:
  //   %0 = "npu_tensor.sin"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @sin {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise cos(x).
  // Example:
  //   %0 = "npu_tensor.cos"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @cos {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise tan(x).
  // Example:
  //   %0 = "npu_tensor.tan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @tan {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise asin(x).
  // Example:
  //   %0 = "npu_tensor.asin"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @asin {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise acos(x).
  // Example:
  //   %0 = "npu_tensor.acos"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @acos {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise atan(x).
  // Example:
  //   %0 = "npu_tensor.atan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @atan {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise sinh(x).
  // Example:
  //   %0 = "npu_tensor.sinh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @sinh {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise cosh(x).
  // Example:
  //   %0 = "npu_tensor.cosh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @cosh {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise asinh(x).
  // Example:
  //   %0 = "npu_tensor.asinh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @asinh {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise acosh(x).
  // Example:
  //   %0 = "npu_tensor.acosh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @acosh {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise atanh(x).
  // Example:
  //   %0 = "npu_tensor.atanh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @atanh {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise log(1 + e^x).
  // Example:
  //   %0 = "npu_tensor.softplus"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @softplus {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise x / (1 + |x|).
  // Example:
  //   %0 = "npu_tensor.softsign"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @softsign {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise x * tanh(softplus(x)).
  // Example:
  //   %0 = "npu_tensor.mish"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @mish {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise x * max(0, min(1, x / 6 + 1/2)).
  // Example:
  //   %0 = "npu_tensor.hard_swish"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @hard_swish {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise logical not of an i1 tensor.
  // Example:
  //   %0 = "npu_tensor.not"(%x) : (tensor<2x3xi1>) -> tensor<2x3xi1>
  irdl.operation @not {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise bitwise not of an integer tensor.
  // Example:
  //   %0 = "npu_tensor.bitwise_not"(%x) : (tensor<2x3xi32>) -> tensor<2x3xi32>
  irdl.operation @bitwise_not {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise x is NaN, an i1 result.
  // Example:
  //   %0 = "npu_tensor.is_nan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xi1>
  irdl.operation @is_nan {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Elementwise x is +inf (detect_positive) or -inf (detect_negative), an i1 result.
  // Example:
  //   %0 = "npu_tensor.is_inf"(%x) {detect_negative = 1 : i64, detect_positive = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  irdl.operation @is_inf {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %detect_negative_a = irdl.base "#builtin.integer"
    %detect_positive_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "detect_negative" = %detect_negative_a, "detect_positive" = %detect_positive_a }
  }

  // Elementwise x >= 0 ? x : alpha * x.
  // Example:
  //   %0 = "npu_tensor.leaky_relu"(%x) {alpha = 0.00999999977 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @leaky_relu {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a }
  }

  // Elementwise x >= 0 ? x : alpha * (e^x - 1).
  // Example:
  //   %0 = "npu_tensor.elu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @elu {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a }
  }

  // Elementwise max(0, x) + min(0, alpha * (e^(x / alpha) - 1)).
  // Example:
  //   %0 = "npu_tensor.celu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @celu {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a }
  }

  // Elementwise gamma * (x > 0 ? x : alpha * (e^x - 1)).
  // Example:
  //   %0 = "npu_tensor.selu"(%x) {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @selu {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    %gamma_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a, "gamma" = %gamma_a }
  }

  // Elementwise x > alpha ? x : 0.
  // Example:
  //   %0 = "npu_tensor.thresholded_relu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @thresholded_relu {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a }
  }

  // Elementwise max(0, min(1, alpha * x + beta)).
  // Example:
  //   %0 = "npu_tensor.hard_sigmoid"(%x) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @hard_sigmoid {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    %beta_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a, "beta" = %beta_a }
  }

  // Elementwise x < -lambd ? x + bias : (x > lambd ? x - bias : 0).
  // Example:
  //   %0 = "npu_tensor.shrink"(%x) {bias = 0.000000e+00 : f32, lambd = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @shrink {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %bias_a = irdl.base "#builtin.float"
    %lambd_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "bias" = %bias_a, "lambd" = %lambd_a }
  }

  // Elementwise x * Phi(x), exact (approximate = "none") or with the tanh formula ("tanh").
  // Example:
  //   %0 = "npu_tensor.gelu"(%x) {approximate = "none"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @gelu {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %approximate_a = irdl.base "#builtin.string"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "approximate" = %approximate_a }
  }

  // Elementwise min(max(x, min), max); min/max are scalars of the operand's kind (float or integer attribute).
  // Example:
  //   %0 = "npu_tensor.clip"(%x) {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @clip {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %min_a = irdl.any
    %max_a = irdl.any
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "min" = %min_a, "max" = %max_a }
  }

  // Element type conversion to the result's element type; saturate = 1 clamps out-of-range values for float8 results.
  // Example:
  //   %0 = "npu_tensor.cast"(%x) {saturate = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  irdl.operation @cast {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %saturate_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "saturate" = %saturate_a }
  }

  // Elementwise select: cond ? lhs : rhs, all three broadcast together.
  // Example:
  //   %0 = "npu_tensor.where"(%c, %a, %b) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @where {
    %cond = irdl.base "!builtin.tensor"
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(cond: %cond, lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise maximum of one or more operands with broadcasting.
  // Example:
  //   %0 = "npu_tensor.max"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @max {
    %inputs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(inputs: variadic %inputs)
    irdl.results(out: %out_t)
  }

  // Elementwise minimum of one or more operands with broadcasting.
  // Example:
  //   %0 = "npu_tensor.min"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @min {
    %inputs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(inputs: variadic %inputs)
    irdl.results(out: %out_t)
  }

  // Elementwise sum of one or more operands with broadcasting.
  // Example:
  //   %0 = "npu_tensor.sum"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @sum {
    %inputs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(inputs: variadic %inputs)
    irdl.results(out: %out_t)
  }

  // Elementwise mean of one or more operands with broadcasting.
  // Example:
  //   %0 = "npu_tensor.mean"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @mean {
    %inputs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(inputs: variadic %inputs)
    irdl.results(out: %out_t)
  }

  // Remove the size-1 dimensions listed in axes (sorted, non-negative).
  // Example:
  //   %0 = "npu_tensor.squeeze"(%x) {axes = array<i64: 0, 2>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  irdl.operation @squeeze {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a }
  }

  // Insert size-1 dimensions at the result positions listed in axes (sorted, non-negative).
  // Example:
  //   %0 = "npu_tensor.unsqueeze"(%x) {axes = array<i64: 0, 2>} : (tensor<3xf32>) -> tensor<1x3x1xf32>
  irdl.operation @unsqueeze {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a }
  }

  // Join one or more tensors along axis (non-negative); other dimensions must match.
  // Example:
  //   %0 = "npu_tensor.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  irdl.operation @concat {
    %inputs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(inputs: variadic %inputs)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
  }

  // Cut a tensor along axis into pieces of the sizes in split, one result each.
  // Example:
  //   %0:2 = "npu_tensor.split"(%x) {axis = 1 : i64, split = array<i64: 3, 5>} : (tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x5xf32>)
  irdl.operation @split {
    %input = irdl.base "!builtin.tensor"
    %outs_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %split_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(outs: variadic %outs_t)
    irdl.attributes { "axis" = %axis_a, "split" = %split_a }
  }

  // Strided slice with ONNX semantics: for each listed axis, start:end:step, bounds clamped to the dimension.
  // Example:
  //   %0 = "npu_tensor.slice"(%x) {axes = array<i64: 1>, ends = array<i64: 7>, starts = array<i64: 1>, steps = array<i64: 2>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  irdl.operation @slice {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %starts_a = irdl.base "#builtin.dense_array"
    %ends_a = irdl.base "#builtin.dense_array"
    %axes_a = irdl.base "#builtin.dense_array"
    %steps_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "starts" = %starts_a, "ends" = %ends_a, "axes" = %axes_a, "steps" = %steps_a }
  }

  // Take entries of input along axis at integer indices (negative ones count from the end): out.shape = in[:axis] + indices + in[axis+1:].
  // Example:
  //   %0 = "npu_tensor.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  irdl.operation @gather {
    %input = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, indices: %indices)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
  }

  // Take input elements along axis at positions given elementwise by indices (same rank; ONNX GatherElements).
  // Example:
  //   %0 = "npu_tensor.gather_elements"(%x, %i) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  irdl.operation @gather_elements {
    %input = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, indices: %indices)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
  }

  // Gather slices of input addressed by the last dimension of indices, after batch_dims shared leading dims (ONNX GatherND).
  // Example:
  //   %0 = "npu_tensor.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
  irdl.operation @gather_nd {
    %input = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %batch_dims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, indices: %indices)
    irdl.results(out: %out_t)
    irdl.attributes { "batch_dims" = %batch_dims_a }
  }

  // Broadcast input against shape (numpy rules); the result has the broadcast shape.
  // Example:
  //   %0 = "npu_tensor.expand"(%x) {shape = array<i64: 2, 1, 3>} : (tensor<3xf32>) -> tensor<2x1x3xf32>
  irdl.operation @expand {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %shape_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "shape" = %shape_a }
  }

  // Repeat input repeats[i] times along each dimension i.
  // Example:
  //   %0 = "npu_tensor.tile"(%x) {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  irdl.operation @tile {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %repeats_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "repeats" = %repeats_a }
  }

  // Pad (negative: crop) each dimension by pads = [begin_0.., end_0..]; mode constant (with value), reflect, edge or wrap.
  // Example:
  //   %0 = "npu_tensor.pad"(%x) {mode = "constant", pads = array<i64: 0, 1, 0, 1>, value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  irdl.operation @pad {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %pads_a = irdl.base "#builtin.dense_array"
    %mode_a = irdl.base "#builtin.string"
    %value_a = irdl.any
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "pads" = %pads_a, "mode" = %mode_a, "value" = %value_a }
  }

  // Move channel blocks into blocksize x blocksize spatial blocks, mode "DCR" or "CRD" (NCHW).
  // Example:
  //   %0 = "npu_tensor.depth_to_space"(%x) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  irdl.operation @depth_to_space {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %blocksize_a = irdl.base "#builtin.integer"
    %mode_a = irdl.base "#builtin.string"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "blocksize" = %blocksize_a, "mode" = %mode_a }
  }

  // Move blocksize x blocksize spatial blocks into channels (NCHW).
  // Example:
  //   %0 = "npu_tensor.space_to_depth"(%x) {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  irdl.operation @space_to_depth {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %blocksize_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "blocksize" = %blocksize_a }
  }

  // Keep the upper (upper = 1) or lower triangle of the last two dimensions, offset by diagonal k.
  // Example:
  //   %0 = "npu_tensor.trilu"(%x) {k = 0 : i64, upper = 1 : i64} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  irdl.operation @trilu {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %upper_a = irdl.base "#builtin.integer"
    %k_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "upper" = %upper_a, "k" = %k_a }
  }

  // Resample the spatial dimensions (ONNX Resize): mode nearest / linear / cubic, each axis by scales[i] to the result shape.
  // Example:
  //   %0 = "npu_tensor.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f32: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  irdl.operation @resize {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %mode_a = irdl.base "#builtin.string"
    %coordinate_transformation_mode_a = irdl.base "#builtin.string"
    %nearest_mode_a = irdl.base "#builtin.string"
    %cubic_coeff_a_a = irdl.base "#builtin.float"
    %exclude_outside_a = irdl.base "#builtin.integer"
    %extrapolation_value_a = irdl.base "#builtin.float"
    %antialias_a = irdl.base "#builtin.integer"
    %scales_a = irdl.base "#builtin.dense_array"
    %roi_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "mode" = %mode_a, "coordinate_transformation_mode" = %coordinate_transformation_mode_a, "nearest_mode" = %nearest_mode_a, "cubic_coeff_a" = %cubic_coeff_a_a, "exclude_outside" = %exclude_outside_a, "extrapolation_value" = %extrapolation_value_a, "antialias" = %antialias_a, "scales" = %scales_a, "roi" = %roi_a }
  }
}
