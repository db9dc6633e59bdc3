"""Python verifiers for npu_tensor: the shape rules IRDL cannot state."""

from __future__ import annotations

from math import prod

from mlir import ir

from npu.ir.types import broadcast_shapes, i64_array, tensor_shape
from npu.ir.verify import VerifyEnv, verifier


def _shapes(op: ir.Operation) -> tuple[list[list[int]], list[int]]:
    return [tensor_shape(v) for v in op.operands], tensor_shape(op.results[0])


@verifier("npu_tensor.add")
def _verify_broadcast_binary(op: ir.Operation, env: VerifyEnv) -> None:
    (lhs, rhs), out = _shapes(op)
    expected = broadcast_shapes(lhs, rhs)
    if expected is None:
        env.error(op, f"expects broadcast-compatible operands, got {lhs} and {rhs}")
    elif out != expected:
        env.error(op, f"expects result shape {expected}, got {out}")


@verifier("npu_tensor.relu")
def _verify_same_shape(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")


@verifier("npu_tensor.matmul")
def _verify_matmul(op: ir.Operation, env: VerifyEnv) -> None:
    (lhs, rhs), out = _shapes(op)
    if len(lhs) < 2 or len(rhs) < 2:
        env.error(op, f"expects operands of rank >= 2, got ranks {len(lhs)} and {len(rhs)}")
        return
    if lhs[-1] != rhs[-2]:
        env.error(op, f"expects lhs.shape[-1] == rhs.shape[-2], got {lhs[-1]} and {rhs[-2]}")
        return
    batch = broadcast_shapes(lhs[:-2], rhs[:-2])
    if batch is None:
        env.error(op, f"expects broadcast-compatible batch dims, got {lhs[:-2]} and {rhs[:-2]}")
    elif out != batch + [lhs[-2], rhs[-1]]:
        env.error(op, f"expects result shape {batch + [lhs[-2], rhs[-1]]}, got {out}")


@verifier("npu_tensor.reshape")
def _verify_reshape(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if prod(inp) != prod(out):
        env.error(op, f"expects the same number of elements, got {prod(inp)} and {prod(out)}")


@verifier("npu_tensor.transpose")
def _verify_transpose(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    perm = i64_array(op, "perm")
    if sorted(perm) != list(range(len(inp))):
        env.error(op, f"expects perm to be a permutation of 0..{len(inp) - 1}, got {perm}")
    elif out != [inp[p] for p in perm]:
        env.error(op, f"expects result shape {[inp[p] for p in perm]}, got {out}")
