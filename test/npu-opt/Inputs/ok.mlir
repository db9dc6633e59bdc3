func.func @ok(%a: tensor<2x8xf32>) -> tensor<16xf32> {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}
