// RUN: npu-opt %s --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe | FileCheck %s

// A cast to f8E8M0FNU with a round_mode other than "up" (or without saturate) works on the f32
// bits, as golden's to_e8m0: b = view_i32(x); e = (b ashr 23) and 255; nearest:
// bump = (b and 0x400000) > 0 and ((b and 0x3FFFFF) > 0 or e > 0) (saturate = 0: no cap at 254);
// code = select(e == 255, 255, e + bump), cast into a ui8 view of the f8E8M0FNU buffer.
// CHECK-LABEL: func.func @pe_0_0()
// CHECK: %[[B:.*]] = "npu_mem.view"(%{{.*}}) {byte_offset = 0 : i64} : (memref<4x8xf32, "sram">) -> memref<4x8xi32, "sram">
// CHECK: "npu_pe.binary"(%[[B]], %{{.*}}, %[[E:.*]]) {kind = "ashr"}
// CHECK: "npu_pe.binary"(%[[E]], %{{.*}}, %[[E]]) {kind = "and"}
// CHECK: "npu_pe.binary"(%[[B]], %{{.*}}, %[[S:.*]]) {kind = "and"}
// CHECK: "npu_pe.compare"(%[[S]], %{{.*}}, %[[GUARD:.*]]) {kind = "gt"}
// CHECK: "npu_pe.compare"(%[[S]], %{{.*}}, %[[REST:.*]]) {kind = "gt"}
// CHECK: "npu_pe.compare"(%[[E]], %{{.*}}, %[[NORMAL:.*]]) {kind = "gt"}
// CHECK: "npu_pe.binary"(%[[REST]], %[[NORMAL]], %[[REST]]) {kind = "or"}
// CHECK: "npu_pe.binary"(%[[GUARD]], %[[REST]], %[[GUARD]]) {kind = "and"}
// CHECK-NOT: kind = "ne"
// CHECK: "npu_pe.cast"(%[[GUARD]], %[[S]]) : (memref<4x8xi8, "sram">, memref<4x8xi32, "sram">) -> ()
// CHECK: "npu_pe.binary"(%[[E]], %[[S]], %[[CODE:.*]]) {kind = "add_wrap"}
// CHECK: "npu_pe.compare"(%[[E]], %{{.*}}, %[[NAN:.*]]) {kind = "eq"}
// CHECK: "npu_pe.select"(%[[NAN]], %{{.*}}, %[[CODE]], %[[CODE]])
// CHECK: %[[U:.*]] = "npu_mem.view"(%{{.*}}) {byte_offset = 0 : i64} : (memref<4x8xf8E8M0FNU, "sram">) -> memref<4x8xui8, "sram">
// CHECK: "npu_pe.cast"(%[[CODE]], %[[U]]) : (memref<4x8xi32, "sram">, memref<4x8xui8, "sram">) -> ()
func.func @main(%x: tensor<4x8xf32> {npu.name = "x"}) -> (tensor<4x8xf8E8M0FNU> {npu.name = "e"}) {
  %0 = "npu_tensor.cast"(%x) {saturate = 0 : i64, round_mode = "nearest"} : (tensor<4x8xf32>) -> tensor<4x8xf8E8M0FNU> loc("to_e8m0_nearest")
  return %0 : tensor<4x8xf8E8M0FNU>
}
