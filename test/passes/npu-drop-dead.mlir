// RUN: npu-opt %s --npu-drop-dead | FileCheck %s
// RUN: npu-opt %s --target=edge-lpddr --npu-drop-dead --npu-tile --npu-place --npu-lower-to-pe | FileCheck %s --check-prefix=PE
// RUN: npu-opt %s --target=edge-lpddr --npu-tile --npu-place --npu-lower-to-pe --verify-diagnostics

// An unread result, and the chain that only fed it, are erased; what the return reads stays.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.neg
// CHECK-NOT: npu_tensor.exp
// CHECK-NOT: arith.constant
// CHECK: npu_tensor.relu
// CHECK-NEXT: return
// Level 4 stores only the graph output: no scratch global for the dead values. Without
// npu-drop-dead, npu-lower-to-pe names the last dead op.
// PE-NOT: kind = "scratch"
// PE: kind = "output"
// PE-NOT: kind = "scratch"
// PE-NOT: npu_pe.unary{{.*}}neg
func.func @main(%x: tensor<4x8xf32> loc("x")) -> tensor<4x8xf32> {
  %c = arith.constant dense<1.0> : tensor<4x8xf32>
  %e = "npu_tensor.exp"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %a = "npu_tensor.add"(%e, %c) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-error@+1 {{'npu_tensor.neg' op computes a value no graph output depends on (run npu-drop-dead first)}}
  %n = "npu_tensor.neg"(%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = "npu_tensor.relu"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("y")
  return %y : tensor<4x8xf32>
}
