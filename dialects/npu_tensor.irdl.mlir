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
}
