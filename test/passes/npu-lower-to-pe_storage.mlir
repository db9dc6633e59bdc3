// RUN: npu-opt %s --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe | FileCheck %s

// Casts to the storage-only types (npu.spatial.rules_eltwise, cast_plan):
// * f32 -> i2 (golden: ml_dtypes' astype, truncate then the low 2 bits; NaN, inf and |x| >= 2^31 give 0):
//   t = select(x < 0, ceil x, floor x); t = select(|x| < 2^31, t, 0); w = cast_i64(t);
//   w = ((w and 3) xor 2) sub_wrap 2; cast to i2, stored packed (memref<4x8xi2>).
// * f16 -> f8E4M3FNUZ with saturate: the f32 value clamped to +-240, then one cast (NaN stays NaN).
// * f32 -> f8E8M0FNU (round_mode "up", saturate): npu_pe.cast itself.
// CHECK-DAG: "npu_mem.global"() {kind = "output", sym_name = "q", type = memref<4x8xi2, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "output", sym_name = "f", type = memref<4x8xf8E4M3FNUZ, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "output", sym_name = "e", type = memref<4x8xf8E8M0FNU, "ext">}
// CHECK-DAG: "npu_mem.global"() {kind = "weight", sym_name = "wrap_limit", type = memref<1x1xf32, "ext">, value = dense<2.14748365E+9> : tensor<1x1xf32>}
// CHECK-DAG: "npu_mem.global"() {kind = "weight", sym_name = "wrap_mask", type = memref<1x1xi64, "ext">, value = dense<3> : tensor<1x1xi64>}
// CHECK-DAG: "npu_mem.global"() {kind = "weight", sym_name = "wrap_half", type = memref<1x1xi64, "ext">, value = dense<2> : tensor<1x1xi64>}
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: %[[Q:.*]] = "npu_mem.alloc"() : () -> memref<4x8xi2, "sram">
// CHECK: "npu_pe.unary"(%[[X:.*]], %[[DOWN:.*]]) {kind = "floor"}
// CHECK: "npu_pe.unary"(%[[X]], %[[UP:.*]]) {kind = "ceil"}
// CHECK: "npu_pe.select"(%{{.*}}, %[[UP]], %[[DOWN]], %[[DOWN]])
// CHECK: "npu_pe.unary"(%[[X]], %[[MAG:.*]]) {kind = "abs"}
// CHECK: "npu_pe.compare"(%[[MAG]], %{{.*}}, %[[KEEP:.*]]) {kind = "lt"}
// CHECK: "npu_pe.select"(%[[KEEP]], %[[DOWN]], %{{.*}}, %[[DOWN]])
// CHECK: "npu_pe.cast"(%[[DOWN]], %[[W:.*]]) : (memref<4x8xf32, "sram">, memref<4x8xi64, "sram">) -> ()
// CHECK: "npu_pe.binary"(%[[W]], %{{.*}}, %[[W]]) {kind = "and"}
// CHECK: "npu_pe.binary"(%[[W]], %{{.*}}, %[[W]]) {kind = "xor"}
// CHECK: "npu_pe.binary"(%[[W]], %{{.*}}, %[[W]]) {kind = "sub_wrap"}
// CHECK: "npu_pe.cast"(%[[W]], %[[Q]]) : (memref<4x8xi64, "sram">, memref<4x8xi2, "sram">) -> ()
// CHECK: "npu_mem.dma_start"(%[[Q]], %{{.*}}) {{.*}} : (memref<4x8xi2, "sram">, memref<4x8xi2, "ext">) -> !npu_mem.token
// CHECK: "npu_pe.cast"(%{{.*}}, %[[F32:.*]]) : (memref<4x8xf16, "sram">, memref<4x8xf32, "sram">) -> ()
// CHECK: "npu_pe.clamp"(%[[F32]], %[[C:.*]]) {max = 2.400000e+02 : f32, min = -2.400000e+02 : f32}
// CHECK: "npu_pe.cast"(%[[C]], %{{.*}}) : (memref<4x8xf32, "sram">, memref<4x8xf8E4M3FNUZ, "sram">) -> ()
// CHECK: "npu_pe.cast"(%{{.*}}, %{{.*}}) : (memref<4x8xf32, "sram">, memref<4x8xf8E8M0FNU, "sram">) -> ()
func.func @main(%x: tensor<4x8xf32> {npu.name = "x"}, %h: tensor<4x8xf16> {npu.name = "h"}) -> (tensor<4x8xi2> {npu.name = "q"}, tensor<4x8xf8E4M3FNUZ> {npu.name = "f"}, tensor<4x8xf8E8M0FNU> {npu.name = "e"}) {
  %0 = "npu_tensor.cast"(%x) {saturate = 1 : i64, round_mode = "up"} : (tensor<4x8xf32>) -> tensor<4x8xi2> loc("to_i2")
  %1 = "npu_tensor.cast"(%h) {saturate = 1 : i64, round_mode = "up"} : (tensor<4x8xf16>) -> tensor<4x8xf8E4M3FNUZ> loc("to_fnuz")
  %2 = "npu_tensor.cast"(%x) {saturate = 1 : i64, round_mode = "up"} : (tensor<4x8xf32>) -> tensor<4x8xf8E8M0FNU> loc("to_e8m0")
  return %0, %1, %2 : tensor<4x8xi2>, tensor<4x8xf8E4M3FNUZ>, tensor<4x8xf8E8M0FNU>
}
