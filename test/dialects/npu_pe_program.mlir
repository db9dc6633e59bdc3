// A complete level-4 module for the edge-lpddr target: y = relu(rescale(x @ w + b))
// for x [32, 64] int8, split into two 16-row tiles. PE (0, 0) double-buffers
// the tiles of x from LPDDR, multiplies on its matrix unit, adds the bias,
// requantizes and streams each tile east to PE (0, 3), which applies the
// ReLU and writes y back. Both PEs sit on a mesh edge with a memory port.
// RUN: npu-opt %s --target=edge-lpddr | npu-opt --target=edge-lpddr | FileCheck %s

// CHECK-LABEL: module attributes {npu_pe.target = "edge-lpddr"}
// CHECK: func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>}
// CHECK-COUNT-2: "npu_pe.matmul"
// CHECK: func.func @pe_0_3() attributes {npu_pe.pe = array<i64: 0, 3>}
// CHECK-COUNT-2: "npu_noc.recv"
module attributes {npu_pe.target = "edge-lpddr"} {
  "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<32x64xi8, "ext">, address = 0} : () -> ()
  "npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<64x8xi8, "ext">, address = 2048, value = dense<1> : tensor<64x8xi8>} : () -> ()
  "npu_mem.global"() {sym_name = "b", kind = "weight", type = memref<1x8xi32, "ext">, address = 2560, value = dense<[[0, 1, 2, 3, 4, 5, 6, 7]]> : tensor<1x8xi32>} : () -> ()
  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<32x8xi8, "ext">, address = 2592} : () -> ()

  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    %x = "npu_mem.get_global"() {name = @x} : () -> memref<32x64xi8, "ext">
    %w = "npu_mem.get_global"() {name = @w} : () -> memref<64x8xi8, "ext">
    %b = "npu_mem.get_global"() {name = @b} : () -> memref<1x8xi32, "ext">
    %a0 = "npu_mem.alloc"() {offset = 0, alignment = 64} : () -> memref<16x64xi8, "sram">
    %a1 = "npu_mem.alloc"() {offset = 1024, alignment = 64} : () -> memref<16x64xi8, "sram">
    %wb = "npu_mem.alloc"() {offset = 2048, alignment = 64} : () -> memref<64x8xi8, "sram">
    %bb = "npu_mem.alloc"() {offset = 2560, alignment = 64} : () -> memref<1x8xi32, "sram">
    %acc = "npu_mem.alloc"() {offset = 2624, alignment = 64} : () -> memref<16x8xi32, "sram">
    %q0 = "npu_mem.alloc"() {offset = 3136, alignment = 64} : () -> memref<16x8xi8, "sram">
    %q1 = "npu_mem.alloc"() {offset = 3264, alignment = 64} : () -> memref<16x8xi8, "sram">
    // Weights, bias and both tiles of x in flight at once.
    %tw = "npu_mem.dma_start"(%w, %wb) {src_offset = 0, src_sizes = array<i64: 512>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 512>, dst_strides = array<i64: 1>} : (memref<64x8xi8, "ext">, memref<64x8xi8, "sram">) -> !npu_mem.token
    %tb = "npu_mem.dma_start"(%b, %bb) {src_offset = 0, src_sizes = array<i64: 8>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 8>, dst_strides = array<i64: 1>} : (memref<1x8xi32, "ext">, memref<1x8xi32, "sram">) -> !npu_mem.token
    %t0 = "npu_mem.dma_start"(%x, %a0) {src_offset = 0, src_sizes = array<i64: 16, 64>, src_strides = array<i64: 64, 1>, dst_offset = 0, dst_sizes = array<i64: 16, 64>, dst_strides = array<i64: 64, 1>} : (memref<32x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
    %t1 = "npu_mem.dma_start"(%x, %a1) {src_offset = 1024, src_sizes = array<i64: 16, 64>, src_strides = array<i64: 64, 1>, dst_offset = 0, dst_sizes = array<i64: 16, 64>, dst_strides = array<i64: 64, 1>} : (memref<32x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
    "npu_mem.dma_wait"(%tw, %tb, %t0) : (!npu_mem.token, !npu_mem.token, !npu_mem.token) -> ()
    // Tile 0 computes while tile 1 is still loading.
    "npu_pe.matmul"(%a0, %wb, %acc) {accumulate = false} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
    "npu_pe.binary"(%acc, %bb, %acc) {kind = "add"} : (memref<16x8xi32, "sram">, memref<1x8xi32, "sram">, memref<16x8xi32, "sram">) -> ()
    "npu_pe.rescale"(%acc, %q0) {multiplier = array<i32: 1073741824>, shift = array<i8: 36>, input_zp = 0, output_zp = 0, rounding = "double_round"} : (memref<16x8xi32, "sram">, memref<16x8xi8, "sram">) -> ()
    %s0 = "npu_noc.send"(%q0) {dst = array<i64: 0, 3>, route = array<i64: 0, 0, 0, 1, 0, 2, 0, 3>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
    "npu_mem.dma_wait"(%t1) : (!npu_mem.token) -> ()
    "npu_pe.matmul"(%a1, %wb, %acc) {accumulate = false} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
    "npu_pe.binary"(%acc, %bb, %acc) {kind = "add"} : (memref<16x8xi32, "sram">, memref<1x8xi32, "sram">, memref<16x8xi32, "sram">) -> ()
    "npu_pe.rescale"(%acc, %q1) {multiplier = array<i32: 1073741824>, shift = array<i8: 36>, input_zp = 0, output_zp = 0, rounding = "double_round"} : (memref<16x8xi32, "sram">, memref<16x8xi8, "sram">) -> ()
    %s1 = "npu_noc.send"(%q1) {dst = array<i64: 0, 3>, route = array<i64: 0, 0, 0, 1, 0, 2, 0, 3>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
    "npu_noc.wait"(%s0, %s1) : (!npu_noc.token, !npu_noc.token) -> ()
    return
  }

  func.func @pe_0_3() attributes {npu_pe.pe = array<i64: 0, 3>} {
    %y = "npu_mem.get_global"() {name = @y} : () -> memref<32x8xi8, "ext">
    %r0 = "npu_mem.alloc"() {offset = 0} : () -> memref<16x8xi8, "sram">
    %r1 = "npu_mem.alloc"() {offset = 128} : () -> memref<16x8xi8, "sram">
    %u0 = "npu_noc.recv"(%r0) {src = array<i64: 0, 0>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
    %u1 = "npu_noc.recv"(%r1) {src = array<i64: 0, 0>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
    "npu_noc.wait"(%u0) : (!npu_noc.token) -> ()
    "npu_pe.unary"(%r0, %r0) {kind = "relu"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
    %o0 = "npu_mem.dma_start"(%r0, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<32x8xi8, "ext">) -> !npu_mem.token
    "npu_noc.wait"(%u1) : (!npu_noc.token) -> ()
    "npu_pe.unary"(%r1, %r1) {kind = "relu"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
    %o1 = "npu_mem.dma_start"(%r1, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 128, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<32x8xi8, "ext">) -> !npu_mem.token
    "npu_mem.dma_wait"(%o0, %o1) : (!npu_mem.token, !npu_mem.token) -> ()
    "npu_mem.dealloc"(%r0) : (memref<16x8xi8, "sram">) -> ()
    "npu_mem.dealloc"(%r1) : (memref<16x8xi8, "sram">) -> ()
    return
  }
}
