// RUN: npu-opt %s | npu-opt | FileCheck %s
// Round trip of every npu_tensor op of the elementwise family (the examples of dialects/npu_tensor.irdl.mlir).

// CHECK-LABEL: func.func @sub
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.sub"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @sub(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.sub"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mul
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.mul"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @mul(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.mul"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @div
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.div"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @div(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.div"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @pow
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.pow"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @pow(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.pow"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @equal
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @equal(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.equal"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @less
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.less"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @less(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.less"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @less_or_equal
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.less_or_equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @less_or_equal(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.less_or_equal"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @greater
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.greater"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @greater(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.greater"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @greater_or_equal
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.greater_or_equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @greater_or_equal(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.greater_or_equal"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @prelu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.prelu"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @prelu(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.prelu"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @and
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.and"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @and(%a: tensor<2x3xi1>, %b: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.and"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @or
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.or"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @or(%a: tensor<2x3xi1>, %b: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.or"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @xor
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.xor"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @xor(%a: tensor<2x3xi1>, %b: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.xor"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @bitwise_and
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.bitwise_and"(%{{.*}}, %{{.*}}) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT: return %[[R]]
func.func @bitwise_and(%a: tensor<2x3xi32>, %b: tensor<3xi32>) -> tensor<2x3xi32> {
  %0 = "npu_tensor.bitwise_and"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @bitwise_or
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.bitwise_or"(%{{.*}}, %{{.*}}) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT: return %[[R]]
func.func @bitwise_or(%a: tensor<2x3xi32>, %b: tensor<3xi32>) -> tensor<2x3xi32> {
  %0 = "npu_tensor.bitwise_or"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @bitwise_xor
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.bitwise_xor"(%{{.*}}, %{{.*}}) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT: return %[[R]]
func.func @bitwise_xor(%a: tensor<2x3xi32>, %b: tensor<3xi32>) -> tensor<2x3xi32> {
  %0 = "npu_tensor.bitwise_xor"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @mod
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.mod"(%{{.*}}, %{{.*}}) {fmod = 0 : i64} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT: return %[[R]]
func.func @mod(%a: tensor<2x3xi32>, %b: tensor<3xi32>) -> tensor<2x3xi32> {
  %0 = "npu_tensor.mod"(%a, %b) {fmod = 0 : i64} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @bit_shift
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.bit_shift"(%{{.*}}, %{{.*}}) {direction = "LEFT"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
// CHECK-NEXT: return %[[R]]
func.func @bit_shift(%a: tensor<3xui8>, %b: tensor<3xui8>) -> tensor<3xui8> {
  %0 = "npu_tensor.bit_shift"(%a, %b) {direction = "LEFT"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %0 : tensor<3xui8>
}

// CHECK-LABEL: func.func @neg
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.neg"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @neg(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.neg"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @abs
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.abs"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @abs(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.abs"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sqrt
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.sqrt"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @sqrt(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.sqrt"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @exp
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.exp"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @exp(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.exp"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @log
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.log"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @log(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.log"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @tanh
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.tanh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @tanh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.tanh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sigmoid
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.sigmoid"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @sigmoid(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.sigmoid"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @erf
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.erf"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @erf(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.erf"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reciprocal
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.reciprocal"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @reciprocal(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.reciprocal"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @floor
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.floor"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @floor(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.floor"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @ceil
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.ceil"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @ceil(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.ceil"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @round
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.round"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @round(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.round"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sign
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.sign"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @sign(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.sign"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sin
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.sin"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @sin(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.sin"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cos
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.cos"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @cos(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.cos"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @tan
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.tan"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @tan(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.tan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @asin
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.asin"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @asin(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.asin"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @acos
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.acos"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @acos(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.acos"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @atan
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.atan"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @atan(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.atan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sinh
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.sinh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @sinh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.sinh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cosh
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.cosh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @cosh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.cosh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @asinh
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.asinh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @asinh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.asinh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @acosh
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.acosh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @acosh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.acosh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @atanh
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.atanh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @atanh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.atanh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @softplus
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.softplus"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @softplus(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.softplus"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @softsign
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.softsign"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @softsign(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.softsign"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mish
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.mish"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @mish(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.mish"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @hard_swish
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.hard_swish"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @hard_swish(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.hard_swish"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @not
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.not"(%{{.*}}) : (tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @not(%x: tensor<2x3xi1>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.not"(%x) : (tensor<2x3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @bitwise_not
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.bitwise_not"(%{{.*}}) : (tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT: return %[[R]]
func.func @bitwise_not(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = "npu_tensor.bitwise_not"(%x) : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @is_nan
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.is_nan"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @is_nan(%x: tensor<2x3xf32>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.is_nan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @is_inf
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.is_inf"(%{{.*}}) {detect_negative = 1 : i64, detect_positive = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT: return %[[R]]
func.func @is_inf(%x: tensor<2x3xf32>) -> tensor<2x3xi1> {
  %0 = "npu_tensor.is_inf"(%x) {detect_negative = 1 : i64, detect_positive = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @leaky_relu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.leaky_relu"(%{{.*}}) {alpha = 0.00999999977 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @leaky_relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.leaky_relu"(%x) {alpha = 0.00999999977 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @elu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.elu"(%{{.*}}) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @elu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.elu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @celu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.celu"(%{{.*}}) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @celu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.celu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @selu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.selu"(%{{.*}}) {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @selu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.selu"(%x) {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @thresholded_relu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.thresholded_relu"(%{{.*}}) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @thresholded_relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.thresholded_relu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @hard_sigmoid
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.hard_sigmoid"(%{{.*}}) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @hard_sigmoid(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.hard_sigmoid"(%x) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @shrink
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.shrink"(%{{.*}}) {bias = 0.000000e+00 : f32, lambd = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @shrink(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.shrink"(%x) {bias = 0.000000e+00 : f32, lambd = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @gelu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.gelu"(%{{.*}}) {approximate = "none"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @gelu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.gelu"(%x) {approximate = "none"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @clip
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.clip"(%{{.*}}) {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @clip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.clip"(%x) {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cast
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.cast"(%{{.*}}) {round_mode = "up", saturate = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
// CHECK-NEXT: return %[[R]]
func.func @cast(%x: tensor<2x3xf32>) -> tensor<2x3xf16> {
  %0 = "npu_tensor.cast"(%x) {round_mode = "up", saturate = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// CHECK-LABEL: func.func @where
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.where"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @where(%c: tensor<2x3xi1>, %a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.where"(%c, %a, %b) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @max
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.max"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @max(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.max"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @min
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.min"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @min(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.min"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @bit_cast
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.bit_cast"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xi32>
// CHECK-NEXT: return %[[R]]
func.func @bit_cast(%x: tensor<2x3xf32>) -> tensor<2x3xi32> {
  %0 = "npu_tensor.bit_cast"(%x) : (tensor<2x3xf32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}
