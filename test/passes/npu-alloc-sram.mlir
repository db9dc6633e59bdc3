// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-alloc-sram | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-alloc-sram --npu-check-races | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-alloc-sram="alignment=64" | FileCheck %s --check-prefix=A64

// Buffers whose lifetimes do not overlap share bytes: a is dead when c is
// written. Offsets are aligned to the SRAM bank width of edge-lpddr (16
// bytes): b starts at 112 = 100 rounded up. Allocs move to their first use and
// deallocs are inserted after the last one.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[A:.*]] = "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<100xi8, "sram">
// CHECK-NEXT: "npu_pe.fill"(%[[A]])
// CHECK-NEXT: %[[B:.*]] = "npu_mem.alloc"() {alignment = 16 : i64, offset = 112 : i64} : () -> memref<100xi8, "sram">
// CHECK-NEXT: "npu_pe.unary"(%[[A]], %[[B]])
// CHECK-NEXT: "npu_mem.dealloc"(%[[A]])
// CHECK-NEXT: %[[C:.*]] = "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<100xi8, "sram">
// CHECK-NEXT: "npu_pe.unary"(%[[B]], %[[C]])
// CHECK-DAG: "npu_mem.dealloc"(%[[B]])
// CHECK-DAG: "npu_mem.dealloc"(%[[C]])
// With 64-byte alignment b starts at 128.
// A64-LABEL: func.func @chain
// A64: offset = 0
// A64: offset = 128
// A64: offset = 0
func.func @chain() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<100xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<100xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<100xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<100xi8, "sram">) -> ()
  "npu_pe.unary"(%a, %b) {kind = "relu"} : (memref<100xi8, "sram">, memref<100xi8, "sram">) -> ()
  "npu_pe.unary"(%b, %c) {kind = "relu"} : (memref<100xi8, "sram">, memref<100xi8, "sram">) -> ()
  return
}

// -----

// An asynchronous read keeps its buffer live until the wait: in @in_flight
// b is written while the store DMA still reads a, so they get distinct bytes;
// in @after_wait b is written after the wait and reuses a's bytes.
// CHECK-LABEL: func.func @in_flight
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<128xi8, "sram">
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 128 : i64} : () -> memref<128xi8, "sram">
// CHECK-LABEL: func.func @after_wait
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<128xi8, "sram">
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<128xi8, "sram">
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<256xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "z", kind = "output", type = memref<256xi8, "ext">} : () -> ()
func.func @in_flight() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<256xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<128xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<128xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<128xi8, "sram">) -> ()
  %t = "npu_mem.dma_start"(%a, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<128xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_pe.fill"(%b) {value = 2 : i8} : (memref<128xi8, "sram">) -> ()
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  %u = "npu_mem.dma_start"(%b, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 128, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<128xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%u) : (!npu_mem.token) -> ()
  return
}
func.func @after_wait() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %z = "npu_mem.get_global"() {name = @z} : () -> memref<256xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<128xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<128xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<128xi8, "sram">) -> ()
  %t = "npu_mem.dma_start"(%a, %z) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<128xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  "npu_pe.fill"(%b) {value = 2 : i8} : (memref<128xi8, "sram">) -> ()
  %u = "npu_mem.dma_start"(%b, %z) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 128, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<128xi8, "sram">, memref<256xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%u) : (!npu_mem.token) -> ()
  return
}

// -----

// An alloc's own alignment and the element size are respected; a view keeps
// its source live (c may not take a's bytes while the view is still read).
// CHECK-LABEL: func.func @aligned
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<200xi8, "sram">
// CHECK: "npu_mem.alloc"() {alignment = 256 : i64, offset = 256 : i64} : () -> memref<100xi8, "sram">
// CHECK-LABEL: func.func @viewed
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<64xi32, "sram">
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 256 : i64} : () -> memref<32xi32, "sram">
// CHECK: "npu_mem.alloc"() {alignment = 16 : i64, offset = 0 : i64} : () -> memref<64xi32, "sram">
func.func @aligned() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %b = "npu_mem.alloc"() : () -> memref<200xi8, "sram">
  %a = "npu_mem.alloc"() {alignment = 256} : () -> memref<100xi8, "sram">
  "npu_pe.fill"(%b) {value = 1 : i8} : (memref<200xi8, "sram">) -> ()
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<100xi8, "sram">) -> ()
  "npu_pe.unary"(%b, %b) {kind = "relu"} : (memref<200xi8, "sram">, memref<200xi8, "sram">) -> ()
  return
}
func.func @viewed() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %a = "npu_mem.alloc"() : () -> memref<64xi32, "sram">
  %c = "npu_mem.alloc"() : () -> memref<32xi32, "sram">
  %d = "npu_mem.alloc"() : () -> memref<64xi32, "sram">
  "npu_pe.fill"(%a) {value = 1 : i32} : (memref<64xi32, "sram">) -> ()
  %v = "npu_mem.view"(%a) {byte_offset = 128} : (memref<64xi32, "sram">) -> memref<32xi32, "sram">
  "npu_pe.fill"(%c) {value = 2 : i32} : (memref<32xi32, "sram">) -> ()
  "npu_pe.binary"(%v, %c, %c) {kind = "add"} : (memref<32xi32, "sram">, memref<32xi32, "sram">, memref<32xi32, "sram">) -> ()
  "npu_pe.fill"(%d) {value = 3 : i32} : (memref<64xi32, "sram">) -> ()
  return
}
