// RUN: npu-opt %s --split-input-file | npu-opt --split-input-file | FileCheck %s

// Round trip of every npu_mem op. IRDL ops print in generic form with their
// attributes sorted by name.

// CHECK-LABEL: module
// CHECK-NEXT: "npu_mem.global"() {kind = "input", sym_name = "x", type = memref<32x128xi8, "ext">}
// CHECK-NEXT: "npu_mem.global"() {address = 4096 : i64, kind = "output", sym_name = "y", type = memref<32x64xf32, "ext">}
// CHECK-NEXT: "npu_mem.global"() {kind = "weight", sym_name = "w", type = memref<2x4xi4, "ext">, value = dense<{{\[\[}}1, -2, 3, -4], [5, 6, 7, -8]]> : tensor<2x4xi4>}
// CHECK-NEXT: "npu_mem.global"() {address = 65536 : i64, kind = "scratch", sym_name = "spill", type = memref<1024xbf16, "ext">}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<32x128xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<32x64xf32, "ext">, address = 4096} : () -> ()
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<2x4xi4, "ext">, value = dense<[[1, -2, 3, -4], [5, 6, 7, -8]]> : tensor<2x4xi4>} : () -> ()
"npu_mem.global"() {sym_name = "spill", kind = "scratch", type = memref<1024xbf16, "ext">, address = 65536} : () -> ()

// CHECK-LABEL: func.func @pe_0_0()
// CHECK-SAME: attributes {npu_pe.pe = array<i64: 0, 0>}
// CHECK-NEXT: %[[X:.*]] = "npu_mem.get_global"() {name = @x} : () -> memref<32x128xi8, "ext">
// CHECK-NEXT: %[[A:.*]] = "npu_mem.alloc"() : () -> memref<32x64xi8, "sram">
// CHECK-NEXT: %[[B:.*]] = "npu_mem.alloc"() {alignment = 64 : i64, offset = 8192 : i64} : () -> memref<64x64xf8E4M3FN, "sram">
// CHECK-NEXT: %[[T:.*]] = "npu_mem.dma_start"(%[[X]], %[[A]]) {dst_offset = 0 : i64, dst_sizes = array<i64: 32, 64>, dst_strides = array<i64: 64, 1>, src_offset = 64 : i64, src_sizes = array<i64: 32, 64>, src_strides = array<i64: 128, 1>} : (memref<32x128xi8, "ext">, memref<32x64xi8, "sram">) -> !npu_mem.token
// CHECK-NEXT: "npu_mem.dma_wait"(%[[T]]) : (!npu_mem.token) -> ()
// CHECK-NEXT: %[[V:.*]] = "npu_mem.view"(%[[A]]) {byte_offset = 1024 : i64} : (memref<32x64xi8, "sram">) -> memref<256xi32, "sram">
// CHECK-NEXT: "npu_mem.dma_wait"() : () -> ()
// CHECK-NEXT: "npu_mem.dealloc"(%[[B]]) : (memref<64x64xf8E4M3FN, "sram">) -> ()
// CHECK-NEXT: "npu_mem.dealloc"(%[[A]]) : (memref<32x64xi8, "sram">) -> ()
// CHECK-NEXT: return
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<32x128xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<32x64xi8, "sram">
  %b = "npu_mem.alloc"() {offset = 8192, alignment = 64} : () -> memref<64x64xf8E4M3FN, "sram">
  %t = "npu_mem.dma_start"(%x, %a) {src_offset = 64, src_sizes = array<i64: 32, 64>, src_strides = array<i64: 128, 1>, dst_offset = 0, dst_sizes = array<i64: 32, 64>, dst_strides = array<i64: 64, 1>} : (memref<32x128xi8, "ext">, memref<32x64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  %v = "npu_mem.view"(%a) {byte_offset = 1024} : (memref<32x64xi8, "sram">) -> memref<256xi32, "sram">
  "npu_mem.dma_wait"() : () -> ()
  "npu_mem.dealloc"(%b) : (memref<64x64xf8E4M3FN, "sram">) -> ()
  "npu_mem.dealloc"(%a) : (memref<32x64xi8, "sram">) -> ()
  return
}

// -----

// A DMA back to external memory, an SRAM-to-SRAM copy that transposes with
// strides, a source stride of 0 that repeats a row, and two tokens waited together.
// CHECK-LABEL: func.func @pe_1_2()
// CHECK: %[[Y:.*]] = "npu_mem.get_global"() {name = @y} : () -> memref<4x8xf16, "ext">
// CHECK: %[[A:.*]] = "npu_mem.alloc"() : () -> memref<4x8xf16, "sram">
// CHECK: %[[B:.*]] = "npu_mem.alloc"() : () -> memref<8x4xf16, "sram">
// CHECK-NEXT: %[[T0:.*]] = "npu_mem.dma_start"(%[[A]], %[[B]]) {dst_offset = 0 : i64, dst_sizes = array<i64: 4, 8>, dst_strides = array<i64: 1, 4>, src_offset = 0 : i64, src_sizes = array<i64: 4, 8>, src_strides = array<i64: 8, 1>}
// CHECK-NEXT: %[[T1:.*]] = "npu_mem.dma_start"(%[[A]], %[[Y]]) {dst_offset = 0 : i64, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>, src_offset = 8 : i64, src_sizes = array<i64: 4, 8>, src_strides = array<i64: 0, 1>} : (memref<4x8xf16, "sram">, memref<4x8xf16, "ext">) -> !npu_mem.token
// CHECK-NEXT: "npu_mem.dma_wait"(%[[T0]], %[[T1]]) : (!npu_mem.token, !npu_mem.token) -> ()
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<4x8xf16, "ext">} : () -> ()
func.func @pe_1_2() attributes {npu_pe.pe = array<i64: 1, 2>} {
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<4x8xf16, "ext">
  %a = "npu_mem.alloc"() : () -> memref<4x8xf16, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8x4xf16, "sram">
  %t0 = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 4, 8>, src_strides = array<i64: 8, 1>, dst_offset = 0, dst_sizes = array<i64: 4, 8>, dst_strides = array<i64: 1, 4>} : (memref<4x8xf16, "sram">, memref<8x4xf16, "sram">) -> !npu_mem.token
  %t1 = "npu_mem.dma_start"(%a, %y) {src_offset = 8, src_sizes = array<i64: 4, 8>, src_strides = array<i64: 0, 1>, dst_offset = 0, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<4x8xf16, "sram">, memref<4x8xf16, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t0, %t1) : (!npu_mem.token, !npu_mem.token) -> ()
  return
}

// -----

// Weights may live in a dense resource blob (how the importer stores large
// constants); the blob holds a 4-byte alignment header then the data.
// CHECK-LABEL: module
// CHECK: "npu_mem.global"() {kind = "weight", sym_name = "w", type = memref<4xi8, "ext">, value = dense_resource<w_blob> : tensor<4xi8>}
// CHECK: w_blob: "0x0100000001020304"
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<4xi8, "ext">, value = dense_resource<w_blob> : tensor<4xi8>} : () -> ()

{-#
  dialect_resources: {
    builtin: {
      w_blob: "0x0100000001020304"
    }
  }
#-}
