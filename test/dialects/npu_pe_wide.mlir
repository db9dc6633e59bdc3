// RUN: npu-opt %s --split-input-file | npu-opt --split-input-file | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr | FileCheck %s

// The data-movement element types (i64, ui8..ui64, f64; "Wide and unsigned types" in
// npu_pe.irdl.mlir): buffers, DMA, NoC, and the ops defined on them round trip and verify.

// CHECK: "npu_mem.global"(){{.*}}memref<4x8xui8, "ext">
// CHECK: "npu_mem.global"(){{.*}}memref<6xi64, "ext">
// CHECK: "npu_mem.global"(){{.*}}tensor<2xf64>
// CHECK-LABEL: func.func @pe_0_0()
module attributes {npu_pe.target = "edge-lpddr"} {
  "npu_mem.global"() {sym_name = "img", kind = "input", type = memref<4x8xui8, "ext">} : () -> ()
  "npu_mem.global"() {sym_name = "idx", kind = "input", type = memref<6xi64, "ext">} : () -> ()
  "npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<2xf64, "ext">, value = dense<[0.5, -1.25]> : tensor<2xf64>} : () -> ()
  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    %g = "npu_mem.get_global"() {name = @img} : () -> memref<4x8xui8, "ext">
    %x = "npu_mem.alloc"() : () -> memref<4x8xui8, "sram">
    // CHECK: "npu_mem.dma_start"{{.*}}(memref<4x8xui8, "ext">, memref<4x8xui8, "sram">)
    %t = "npu_mem.dma_start"(%g, %x) {src_offset = 0, src_sizes = array<i64: 32>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<4x8xui8, "ext">, memref<4x8xui8, "sram">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
    %f = "npu_mem.alloc"() : () -> memref<4x8xf32, "sram">
    // CHECK: "npu_pe.cast"{{.*}}(memref<4x8xui8, "sram">, memref<4x8xf32, "sram">)
    "npu_pe.cast"(%x, %f) : (memref<4x8xui8, "sram">, memref<4x8xf32, "sram">) -> ()
    %u = "npu_mem.alloc"() : () -> memref<4x8xui8, "sram">
    // CHECK: "npu_pe.binary"{{.*}}kind = "add_wrap"{{.*}}memref<4x8xui8, "sram">
    "npu_pe.binary"(%x, %x, %u) {kind = "add_wrap"} : (memref<4x8xui8, "sram">, memref<4x8xui8, "sram">, memref<4x8xui8, "sram">) -> ()
    // CHECK: "npu_pe.unary"{{.*}}kind = "not"{{.*}}ui8
    "npu_pe.unary"(%u, %u) {kind = "not"} : (memref<4x8xui8, "sram">, memref<4x8xui8, "sram">) -> ()
    %i = "npu_mem.alloc"() : () -> memref<4x8xi64, "sram">
    // CHECK: "npu_pe.fill"{{.*}}value = -9223372036854775808 : i64
    "npu_pe.fill"(%i) {value = -9223372036854775808 : i64} : (memref<4x8xi64, "sram">) -> ()
    %m = "npu_mem.alloc"() : () -> memref<4x8xi8, "sram">
    // CHECK: "npu_pe.compare"{{.*}}kind = "lt"{{.*}}memref<4x8xi64, "sram">
    "npu_pe.compare"(%i, %i, %m) {kind = "lt"} : (memref<4x8xi64, "sram">, memref<4x8xi64, "sram">, memref<4x8xi8, "sram">) -> ()
    // CHECK: "npu_pe.select"{{.*}}memref<4x8xi64, "sram">
    "npu_pe.select"(%m, %i, %i, %i) : (memref<4x8xi8, "sram">, memref<4x8xi64, "sram">, memref<4x8xi64, "sram">, memref<4x8xi64, "sram">) -> ()
    // CHECK: "npu_pe.binary"{{.*}}kind = "mod"{{.*}}i64
    "npu_pe.binary"(%i, %i, %i) {kind = "mod"} : (memref<4x8xi64, "sram">, memref<4x8xi64, "sram">, memref<4x8xi64, "sram">) -> ()
    %d = "npu_mem.alloc"() : () -> memref<8x4xf64, "sram">
    %e = "npu_mem.alloc"() : () -> memref<4x8xf64, "sram">
    "npu_pe.cast"(%f, %e) : (memref<4x8xf32, "sram">, memref<4x8xf64, "sram">) -> ()
    // CHECK: "npu_pe.binary"{{.*}}kind = "div"{{.*}}f64
    "npu_pe.binary"(%e, %e, %e) {kind = "div"} : (memref<4x8xf64, "sram">, memref<4x8xf64, "sram">, memref<4x8xf64, "sram">) -> ()
    // CHECK: "npu_pe.transpose"{{.*}}memref<8x4xf64, "sram">
    "npu_pe.transpose"(%e, %d) {perm = array<i64: 1, 0>} : (memref<4x8xf64, "sram">, memref<8x4xf64, "sram">) -> ()
    %r = "npu_mem.alloc"() : () -> memref<1x4xf64, "sram">
    // CHECK: "npu_pe.reduce"{{.*}}kind = "max"{{.*}}f64
    "npu_pe.reduce"(%d, %r) {axis = 0 : i64, kind = "max"} : (memref<8x4xf64, "sram">, memref<1x4xf64, "sram">) -> ()
    %big = "npu_mem.alloc"() : () -> memref<2xui64, "sram">
    // CHECK: "npu_pe.fill"{{.*}}value = 18446744073709551615 : ui64
    "npu_pe.fill"(%big) {value = 18446744073709551615 : ui64} : (memref<2xui64, "sram">) -> ()
    // CHECK: "npu_noc.send"{{.*}}memref<2xui64, "sram">
    %s = "npu_noc.send"(%big) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 1} : (memref<2xui64, "sram">) -> !npu_noc.token
    "npu_noc.wait"(%s) : (!npu_noc.token) -> ()
    return
  }
  func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
    %b = "npu_mem.alloc"() : () -> memref<2xui64, "sram">
    %r = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 1} : (memref<2xui64, "sram">) -> !npu_noc.token
    "npu_noc.wait"(%r) : (!npu_noc.token) -> ()
    return
  }
}
