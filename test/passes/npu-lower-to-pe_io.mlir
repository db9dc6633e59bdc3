// RUN: npu-opt %s --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe | FileCheck %s

// Graph I/O at level 4. Boolean inputs and outputs live in i8 masks and record their graph
// type (`element = i1`). Outputs no op writes -- a constant ("c"), a graph input ("i") and a
// value returned under a second name ("g2") -- get output globals of their own, filled by a
// copy layer after the graph's: ext -> SRAM -> ext DMAs of the source global.
// CHECK-DAG: "npu_mem.global"() {element = i1, kind = "input", sym_name = "m", type = memref<4x8xi8, "ext">}
// CHECK-DAG: "npu_mem.global"() {element = i1, kind = "output", sym_name = "g", type = memref<4x8xi8, "ext">}
// CHECK-DAG: "npu_mem.global"() {element = i1, kind = "output", sym_name = "g2", type = memref<4x8xi8, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "output", sym_name = "c", type = memref<3xf32, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "output", sym_name = "i", type = memref<4x8xf32, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "weight", sym_name = "[[CONST:.*]]", type = memref<3xf32, "ext">, value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>}
// CHECK-DAG: "npu_mem.global"() {kind = "input", sym_name = "x", type = memref<4x8xf32, "ext">}
// The constant's copy: a 3-element chunk through SRAM into "c".
// CHECK-DAG: %[[CSRC:.*]] = "npu_mem.get_global"() {name = @[[CONST]]} : () -> memref<3xf32, "ext">
// CHECK-DAG: %[[CDST:.*]] = "npu_mem.get_global"() {name = @c} : () -> memref<3xf32, "ext">
// CHECK-DAG: %[[CBUF:.*]] = "npu_mem.alloc"() : () -> memref<3xf32, "sram">
// CHECK-DAG: "npu_mem.dma_start"(%[[CSRC]], %[[CBUF]]) {dst_offset = 0 : i64, dst_sizes = array<i64: 3>, dst_strides = array<i64: 1>, src_offset = 0 : i64, src_sizes = array<i64: 3>, src_strides = array<i64: 1>}
// CHECK-DAG: "npu_mem.dma_start"(%[[CBUF]], %[[CDST]]) {dst_offset = 0 : i64, dst_sizes = array<i64: 3>, dst_strides = array<i64: 1>, src_offset = 0 : i64, src_sizes = array<i64: 3>, src_strides = array<i64: 1>}
// The input's copy reads "x" and writes "i".
// CHECK-DAG: %[[ISRC:.*]] = "npu_mem.get_global"() {name = @x} : () -> memref<4x8xf32, "ext">
// CHECK-DAG: %[[IDST:.*]] = "npu_mem.get_global"() {name = @i} : () -> memref<4x8xf32, "ext">
// CHECK-DAG: "npu_mem.dma_start"(%[[IBUF:.*]], %[[IDST]]) {dst_offset = 0 : i64, dst_sizes = array<i64: 32>
// The second name of "g" copies the first's global once the compare has written it.
// CHECK-DAG: %[[GSRC:.*]] = "npu_mem.get_global"() {name = @g} : () -> memref<4x8xi8, "ext">
// CHECK-DAG: %[[GDST:.*]] = "npu_mem.get_global"() {name = @g2} : () -> memref<4x8xi8, "ext">
// CHECK-DAG: "npu_mem.dma_start"(%[[GBUF:.*]], %[[GDST]]) {dst_offset = 0 : i64, dst_sizes = array<i64: 32>
func.func @main(%x: tensor<4x8xf32> {npu.name = "x"}, %m: tensor<4x8xi1> {npu.name = "m"})
    -> (tensor<4x8xi1> {npu.name = "g2"}, tensor<4x8xi1> {npu.name = "g"}, tensor<3xf32> {npu.name = "c"},
        tensor<4x8xf32> {npu.name = "i"}) {
  %c = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %z = arith.constant dense<0.0> : tensor<1xf32>
  %0 = "npu_tensor.greater"(%x, %z) : (tensor<4x8xf32>, tensor<1xf32>) -> tensor<4x8xi1> loc("gt")
  %1 = "npu_tensor.and"(%0, %m) : (tensor<4x8xi1>, tensor<4x8xi1>) -> tensor<4x8xi1> loc("and")
  return %1, %1, %c, %x : tensor<4x8xi1>, tensor<4x8xi1>, tensor<3xf32>, tensor<4x8xf32>
}
