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

  // Element type conversion to the result's element type (float to integer truncates); saturate = 1 clamps out-of-range values for float8 results; round_mode (up, down, nearest) rounds to f8E8M0FNU.
  // Example:
  //   %0 = "npu_tensor.cast"(%x) {round_mode = "up", saturate = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  irdl.operation @cast {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %saturate_a = irdl.base "#builtin.integer"
    %round_mode_a = irdl.base "#builtin.string"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "saturate" = %saturate_a, "round_mode" = %round_mode_a }
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

  // Elementwise maximum with broadcasting (ONNX Max of N inputs is a chain of these).
  // Example:
  //   %0 = "npu_tensor.max"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @max {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Elementwise minimum with broadcasting (ONNX Min of N inputs is a chain of these).
  // Example:
  //   %0 = "npu_tensor.min"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  irdl.operation @min {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
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

  // Join two tensors along axis (non-negative); other dimensions must match. ONNX Concat of N inputs is a chain of these (IRDL variadics force equal types).
  // Example:
  //   %0 = "npu_tensor.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  irdl.operation @concat {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
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

  // Resample the spatial dimensions (ONNX Resize): mode nearest / linear / cubic, axis i by scales[i] (f64) to the result shape; roi (empty, or begin..end per axis) for tf_crop_and_resize.
  // Example:
  //   %0 = "npu_tensor.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
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

  // Reinterpret the bits of each element as the result's element type (of equal width).
  // Example:
  //   %0 = "npu_tensor.bit_cast"(%x) : (tensor<2x3xf32>) -> tensor<2x3xi32>
  irdl.operation @bit_cast {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Copy of data with updates written (or combined by reduction: none, add, mul, max, min) at the positions indices gives along axis.
  // Example:
  //   %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<2x4xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<2x4xf32>
  irdl.operation @scatter_elements {
    %data = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %updates = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %reduction_a = irdl.base "#builtin.string"
    irdl.operands(data: %data, indices: %indices, updates: %updates)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "reduction" = %reduction_a }
  }

  // Copy of data with update slices written (or combined by reduction) at the index tuples in the last dimension of indices.
  // Example:
  //   %0 = "npu_tensor.scatter_nd"(%d, %i, %u) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  irdl.operation @scatter_nd {
    %data = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %updates = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %reduction_a = irdl.base "#builtin.string"
    irdl.operands(data: %data, indices: %indices, updates: %updates)
    irdl.results(out: %out_t)
    irdl.attributes { "reduction" = %reduction_a }
  }

  // Running sum along axis; exclusive leaves out the element itself, reverse runs from the end.
  // Example:
  //   %0 = "npu_tensor.cum_sum"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @cum_sum {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %exclusive_a = irdl.base "#builtin.integer"
    %reverse_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "exclusive" = %exclusive_a, "reverse" = %reverse_a }
  }

  // Running product along axis; exclusive leaves out the element itself, reverse runs from the end.
  // Example:
  //   %0 = "npu_tensor.cum_prod"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  irdl.operation @cum_prod {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %exclusive_a = irdl.base "#builtin.integer"
    %reverse_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "exclusive" = %exclusive_a, "reverse" = %reverse_a }
  }

  // on_value where the new axis's position equals the index (negative indices count from depth), off_value elsewhere; depth is the result's size on axis.
  // Example:
  //   %0 = "npu_tensor.one_hot"(%i) {axis = 1 : i64, off_value = 0.000000e+00 : f32, on_value = 1.000000e+00 : f32} : (tensor<3xi64>) -> tensor<3x5xf32>
  irdl.operation @one_hot {
    %indices = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %off_value_a = irdl.any
    %on_value_a = irdl.any
    irdl.operands(indices: %indices)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "off_value" = %off_value_a, "on_value" = %on_value_a }
  }

  // Reverse the first lens[b] steps along time_axis of each batch entry b along batch_axis.
  // Example:
  //   %0 = "npu_tensor.reverse_sequence"(%x, %l) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<4x2x3xf32>, tensor<2xi64>) -> tensor<4x2x3xf32>
  irdl.operation @reverse_sequence {
    %input = irdl.base "!builtin.tensor"
    %lens = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %batch_axis_a = irdl.base "#builtin.integer"
    %time_axis_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, lens: %lens)
    irdl.results(out: %out_t)
    irdl.attributes { "batch_axis" = %batch_axis_a, "time_axis" = %time_axis_a }
  }

  // ---- nn family (owned by NN) ----
  // Convolution, matmul/gemm, pooling, normalization, softmax, reductions,
  // recurrent and ONNX-quantization ops. Attribute names are the ONNX ones with
  // defaults filled; auto_pad / output_shape are resolved into explicit `pads`
  // ([begin..., end...]), axes are non-negative. Verifiers: dialects/npu_tensor_nn.py.
  // Kernels: npu/interp/kernels_{nn,rnn,quant}.py.

  // N-d grouped convolution: input [N, C, *S], weight [M, C/group, *K], optional bias [M].
  // out[n, m, o] = bias[m] + sum over c in m's group and k of x[n, c, o*stride - pad_begin + k*dilation] * w[m, c, k].
  // Example:
  //   %0 = "npu_tensor.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  irdl.operation @conv {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %dilations_a = irdl.base "#builtin.dense_array"
    %group_a = irdl.base "#builtin.integer"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, weight: %weight, bias: optional %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "dilations" = %dilations_a, "group" = %group_a, "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // N-d grouped transposed convolution: input [N, C, *S], weight [C, M/group, *K], optional bias [M].
  // out size = stride*(in-1) + output_padding + (K-1)*dilation + 1 - pad_begin - pad_end.
  // Example:
  //   %0 = "npu_tensor.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
  irdl.operation @conv_transpose {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %dilations_a = irdl.base "#builtin.dense_array"
    %group_a = irdl.base "#builtin.integer"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %output_padding_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, weight: %weight, bias: optional %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "dilations" = %dilations_a, "group" = %group_a, "kernel_shape" = %kernel_shape_a, "output_padding" = %output_padding_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // 2-D deformable convolution (ONNX DeformConv): each kernel tap of each output position samples the
  // input bilinearly at its regular position plus offset[n, og, tap, (dy, dx), oh, ow] (zero outside),
  // optionally scaled by mask[n, og, tap, oh, ow]; then a grouped convolution with weight [M, C/group, kH, kW].
  // Example:
  //   %0 = "npu_tensor.deform_conv"(%x, %w, %off) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, offset_group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
  irdl.operation @deform_conv {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %offset = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %mask = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %dilations_a = irdl.base "#builtin.dense_array"
    %group_a = irdl.base "#builtin.integer"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %offset_group_a = irdl.base "#builtin.integer"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, weight: %weight, offset: %offset, bias: optional %bias, mask: optional %mask)
    irdl.results(out: %out_t)
    irdl.attributes { "dilations" = %dilations_a, "group" = %group_a, "kernel_shape" = %kernel_shape_a, "offset_group" = %offset_group_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // Integer convolution (ONNX ConvInteger): (x - x_zero_point) conv (w - w_zero_point), exact, i32 result.
  // Zero points: scalars, w_zero_point may be per output channel [M].
  // Example:
  //   %0 = "npu_tensor.conv_integer"(%x, %w, %xz, %wz) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x1x2x2xi32>
  irdl.operation @conv_integer {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %x_zero_point = irdl.base "!builtin.tensor"
    %w_zero_point = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %dilations_a = irdl.base "#builtin.dense_array"
    %group_a = irdl.base "#builtin.integer"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, weight: %weight, x_zero_point: %x_zero_point, w_zero_point: %w_zero_point)
    irdl.results(out: %out_t)
    irdl.attributes { "dilations" = %dilations_a, "group" = %group_a, "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // General matrix multiply: alpha * A' @ B' + beta * C with A' = transA ? A^T : A (rank 2), C broadcast to [M, N].
  // Example:
  //   %0 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  irdl.operation @gemm {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    %beta_a = irdl.base "#builtin.float"
    %trans_a_a = irdl.base "#builtin.integer"
    %trans_b_a = irdl.base "#builtin.integer"
    irdl.operands(a: %a, b: %b, c: optional %c)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a, "beta" = %beta_a, "transA" = %trans_a_a, "transB" = %trans_b_a }
  }

  // Matrix product with numpy batching: [..., M, K] x [..., K, N] -> [..., M, N] (ranks >= 2;
  // the importer reshapes ONNX's 1-D operands).
  // Example:
  //   %0 = "npu_tensor.matmul"(%a, %b) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  irdl.operation @matmul {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out)
  }

  // Integer matrix product (ONNX MatMulInteger): (a - a_zero_point) @ (b - b_zero_point), exact, i32 result.
  // Example:
  //   %0 = "npu_tensor.matmul_integer"(%a, %b, %az, %bz) : (tensor<4x3xui8>, tensor<3x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<4x2xi32>
  irdl.operation @matmul_integer {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %lhs_zero_point = irdl.base "!builtin.tensor"
    %rhs_zero_point = irdl.base "!builtin.tensor"
    %out = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs, lhs_zero_point: %lhs_zero_point, rhs_zero_point: %rhs_zero_point)
    irdl.results(out: %out)
  }

  // Max over each window of [N, C, *S]; padding never wins. The optional second result holds the
  // flat index of each maximum in the input (row-major, or column-major over spatial dims if storage_order = 1).
  // Example:
  //   %0 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  irdl.operation @max_pool {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %indices_t = irdl.base "!builtin.tensor"
    %ceil_mode_a = irdl.base "#builtin.integer"
    %dilations_a = irdl.base "#builtin.dense_array"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %storage_order_a = irdl.base "#builtin.integer"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t, indices: optional %indices_t)
    irdl.attributes { "ceil_mode" = %ceil_mode_a, "dilations" = %dilations_a, "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "storage_order" = %storage_order_a, "strides" = %strides_a }
  }

  // Mean over each window of [N, C, *S]; the divisor counts explicit padding iff count_include_pad = 1
  // (never the extra tail that ceil_mode adds).
  // Example:
  //   %0 = "npu_tensor.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  irdl.operation @average_pool {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %ceil_mode_a = irdl.base "#builtin.integer"
    %count_include_pad_a = irdl.base "#builtin.integer"
    %dilations_a = irdl.base "#builtin.dense_array"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "ceil_mode" = %ceil_mode_a, "count_include_pad" = %count_include_pad_a, "dilations" = %dilations_a, "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // Lp norm over each window of [N, C, *S]: (sum |x|^p)^(1/p); padding contributes 0.
  // Example:
  //   %0 = "npu_tensor.lp_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  irdl.operation @lp_pool {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %ceil_mode_a = irdl.base "#builtin.integer"
    %dilations_a = irdl.base "#builtin.dense_array"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %p_a = irdl.base "#builtin.integer"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "ceil_mode" = %ceil_mode_a, "dilations" = %dilations_a, "kernel_shape" = %kernel_shape_a, "p" = %p_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // Mean over all spatial dims: [N, C, *S] -> [N, C, 1, ...].
  // Example:
  //   %0 = "npu_tensor.global_average_pool"(%x) : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  irdl.operation @global_average_pool {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Max over all spatial dims: [N, C, *S] -> [N, C, 1, ...].
  // Example:
  //   %0 = "npu_tensor.global_max_pool"(%x) : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  irdl.operation @global_max_pool {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
  }

  // Lp norm over all spatial dims: [N, C, *S] -> [N, C, 1, ...].
  // Example:
  //   %0 = "npu_tensor.global_lp_pool"(%x) {p = 2 : i64} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  irdl.operation @global_lp_pool {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %p_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "p" = %p_a }
  }

  // Inference batch normalization over channel axis 1: (x - mean) / sqrt(var + epsilon) * scale + bias.
  // Kept as one op at level 1; folding into a preceding conv is a later pass.
  // Example:
  //   %0 = "npu_tensor.batch_normalization"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  irdl.operation @batch_normalization {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %mean = irdl.base "!builtin.tensor"
    %var = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %epsilon_a = irdl.base "#builtin.float"
    irdl.operands(input: %input, scale: %scale, bias: %bias, mean: %mean, var: %var)
    irdl.results(out: %out_t)
    irdl.attributes { "epsilon" = %epsilon_a }
  }

  // Instance normalization: per (n, c), normalize over the spatial dims, then scale[c], bias[c].
  // Example:
  //   %0 = "npu_tensor.instance_normalization"(%x, %s, %b) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  irdl.operation @instance_normalization {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %epsilon_a = irdl.base "#builtin.float"
    irdl.operands(input: %input, scale: %scale, bias: %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "epsilon" = %epsilon_a }
  }

  // Group normalization: per (n, group of C/num_groups channels), normalize, then per-channel scale and bias.
  // Example:
  //   %0 = "npu_tensor.group_normalization"(%x, %s, %b) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  irdl.operation @group_normalization {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %epsilon_a = irdl.base "#builtin.float"
    %num_groups_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, scale: %scale, bias: %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "epsilon" = %epsilon_a, "num_groups" = %num_groups_a }
  }

  // Layer normalization over dims [axis, rank): y = (x - mean) * inv_std_dev * scale + bias.
  // Results: y, mean and inv_std_dev (the statistics keep the normalized dims as 1).
  // Example:
  //   %0:3 = "npu_tensor.layer_normalization"(%x, %s, %b) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x1xf32>, tensor<1x16x1xf32>)
  irdl.operation @layer_normalization {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %mean_t = irdl.base "!builtin.tensor"
    %inv_std_dev_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %epsilon_a = irdl.base "#builtin.float"
    %stash_type_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, scale: %scale, bias: optional %bias)
    irdl.results(out: %out_t, mean: %mean_t, inv_std_dev: %inv_std_dev_t)
    irdl.attributes { "axis" = %axis_a, "epsilon" = %epsilon_a, "stash_type" = %stash_type_a }
  }

  // Mean-variance normalization over `axes`: (x - mean) / (sqrt(var) + 1e-9).
  // Example:
  //   %0 = "npu_tensor.mean_variance_normalization"(%x) {axes = array<i64: 0, 2, 3>} : (tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32>
  irdl.operation @mean_variance_normalization {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a }
  }

  // Lp normalization along `axis` (p = 1 or 2): x / ||x||_p; a zero norm gives zeros.
  // Example:
  //   %0 = "npu_tensor.lp_normalization"(%x) {axis = 1 : i64, p = 2 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  irdl.operation @lp_normalization {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %p_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "p" = %p_a }
  }

  // Local response normalization across channels: x / (bias + alpha/size * sum of x^2 over `size` channels) ^ beta.
  // Example:
  //   %0 = "npu_tensor.lrn"(%x) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 5 : i64} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  irdl.operation @lrn {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.float"
    %beta_a = irdl.base "#builtin.float"
    %bias_a = irdl.base "#builtin.float"
    %size_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "alpha" = %alpha_a, "beta" = %beta_a, "bias" = %bias_a, "size" = %size_a }
  }

  // Softmax along `axis`: exp(x - max) / sum(exp(x - max)).
  // Example:
  //   %0 = "npu_tensor.softmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  irdl.operation @softmax {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
  }

  // Log of softmax along `axis`: (x - max) - log(sum(exp(x - max))).
  // Example:
  //   %0 = "npu_tensor.log_softmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  irdl.operation @log_softmax {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
  }

  // One-hot of the first maximum along `axis`.
  // Example:
  //   %0 = "npu_tensor.hardmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  irdl.operation @hardmax {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
  }

  // Sum over `axes` (sorted, non-negative, never empty); keepdims = 1 keeps them as size 1.
  // Example:
  //   %0 = "npu_tensor.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  irdl.operation @reduce_sum {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // Mean over `axes` (as reduce_sum).
  // Example:
  //   %0 = "npu_tensor.reduce_mean"(%x) {axes = array<i64: 2>, keepdims = 1 : i64} : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
  irdl.operation @reduce_mean {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // Maximum over `axes` (as reduce_sum); an empty reduction gives the lowest value of the type.
  // Example:
  //   %0 = "npu_tensor.reduce_max"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2xf32>
  irdl.operation @reduce_max {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // Minimum over `axes` (as reduce_sum); an empty reduction gives the highest value of the type.
  // Example:
  //   %0 = "npu_tensor.reduce_min"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2xf32>
  irdl.operation @reduce_min {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // Product over `axes` (as reduce_sum).
  // Example:
  //   %0 = "npu_tensor.reduce_prod"(%x) {axes = array<i64: 0, 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<1x1xf32>
  irdl.operation @reduce_prod {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // Sum of |x| over `axes` (as reduce_sum).
  // Example:
  //   %0 = "npu_tensor.reduce_l1"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  irdl.operation @reduce_l1 {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // sqrt(sum of x^2) over `axes` (as reduce_sum).
  // Example:
  //   %0 = "npu_tensor.reduce_l2"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  irdl.operation @reduce_l2 {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // Sum of x^2 over `axes` (as reduce_sum).
  // Example:
  //   %0 = "npu_tensor.reduce_sum_square"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  irdl.operation @reduce_sum_square {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // log(sum of x) over `axes` (as reduce_sum).
  // Example:
  //   %0 = "npu_tensor.reduce_log_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  irdl.operation @reduce_log_sum {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // log(sum of exp(x)) over `axes`, computed stably (as reduce_sum).
  // Example:
  //   %0 = "npu_tensor.reduce_log_sum_exp"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  irdl.operation @reduce_log_sum_exp {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "keepdims" = %keepdims_a }
  }

  // Index (i64) of the maximum along `axis`: the first one, or the last if select_last_index = 1;
  // keepdims = 1 keeps the axis as size 1.
  // Example:
  //   %0 = "npu_tensor.arg_max"(%x) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2xi64>
  irdl.operation @arg_max {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %keepdims_a = irdl.base "#builtin.integer"
    %last_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "keepdims" = %keepdims_a, "select_last_index" = %last_a }
  }

  // Index (i64) of the minimum along `axis` (as arg_max).
  // Example:
  //   %0 = "npu_tensor.arg_min"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2x1xi64>
  irdl.operation @arg_min {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %keepdims_a = irdl.base "#builtin.integer"
    %last_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "keepdims" = %keepdims_a, "select_last_index" = %last_a }
  }

  // The k largest (largest = 1) or smallest values along `axis`, sorted, and their i64 indices;
  // equal values keep the lower index first. ONNX's K input is the attribute k.
  // Example:
  //   %0:2 = "npu_tensor.top_k"(%x) {axis = 1 : i64, k = 3 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x10xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  irdl.operation @top_k {
    %input = irdl.base "!builtin.tensor"
    %values_t = irdl.base "!builtin.tensor"
    %indices_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %k_a = irdl.base "#builtin.integer"
    %largest_a = irdl.base "#builtin.integer"
    %sorted_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(values: %values_t, indices: %indices_t)
    irdl.attributes { "axis" = %axis_a, "k" = %k_a, "largest" = %largest_a, "sorted" = %sorted_a }
  }

  // Einstein summation of one or two operands (numpy semantics, `...` broadcasts).
  // Example:
  //   %0 = "npu_tensor.einsum"(%a, %b) {equation = "bij,bjk->bik"} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
  irdl.operation @einsum {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %equation_a = irdl.base "#builtin.string"
    irdl.operands(lhs: %lhs, rhs: optional %rhs)
    irdl.results(out: %out_t)
    irdl.attributes { "equation" = %equation_a }
  }

  // Inverse of max_pool with indices: zeros of the result shape, input[i] stored at the flat
  // index indices[i] (over the whole result tensor). kernel_shape/strides/pads give the default size.
  // Example:
  //   %0 = "npu_tensor.max_unpool"(%x, %i) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  irdl.operation @max_unpool {
    %input = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, indices: %indices)
    irdl.results(out: %out_t)
    irdl.attributes { "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // Inverse of im2col: blocks [N, C * prod(block_shape), L] summed back into [N, C, *image_shape].
  // Example:
  //   %0 = "npu_tensor.col2im"(%x) {block_shape = array<i64: 1, 5>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x5x5xf32>) -> tensor<1x1x5x5xf32>
  irdl.operation @col2im {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %block_shape_a = irdl.base "#builtin.dense_array"
    %dilations_a = irdl.base "#builtin.dense_array"
    %image_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "block_shape" = %block_shape_a, "dilations" = %dilations_a, "image_shape" = %image_shape_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // ONNX LSTM: operands X, W [dirs, 4H, I], R [dirs, 4H, H] and optional B [dirs, 8H], sequence_lens [batch],
  // initial_h, initial_c [dirs, batch, H], P [dirs, 3H]; results Y, Y_h, Y_c (layout = 1: batch first).
  // Gates in ONNX order i, o, f, c; clip = inf means no clipping. Always carries operandSegmentSizes.
  // Example:
  //   %0:3 = "npu_tensor.lstm"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  irdl.operation @lstm {
    %x = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %seq = irdl.base "!builtin.tensor"
    %h0 = irdl.base "!builtin.tensor"
    %c0 = irdl.base "!builtin.tensor"
    %p = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %yh_t = irdl.base "!builtin.tensor"
    %yc_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.dense_array"
    %beta_a = irdl.base "#builtin.dense_array"
    %acts_a = irdl.base "#builtin.array"
    %clip_a = irdl.base "#builtin.float"
    %direction_a = irdl.base "#builtin.string"
    %hidden_size_a = irdl.base "#builtin.integer"
    %input_forget_a = irdl.base "#builtin.integer"
    %layout_a = irdl.base "#builtin.integer"
    irdl.operands(x: %x, w: %w, r: %r, b: optional %b, sequence_lens: optional %seq, initial_h: optional %h0, initial_c: optional %c0, p: optional %p)
    irdl.results(y: %y_t, y_h: %yh_t, y_c: %yc_t)
    irdl.attributes { "activation_alpha" = %alpha_a, "activation_beta" = %beta_a, "activations" = %acts_a, "clip" = %clip_a, "direction" = %direction_a, "hidden_size" = %hidden_size_a, "input_forget" = %input_forget_a, "layout" = %layout_a }
  }

  // ONNX GRU: operands X, W [dirs, 3H, I], R [dirs, 3H, H] and optional B [dirs, 6H], sequence_lens, initial_h;
  // results Y, Y_h. Gates z, r, h; linear_before_reset applies r after the recurrent matmul.
  // Example:
  //   %0:2 = "npu_tensor.gru"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
  irdl.operation @gru {
    %x = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %seq = irdl.base "!builtin.tensor"
    %h0 = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %yh_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.dense_array"
    %beta_a = irdl.base "#builtin.dense_array"
    %acts_a = irdl.base "#builtin.array"
    %clip_a = irdl.base "#builtin.float"
    %direction_a = irdl.base "#builtin.string"
    %hidden_size_a = irdl.base "#builtin.integer"
    %layout_a = irdl.base "#builtin.integer"
    %lbr_a = irdl.base "#builtin.integer"
    irdl.operands(x: %x, w: %w, r: %r, b: optional %b, sequence_lens: optional %seq, initial_h: optional %h0)
    irdl.results(y: %y_t, y_h: %yh_t)
    irdl.attributes { "activation_alpha" = %alpha_a, "activation_beta" = %beta_a, "activations" = %acts_a, "clip" = %clip_a, "direction" = %direction_a, "hidden_size" = %hidden_size_a, "layout" = %layout_a, "linear_before_reset" = %lbr_a }
  }

  // ONNX RNN (Elman): H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb); operands and results as gru with one gate.
  // Example:
  //   %0:2 = "npu_tensor.rnn"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
  irdl.operation @rnn {
    %x = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %seq = irdl.base "!builtin.tensor"
    %h0 = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %yh_t = irdl.base "!builtin.tensor"
    %alpha_a = irdl.base "#builtin.dense_array"
    %beta_a = irdl.base "#builtin.dense_array"
    %acts_a = irdl.base "#builtin.array"
    %clip_a = irdl.base "#builtin.float"
    %direction_a = irdl.base "#builtin.string"
    %hidden_size_a = irdl.base "#builtin.integer"
    %layout_a = irdl.base "#builtin.integer"
    irdl.operands(x: %x, w: %w, r: %r, b: optional %b, sequence_lens: optional %seq, initial_h: optional %h0)
    irdl.results(y: %y_t, y_h: %yh_t)
    irdl.attributes { "activation_alpha" = %alpha_a, "activation_beta" = %beta_a, "activations" = %acts_a, "clip" = %clip_a, "direction" = %direction_a, "hidden_size" = %hidden_size_a, "layout" = %layout_a }
  }

  // Training-mode batch normalization: normalize with the batch mean and population variance over
  // every axis but 1; results y, running_mean and running_var = input stat * momentum + batch stat * (1 - momentum).
  // Example:
  //   %0:3 = "npu_tensor.batch_normalization_training"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32, momentum = 0.899999976 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
  irdl.operation @batch_normalization_training {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %mean = irdl.base "!builtin.tensor"
    %var = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %running_mean_t = irdl.base "!builtin.tensor"
    %running_var_t = irdl.base "!builtin.tensor"
    %epsilon_a = irdl.base "#builtin.float"
    %momentum_a = irdl.base "#builtin.float"
    irdl.operands(input: %input, scale: %scale, bias: %bias, mean: %mean, var: %var)
    irdl.results(out: %out_t, running_mean: %running_mean_t, running_var: %running_var_t)
    irdl.attributes { "epsilon" = %epsilon_a, "momentum" = %momentum_a }
  }

  // RMS normalization over dims [axis, rank): x / sqrt(mean(x^2) + epsilon) * scale.
  // Example:
  //   %0 = "npu_tensor.rms_normalization"(%x, %s) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  irdl.operation @rms_normalization {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %epsilon_a = irdl.base "#builtin.float"
    %stash_type_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, scale: %scale)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "epsilon" = %epsilon_a, "stash_type" = %stash_type_a }
  }

  // ONNX DynamicQuantizeLinear: uint8 quantization with scale and zero point computed from the
  // input's range (extended to include 0); results y, y_scale (f32 scalar), y_zero_point (ui8 scalar).
  // Example:
  //   %0:3 = "npu_tensor.dynamic_quantize_linear"(%x) : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>)
  irdl.operation @dynamic_quantize_linear {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %scale_t = irdl.base "!builtin.tensor"
    %zero_point_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(out: %out_t, scale: %scale_t, zero_point: %zero_point_t)
  }

  // ONNX QuantizeLinear: saturate(round_half_even(x / scale) + zero_point) in the result's integer
  // (or float8/float4) type. Scale/zero point per tensor, per `axis`, or blocked (block_size > 0).
  // Example:
  //   %0 = "npu_tensor.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<1x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x8xui8>
  irdl.operation @quantize_linear {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %zero_point = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %block_size_a = irdl.base "#builtin.integer"
    %saturate_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, scale: %scale, zero_point: optional %zero_point)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "block_size" = %block_size_a, "saturate" = %saturate_a }
  }

  // ONNX DequantizeLinear: (x - zero_point) * scale in the result's float type (parameters as quantize_linear).
  // Example:
  //   %0 = "npu_tensor.dequantize_linear"(%q, %s, %z) {axis = 1 : i64, block_size = 0 : i64} : (tensor<1x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x8xf32>
  irdl.operation @dequantize_linear {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %zero_point = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %block_size_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, scale: %scale, zero_point: optional %zero_point)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "block_size" = %block_size_a }
  }

  // ONNX QLinearConv: exact integer conv of (x - x_zp) and (w - w_zp) plus i32 bias, requantized by
  // x_scale * w_scale / y_scale (w_scale, w_zp may be per output channel) with round-half-even and saturation.
  // Example:
  //   %0 = "npu_tensor.qlinear_conv"(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x7x7xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xui8>, tensor<1xf32>, tensor<1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x7x7xui8>
  irdl.operation @qlinear_conv {
    %x = irdl.base "!builtin.tensor"
    %x_scale = irdl.base "!builtin.tensor"
    %x_zero_point = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %w_scale = irdl.base "!builtin.tensor"
    %w_zero_point = irdl.base "!builtin.tensor"
    %y_scale = irdl.base "!builtin.tensor"
    %y_zero_point = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %dilations_a = irdl.base "#builtin.dense_array"
    %group_a = irdl.base "#builtin.integer"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x, x_scale: %x_scale, x_zero_point: %x_zero_point, w: %w, w_scale: %w_scale, w_zero_point: %w_zero_point, y_scale: %y_scale, y_zero_point: %y_zero_point, bias: optional %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "dilations" = %dilations_a, "group" = %group_a, "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "strides" = %strides_a }
  }

  // ONNX QLinearMatMul: exact (a - a_zp) @ (b - b_zp), requantized by a_scale * b_scale / y_scale
  // with round-half-even and saturation to the result type.
  // Example:
  //   %0 = "npu_tensor.qlinear_matmul"(%a, %as, %az, %b, %bs, %bz, %ys, %yz) : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  irdl.operation @qlinear_matmul {
    %a = irdl.base "!builtin.tensor"
    %a_scale = irdl.base "!builtin.tensor"
    %a_zero_point = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %b_scale = irdl.base "!builtin.tensor"
    %b_zero_point = irdl.base "!builtin.tensor"
    %y_scale = irdl.base "!builtin.tensor"
    %y_zero_point = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, a_scale: %a_scale, a_zero_point: %a_zero_point, b: %b, b_scale: %b_scale, b_zero_point: %b_zero_point, y_scale: %y_scale, y_zero_point: %y_zero_point)
    irdl.results(out: %out_t)
  }

  // ---- level 2: quantized (owned by QUANT) ----
  // Explicit integer and low-precision-float semantics produced by npu-quantize
  // (npu.quant) and run bit-exactly by the golden interpreter
  // (npu/interp/kernels_quantized.py, which calls npu.numerics). Quantized
  // tensors carry `!quant.uniform` element types (storage type, scale, zero
  // point; per-axis for per-channel weights, sub-channel for int4 groups); the
  // integer parameters every op needs (zero points, multipliers, shifts, clamp
  // bounds, tables) are explicit attributes or operands, and the verifiers in
  // dialects/npu_tensor_quant.py check them against the types. Semantics:
  // docs/quantization.md.

  // Float to integer (ONNX QuantizeLinear): saturate(round_half_even(float32(x) / scale) + zero_point).
  // scale/zero_point: one value, one per index of `axis`, or one per block of `block_size` along `axis`
  // (flattened, row-major); they equal the result type's quant parameters.
  // Example:
  //   %0 = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 2.000000e-02>, zero_point = array<i64: -3>} : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>
  irdl.operation @quantize {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %block_size_a = irdl.base "#builtin.integer"
    %scale_a = irdl.base "#builtin.dense_array"
    %zero_point_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "block_size" = %block_size_a, "scale" = %scale_a, "zero_point" = %zero_point_a }
  }

  // Integer to float (ONNX DequantizeLinear): float32(q - zero_point) * scale, parameters as in quantize
  // (they equal the operand type's quant parameters).
  // Example:
  //   %0 = "npu_tensor.dequantize"(%q) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 2.000000e-02>, zero_point = array<i64: -3>} : (tensor<1x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>) -> tensor<1x8xf32>
  irdl.operation @dequantize {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %block_size_a = irdl.base "#builtin.integer"
    %scale_a = irdl.base "#builtin.dense_array"
    %zero_point_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "block_size" = %block_size_a, "scale" = %scale_a, "zero_point" = %zero_point_a }
  }

  // Integer 2-D convolution (TOSA CONV2D, NCHW/OIHW): acc = bias + sum (x - input_zp) * (w - weight_zp), int8 x int8 -> int32.
  // The sum is exact and wraps modulo 2^32 (npu.numerics.conv2d_int); padding contributes 0.
  // Example:
  //   %0 = "npu_tensor.conv_int"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = -3 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x8x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>, tensor<4xi32>) -> tensor<1x4x8x8x!quant.uniform<i32:f32, 2.000000e-04>>
  irdl.operation @conv_int {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %dilations_a = irdl.base "#builtin.dense_array"
    %group_a = irdl.base "#builtin.integer"
    %input_zp_a = irdl.base "#builtin.integer"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    %weight_zp_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, weight: %weight, bias: optional %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "dilations" = %dilations_a, "group" = %group_a, "input_zp" = %input_zp_a, "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "strides" = %strides_a, "weight_zp" = %weight_zp_a }
  }

  // Integer matmul (TOSA MATMUL, numpy batching): acc[..., m, n] = bias[n] + sum_k (a - lhs_zp) * (b - rhs_zp), int32, wrapping.
  // Example:
  //   %0 = "npu_tensor.matmul_int"(%a, %b, %bias) {lhs_zp = 5 : i64, rhs_zp = 0 : i64} : (tensor<1x8x!quant.uniform<i8:f32, 2.000000e-02:5>>, tensor<8x4x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>, tensor<4xi32>) -> tensor<1x4x!quant.uniform<i32:f32, 2.000000e-04>>
  irdl.operation @matmul_int {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %lhs_zp_a = irdl.base "#builtin.integer"
    %rhs_zp_a = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs, bias: optional %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "lhs_zp" = %lhs_zp_a, "rhs_zp" = %rhs_zp_a }
  }

  // TOSA RESCALE: out = saturate(apply_scale_32(x - input_zp, multiplier[c], shift[c], rounding_mode) + output_zp).
  // One multiplier/shift pair, or one per index of dimension `axis` (per-channel); rounding_mode SINGLE_ROUND or DOUBLE_ROUND.
  // Example:
  //   %0 = "npu_tensor.rescale"(%acc) {axis = 1 : i64, input_zp = 0 : i64, multiplier = array<i64: 1374389535>, output_zp = -128 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 38>} : (tensor<1x4x8x8x!quant.uniform<i32:f32, 2.000000e-04>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 4.000000e-02:-128>>
  irdl.operation @rescale {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %input_zp_a = irdl.base "#builtin.integer"
    %multiplier_a = irdl.base "#builtin.dense_array"
    %output_zp_a = irdl.base "#builtin.integer"
    %rounding_mode_a = irdl.base "#builtin.string"
    %shift_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "input_zp" = %input_zp_a, "multiplier" = %multiplier_a, "output_zp" = %output_zp_a, "rounding_mode" = %rounding_mode_a, "shift" = %shift_a }
  }

  // TOSA CLAMP on integers: min(max(x, min), max), same type (a fused ReLU/ReLU6/Clip in the quantized domain).
  // Example:
  //   %0 = "npu_tensor.clamp"(%q) {max = 127 : i64, min = -3 : i64} : (tensor<1x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>) -> tensor<1x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>
  irdl.operation @clamp {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %max_a = irdl.base "#builtin.integer"
    %min_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "max" = %max_a, "min" = %min_a }
  }

  // TOSA TABLE, int8: out = table[x + 128] with a 256-entry int8 table (any elementwise function of one int8 tensor).
  // Example:
  //   %0 = "npu_tensor.table"(%q, %t) : (tensor<1x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<256xi8>) -> tensor<1x8x!quant.uniform<i8:f32, 7.812500e-03:-128>>
  irdl.operation @table {
    %input = irdl.base "!builtin.tensor"
    %table = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input, table: %table)
    irdl.results(out: %out_t)
  }

  // Exact int32 sum with broadcasting (TOSA ADD); a sum outside int32 is an error (TOSA REQUIRE).
  // Example:
  //   %0 = "npu_tensor.add_int"(%a, %b) : (tensor<1x8xi32>, tensor<1x8xi32>) -> tensor<1x8xi32>
  irdl.operation @add_int {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(out: %out_t)
  }

  // Exact int32 sum of (x - input_zp) over `axes` (TOSA REDUCE_SUM after a zero-point shift); keepdims as ONNX.
  // Example:
  //   %0 = "npu_tensor.reduce_sum_int"(%q) {axes = array<i64: 1>, input_zp = -3 : i64, keepdims = 0 : i64} : (tensor<1x8x32x!quant.uniform<i8:f32, 2.000000e-02:-3>>) -> tensor<1x32x!quant.uniform<i32:f32, 2.000000e-02>>
  irdl.operation @reduce_sum_int {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axes_a = irdl.base "#builtin.dense_array"
    %input_zp_a = irdl.base "#builtin.integer"
    %keepdims_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "axes" = %axes_a, "input_zp" = %input_zp_a, "keepdims" = %keepdims_a }
  }

  // Float to a low-precision float (fp8 e4m3/e5m2, bf16, fp16): round_to_format(float32(x) / float32(scale)), ties to even.
  // saturate = 1 clips to the format's largest finite value first (ONNX saturate=1).
  // Example:
  //   %0 = "npu_tensor.quantize_float"(%x) {saturate = 1 : i64, scale = 1.250000e-02 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf8E4M3FN>
  irdl.operation @quantize_float {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %saturate_a = irdl.base "#builtin.integer"
    %scale_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "saturate" = %saturate_a, "scale" = %scale_a }
  }

  // Low-precision float to f32: float32(q) * float32(scale).
  // Example:
  //   %0 = "npu_tensor.dequantize_float"(%q) {scale = 1.250000e-02 : f32} : (tensor<1x8xf8E4M3FN>) -> tensor<1x8xf32>
  irdl.operation @dequantize_float {
    %input = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %scale_a = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(out: %out_t)
    irdl.attributes { "scale" = %scale_a }
  }

  // Low-precision float convolution (NCHW/OIHW): products and sums rounded to `acc` in the order (c, ky, kx),
  // then out = float32(acc) * scale[m] + bias[m] in float32 (npu.numerics.float_matmul, sequential).
  // Example:
  //   %0 = "npu_tensor.conv_float"(%x, %w, %b) {acc = "fp32", dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, scale = array<f32: 1.000000e+00>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xbf16>, tensor<4x1x3x3xbf16>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  irdl.operation @conv_float {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %acc_a = irdl.base "#builtin.string"
    %dilations_a = irdl.base "#builtin.dense_array"
    %group_a = irdl.base "#builtin.integer"
    %kernel_shape_a = irdl.base "#builtin.dense_array"
    %pads_a = irdl.base "#builtin.dense_array"
    %scale_a = irdl.base "#builtin.dense_array"
    %strides_a = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, weight: %weight, bias: optional %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "acc" = %acc_a, "dilations" = %dilations_a, "group" = %group_a, "kernel_shape" = %kernel_shape_a, "pads" = %pads_a, "scale" = %scale_a, "strides" = %strides_a }
  }

  // Low-precision float matmul (numpy batching): sum over k in order, each product and sum rounded to `acc`,
  // then out = float32(acc) * scale[n] + bias[n] in float32.
  // Example:
  //   %0 = "npu_tensor.matmul_float"(%a, %b) {acc = "fp32", scale = array<f32: 1.000000e+00>} : (tensor<1x8xf8E4M3FN>, tensor<8x4xf8E4M3FN>) -> tensor<1x4xf32>
  irdl.operation @matmul_float {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %acc_a = irdl.base "#builtin.string"
    %scale_a = irdl.base "#builtin.dense_array"
    irdl.operands(lhs: %lhs, rhs: %rhs, bias: optional %bias)
    irdl.results(out: %out_t)
    irdl.attributes { "acc" = %acc_a, "scale" = %scale_a }
  }

  // Integer softmax along `axis` (npu.numerics.softmax_int8, docs/quantization.md), TOSA operators only:
  // d = x - max(x); e = TABLE16(128 d, exp_table) >> 7 = round(32767 exp(s_x d)); S = sum(e); 1/S by CLZ normalization
  // and recip_table (2^15 (255/256) / (1 + f)); out = round(255 e / S) - 128. int8 in; int8 out, scale 1/255, zero point -128.
  // exp_table and recip_table are 513-entry int16 TABLEs (npu.numerics.softmax_exp_table(s_x), reciprocal_table()).
  // Example:
  //   %0 = "npu_tensor.softmax_int"(%q, %exp, %recip) {axis = 1 : i64} : (tensor<2x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<513xi16>, tensor<513xi16>) -> tensor<2x8x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
  irdl.operation @softmax_int {
    %input = irdl.base "!builtin.tensor"
    %exp_table = irdl.base "!builtin.tensor"
    %recip_table = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, exp_table: %exp_table, recip_table: %recip_table)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a }
  }

  // Integer layer normalization over the dims from `axis` on (npu.numerics.layer_norm_int8, docs/quantization.md):
  // u = x - input_zp; c = N u - sum(u); h = c * 2^-pre_shift; W = sum(h^2) + epsilon; rsqrt(W) by CLZ normalization and
  // rsqrt_table (513 x int16); P = MUL(c or h << sh/2, r, 16 + max(pre_shift, 0)); A = MUL(P, gamma, gamma_shift) + beta;
  // out = RESCALE(A, multiplier, shift, rounding_mode) + output_zp. gamma, beta: int32, shaped like the normalized dims.
  // Example:
  //   %0 = "npu_tensor.layer_norm_int"(%q, %rsqrt, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = -4 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!quant.uniform<i8:f32, 1.500000e-02>>
  irdl.operation @layer_norm_int {
    %input = irdl.base "!builtin.tensor"
    %rsqrt_table = irdl.base "!builtin.tensor"
    %gamma = irdl.base "!builtin.tensor"
    %beta = irdl.base "!builtin.tensor"
    %out_t = irdl.base "!builtin.tensor"
    %axis_a = irdl.base "#builtin.integer"
    %epsilon_a = irdl.base "#builtin.integer"
    %gamma_shift_a = irdl.base "#builtin.integer"
    %input_zp_a = irdl.base "#builtin.integer"
    %multiplier_a = irdl.base "#builtin.integer"
    %output_zp_a = irdl.base "#builtin.integer"
    %pre_shift_a = irdl.base "#builtin.integer"
    %rounding_mode_a = irdl.base "#builtin.string"
    %shift_a = irdl.base "#builtin.integer"
    irdl.operands(input: %input, rsqrt_table: %rsqrt_table, gamma: %gamma, beta: %beta)
    irdl.results(out: %out_t)
    irdl.attributes { "axis" = %axis_a, "epsilon" = %epsilon_a, "gamma_shift" = %gamma_shift_a, "input_zp" = %input_zp_a, "multiplier" = %multiplier_a, "output_zp" = %output_zp_a, "pre_shift" = %pre_shift_a, "rounding_mode" = %rounding_mode_a, "shift" = %shift_a }
  }
}
