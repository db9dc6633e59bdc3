// RUN: npu-opt %s --split-input-file --verify-diagnostics

// i4 DMA patterns move whole bytes; a single run may end on the padding nibble of an
// odd-length buffer (it moves that buffer's last byte whole).

// The last 9 elements of a 63-element weight into a 9-element buffer: both sides end
// at the last element of an odd-length buffer.
func.func @tail_of_odd_buffer() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<7x9xi4, "sram">
  %b = "npu_mem.alloc"() : () -> memref<1x9xi4, "sram">
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 54, src_sizes = array<i64: 9>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 9>, dst_strides = array<i64: 1>} : (memref<7x9xi4, "sram">, memref<1x9xi4, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  return
}

// -----

// A size-1 outer dim may have any stride (it never advances).
func.func @unit_outer_dim() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8x8xi4, "sram">
  %b = "npu_mem.alloc"() : () -> memref<4xi4, "sram">
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 2, src_sizes = array<i64: 1, 4>, src_strides = array<i64: 9, 1>, dst_offset = 0, dst_sizes = array<i64: 4>, dst_strides = array<i64: 1>} : (memref<8x8xi4, "sram">, memref<4xi4, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  return
}

// -----

// An odd run that does not reach the end of the buffer splits its last byte.
func.func @odd_run_inside() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<7x9xi4, "sram">
  %b = "npu_mem.alloc"() : () -> memref<9xi4, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects the src pattern to move whole bytes of i4 data (even offset, outer strides and innermost size, innermost stride 1), or one run ending at the last element of an odd-length buffer; got offset 0, sizes [9], strides [1] over 63 elements}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 9>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 9>, dst_strides = array<i64: 1>} : (memref<7x9xi4, "sram">, memref<9xi4, "sram">) -> !npu_mem.token
  return
}

// -----

// Ending at the last element of an even-length buffer needs an odd offset: rejected.
func.func @odd_run_even_buffer() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<9xi4, "sram">
  %b = "npu_mem.alloc"() : () -> memref<10xi4, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects the dst pattern to move whole bytes of i4 data}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 9>, src_strides = array<i64: 1>, dst_offset = 1, dst_sizes = array<i64: 9>, dst_strides = array<i64: 1>} : (memref<9xi4, "sram">, memref<10xi4, "sram">) -> !npu_mem.token
  return
}

// -----

// Several odd runs (even offset and stride, the last one ending at the padding nibble):
// only a single run may end on it.
func.func @odd_runs() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<27xi4, "sram">
  %b = "npu_mem.alloc"() : () -> memref<10xi4, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects the src pattern to move whole bytes of i4 data (even offset, outer strides and innermost size, innermost stride 1), or one run ending at the last element of an odd-length buffer; got offset 0, sizes [2, 5], strides [22, 1] over 27 elements}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 2, 5>, src_strides = array<i64: 22, 1>, dst_offset = 0, dst_sizes = array<i64: 10>, dst_strides = array<i64: 1>} : (memref<27xi4, "sram">, memref<10xi4, "sram">) -> !npu_mem.token
  return
}
