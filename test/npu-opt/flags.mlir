// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-fold-reshape{max-iterations=2}, canonicalize, func.func(cse), npu-verify)' | FileCheck %s
// RUN: npu-opt %s --npu-fold-reshape --cse --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=AFTER
// RUN: npu-opt %s --npu-fold-reshape --cse --mlir-print-ir-before=cse 2>&1 >/dev/null | FileCheck %s --check-prefix=BEFORE
// RUN: npu-opt %s --npu-fold-reshape --mlir-timing 2>&1 >/dev/null | FileCheck %s --check-prefix=TIME
// RUN: cat %s | npu-opt -o %t --npu-fold-reshape && FileCheck %s < %t
// RUN: npu-opt --help | FileCheck %s --check-prefix=HELP

// CHECK-LABEL: func.func @f
// CHECK-NEXT: "npu_tensor.reshape"(%arg0) : (tensor<2x8xf32>) -> tensor<4x4xf32>
// CHECK-NEXT: return

// AFTER: // -----// IR Dump After npu-fold-reshape //----- //
// AFTER: // -----// IR Dump After cse //----- //
// BEFORE-NOT: IR Dump Before npu-fold-reshape
// BEFORE: // -----// IR Dump Before cse //----- //
// TIME: Execution time report
// TIME: npu-fold-reshape
// TIME: Total
// HELP: --npu-fold-reshape
// HELP-NEXT: max-iterations=int
// HELP: --npu-verify
func.func @f(%a: tensor<2x8xf32>) -> tensor<4x4xf32> {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<16xf32>
  %1 = "npu_tensor.reshape"(%0) : (tensor<16xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}
