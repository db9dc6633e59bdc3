// RUN: npu-opt %s --verify-diagnostics --target=edge-lpddr --pass-pipeline="builtin.module(npu-place{strategy=row-stationary})"

// expected-error @below {{npu-place expects strategy to be one of output-stationary, weight-stationary, got 'row-stationary'}}
module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0"], sizes = array<i64: 4>, tile = array<i64: 2>, reduce = []}} : (tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
