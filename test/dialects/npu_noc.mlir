// RUN: npu-opt %s --split-input-file | npu-opt --split-input-file | FileCheck %s

// Round trip of every npu_noc op: a 2x3 corner of the mesh where PE (0, 0)
// sends to (0, 2) over two hops, multicasts to (0, 1) and (1, 1) along a tree,
// signals a semaphore of (0, 1), and all three PEs meet at a barrier.

// CHECK-LABEL: func.func @pe_0_0()
// CHECK: %[[A:.*]] = "npu_mem.alloc"() : () -> memref<64x64xi8, "sram">
// CHECK-NEXT: %[[T0:.*]] = "npu_noc.send"(%[[A]]) {dst = array<i64: 0, 2>, route = array<i64: 0, 0, 0, 1, 0, 2>, tag = 7 : i64} : (memref<64x64xi8, "sram">) -> !npu_noc.token
// CHECK-NEXT: %[[T1:.*]] = "npu_noc.multicast"(%[[A]]) {dsts = array<i64: 0, 1, 1, 1>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 0, 1, 1, 1>], tag = 3 : i64} : (memref<64x64xi8, "sram">) -> !npu_noc.token
// CHECK-NEXT: "npu_noc.wait"(%[[T0]], %[[T1]]) : (!npu_noc.token, !npu_noc.token) -> ()
// CHECK-NEXT: "npu_noc.sem_signal"() {count = 1 : i64, id = 0 : i64, pe = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>} : () -> ()
// CHECK-NEXT: "npu_noc.barrier"() {id = 0 : i64, pes = array<i64: 0, 0, 0, 1, 0, 2>} : () -> ()
// CHECK-NEXT: "npu_noc.wait"() : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<64x64xi8, "sram">
  %t0 = "npu_noc.send"(%a) {dst = array<i64: 0, 2>, route = array<i64: 0, 0, 0, 1, 0, 2>, tag = 7} : (memref<64x64xi8, "sram">) -> !npu_noc.token
  %t1 = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 1, 1, 1>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 0, 1, 1, 1>], tag = 3} : (memref<64x64xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t0, %t1) : (!npu_noc.token, !npu_noc.token) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 0, count = 1, route = array<i64: 0, 0, 0, 1>} : () -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1, 0, 2>} : () -> ()
  "npu_noc.wait"() : () -> ()
  return
}

// CHECK-LABEL: func.func @pe_0_1()
// CHECK: %[[S:.*]] = "npu_noc.semaphore"() {id = 0 : i64, init = 0 : i64} : () -> !npu_noc.sem
// CHECK-NEXT: %[[T:.*]] = "npu_noc.recv"(%{{.*}}) {src = array<i64: 0, 0>, tag = 3 : i64} : (memref<4096xi8, "sram">) -> !npu_noc.token
// CHECK-NEXT: "npu_noc.wait"(%[[T]]) : (!npu_noc.token) -> ()
// CHECK-NEXT: "npu_noc.sem_wait"(%[[S]]) {count = 1 : i64} : (!npu_noc.sem) -> ()
// CHECK-NEXT: "npu_noc.sem_signal"() {count = 2 : i64, id = 0 : i64, pe = array<i64: 0, 1>, route = array<i64: 0, 1>} : () -> ()
// CHECK-NEXT: "npu_noc.barrier"() {id = 0 : i64, pes = array<i64: 0, 2, 0, 1, 0, 0>} : () -> ()
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %b = "npu_mem.alloc"() : () -> memref<4096xi8, "sram">
  %s = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 3} : (memref<4096xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  "npu_noc.sem_wait"(%s) {count = 1} : (!npu_noc.sem) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 0, count = 2, route = array<i64: 0, 1>} : () -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 2, 0, 1, 0, 0>} : () -> ()
  return
}

// CHECK-LABEL: func.func @pe_0_2()
// CHECK: "npu_noc.recv"(%{{.*}}) {src = array<i64: 0, 0>, tag = 7 : i64} : (memref<64x64xi8, "sram">) -> !npu_noc.token
func.func @pe_0_2() attributes {npu_pe.pe = array<i64: 0, 2>} {
  %c = "npu_mem.alloc"() : () -> memref<64x64xi8, "sram">
  %t = "npu_noc.recv"(%c) {src = array<i64: 0, 0>, tag = 7} : (memref<64x64xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1, 0, 2>} : () -> ()
  return
}

// CHECK-LABEL: func.func @pe_1_1()
// CHECK: "npu_noc.recv"(%{{.*}}) {src = array<i64: 0, 0>, tag = 3 : i64} : (memref<64x64xi8, "sram">) -> !npu_noc.token
func.func @pe_1_1() attributes {npu_pe.pe = array<i64: 1, 1>} {
  %c = "npu_mem.alloc"() : () -> memref<64x64xi8, "sram">
  %t = "npu_noc.recv"(%c) {src = array<i64: 0, 0>, tag = 3} : (memref<64x64xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
