func.func @bad(%a: tensor<2x8xf32>) -> tensor<15xf32> {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<15xf32>
  return %0 : tensor<15xf32>
}
