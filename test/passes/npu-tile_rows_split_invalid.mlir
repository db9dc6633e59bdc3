// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=%S/Inputs/tiny-sram.toml --npu-tile

// Integer softmax keeps two 513-entry i16 tables and a dozen per-row buffers in SRAM: even cut
// into one-element chunks, its row does not fit the 1920-byte budget of a 4 KiB PE. The error
// names the op, the budget, the row length and what the smallest chunk needs.
func.func @main(%x: tensor<2x3000x!quant.uniform<i8:f32, 0.07:5>>) -> tensor<2x3000x!quant.uniform<i8:f32, 0.003921568859368563:-128>> {
  %e = arith.constant dense<1> : tensor<513xi16>
  %r = arith.constant dense<1> : tensor<513xi16>
  // expected-error @below {{'npu_tensor.softmax_int' op cannot lower to level 4 yet: expects a row that fits the 1920-byte SRAM budget of target 'tiny-sram' when cut into chunks: its rows of 3000 elements (dims [1]) need}}
  %0 = "npu_tensor.softmax_int"(%x, %e, %r) {axis = 1 : i64} : (tensor<2x3000x!quant.uniform<i8:f32, 0.07:5>>, tensor<513xi16>, tensor<513xi16>) -> tensor<2x3000x!quant.uniform<i8:f32, 0.003921568859368563:-128>>
  return %0 : tensor<2x3000x!quant.uniform<i8:f32, 0.003921568859368563:-128>>
}
