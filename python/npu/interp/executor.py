"""The golden interpreter's executor: runs `func.func @main` of an npu module with numpy.

`Program(module)` prepares the module once: it reads every constant (inline
dense attributes via npu.ir.attrs, dense resources by parsing the module's
resource section once, npu.ir.resources), resolves each op's kernel
(npu.interp.registry), converts its attributes, numbers the values and asks the
op's planner, if it has one, for a prepared run (geometry and constant operands
processed once; see registry.py). `Program.run(inputs)` then walks the ops in
order, calls each prepared run (or kernel) on numpy arrays, checks each result
against the op's result type, frees values after their last use, and returns the
results keyed by their `npu.name`. `on_result(op, values)` is called after each
op (per-layer compares, traces). Errors are one-line NpuErrors naming the op's
location. Ops run under np.errstate(all="ignore"): floating-point warnings do not
change IEEE results, and one errstate per run costs less than one per kernel
(on_result runs under the caller's settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.errors import NpuError
from npu.interp.registry import OperandSpec, ResultSpec, Run, get_kernel, get_planner
from npu.ir import dtypes, resources
from npu.ir.attrs import from_attr
from npu.ir.diagnostics import format_location

OnResult = Callable[[ir.Operation, list[np.ndarray]], None]
_ABSENT = -1  # the value slot of an absent optional operand (holds None during a run)


@dataclass
class _Step:
    op: ir.Operation
    kernel: Callable
    operands: list[int | None]  # value slots; None for an absent optional operand
    attrs: dict[str, Any]
    specs: list[ResultSpec]
    results: list[int]
    frees: list[int]  # slots whose last use is this step
    call: Run | None = None  # the planner's prepared run, else the kernel with attrs and specs bound


@dataclass(frozen=True)
class IOSpec:
    """A graph input or output: ONNX name, static shape, numpy dtype."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype


def _load_kernels() -> None:
    from npu.onnx.importer import load_registries

    load_registries()


def _spec(t: ir.Type) -> ResultSpec:
    if not isinstance(t, ir.RankedTensorType):
        raise NpuError(f"the interpreter runs ranked tensors only, got {t}")
    elem = t.element_type
    if isinstance(elem, quant.QuantizedType):
        return ResultSpec(tuple(t.shape), dtypes.numpy_dtype(elem), (int(elem.storage_type_min), int(elem.storage_type_max)))
    return ResultSpec(tuple(t.shape), dtypes.numpy_dtype(elem))


def _where(op: ir.Operation) -> str:
    return f"'{op.name}' at {format_location(op.location)}"


def find_main(module: ir.Module) -> ir.Operation:
    funcs = [op.operation for op in module.body.operations if op.operation.name == "func.func"]
    for op in funcs:
        if op.attributes["sym_name"].value == "main":
            return op
    if len(funcs) == 1:
        return funcs[0]
    raise NpuError("the module has no func.func @main to run")


def _names(attrs, count: int, prefix: str) -> list[str]:
    names = []
    for i in range(count):
        name = None
        if attrs is not None and i < len(attrs):
            d = attrs[i]
            if "npu.name" in d:
                name = d["npu.name"].value
        names.append(name or f"{prefix}{i}")
    return names


