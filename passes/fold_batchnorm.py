"""npu-fold-batchnorm: fold an inference BatchNormalization into the convolution before it.

    BN(conv(x, w, b)) = conv(x, w * k, (b - mean) * k + beta),  k = gamma / sqrt(var + eps)  (per channel)

Level 1 -> level 1; the quantizer runs it first so that a conv and its BN become
one integer layer. Algorithm:
  1. find each npu_tensor.batch_normalization whose input is an npu_tensor.conv
     with constant weight (and bias, if any), used by nothing else;
  2. compute w' and b' in float64 from the constants, round them to the conv's type;
  3. create the new conv (at the conv's location, so the layer keeps its ONNX name),
     replace the BN's result with it, erase the BN, the old conv and dead constants.

Before:
  %0 = "npu_tensor.conv"(%x, %w) {...} : (tensor<1x1x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
  %1 = "npu_tensor.batch_normalization"(%0, %g, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (...) -> tensor<1x8x8x8xf32>
After:
  %0 = "npu_tensor.conv"(%x, %w2, %b2) {...} : (tensor<1x1x8x8xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mlir import ir
from mlir.dialects import arith

from npu.ir import dtypes, resources
from npu.ir.attrs import from_attr, to_attr
from npu.ir.pass_base import Pass, PassEnv


def _constant(value: ir.Value, blobs_cache: dict, module_op) -> np.ndarray | None:
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.name != "arith.constant":
        return None
    attr = owner.attributes["value"]
    if str(attr).startswith("dense_resource<"):
        if "blobs" not in blobs_cache:
            text = module_op.get_asm(binary=False, large_elements_limit=None)
            blobs_cache["blobs"] = resources.parse_blobs(text[text.rfind("{-#"):])
        return resources.resource_value(attr, blobs_cache["blobs"])
    return np.asarray(from_attr(attr))


def _new_constant(array: np.ndarray, name: str) -> ir.Value:
    ttype = dtypes.tensor_type(array.shape, array.dtype)
    if array.size <= 64:
        return arith.ConstantOp(ttype, to_attr(array)).result
    return arith.ConstantOp(ttype, resources.resource_attr(array, name)).result


def fold_batchnorm(module_op: ir.Operation) -> int:
    """Fold every conv -> BN pair in `module_op` in place; returns how many were folded."""
    pairs = []

    def visit(op):
        op = op.operation
        if op.name == "npu_tensor.batch_normalization" and len(op.operands) == 5:
            x = op.operands[0]
            owner = x.owner
            if not isinstance(owner, ir.Block) and owner.name == "npu_tensor.conv" and len(list(x.uses)) == 1:
                pairs.append((owner, op))
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)
    cache: dict = {}
    folded = 0
    for conv, bn in pairs:
        consts = [_constant(v, cache, module_op) for v in list(conv.operands)[1:]]
        params = [_constant(v, cache, module_op) for v in list(bn.operands)[1:]]
        if any(c is None for c in consts + params):
            continue
        w = consts[0]
        b = consts[1] if len(consts) > 1 else np.zeros(w.shape[0])
        gamma, beta, mean, var = (p.astype(np.float64) for p in params)
        k = gamma / np.sqrt(var + float(from_attr(bn.attributes["epsilon"])))
        w2 = (w.astype(np.float64) * k.reshape((-1,) + (1,) * (w.ndim - 1))).astype(w.dtype)
        b2 = ((b.astype(np.float64) - mean) * k + beta).astype(w.dtype)
        name = conv.location.name_str if conv.location.is_a_name() else "conv"
        with ir.InsertionPoint(conv), conv.location:
            wv = _new_constant(w2, f"{name}_W_folded")
            bv = _new_constant(b2, f"{name}_B_folded")
            attrs = {k_: conv.attributes[k_] for k_ in conv.attributes if k_ != "operandSegmentSizes"}
            new = ir.Operation.create("npu_tensor.conv", results=[bn.results[0].type],
                                      operands=[conv.operands[0], wv, bv], attributes=attrs, loc=conv.location)
        bn.results[0].replace_all_uses_with(new.results[0])
        bn.erase()
        conv.erase()
        folded += 1
    _erase_dead_constants(module_op)
    return folded


def _erase_dead_constants(module_op: ir.Operation) -> None:
    dead = []

    def visit(op):
        op = op.operation
        if op.name == "arith.constant" and not any(True for _ in op.result.uses):
            dead.append(op)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit)
    for op in dead:
        op.erase()


@dataclass(frozen=True)
class FoldBatchnormPass(Pass):
    NAME = "npu-fold-batchnorm"
    SUMMARY = "Fold inference BatchNormalization into the preceding convolution"

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        fold_batchnorm(op)
