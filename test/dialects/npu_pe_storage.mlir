// RUN: npu-opt %s --target=edge-lpddr | FileCheck %s

// The storage-only types (i2, ui2, ui4, f4E2M1FN, f8E4M3FNUZ, f8E5M2FNUZ, f8E8M0FNU;
// "Storage-only types" in npu_pe.irdl.mlir) are level-4 buffers: globals, DMA in whole bytes
// (four i2 / ui2 or two ui4 / f4E2M1FN elements a byte; a run ending at the last element of
// a buffer with a partial last byte may stop inside it), cast to and from any type, select,
// transpose and unary copy.
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: "npu_mem.dma_start"(%{{.*}}, %{{.*}}) {{.*}} : (memref<3x6xi2, "ext">, memref<2x4xi2, "sram">) -> !npu_mem.token
// CHECK: "npu_pe.cast"(%{{.*}}, %{{.*}}) : (memref<2x4xi2, "sram">, memref<2x4xf8E4M3FNUZ, "sram">) -> ()
// CHECK: "npu_pe.cast"(%{{.*}}, %{{.*}}) : (memref<2x4xf8E4M3FNUZ, "sram">, memref<2x4xf4E2M1FN, "sram">) -> ()
// CHECK: "npu_pe.transpose"(%{{.*}}, %{{.*}}) {perm = array<i64: 1, 0>} : (memref<2x4xf4E2M1FN, "sram">, memref<4x2xf4E2M1FN, "sram">) -> ()
// CHECK: "npu_pe.select"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<4x2xi8, "sram">, memref<4x2xf4E2M1FN, "sram">, memref<1x2xf4E2M1FN, "sram">, memref<4x2xf4E2M1FN, "sram">) -> ()
// CHECK: "npu_pe.unary"(%{{.*}}, %{{.*}}) {kind = "copy"} : (memref<4x2xf8E8M0FNU, "sram">, memref<4x2xf8E8M0FNU, "sram">) -> ()
// CHECK: "npu_pe.cast"(%{{.*}}, %{{.*}}) : (memref<4x2xf8E8M0FNU, "sram">, memref<4x2xui4, "sram">) -> ()
// CHECK: "npu_mem.dma_start"(%{{.*}}, %{{.*}}) {{.*}} : (memref<4x2xui4, "sram">, memref<9xui4, "ext">) -> !npu_mem.token
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<3x6xi2, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<9xui4, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<3x6xi2, "ext">
  %a = "npu_mem.alloc"() : () -> memref<2x4xi2, "sram">
  // rows of x start at multiples of 6, not all on a byte (row 1 at offset 6); one run
  // of 8 elements from offset 4 moves bytes 1 and 2 whole
  %t = "npu_mem.dma_start"(%x, %a) {src_offset = 4, src_sizes = array<i64: 8>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 8>, dst_strides = array<i64: 1>} : (memref<3x6xi2, "ext">, memref<2x4xi2, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  %b = "npu_mem.alloc"() : () -> memref<2x4xf8E4M3FNUZ, "sram">
  "npu_pe.cast"(%a, %b) : (memref<2x4xi2, "sram">, memref<2x4xf8E4M3FNUZ, "sram">) -> ()
  %c = "npu_mem.alloc"() : () -> memref<2x4xf4E2M1FN, "sram">
  "npu_pe.cast"(%b, %c) : (memref<2x4xf8E4M3FNUZ, "sram">, memref<2x4xf4E2M1FN, "sram">) -> ()
  %d = "npu_mem.alloc"() : () -> memref<4x2xf4E2M1FN, "sram">
  "npu_pe.transpose"(%c, %d) {perm = array<i64: 1, 0>} : (memref<2x4xf4E2M1FN, "sram">, memref<4x2xf4E2M1FN, "sram">) -> ()
  %m = "npu_mem.alloc"() : () -> memref<4x2xi8, "sram">
  "npu_pe.fill"(%m) {value = 1 : i64} : (memref<4x2xi8, "sram">) -> ()
  %r = "npu_mem.view"(%c) {byte_offset = 0} : (memref<2x4xf4E2M1FN, "sram">) -> memref<1x2xf4E2M1FN, "sram">
  "npu_pe.select"(%m, %d, %r, %d) : (memref<4x2xi8, "sram">, memref<4x2xf4E2M1FN, "sram">, memref<1x2xf4E2M1FN, "sram">, memref<4x2xf4E2M1FN, "sram">) -> ()
  %e = "npu_mem.alloc"() : () -> memref<4x2xf8E8M0FNU, "sram">
  %e2 = "npu_mem.alloc"() : () -> memref<4x2xf8E8M0FNU, "sram">
  "npu_pe.cast"(%d, %e) : (memref<4x2xf4E2M1FN, "sram">, memref<4x2xf8E8M0FNU, "sram">) -> ()
  "npu_pe.unary"(%e, %e2) {kind = "copy"} : (memref<4x2xf8E8M0FNU, "sram">, memref<4x2xf8E8M0FNU, "sram">) -> ()
  %u = "npu_mem.alloc"() : () -> memref<4x2xui4, "sram">
  "npu_pe.cast"(%e2, %u) : (memref<4x2xf8E8M0FNU, "sram">, memref<4x2xui4, "sram">) -> ()
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<9xui4, "ext">
  // the last 8 elements of the 9-element output start inside byte 0 (refused, see
  // npu_pe_storage_invalid.mlir); the first 8 (bytes 0 to 3) are whole
  %t2 = "npu_mem.dma_start"(%u, %y) {src_offset = 0, src_sizes = array<i64: 8>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 8>, dst_strides = array<i64: 1>} : (memref<4x2xui4, "sram">, memref<9xui4, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t2) : (!npu_mem.token) -> ()
  return
}
