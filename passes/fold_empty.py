"""npu-fold-empty: ops on empty tensors (a dimension of size 0) become constants or drop the empty pieces.

An empty tensor holds no data, so its value is known at compile time wherever it appears (a
graph input of shape [2, 0, 4], a slice or split piece of size 0, a reshape of one). Level 4
has no buffers of zero elements to compute on, so before tiling, in `func.func @main`:

  1. an op whose results all have zero elements needs no computation: each result becomes an
     empty `arith.constant` of its type;
  2. an op reading an empty tensor whose other operands are constants is evaluated now by the
     golden interpreter (npu.interp, the same kernels that define the op) and its results become
     constants: a reduction over an empty axis gives its identity value (sum 0, max -inf, ...),
     a pad of an empty tensor its pad value, exactly as golden computes them;
  3. a `concat` (of two tensors) with one empty operand is its other operand;
  4. any other op reading an empty tensor is left alone (npu-tile names it).

An op golden cannot evaluate on its empty operand (arg_max / arg_min over an empty axis: no
index to give) is a located error at that op.

Rule 2 also applies to an op whose operands are all constants, one of them made by this pass
(what follows an empty reduction: log(sum over nothing) = log(0) = -inf, computed in f64
by golden even where level 4 has no f64 log).

Results become dense `arith.constant`s (one per result, located at the op). Graph outputs that
end up constant are copied into their output globals by npu-lower-to-pe (npu.spatial.io_copy).
Ops with quantized operand or result types are left alone.

Before:
  %0 = "npu_tensor.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
After:
  %0 = arith.constant dense<0.000000e+00> : tensor<2x1x4xf32>
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np
from mlir import ir
from mlir.dialects import arith, func

from npu.errors import NpuError
from npu.ir import dtypes
from npu.ir.attrs import dense_attr
from npu.ir.pass_base import Pass, PassEnv

# a folded result larger than this stays an op (it is not worth a weight; npu-tile names it)
MAX_FOLD_ELEMENTS = 1 << 20


def _static(t: ir.Type) -> ir.RankedTensorType | None:
    if isinstance(t, ir.RankedTensorType) and t.has_static_shape:
        return t
    return None


def _empty(v: ir.Value) -> bool:
    t = _static(v.type)
    return t is not None and 0 in list(t.shape)


def _plain(t: ir.Type) -> bool:
    """A ranked static tensor of an element type numpy holds (no quantized types)."""
    t = _static(t)
    if t is None:
        return False
    try:
        dtypes.numpy_dtype(t.element_type)
    except Exception:  # noqa: BLE001 - quantized or exotic: not folded
        return False
    return True


def _defining(v: ir.Value) -> ir.Operation | None:
    owner = v.owner
    if isinstance(owner, ir.Block):
        return None
    return owner.operation if hasattr(owner, "operation") else owner


def _is_constant(v: ir.Value) -> bool:
    op = _defining(v)
    return op is not None and op.name == "arith.constant"


def _empty_constant(t: ir.RankedTensorType) -> ir.Value:
    array = np.zeros(list(t.shape), dtypes.numpy_dtype(t.element_type))
    return arith.ConstantOp(t, dense_attr(array)).result


def _golden(op: ir.Operation) -> list[np.ndarray]:
    """Results of `op` by the golden interpreter, its operands being constants or empty tensors."""
    from npu.interp.executor import Program

    with ir.Location.unknown():
        scratch = ir.Module.create()
        with ir.InsertionPoint(scratch.body):
            f = func.FuncOp("main", ir.FunctionType.get([], [r.type for r in op.results]))
            with ir.InsertionPoint(f.add_entry_block()):
                operands = []
                for v in op.operands:
                    if _empty(v):
                        operands.append(_empty_constant(v.type))
                    else:
                        operands.append(_defining(v).clone().results[0])
                clone = ir.Operation.create(op.name, results=[r.type for r in op.results], operands=operands,
                                            attributes={a: op.attributes[a] for a in op.attributes},
                                            loc=op.location)
                func.ReturnOp(list(clone.results))
    return list(Program(scratch).run({}).values())


class FoldError(NpuError):
    """An op reading an empty tensor whose value golden cannot give; reported at `op`."""

    def __init__(self, op: ir.Operation, message: str):
        super().__init__(message)
        self.op = op


def _replace(op: ir.Operation, values: list[ir.Value]) -> None:
    for old, new in zip(op.results, values):
        old.replace_all_uses_with(new)
    op.erase()


def fold_empty(func_op: ir.Operation) -> int:
    """Apply rules 1-3 (module docstring) to `func_op`'s block in order; returns the ops rewritten."""
    count = 0
    derived: set = set()  # constants this pass made (rule 2 follows them)
    block = func_op.regions[0].blocks[0]
    for op in list(block.operations):
        op = op.operation
        if op.name in ("arith.constant", "func.return") or not op.results:
            continue
        if not (any(_empty(r) for r in op.results) or any(_empty(v) or v in derived for v in op.operands)):
            continue  # the common case: nothing empty here
        if not all(_plain(r.type) for r in op.results) or not all(_plain(v.type) for v in op.operands):
            continue
        if all(_empty(r) for r in op.results):  # rule 1
            with ir.InsertionPoint(op), op.location:
                new = [_empty_constant(r.type) for r in op.results]
                _replace(op, new)
            derived.update(new)
            count += 1
            continue
        if not any(_empty(v) or v in derived for v in op.operands):
            continue
        if op.name == "npu_tensor.concat" and any(_empty(v) for v in op.operands):  # rule 3
            _replace(op, [v for v in op.operands if not _empty(v)])
            count += 1
            continue
        if not all(_empty(v) or _is_constant(v) for v in op.operands):  # rule 4
            continue
        if sum(prod(_static(r.type).shape) for r in op.results) > MAX_FOLD_ELEMENTS:
            continue
        try:
            values = _golden(op)  # rule 2
        except NpuError as err:  # golden refuses the op on this data (e.g. arg_max over an empty axis)
            raise FoldError(op, f"'{op.name}' op cannot be evaluated on its empty operand: "
                                f"{str(err).split(': ', 1)[-1]}") from None
        with ir.InsertionPoint(op), op.location:
            new = []
            for r, value in zip(op.results, values):
                attr = dense_attr(np.asarray(value))
                if attr.type != r.type:
                    raise NpuError(f"internal: folding '{op.name}' gave {attr.type}, expected {r.type}")
                new.append(arith.ConstantOp(r.type, attr).result)
            _replace(op, new)
        derived.update(new)
        count += 1
    for op in list(block.operations):  # constants this pass made that only folded ops read
        op = op.operation
        if op.name == "arith.constant" and op.results[0] in derived and not list(op.results[0].uses):
            op.erase()
    return count


@dataclass(frozen=True)
class FoldEmptyPass(Pass):
    NAME = "npu-fold-empty"
    SUMMARY = "Ops on empty tensors: constants by golden semantics, empty concat pieces dropped"

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        from npu.spatial.graph import find_main

        try:
            main = find_main(op)
            fold_empty(main)
        except FoldError as err:
            raise env.fail(err.op, str(err)) from None
        except NpuError as err:
            raise env.fail(op, str(err)) from None
