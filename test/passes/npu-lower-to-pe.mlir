// RUN: npu-opt %s --split-input-file --target=datacenter-hbm --npu-lower-to-pe | npu-opt --split-input-file --target=datacenter-hbm | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-lower-to-pe | FileCheck %s --check-prefix=EDGE

// y = x @ w^T + b with K = 256 in two chunks of 128, split over PEs (0, 0) and (0, 1)
// (level 3 written by hand). I/O globals keep the ONNX names; constants become weights.
// K group 0 starts from the bias (a DMA of b into acc) and accumulates its chunk;
// K group 1 multiplies chunk 1 (w^T rows 128..255: the DMA reads w transposed, offset
// 128, strides [1, 256]) and sends its partial sum to (0, 0) along the XY route.
// CHECK-LABEL: module attributes {npu_pe.target = "datacenter-hbm"}
// CHECK-DAG: "npu_mem.global"() {kind = "input", sym_name = "x", type = memref<1x256xf32, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "output", sym_name = "y", type = memref<1x10xf32, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "weight", sym_name = "[[W:.*]]", type = memref<10x256xf32, "ext">, value = dense<5.000000e-01> : tensor<10x256xf32>}
// CHECK-DAG: "npu_mem.global"() {kind = "weight", sym_name = "[[B:.*]]", type = memref<10xf32, "ext">, value = dense<1.000000e+00> : tensor<10xf32>}
// CHECK-LABEL: func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>}
// CHECK: %[[WB:.*]] = "npu_mem.alloc"() : () -> memref<128x10xf32, "sram">
// CHECK: "npu_mem.dma_start"(%{{.*}}, %[[WB]]) {{{.*}}src_offset = 0 : i64, src_sizes = array<i64: 128, 10>, src_strides = array<i64: 1, 256>}
// CHECK: %[[ACC:.*]] = "npu_mem.alloc"() : () -> memref<1x10xf32, "sram">
// CHECK: %[[BG:.*]] = "npu_mem.get_global"() {name = @[[B]]}
// CHECK: "npu_mem.dma_start"(%[[BG]], %[[ACC]])
// CHECK: "npu_pe.matmul"(%{{.*}}, %[[WB]], %[[ACC]]) {accumulate = true}
// CHECK: %[[PART:.*]] = "npu_mem.alloc"() : () -> memref<1x10xf32, "sram">
// CHECK: %[[R:.*]] = "npu_noc.recv"(%[[PART]]) {src = array<i64: 0, 1>, tag = [[TAG:[0-9]+]] : i64}
// CHECK: "npu_noc.wait"(%[[R]])
// CHECK: "npu_pe.binary"(%[[ACC]], %[[PART]], %[[ACC]]) {kind = "add"}
// CHECK: %[[Y:.*]] = "npu_mem.get_global"() {name = @y}
// CHECK: "npu_mem.dma_start"(%[[ACC]], %[[Y]])
// CHECK-LABEL: func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>}
// CHECK: "npu_mem.dma_start"({{.*}}src_offset = 128 : i64, src_sizes = array<i64: 128, 10>, src_strides = array<i64: 1, 256>}
// CHECK: "npu_pe.matmul"({{.*}}) {accumulate = false}
// CHECK: "npu_noc.send"(%{{.*}}) {dst = array<i64: 0, 0>, route = array<i64: 0, 1, 0, 0>, tag = [[TAG]] : i64}
// CHECK-NOT: "npu_mem.dma_start"(%{{.*}}, %{{.*}}) {{.*}} -> memref<1x10xf32, "ext">
// CHECK: return
// edge-lpddr has no fp32 matrix unit: the same matmul on the vector unit, on the chunk as DMA'd
// (no products buffer, no reduce).
// EDGE-LABEL: func.func @pe_0_0()
// EDGE-NOT: "npu_pe.reduce"
// EDGE: "npu_pe.matmul"({{.*}}) {accumulate = true, unit = "vector"} : (memref<1x128xf32, "sram">, memref<128x10xf32, "sram">, memref<1x10xf32, "sram">)
// EDGE-NOT: "npu_pe.reduce"
// EDGE-LABEL: func.func @pe_0_1()
// EDGE: "npu_pe.matmul"({{.*}}) {accumulate = false, unit = "vector"} : (memref<1x128xf32, "sram">, memref<128x10xf32, "sram">, memref<1x10xf32, "sram">)
func.func @main(%x: tensor<1x256xf32> {npu.name = "x"}) -> (tensor<1x10xf32> {npu.name = "y"}) {
  %w = arith.constant dense<0.5> : tensor<10x256xf32>
  %b = arith.constant dense<1.0> : tensor<10xf32>
  %0 = "npu_tensor.gemm"(%x, %w, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 1 : i64, npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 1, 10, 256>, tile = array<i64: 1, 1, 10, 128>, reduce = ["k"], sram = 12000 : i64, cycles = 100 : i64}, npu.place = {strategy = "output-stationary", kgroups = 2 : i64, pes = array<i64: 0, 1>}} : (tensor<1x256xf32>, tensor<10x256xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}

