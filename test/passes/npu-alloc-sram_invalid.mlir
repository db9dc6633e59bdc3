// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-alloc-sram
// RUN: not npu-opt %s --split-input-file --target=edge-lpddr --npu-alloc-sram="alignment=24" 2>&1 | FileCheck %s --check-prefix=ALIGN
// ALIGN: error: pass 'npu-alloc-sram' expects option alignment to be a power of two, got 24

// edge-lpddr has 524288 bytes of SRAM per PE. Two 300000-byte buffers live at once do not fit.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op does not fit in the SRAM of PE (0, 0): its 300000-byte buffer and the others live at 'npu_pe.unary' (line 11) need 600000 bytes, target 'edge-lpddr' has 524288}}
  %a = "npu_mem.alloc"() : () -> memref<300000xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<300000xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<300000xi8, "sram">) -> ()
  "npu_pe.unary"(%a, %b) {kind = "relu"} : (memref<300000xi8, "sram">, memref<300000xi8, "sram">) -> ()
  return
}

// -----

// 3 x 131073 bytes fit in 524288, but each must start at a multiple of 262144:
// only two such offsets exist (alignment gaps, proven by the aligned bound).
func.func @pe_1_2() attributes {npu_pe.pe = array<i64: 1, 2>} {
  // expected-error @below {{'npu_mem.alloc' op does not fit in the SRAM of PE (1, 2): its 131073-byte buffer and the others need at most 393219 bytes at once (at 'npu_pe.fill' (line 26)) but the best packing needs 655361 (alignment gaps), target 'edge-lpddr' has 524288}}
  %a = "npu_mem.alloc"() {alignment = 262144} : () -> memref<131073xi8, "sram">
  %b = "npu_mem.alloc"() {alignment = 262144} : () -> memref<131073xi8, "sram">
  %c = "npu_mem.alloc"() {alignment = 262144} : () -> memref<131073xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<131073xi8, "sram">) -> ()
  "npu_pe.fill"(%b) {value = 1 : i8} : (memref<131073xi8, "sram">) -> ()
  "npu_pe.fill"(%c) {value = 1 : i8} : (memref<131073xi8, "sram">) -> ()
  "npu_pe.binary"(%a, %b, %c) {kind = "add"} : (memref<131073xi8, "sram">, memref<131073xi8, "sram">, memref<131073xi8, "sram">) -> ()
  return
}

// -----

// Exactly 524288 bytes live at once, and the aligned bound allows it, but
// the two 262144-aligned buffers can only sit at 0 and 262144, leaving two
// 65536-byte holes for the 131072-byte one: fragmentation, proven by search.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op does not fit in the SRAM of PE (0, 0): its 196608-byte buffer and the others need at most 524288 bytes at once (at 'npu_pe.fill' (line 43)) but the best packing needs 589824 (fragmentation, proven by exhaustive search), target 'edge-lpddr' has 524288}}
  %x = "npu_mem.alloc"() {alignment = 262144} : () -> memref<196608xi8, "sram">
  %y = "npu_mem.alloc"() {alignment = 262144} : () -> memref<196608xi8, "sram">
  %z = "npu_mem.alloc"() : () -> memref<131072xi8, "sram">
  "npu_pe.fill"(%x) {value = 1 : i8} : (memref<196608xi8, "sram">) -> ()
  "npu_pe.fill"(%y) {value = 1 : i8} : (memref<196608xi8, "sram">) -> ()
  "npu_pe.fill"(%z) {value = 1 : i8} : (memref<131072xi8, "sram">) -> ()
  "npu_pe.unary"(%x, %x) {kind = "relu"} : (memref<196608xi8, "sram">, memref<196608xi8, "sram">) -> ()
  "npu_pe.unary"(%y, %y) {kind = "relu"} : (memref<196608xi8, "sram">, memref<196608xi8, "sram">) -> ()
  "npu_pe.unary"(%z, %z) {kind = "relu"} : (memref<131072xi8, "sram">, memref<131072xi8, "sram">) -> ()
  return
}
