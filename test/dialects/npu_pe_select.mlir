// RUN: npu-opt %s --split-input-file | npu-opt --split-input-file | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr | FileCheck %s

// Round trip of the comparison, select, rounding, trigonometric and logical
// elementwise ops (booleans are i8 masks of 0 / 1; see npu_pe.irdl.mlir).

// CHECK-LABEL: func.func @pe_0_1()
// CHECK-SAME: attributes {npu_pe.pe = array<i64: 0, 1>}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %a = "npu_mem.alloc"() : () -> memref<16x8xf32, "sram">
  %b = "npu_mem.alloc"() : () -> memref<1x8xf32, "sram">
  %s = "npu_mem.alloc"() : () -> memref<1x1xf32, "sram">
  %m = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  %n = "npu_mem.alloc"() : () -> memref<16x1xi8, "sram">
  %y = "npu_mem.alloc"() : () -> memref<16x8xf32, "sram">
  // CHECK: "npu_pe.compare"(%[[A:.*]], %[[B:.*]], %[[M:.*]]) {kind = "lt"} : (memref<16x8xf32, "sram">, memref<1x8xf32, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.compare"(%a, %b, %m) {kind = "lt"} : (memref<16x8xf32, "sram">, memref<1x8xf32, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.compare"(%[[A]], %[[A]], %[[M]]) {kind = "ne"}
  "npu_pe.compare"(%a, %a, %m) {kind = "ne"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.compare"(%{{.*}}, %{{.*}}, %[[M]]) {kind = "ge"} : (memref<16x8xi8, "sram">, memref<16x1xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.compare"(%m, %n, %m) {kind = "ge"} : (memref<16x8xi8, "sram">, memref<16x1xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.select"(%[[M]], %[[A]], %{{.*}}, %[[Y:.*]]) : (memref<16x8xi8, "sram">, memref<16x8xf32, "sram">, memref<1x1xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  "npu_pe.select"(%m, %a, %s, %y) : (memref<16x8xi8, "sram">, memref<16x8xf32, "sram">, memref<1x1xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.select"(%{{.*}}, %[[B]], %[[Y]], %[[Y]]) : (memref<16x1xi8, "sram">, memref<1x8xf32, "sram">, memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  "npu_pe.select"(%n, %b, %y, %y) : (memref<16x1xi8, "sram">, memref<1x8xf32, "sram">, memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[Y]], %[[Y]]) {kind = "floor"}
  "npu_pe.unary"(%y, %y) {kind = "floor"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[Y]], %[[Y]]) {kind = "round"}
  "npu_pe.unary"(%y, %y) {kind = "round"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[A]], %[[Y]]) {kind = "sin"}
  "npu_pe.unary"(%a, %y) {kind = "sin"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[A]], %[[Y]]) {kind = "atanh"}
  "npu_pe.unary"(%a, %y) {kind = "atanh"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[A]], %[[Y]]) {kind = "softplus"}
  "npu_pe.unary"(%a, %y) {kind = "softplus"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[M]], %[[M]]) {kind = "sign"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.unary"(%m, %m) {kind = "sign"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%[[M]], %[[M]]) {kind = "not"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.unary"(%m, %m) {kind = "not"} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[M]], %{{.*}}, %[[M]]) {kind = "or"} : (memref<16x8xi8, "sram">, memref<16x1xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  "npu_pe.binary"(%m, %n, %m) {kind = "or"} : (memref<16x8xi8, "sram">, memref<16x1xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[M]], %{{.*}}, %[[M]]) {kind = "xor"}
  "npu_pe.binary"(%m, %n, %m) {kind = "xor"} : (memref<16x8xi8, "sram">, memref<16x1xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[M]], %{{.*}}, %[[M]]) {kind = "mod"}
  "npu_pe.binary"(%m, %n, %m) {kind = "mod"} : (memref<16x8xi8, "sram">, memref<16x1xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.binary"(%[[A]], %[[B]], %[[Y]]) {kind = "fmod"}
  "npu_pe.binary"(%a, %b, %y) {kind = "fmod"} : (memref<16x8xf32, "sram">, memref<1x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  return
}

// -----

// Narrow float types: compare and select take any element type, the rounding kinds any float type.
// CHECK-LABEL: func.func @pe_1_0()
func.func @pe_1_0() attributes {npu_pe.pe = array<i64: 1, 0>} {
  %h = "npu_mem.alloc"() : () -> memref<4xbf16, "sram">
  %m = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  %i = "npu_mem.alloc"() : () -> memref<4xi32, "sram">
  // CHECK: "npu_pe.compare"(%{{.*}}, %{{.*}}, %{{.*}}) {kind = "eq"} : (memref<4xbf16, "sram">, memref<4xbf16, "sram">, memref<4xi8, "sram">) -> ()
  "npu_pe.compare"(%h, %h, %m) {kind = "eq"} : (memref<4xbf16, "sram">, memref<4xbf16, "sram">, memref<4xi8, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.select"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<4xi8, "sram">, memref<4xi32, "sram">, memref<4xi32, "sram">, memref<4xi32, "sram">) -> ()
  "npu_pe.select"(%m, %i, %i, %i) : (memref<4xi8, "sram">, memref<4xi32, "sram">, memref<4xi32, "sram">, memref<4xi32, "sram">) -> ()
  // CHECK-NEXT: "npu_pe.unary"(%{{.*}}, %{{.*}}) {kind = "ceil"} : (memref<4xbf16, "sram">, memref<4xbf16, "sram">) -> ()
  "npu_pe.unary"(%h, %h) {kind = "ceil"} : (memref<4xbf16, "sram">, memref<4xbf16, "sram">) -> ()
  return
}
