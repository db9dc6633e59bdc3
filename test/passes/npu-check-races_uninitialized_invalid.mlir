// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-check-races="uninitialized=true"
// RUN: npu-opt %s --split-input-file --npu-check-races | FileCheck %s

// With uninitialized=true a read of bytes nothing wrote is an error; by
// default it is not (the level-4 interpreter checks it at run time).
// CHECK-LABEL: func.func @pe_0_0
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
  %lo = "npu_mem.view"(%a) {byte_offset = 0} : (memref<16xi8, "sram">) -> memref<8xi8, "sram">
  "npu_pe.fill"(%lo) {value = 1 : i8} : (memref<8xi8, "sram">) -> ()
  // expected-error @below {{'npu_pe.unary' op reads bytes [8, 16) of the SRAM buffer of line 8 before anything wrote them}}
  "npu_pe.unary"(%a, %b) {kind = "relu"} : (memref<16xi8, "sram">, memref<16xi8, "sram">) -> ()
  return
}

// -----

// The same after allocation: bytes are SRAM addresses.
// CHECK-LABEL: func.func @pe_0_1
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %a = "npu_mem.alloc"() {offset = 64} : () -> memref<16xi8, "sram">
  %b = "npu_mem.alloc"() {offset = 0} : () -> memref<16xi8, "sram">
  "npu_pe.fill"(%b) {value = 1 : i8} : (memref<16xi8, "sram">) -> ()
  // expected-error @below {{'npu_pe.binary' op reads bytes [0, 16) of the SRAM buffer of line 22 before anything wrote them}}
  "npu_pe.binary"(%a, %b, %b) {kind = "add"} : (memref<16xi8, "sram">, memref<16xi8, "sram">, memref<16xi8, "sram">) -> ()
  return
}