// -----

// Two row tiles of x @ w use the same weight block: on datacenter-hbm (multicast) PE (0, 0)
// DMAs it once and multicasts it to (0, 1), which receives it; edge-lpddr has no
// multicast, so each PE DMAs its own copy.
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: %[[WB:.*]] = "npu_mem.alloc"() : () -> memref<64x64xf32, "sram">
// CHECK: %[[T:.*]] = "npu_mem.dma_start"(%{{.*}}, %[[WB]])
// CHECK: "npu_mem.dma_wait"(%[[T]])
// CHECK: %[[M:.*]] = "npu_noc.multicast"(%[[WB]]) {dsts = array<i64: 0, 1>, routes = [array<i64: 0, 0, 0, 1>], tag = [[TAG:[0-9]+]] : i64}
// CHECK: "npu_pe.matmul"(%{{.*}}, %[[WB]], %{{.*}})
// CHECK: "npu_noc.wait"(%[[M]])
// CHECK-LABEL: func.func @pe_0_1()
// CHECK: %[[RB:.*]] = "npu_mem.alloc"() : () -> memref<64x64xf32, "sram">
// CHECK: %[[R:.*]] = "npu_noc.recv"(%[[RB]]) {src = array<i64: 0, 0>, tag = [[TAG]] : i64}
// CHECK: "npu_noc.wait"(%[[R]])
// CHECK: "npu_pe.matmul"(%{{.*}}, %[[RB]], %{{.*}})
// EDGE-LABEL: sym_name = "x", type = memref<64x64xf32, "ext">
// EDGE-LABEL: func.func @pe_0_1()
// EDGE-NOT: npu_noc.recv
// EDGE: "npu_mem.dma_start"({{.*}}) {{.*}}: (memref<64x64xf32, "ext">, memref<64x64xf32, "sram">)
func.func @main(%x: tensor<64x64xf32> {npu.name = "x"}) -> (tensor<64x64xf32> {npu.name = "y"}) {
  %w = arith.constant dense<0.25> : tensor<64x64xf32>
  %0 = "npu_tensor.matmul"(%x, %w) {npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 64, 64, 64>, tile = array<i64: 1, 32, 64, 64>, reduce = ["k"], sram = 40000 : i64, cycles = 100 : i64}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0, 1>}} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// Layer 0 writes row 0 of t on PE (0, 0) and row 1 on PE (0, 1); layer 1 reads both rows