class Program:
    """A module prepared for repeated execution."""

    def __init__(self, module: ir.Module):
        _load_kernels()
        self.module = module
        fn = find_main(module)
        self.func = fn
        block = fn.regions[0].blocks[0]
        fattrs = fn.attributes
        args = list(block.arguments)
        arg_names = _names(fattrs["arg_attrs"] if "arg_attrs" in fattrs else None, len(args), "arg")
        slots: dict[ir.Value, int] = {}
        self.inputs: list[IOSpec] = []
        for arg, name in zip(args, arg_names):
            spec = _spec(arg.type)
            slots[arg] = len(slots)
            self.inputs.append(IOSpec(name, spec.shape, spec.dtype))
        self.constants: dict[int, np.ndarray] = {}
        self.steps: list[_Step] = []
        blobs = None
        ret = None
        for op in block.operations:
            op = op.operation
            name = op.name
            if name == "func.return":
                ret = op
                break
            if name == "arith.constant":
                attr = op.attributes["value"]
                if isinstance(attr, ir.DenseResourceElementsAttr) or str(attr).startswith("dense_resource<"):
                    if blobs is None:
                        blobs = resources.resource_blobs(module)
                    value = resources.resource_value(attr, blobs)
                elif isinstance(attr, ir.DenseElementsAttr):
                    value = from_attr(attr)
                else:
                    raise NpuError(f"{_where(op)}: unsupported constant {attr}")
                value.setflags(write=False)  # shared by every run; lets kernels cache widened copies
                slots[op.result] = len(slots)
                self.constants[slots[op.result]] = value
                continue
            kernel = get_kernel(name)
            if kernel is None:
                raise NpuError(f"{_where(op)}: no interpreter kernel for '{name}'")
            attrs = {k: from_attr(op.attributes[k]) for k in _attr_names(op)}
            segments = attrs.pop("operandSegmentSizes", None)
            operands = [slots[v] for v in op.operands]
            if segments is not None:
                operands = _with_absent(operands, segments)
            results = []
            for r in op.results:
                slots[r] = len(slots)
                results.append(slots[r])
            step = _Step(op, kernel, operands, attrs, [_spec(r.type) for r in op.results], results, [])
            step.call = self._prepare(step, [self._operand_spec(v, slots) for v in op.operands])
            self.steps.append(step)
        if ret is None:
            raise NpuError("func @main has no func.return")
        self.output_slots = [slots[v] for v in ret.operands]
        out_names = _names(fattrs["res_attrs"] if "res_attrs" in fattrs else None, len(self.output_slots), "output")
        self.outputs = [IOSpec(n, _spec(v.type).shape, _spec(v.type).dtype) for n, v in zip(out_names, ret.operands)]
        self._plan_frees()

    def _operand_spec(self, value: ir.Value, slots: dict) -> OperandSpec | None:
        if not isinstance(value.type, ir.RankedTensorType):
            return None
        spec = _spec(value.type)
        return OperandSpec(spec.shape, spec.dtype, self.constants.get(slots[value]))

    def _prepare(self, step: _Step, operand_specs: list[OperandSpec | None]) -> Run:
        """The op's prepared run from its planner, else its kernel with attrs and specs bound."""
        planner = get_planner(step.op.name)
        if planner is not None:
            for i, slot in enumerate(step.operands):  # absent optional operands: None in both lists
                if slot is None:
                    operand_specs.insert(i, None)
            call = planner(step.attrs, operand_specs, step.specs)
            if call is not None:
                return call
        kernel, attrs, specs = step.kernel, step.attrs, step.specs
        return lambda args: kernel(args, attrs, specs)

    def _plan_frees(self) -> None:
        last: dict[int, int] = {}
        for i, step in enumerate(self.steps):
            for s in step.operands:
                if s is not None:
                    last[s] = i
        keep = set(self.output_slots) | set(self.constants)
        for slot, i in last.items():
            if slot not in keep:
                self.steps[i].frees.append(slot)
        # what run() reads per step, flat; an absent optional operand reads the _ABSENT slot
        self._loop = [
            (st, st.call, tuple(_ABSENT if s is None else s for s in st.operands), tuple(st.specs), tuple(st.results), tuple(st.frees))
            for st in self.steps
        ]

    def check_inputs(self, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
        """Inputs in argument order; a one-line error for a missing, unknown or ill-typed one."""
        expected = {s.name for s in self.inputs}
        if len(inputs) > len(expected) or not expected.issuperset(inputs):
            unknown = [k for k in inputs if k not in expected]
            raise NpuError(f"unknown input '{unknown[0]}' (the model takes: {', '.join(sorted(expected))})")
        arrays = []
        for spec in self.inputs:
            if spec.name not in inputs:
                raise NpuError(f"missing input '{spec.name}' ({_describe(spec.shape, spec.dtype)})")
            value = np.asarray(inputs[spec.name])
            if value.shape != spec.shape or value.dtype != spec.dtype:
                raise NpuError(
                    f"input '{spec.name}' expects {_describe(spec.shape, spec.dtype)}, "
                    f"got {_describe(value.shape, value.dtype)}"
                )
            arrays.append(value)
        return arrays

    def run(self, inputs: dict[str, np.ndarray], on_result: OnResult | None = None) -> dict[str, np.ndarray]:
        env: dict[int, np.ndarray | None] = dict(self.constants)
        env[_ABSENT] = None
        for k, value in enumerate(self.check_inputs(inputs)):
            env[k] = value
        caller_errstate = None if on_result is None else np.geterr()  # on_result runs under the caller's settings
        with np.errstate(all="ignore"):  # IEEE results either way; kernels' warnings are off
            for step, call, operands, specs, results, frees in self._loop:
                try:
                    outs = call([env[s] for s in operands])
                except NpuError as err:
                    raise NpuError(f"{_where(step.op)}: {err}") from None
                if len(outs) != len(specs):
                    raise NpuError(f"{_where(step.op)}: kernel returned {len(outs)} results, expected {len(specs)}")
                for k in range(len(specs)):
                    out, spec = outs[k], specs[k]
                    if type(out) is not np.ndarray:
                        out = np.asarray(out)
                    if out.shape != spec.shape or (out.dtype is not spec.dtype and out.dtype != spec.dtype):
                        raise NpuError(
                            f"{_where(step.op)}: kernel result {k} is {_describe(out.shape, out.dtype)}, "
                            f"the op declares {_describe(spec.shape, spec.dtype)}"
                        )
                    env[results[k]] = out
                if on_result is not None:
                    with np.errstate(**caller_errstate):
                        on_result(step.op, [env[s] for s in results])
                for s in frees:
                    del env[s]
        return {spec.name: env[slot] for spec, slot in zip(self.outputs, self.output_slots)}


def _attr_names(op: ir.Operation) -> list[str]:
    return [name for name in op.attributes]


def _with_absent(slots: list[int], segments: list[int]) -> list[int | None]:
    out, pos = [], 0
    for size in segments:
        if size == 0:
            out.append(None)
        out.extend(slots[pos : pos + size])
        pos += size
    return out


def _describe(shape, dtype) -> str:
    return f"shape [{', '.join(str(d) for d in shape)}] {np.dtype(dtype).name}"


def run_module(module: ir.Module, inputs: dict[str, np.ndarray], *, on_result: OnResult | None = None) -> dict[str, np.ndarray]:
    """Run `func @main` of `module` on `inputs` (keyed by ONNX input name)."""
    with module.context:
        return Program(module).run(inputs, on_result=on_result)
