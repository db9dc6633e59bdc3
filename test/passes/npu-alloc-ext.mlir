// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-alloc-ext --npu-check-races | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-alloc-ext="share-scratch=false" | FileCheck %s --check-prefix=NOSHARE
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-alloc-ext="alignment=256" | FileCheck %s --check-prefix=A256

// Inputs, then outputs, then weights, each aligned to the DMA width of
// edge-lpddr (32 bytes): x [0, 100), y at 128 [128, 384), w at 384.
// CHECK-LABEL: module
// CHECK-DAG: "npu_mem.global"() {address = 0 : i64, kind = "input", sym_name = "x"
// CHECK-DAG: "npu_mem.global"() {address = 128 : i64, kind = "output", sym_name = "y"
// CHECK-DAG: "npu_mem.global"() {address = 384 : i64, kind = "weight", sym_name = "w"
// A256-DAG: {address = 0 : i64, kind = "input", sym_name = "x"
// A256-DAG: {address = 256 : i64, kind = "output", sym_name = "y"
// A256-DAG: {address = 512 : i64, kind = "weight", sym_name = "w"
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<10xi8, "ext">, value = dense<1> : tensor<10xi8>} : () -> ()
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<64xi32, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<100xi8, "ext">} : () -> ()

// -----

// Three layers separated by barriers: s1 is written by layer 1 and read by
// layer 2, which then writes s2 (after its read of s1 completed), read by
// layer 3, which writes s3 after that. Every use of s1 happens before every
// use of s2, and so on: all three share one address after the input.
// CHECK-LABEL: module
// CHECK-DAG: {address = 128 : i64, kind = "scratch", sym_name = "s1"
// CHECK-DAG: {address = 128 : i64, kind = "scratch", sym_name = "s2"
// CHECK-DAG: {address = 128 : i64, kind = "scratch", sym_name = "s3"
// CHECK-DAG: {address = 0 : i64, kind = "input", sym_name = "x"
// NOSHARE-LABEL: module
// NOSHARE-DAG: {address = 128 : i64, kind = "scratch", sym_name = "s1"
// NOSHARE-DAG: {address = 384 : i64, kind = "scratch", sym_name = "s2"
// NOSHARE-DAG: {address = 640 : i64, kind = "scratch", sym_name = "s3"
"npu_mem.global"() {sym_name = "s1", kind = "scratch", type = memref<256xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "s2", kind = "scratch", type = memref<256xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "s3", kind = "scratch", type = memref<256xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<100xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s1 = "npu_mem.get_global"() {name = @s1} : () -> memref<256xi8, "ext">
  %s2 = "npu_mem.get_global"() {name = @s2} : () -> memref<256xi8, "ext">
  %s3 = "npu_mem.get_global"() {name = @s3} : () -> memref<256xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<256xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<256xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %s1) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %i = "npu_mem.dma_start"(%s2, %r) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "ext">, memref<256xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  %o3 = "npu_mem.dma_start"(%r, %s3) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o3) : (!npu_mem.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %s1 = "npu_mem.get_global"() {name = @s1} : () -> memref<256xi8, "ext">
  %s2 = "npu_mem.get_global"() {name = @s2} : () -> memref<256xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<256xi8, "sram">
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %i = "npu_mem.dma_start"(%s1, %r) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "ext">, memref<256xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  %o = "npu_mem.dma_start"(%r, %s2) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}

// -----

// s1 and s2 are written at the same time by two PEs before the barrier, so
// they must not share; s3, which nothing uses, shares with anything. Its
// address is therefore the lowest free one: 0.
// CHECK-LABEL: module
// CHECK-DAG: {address = 0 : i64, kind = "scratch", sym_name = "s1"
// CHECK-DAG: {address = 256 : i64, kind = "scratch", sym_name = "s2"
// CHECK-DAG: {address = 0 : i64, kind = "scratch", sym_name = "s3"
"npu_mem.global"() {sym_name = "s1", kind = "scratch", type = memref<256xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "s2", kind = "scratch", type = memref<256xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "s3", kind = "scratch", type = memref<64xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s1 = "npu_mem.get_global"() {name = @s1} : () -> memref<256xi8, "ext">
  %s2 = "npu_mem.get_global"() {name = @s2} : () -> memref<256xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<256xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<256xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %s1) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %i = "npu_mem.dma_start"(%s2, %r) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "ext">, memref<256xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %s1 = "npu_mem.get_global"() {name = @s1} : () -> memref<256xi8, "ext">
  %s2 = "npu_mem.get_global"() {name = @s2} : () -> memref<256xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<256xi8, "sram">
  "npu_pe.fill"(%r) {value = 2 : i8} : (memref<256xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %s2) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %i = "npu_mem.dma_start"(%s1, %r) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "ext">, memref<256xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  return
}