// on PE (0, 1). PE (0, 0) signals semaphore 1 of (0, 1) after its part of layer 0;
// (0, 1) waits for that one writer before layer 1 (its own row is ordered by program order).
// The intermediate lives in a scratch global.
// CHECK: "npu_mem.global"() {kind = "scratch", sym_name = "[[T:.*]]", type = memref<2x4xf32, "ext">}
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: "npu_pe.unary"({{.*}}) {kind = "relu"}
// CHECK: "npu_mem.dma_wait"
// CHECK: "npu_noc.sem_signal"() {count = 1 : i64, id = 1 : i64, pe = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>}
// CHECK-NEXT: return
// CHECK-LABEL: func.func @pe_0_1()
// CHECK-NEXT: %[[S:.*]] = "npu_noc.semaphore"() {id = 1 : i64, init = 0 : i64}
// CHECK: "npu_pe.unary"({{.*}}) {kind = "relu"}
// CHECK: %[[TG:.*]] = "npu_mem.get_global"() {name = @[[T]]}
// CHECK: "npu_noc.sem_wait"(%[[S]]) {count = 1 : i64}
// CHECK-NEXT: "npu_mem.alloc"() : () -> memref<2x4xf32, "sram">
// CHECK-NEXT: "npu_mem.dma_start"(%[[TG]], %{{.*}}) {{.*}}: (memref<2x4xf32, "ext">, memref<2x4xf32, "sram">)
// CHECK: "npu_pe.unary"({{.*}}) {kind = "exp"}
func.func @main(%x: tensor<2x4xf32> {npu.name = "x"}) -> (tensor<2x4xf32> {npu.name = "y"}) {
  %0 = "npu_tensor.relu"(%x) {npu.tile = {family = "eltwise", dims = ["d0", "d1"], sizes = array<i64: 2, 4>, tile = array<i64: 1, 4>, reduce = [], sram = 100 : i64, cycles = 10 : i64}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0, 1>}} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = "npu_tensor.exp"(%0) {npu.tile = {family = "eltwise", dims = ["d0", "d1"], sizes = array<i64: 2, 4>, tile = array<i64: 2, 4>, reduce = [], sram = 100 : i64, cycles = 10 : i64}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 1>}} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----

