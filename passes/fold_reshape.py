"""npu-fold-reshape: remove and merge layout-only ops.

Patterns (each its own function, equation in its docstring):
  1. reshape(x) : T -> T                      = x
  2. reshape(reshape(x))                      = reshape(x)
  3. transpose(transpose(x, p), q)            = transpose(x, [p[i] for i in q])
  4. transpose(x, identity)                   = x

Before:
  %0 = "npu_tensor.reshape"(%x) : (tensor<2x8xf32>) -> tensor<16xf32>
  %1 = "npu_tensor.reshape"(%0) : (tensor<16xf32>) -> tensor<4x4xf32>
After:
  %0 = "npu_tensor.reshape"(%x) : (tensor<2x8xf32>) -> tensor<4x4xf32>
"""

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv
from npu.ir.patterns import apply_patterns
from npu.ir.types import i64_array


def _producer(value: ir.Value, name: str) -> ir.Operation | None:
    owner = value.owner
    if isinstance(owner, ir.Block):
        return None
    owner = owner.operation if hasattr(owner, "operation") else owner
    return owner if owner.name == name else None


def _attrs(op: ir.Operation) -> dict:
    return {name: op.attributes[name] for name in op.attributes}


def _replace_with(op, rewriter, source: ir.Value, attrs: dict) -> None:
    """Replace `op` by a copy of itself that reads `source` and carries `attrs`."""
    with rewriter.ip:
        new = ir.Operation.create(
            op.name, results=[op.results[0].type], operands=[source], attributes=attrs, loc=op.location
        )
    rewriter.replace_op(op, new)


def _erase_if_dead(op, rewriter) -> None:
    """IRDL ops declare no side effects, so the greedy driver keeps them: erase by hand."""
    if not list(op.results[0].uses):
        rewriter.erase_op(op)


def fold_identity_reshape(op, rewriter) -> bool:
    """reshape(x) : T -> T = x"""
    if op.operands[0].type != op.results[0].type:
        return False
    rewriter.replace_op(op, [op.operands[0]])
    return True


def merge_reshapes(op, rewriter) -> bool:
    """reshape(reshape(x)) = reshape(x)"""
    inner = _producer(op.operands[0], "npu_tensor.reshape")
    if inner is None:
        return False
    _replace_with(op, rewriter, inner.operands[0], _attrs(op))
    _erase_if_dead(inner, rewriter)
    return True


def fold_transposes(op, rewriter) -> bool:
    """transpose(transpose(x, p), q) = transpose(x, [p[i] for i in q]); transpose(x, id) = x"""
    perm = i64_array(op, "perm")
    if perm == list(range(len(perm))):
        rewriter.replace_op(op, [op.operands[0]])
        return True
    inner = _producer(op.operands[0], "npu_tensor.transpose")
    if inner is None:
        return False
    inner_perm = i64_array(inner, "perm")
    attrs = {"perm": ir.DenseI64ArrayAttr.get([inner_perm[i] for i in perm])}
    _replace_with(op, rewriter, inner.operands[0], attrs)
    _erase_if_dead(inner, rewriter)
    return True


@dataclass(frozen=True)
class FoldReshapePass(Pass):
    NAME = "npu-fold-reshape"
    SUMMARY = "Fold identity reshapes/transposes and merge chains of them"
    max_iterations: int = 10

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        apply_patterns(
            op,
            {
                "npu_tensor.reshape": [fold_identity_reshape, merge_reshapes],
                "npu_tensor.transpose": [fold_transposes],
            },
            max_iterations=self.max_iterations,
        )
