// Routes and multicast against a target: the same module is valid for the
// 8x8 datacenter-hbm part and invalid for the 4x4 edge-lpddr part, whose mesh
// has no row 4 and whose routers cannot multicast.
// RUN: npu-opt %s --split-input-file --target=datacenter-hbm | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --verify-diagnostics
// Without a target the mesh is unbounded and multicast allowed.
// RUN: npu-opt %s --split-input-file | FileCheck %s

// A detour through row 4: both ends are inside the 4x4 mesh, the route is not.
// CHECK-LABEL: func.func @pe_3_0()
// CHECK: "npu_noc.send"({{.*}}) {dst = array<i64: 3, 2>, route = array<i64: 3, 0, 4, 0, 4, 1, 4, 2, 3, 2>, tag = 0 : i64}
func.func @pe_3_0() attributes {npu_pe.pe = array<i64: 3, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects PE of route (4, 0) inside the 4x4 mesh of target 'edge-lpddr'}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 3, 2>, route = array<i64: 3, 0, 4, 0, 4, 1, 4, 2, 3, 2>, tag = 0} : (memref<16xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
func.func @pe_3_2() attributes {npu_pe.pe = array<i64: 3, 2>} {
  %b = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
  %t = "npu_noc.recv"(%b) {src = array<i64: 3, 0>, tag = 0} : (memref<16xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}

// -----

// A program on a PE that exists on the big part only, signalled over two hops.
// CHECK-LABEL: func.func @pe_0_3()
// CHECK-LABEL: func.func @pe_0_5()
func.func @pe_0_3() attributes {npu_pe.pe = array<i64: 0, 3>} {
  // expected-error @below {{'npu_noc.sem_signal' op expects pe (0, 5) inside the 4x4 mesh of target 'edge-lpddr'}}
  "npu_noc.sem_signal"() {pe = array<i64: 0, 5>, id = 0, count = 1, route = array<i64: 0, 3, 0, 4, 0, 5>} : () -> ()
  return
}
// expected-error @below {{'func.func' op expects npu_pe.pe (0, 5) inside the 4x4 mesh of target 'edge-lpddr'}}
func.func @pe_0_5() attributes {npu_pe.pe = array<i64: 0, 5>} {
  %s = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  "npu_noc.sem_wait"(%s) {count = 1} : (!npu_noc.sem) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @pe_0_0()
// CHECK: "npu_noc.multicast"
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
  // expected-error @below {{'npu_noc.multicast' op expects a target with NoC multicast, 'edge-lpddr' has noc.multicast = false}}
  %t = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 1, 0, 2>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 0, 1, 0, 2>], tag = 1} : (memref<16xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %b = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 1} : (memref<16xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
func.func @pe_0_2() attributes {npu_pe.pe = array<i64: 0, 2>} {
  %b = "npu_mem.alloc"() : () -> memref<4x4xi8, "sram">
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 1} : (memref<4x4xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