// Convolution: the input tile (rows 0..4 of an 8x8 image, with the 3x3 window's halo
// row 4; the top row is padding) is DMA'd channels-last from NCHW, unfolded by im2col
// with the clipped border as padding, and multiplied by the OIHW weights read as a
// [kh*kw*c, m] matrix.
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: %[[W:.*]] = "npu_mem.alloc"() : () -> memref<18x4xf32, "sram">
// CHECK: "npu_mem.dma_start"(%{{.*}}, %[[W]]) {{{.*}}src_offset = 0 : i64, src_sizes = array<i64: 9, 2, 4>, src_strides = array<i64: 1, 9, 18>}
// CHECK: %[[IN:.*]] = "npu_mem.alloc"() : () -> memref<5x8x2xf32, "sram">
// CHECK: "npu_mem.dma_start"(%{{.*}}, %[[IN]]) {{{.*}}src_offset = 0 : i64, src_sizes = array<i64: 40, 2>, src_strides = array<i64: 1, 64>}
// CHECK: %[[COLS:.*]] = "npu_mem.alloc"() : () -> memref<32x18xf32, "sram">
// CHECK: "npu_pe.im2col"(%[[IN]], %[[COLS]]) {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_value = 0.000000e+00 : f32, pads = array<i64: 1, 1, 0, 1>, strides = array<i64: 1, 1>}
// CHECK: "npu_pe.matmul"(%[[COLS]], %[[W]], %{{.*}}) {accumulate = false}
// CHECK-LABEL: func.func @pe_0_1()
// CHECK: "npu_pe.im2col"({{.*}}) {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_value = 0.000000e+00 : f32, pads = array<i64: 0, 1, 1, 1>, strides = array<i64: 1, 1>} : (memref<5x8x2xf32, "sram">, memref<32x18xf32, "sram">)
func.func @main(%x: tensor<1x2x8x8xf32> {npu.name = "x"}) -> (tensor<1x4x8x8xf32> {npu.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, npu.tile = {family = "conv", dims = ["n", "g", "oh", "ow", "m", "c"], sizes = array<i64: 1, 1, 8, 8, 4, 2>, tile = array<i64: 1, 1, 4, 8, 4, 2>, reduce = ["c"], sram = 40000 : i64, cycles = 100 : i64}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0, 1>}} : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// conv -> batch_normalization -> relu fused (npu.tile epilogue = 2): the accumulator tile
// is scaled and shifted by the per-channel BN constants (computed at compile time, loaded
// once per layer as [1, 1, 1, 4] boxes) and clamped at 0 in place, then stored straight
// into the output: the conv and BN results never get a global.
// CHECK-LABEL: module attributes
// CHECK-NOT: kind = "scratch"
// CHECK: func.func @pe_0_0()
// CHECK: %[[ACC:.*]] = "npu_mem.alloc"() : () -> memref<64x4xf32, "sram">
// CHECK: "npu_pe.matmul"(%{{.*}}, %{{.*}}, %[[ACC]])
// CHECK: %[[T:.*]] = "npu_mem.view"(%[[ACC]]) {byte_offset = 0 : i64} : (memref<64x4xf32, "sram">) -> memref<1x8x8x4xf32, "sram">
// CHECK: "npu_pe.binary"(%[[T]], %[[A:.*]], %[[T]]) {kind = "mul"} : (memref<1x8x8x4xf32, "sram">, memref<1x1x1x4xf32, "sram">, memref<1x8x8x4xf32, "sram">)
// CHECK: "npu_pe.binary"(%[[T]], %{{.*}}, %[[T]]) {kind = "add"}
// CHECK: "npu_pe.unary"(%[[T]], %[[T]]) {kind = "relu"}
// CHECK: %[[Y:.*]] = "npu_mem.get_global"() {name = @y}
// CHECK: "npu_mem.dma_start"(%[[ACC]], %[[Y]])
func.func @main(%x: tensor<1x2x8x8xf32> {npu.name = "x"}) -> (tensor<1x4x8x8xf32> {npu.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
  %s = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %m = arith.constant dense<0.25> : tensor<4xf32>
  %v = arith.constant dense<2.0> : tensor<4xf32>
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, npu.tile = {family = "conv", dims = ["n", "g", "oh", "ow", "m", "c"], sizes = array<i64: 1, 1, 8, 8, 4, 2>, tile = array<i64: 1, 1, 8, 8, 4, 2>, reduce = ["c"], sram = 40000 : i64, cycles = 100 : i64, epilogue = 2 : i64}, npu.place = {strategy = "output-stationary", kgroups = 1 : i64, pes = array<i64: 0>}} : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = "npu_tensor.batch_normalization"(%0, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32, npu.tile = {family = "fused"}} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %2 = "npu_tensor.relu"(%1) {npu.tile = {family = "fused"}} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// Integer K split: the K-group 0 PE adds the received int32 partial sum with add_wrap (modulo 2^32,
// like the golden accumulator), never the saturating add.
// CHECK-LABEL: "npu_mem.global"() {kind = "output", sym_name = "y", type = memref<1x10xi32, "ext">}
// CHECK: func.func @pe_0_0()
// CHECK: "npu_noc.recv"
// CHECK: "npu_pe.binary"(%[[ACC:.*]], %{{.*}}, %[[ACC]]) {kind = "add_wrap"} : (memref<1x10xi32, "sram">, memref<1x10xi32, "sram">, memref<1x10xi32, "sram">)
// CHECK: func.func @pe_0_1()
// CHECK: "npu_noc.send"
func.func @main(%x: tensor<1x256xi8> {npu.name = "x"}) -> (tensor<1x10xi32> {npu.name = "y"}) {
  %w = arith.constant dense<3> : tensor<256x10xi8>
  %0 = "npu_tensor.matmul_int"(%x, %w) {lhs_zp = 0 : i64, rhs_zp = 0 : i64, npu.tile = {family = "matmul", dims = ["b", "m", "n", "k"], sizes = array<i64: 1, 1, 10, 256>, tile = array<i64: 1, 1, 10, 128>, reduce = ["k"], sram = 4000 : i64, cycles = 100 : i64}, npu.place = {strategy = "output-stationary", kgroups = 2 : i64, pes = array<i64: 0, 1>}} : (tensor<1x256xi8>, tensor<256x10xi8>) -> tensor<1x10xi32>
  return %0 : tensor<1x10xi32>
}
