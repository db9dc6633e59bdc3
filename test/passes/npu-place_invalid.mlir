// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-place

// Placement needs level 3: every op carries a tile plan.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.relu' op has no npu.tile plan (run npu-tile first)}}
  %0 = "npu_tensor.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.relu' op has an npu.tile plan of unknown family 'systolic'}}
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "systolic", dims = ["d0"], sizes = array<i64: 4>, tile = array<i64: 2>, reduce = []}} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.relu' op expects npu.tile tile sizes in [1, size] for each of its 1 dims, got sizes [4] and tile [8]}}
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0"], sizes = array<i64: 4>, tile = array<i64: 8>, reduce = []}} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
