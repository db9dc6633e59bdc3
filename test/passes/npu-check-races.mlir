// RUN: npu-opt %s --split-input-file --npu-check-races | FileCheck %s
// RUN: npu-opt %S/../dialects/npu_pe_program.mlir --target=edge-lpddr --npu-check-races | FileCheck %s --check-prefix=PROGRAM

// Programs without races pass through unchanged.
// PROGRAM: func.func @pe_0_0()
// PROGRAM: func.func @pe_0_3()

// A barrier orders the scratch write of layer 1 before the read of layer 2.
// CHECK-LABEL: func.func @barrier_producer
// CHECK: "npu_noc.barrier"
// CHECK-LABEL: func.func @barrier_consumer
"npu_mem.global"() {sym_name = "s", kind = "scratch", type = memref<16x8xi8, "ext">} : () -> ()
func.func @barrier_producer() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<16x8xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %s) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}
func.func @barrier_consumer() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %i = "npu_mem.dma_start"(%s, %r) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "ext">, memref<16x8xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  return
}

// -----

// Two producers each signal the consumer's semaphore once; the consumer waits
// for both (count 2), so both writes happen before its read.
// CHECK-LABEL: func.func @sem_producer_a
// CHECK-LABEL: func.func @sem_producer_b
// CHECK-LABEL: func.func @sem_consumer
// CHECK: "npu_noc.sem_wait"
"npu_mem.global"() {sym_name = "s", kind = "scratch", type = memref<16x8xi8, "ext">} : () -> ()
func.func @sem_producer_a() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<8x8xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %s) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<8x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 0, count = 1, route = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}
func.func @sem_producer_b() attributes {npu_pe.pe = array<i64: 0, 2>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 2 : i8} : (memref<8x8xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %s) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 64, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<8x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 0, count = 1, route = array<i64: 0, 2, 0, 1>} : () -> ()
  return
}
func.func @sem_consumer() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %sem = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_noc.sem_wait"(%sem) {count = 2} : (!npu_noc.sem) -> ()
  %i = "npu_mem.dma_start"(%s, %r) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "ext">, memref<16x8xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  return
}

// -----

// A transfer orders them too: the producer sends a (tiny) message after its
// write; the consumer reads after receiving it. The two PEs also write
// interleaved columns of @y at the same time, which do not overlap.
// CHECK-LABEL: func.func @msg_producer
// CHECK-LABEL: func.func @msg_consumer
"npu_mem.global"() {sym_name = "s", kind = "scratch", type = memref<16x8xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<16x8xi8, "ext">} : () -> ()
func.func @msg_producer() attributes {npu_pe.pe = array<i64: 1, 0>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  %f = "npu_mem.alloc"() : () -> memref<1xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<16x8xi8, "sram">) -> ()
  "npu_pe.fill"(%f) {value = 1 : i8} : (memref<1xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %s) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  %p = "npu_mem.dma_start"(%r, %y) {src_offset = 0, src_sizes = array<i64: 16, 4>, src_strides = array<i64: 8, 1>, dst_offset = 0, dst_sizes = array<i64: 16, 4>, dst_strides = array<i64: 8, 1>} : (memref<16x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o, %p) : (!npu_mem.token, !npu_mem.token) -> ()
  %t = "npu_noc.send"(%f) {dst = array<i64: 1, 1>, route = array<i64: 1, 0, 1, 1>, tag = 9} : (memref<1xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
func.func @msg_consumer() attributes {npu_pe.pe = array<i64: 1, 1>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  %f = "npu_mem.alloc"() : () -> memref<1xi8, "sram">
  "npu_pe.fill"(%r) {value = 2 : i8} : (memref<16x8xi8, "sram">) -> ()
  %p = "npu_mem.dma_start"(%r, %y) {src_offset = 4, src_sizes = array<i64: 16, 4>, src_strides = array<i64: 8, 1>, dst_offset = 4, dst_sizes = array<i64: 16, 4>, dst_strides = array<i64: 8, 1>} : (memref<16x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  %u = "npu_noc.recv"(%f) {src = array<i64: 1, 0>, tag = 9} : (memref<1xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%u) : (!npu_noc.token) -> ()
  "npu_mem.dma_wait"(%p) : (!npu_mem.token) -> ()
  %i = "npu_mem.dma_start"(%s, %r) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "ext">, memref<16x8xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  return
}
