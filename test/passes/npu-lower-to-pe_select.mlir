// RUN: npu-opt %s --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe | FileCheck %s

// Comparisons, select, rounding and logical ops of the eltwise family on their level-4 ops.
// Booleans (i1) are i8 masks of 0 / 1: the i1 input, scratch and output globals are i8 (graph
// inputs and outputs record their i1 type in `element`);
// not(m) = m xor 1 with a one-element weight of ones; is_nan(x) = compare ne (x, x).
// CHECK-DAG: "npu_mem.global"() {element = i1, kind = "input", sym_name = "m", type = memref<4x8xi8, "ext">}
// CHECK-DAG: "npu_mem.global"() {element = i1, kind = "output", sym_name = "k", type = memref<4x8xi8, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "weight", sym_name = "ones", type = memref<1x1xi8, "ext">, value = dense<1> : tensor<1x1xi8>}
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: "npu_pe.compare"(%[[X:.*]], %[[Y:.*]], %{{.*}}) {kind = "lt"} : (memref<4x8xf32, "sram">, memref<1x8xf32, "sram">, memref<4x8xi8, "sram">) -> ()
// CHECK: "npu_pe.unary"(%{{.*}}, %{{.*}}) {kind = "floor"} : (memref<4x8xf32, "sram">, memref<4x8xf32, "sram">) -> ()
// CHECK: "npu_pe.select"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<4x8xi8, "sram">, memref<4x8xf32, "sram">, memref<1x8xf32, "sram">, memref<4x8xf32, "sram">) -> ()
// CHECK: %[[ONES:.*]] = "npu_mem.alloc"() : () -> memref<1x1xi8, "sram">
// CHECK: "npu_pe.binary"(%{{.*}}, %[[ONES]], %{{.*}}) {kind = "xor"} : (memref<4x8xi8, "sram">, memref<1x1xi8, "sram">, memref<4x8xi8, "sram">) -> ()
// CHECK: "npu_pe.compare"(%[[V:.*]], %[[V]], %{{.*}}) {kind = "ne"} : (memref<4x8xf32, "sram">, memref<4x8xf32, "sram">, memref<4x8xi8, "sram">) -> ()
// CHECK: "npu_pe.binary"(%{{.*}}, %{{.*}}, %{{.*}}) {kind = "or"} : (memref<4x8xi8, "sram">, memref<4x8xi8, "sram">, memref<4x8xi8, "sram">) -> ()
func.func @main(%x: tensor<4x8xf32> {npu.name = "x"}, %y: tensor<8xf32> {npu.name = "y"}, %m: tensor<4x8xi1> {npu.name = "m"}) -> (tensor<4x8xf32> {npu.name = "w"}, tensor<4x8xi1> {npu.name = "k"}) {
  %0 = "npu_tensor.less"(%x, %y) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi1> loc("less")
  %1 = "npu_tensor.floor"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("floor")
  %2 = "npu_tensor.where"(%0, %1, %y) : (tensor<4x8xi1>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> loc("where")
  %3 = "npu_tensor.not"(%m) : (tensor<4x8xi1>) -> tensor<4x8xi1> loc("not")
  %4 = "npu_tensor.is_nan"(%x) : (tensor<4x8xf32>) -> tensor<4x8xi1> loc("isnan")
  %5 = "npu_tensor.or"(%3, %4) : (tensor<4x8xi1>, tensor<4x8xi1>) -> tensor<4x8xi1> loc("or")
  return %2, %5 : tensor<4x8xf32>, tensor<4x8xi1>
}
