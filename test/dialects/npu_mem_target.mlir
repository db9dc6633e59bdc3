// Sizes against a target: SRAM per PE (edge-lpddr 512 KiB, datacenter-hbm
// 1 MiB) and external memory (4 GiB and 32 GiB).
// RUN: npu-opt %s --split-input-file --target=datacenter-hbm | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --verify-diagnostics

// CHECK-LABEL: func.func @pe_0_0()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // CHECK: "npu_mem.alloc"() : () -> memref<768x1024xi8, "sram">
  // expected-error @below {{'npu_mem.alloc' op expects the buffer (786432 bytes) to fit in the 524288 bytes of SRAM of target 'edge-lpddr'}}
  %a = "npu_mem.alloc"() : () -> memref<768x1024xi8, "sram">
  // CHECK: "npu_mem.alloc"() {offset = 523264 : i64} : () -> memref<4096xi4, "sram">
  // expected-error @below {{'npu_mem.alloc' op expects the buffer ([523264, 525312)) to fit in the 524288 bytes}}
  %b = "npu_mem.alloc"() {offset = 523264} : () -> memref<4096xi4, "sram">
  // Ends exactly at the end of the edge part's SRAM.
  %c = "npu_mem.alloc"() {offset = 522240} : () -> memref<1024xi16, "sram">
  return
}

// -----

// CHECK: "npu_mem.global"() {address = 8589934592 : i64
// expected-error @below {{'npu_mem.global' op expects [8589934592, 8589934848) to fit in the 4294967296 bytes of external memory of target 'edge-lpddr'}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<64xf32, "ext">, address = 8589934592} : () -> ()
