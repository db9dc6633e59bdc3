// RUN: npu-opt %s --split-input-file --verify-diagnostics

// Nothing computes on the storage-only types ("Storage-only types" in npu_pe.irdl.mlir), and
// their sub-byte DMA patterns move whole bytes (four i2 / ui2 elements a byte).

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4x4xui4, "sram">
  // expected-error @below {{'npu_pe.binary' op expects lhs of a type the vector unit computes on, got ui4 (a storage-only type: level 4 only moves, copies, transposes, selects and casts it)}}
  "npu_pe.binary"(%a, %a, %a) {kind = "add_wrap"} : (memref<4x4xui4, "sram">, memref<4x4xui4, "sram">, memref<4x4xui4, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8xf8E4M3FNUZ, "sram">
  // expected-error @below {{'npu_pe.unary' op expects input of a type the vector unit computes on, got f8E4M3FNUZ (a storage-only type}}
  "npu_pe.unary"(%a, %a) {kind = "exp"} : (memref<8xf8E4M3FNUZ, "sram">, memref<8xf8E4M3FNUZ, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8xf8E8M0FNU, "sram">
  // expected-error @below {{'npu_pe.fill' op expects out of a type the vector unit computes on, got f8E8M0FNU}}
  "npu_pe.fill"(%a) {value = 1.0 : f32} : (memref<8xf8E8M0FNU, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<2x4xf4E2M1FN, "sram">
  %m = "npu_mem.alloc"() : () -> memref<2x4xi8, "sram">
  // expected-error @below {{'npu_pe.compare' op expects lhs of a type the vector unit computes on, got f4E2M1FN}}
  "npu_pe.compare"(%a, %a, %m) {kind = "eq"} : (memref<2x4xf4E2M1FN, "sram">, memref<2x4xf4E2M1FN, "sram">, memref<2x4xi8, "sram">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<3x6xi2, "sram">
  %b = "npu_mem.alloc"() : () -> memref<2x6xi2, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects the src pattern to move whole bytes of i2 data (offset, outer strides and innermost size multiples of 4, innermost stride 1), or one run ending at the last element of a buffer whose length is not a multiple of 4; got offset 0, sizes [2, 6], strides [6, 1] over 18 elements}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 2, 6>, src_strides = array<i64: 6, 1>, dst_offset = 0, dst_sizes = array<i64: 12>, dst_strides = array<i64: 1>} : (memref<3x6xi2, "sram">, memref<2x6xi2, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<9xui2, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8xui2, "sram">
  // 8 elements from offset 1 end at the last element but start inside byte 0
  // expected-error @below {{'npu_mem.dma_start' op expects the src pattern to move whole bytes of ui2 data}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 1, src_sizes = array<i64: 8>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 8>, dst_strides = array<i64: 1>} : (memref<9xui2, "sram">, memref<8xui2, "sram">) -> !npu_mem.token
  return
}
