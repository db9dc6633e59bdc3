// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-lower-to-pe

// Level 4 needs level 3: placement first.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.relu' op has no npu.place placement (run npu-place first)}}
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0"], sizes = array<i64: 4>, tile = array<i64: 2>, reduce = []}} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A plan whose iteration space is not the op's.
func.func @main(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'npu_tensor.relu' op expects npu.tile dims ['d0', 'd1'] of sizes [4, 4], got ['d0'] and [16]}}
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0"], sizes = array<i64: 16>, tile = array<i64: 4>, reduce = []}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0, 1, 2, 3>}} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// Two tiles need two PEs; the placement lists one.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.relu' op expects 2 PEs in npu.place (2 tiles x 1 K groups), got 1}}
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0"], sizes = array<i64: 4>, tile = array<i64: 2>, reduce = []}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0>}} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// edge-lpddr has 16 PEs.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.relu' op expects PE ids in [0, 16) for the 4x4 mesh}}
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0"], sizes = array<i64: 4>, tile = array<i64: 4>, reduce = []}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 16>}} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Both K groups of a tile on one PE would make it wait for itself.
func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'npu_tensor.matmul' op expects the K groups of tile 0 on distinct PEs, got [3, 3]}}
  %0 = "npu_tensor.matmul"(%a, %b) {npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 4, 4, 8>, tile = array<i64: 1, 4, 4, 4>, reduce = ["k"]}, npu.place = {strategy = "output-stationary", kgroups = 2 : i64, pes = array<i64: 3, 3>}} : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// A graph output that is a graph input is a copy into its own output global, which needs a name
// of its own (the binary's I/O symbols are the globals).
// expected-error @below {{'func.func' op expects graph outputs named apart from the graph inputs and each other, got 'x' twice}}
func.func @main(%x: tensor<4xf32> {npu.name = "x"}) -> (tensor<4xf32> {npu.name = "x"}) {
  return %x : tensor<4xf32>
}

// -----

// A fused mark without the producer's epilogue count that claims it.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.relu' op is marked fused but follows no conv or matmul whose npu.tile epilogue includes it}}
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "fused"}} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
