// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-place | npu-opt --split-input-file --target=edge-lpddr | FileCheck %s --check-prefix=OS
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --pass-pipeline="builtin.module(npu-place{strategy=weight-stationary})" | FileCheck %s --check-prefix=WS

// Hand-written level 3: a 64x64x64 matmul in 32x32 output tiles, tiles numbered
// row-major over (b, m, n): t0 = (m0, n0), t1 = (m0, n1), t2 = (m1, n0), t3 = (m1, n1).
// Output-stationary orders tiles by weight block (n) -- t0, t2, t1, t3 -- and gives
// each its own PE of the 16; one K chunk, so no K split.
// OS-LABEL: func.func @main
// OS: npu.place = {kgroups = 1 : i64, pes = array<i64: 0, 2, 1, 3>, strategy = "output-stationary"}
// Weight-stationary: 2 weight blocks (n) x 1 K group, 8 replicas each: tiles of block
// n0 (t0, t2) on PEs 0 and 1 (slot 0), of block n1 (t1, t3) on PEs 8 and 9 (slot 1).
// WS-LABEL: func.func @main
// WS: npu.place = {kgroups = 1 : i64, pes = array<i64: 0, 8, 1, 9>, strategy = "weight-stationary"}
func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = "npu_tensor.matmul"(%a, %b) {npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 64, 64, 64>, tile = array<i64: 1, 32, 32, 64>, reduce = ["k"], sram = 40000 : i64, cycles = 1000 : i64}} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// The same with 4 K chunks of 16: 4 tiles leave 12 of the 16 PEs idle, so
// output-stationary splits K into 4 groups, each tile's groups on 4 neighbouring PEs.
// OS-LABEL: func.func @main
// OS: npu.place = {kgroups = 4 : i64, pes = array<i64: 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15>, strategy = "output-stationary"}
// Weight-stationary: 2 blocks x 4 K groups = 8 slots, 2 replicas; slot s, replica r on
// PE 2s + r: block n0 K group g on PE 2g (t0) and 2g + 1 (t2), block n1 on PE 8 + 2g (+1).
// WS-LABEL: func.func @main
// WS: npu.place = {kgroups = 4 : i64, pes = array<i64: 0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15>, strategy = "weight-stationary"}
func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = "npu_tensor.matmul"(%a, %b) {npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 64, 64, 64>, tile = array<i64: 1, 32, 32, 16>, reduce = ["k"], sram = 40000 : i64, cycles = 1000 : i64}} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// Views run nowhere; an elementwise op of 20 tiles over 16 PEs: balanced runs of the
// tile sequence (equal tiles: PE p gets tiles with floor(t * 16 / 20) = p).
// OS-LABEL: func.func @main
// OS: "npu_tensor.relu"
// OS-SAME: npu.place = {kgroups = 1 : i64, pes = array<i64: 0, 0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 15>, strategy = "output-stationary"}
// OS-NEXT: "npu_tensor.reshape"
// OS-NOT: npu.place
// OS-SAME: -> tensor<80xf32>
func.func @main(%x: tensor<20x4xf32>) -> tensor<80xf32> {
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0", "d1"], sizes = array<i64: 20, 4>, tile = array<i64: 1, 4>, reduce = [], sram = 100 : i64, cycles = 10 : i64}} : (tensor<20x4xf32>) -> tensor<20x4xf32>
  %1 = "npu_tensor.reshape"(%0) {npu.tile = {family = "view"}} : (tensor<20x4xf32>) -> tensor<80xf32>
  return %1 : tensor<80xf32>
}
