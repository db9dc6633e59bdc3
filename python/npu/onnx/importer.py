"""Import an ONNX model into npu_tensor (level 1).

`import_model(model_or_path)` returns an `ir.Module` holding `func.func @main`:
the graph inputs (not initializers) are its arguments, the graph outputs its
results, each carrying the ONNX name as the `npu.name` argument/result
attribute. Algorithm:

1. load the protobuf (malformed file or missing external data: one-line error),
   check it, inline model-local functions, convert opsets below 13 up with the
   onnx version converter, pin symbolic input dims given by `input_shapes`;
2. run strict ONNX shape inference; every graph input must be static;
3. walk the nodes in order: build an `OnnxNode` (attributes with schema
   defaults, input/output shapes, static input values) and call the converter
   registered for its op type (npu.onnx.registry) with a `GraphBuilder`;
4. the builder folds every op whose operands are all constants by running the
   interpreter kernel on them at import time (one source of semantics), so shape
   subgraphs (Shape, ConstantOfShape, Range, Gather, Concat, ...) disappear and
   level 1 keeps only run-time computation; unused constants are erased;
5. verify the module (MLIR + npu's Python verifiers).

Every op is created at `Location.name(node_name, childLoc=Location.name(op_type))`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from google.protobuf.message import DecodeError
from mlir import ir
from mlir.dialects import arith, func
from onnx import helper, numpy_helper

from npu.errors import NpuError
from npu.interp.registry import ResultSpec, get_kernel
from npu.ir import dtypes, resources
from npu.ir.attrs import from_attr, to_attr
from npu.ir.context import make_context
from npu.onnx import control_flow, functions
from npu.onnx.validate import check_model_tensors, check_required_inputs, check_text, shape_problem, tensor_array
from npu.onnx.registry import get_converter

MIN_OPSET = 13
INLINE_LIMIT = 64  # constants with more elements become dense resources
# Folding never creates a constant larger than this or 4x its inputs (elements).
FOLD_LIMIT = 1 << 28  # 1 GiB of float32; VGG-19 fills a 103M-element fc6 weight with ConstantOfShape
# Ops kept in the graph even when their inputs are constant (the quantizer reads them).
NO_FOLD = {"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul"}
DEFAULT_DOMAINS = ("", "ai.onnx")

_LOADED = False


def load_registries() -> None:
    """Import every `convert_*` and `kernels_*` module so their decorators register."""
    global _LOADED
    if _LOADED:
        return
    import npu.interp
    import npu.onnx

    for pkg, prefix in ((npu.onnx, "convert_"), (npu.interp, "kernels_")):
        for info in pkgutil.iter_modules(pkg.__path__):
            if info.name.startswith(prefix):
                importlib.import_module(f"{pkg.__name__}.{info.name}")
    _LOADED = True


# ----------------------------------------------------------------------------- nodes


class NotStaticError(NpuError):
    """A converter needs a static value (shape, axes, pads...) that is computed at run time.

    `input_name` is the ONNX value; callers that know it (the conformance runner,
    or a user via `import_model(bind_inputs=...)`) can bind it and import again.
    """

    def __init__(self, message: str, input_name: str):
        super().__init__(message)
        self.input_name = input_name


class OnnxNode:
    """One ONNX node as a converter sees it (see the module docstring)."""

    def __init__(self, proto: onnx.NodeProto, name: str, opset: int, inputs, consts, input_types, output_types, attrs):
        self.proto = proto
        self.name = name
        self.op_type = proto.op_type
        self.domain = proto.domain
        self.opset = opset
        self.inputs: list[ir.Value | None] = inputs
        self.input_names: list[str] = list(proto.input)
        self.output_names: list[str] = list(proto.output)
        self.attrs: dict[str, Any] = attrs
        self.input_shapes = [t[0] if t else None for t in input_types]
        self.input_dtypes = [t[1] if t else None for t in input_types]
        self.output_shapes = [t[0] if t else None for t in output_types]
        self.output_dtypes = [t[1] if t else None for t in output_types]
        self._consts = consts
        self.fold = proto.op_type not in NO_FOLD
        self.rejected: str | None = None  # ONNX shape inference's objection to this node, if any

    @property
    def location(self) -> ir.Location:
        return ir.Location.name(self.name, childLoc=ir.Location.name(self.op_type))

    def const(self, i: int) -> np.ndarray | None:
        """Static value of input `i` (initializer, Constant or folded), else None."""
        return self._consts[i] if i < len(self._consts) else None

    def has_input(self, i: int) -> bool:
        return i < len(self.inputs) and self.inputs[i] is not None

    def static(self, i: int, what: str) -> np.ndarray:
        """Static value of input `i`; a clean error naming `what` if it is not static."""
        value = self.const(i)
        if value is None:
            raise NotStaticError(
                f"node '{self.name}' (op type '{self.op_type}', opset {self.opset}): expects {what} "
                f"(input {i}, '{self.input_names[i]}') to be a constant, got a run-time value",
                self.input_names[i],
            )
        return value

    def static_ints(self, i: int, what: str) -> list[int]:
        return [int(v) for v in self.static(i, what).reshape(-1)]

    def error(self, msg: str) -> NpuError:
        return NpuError(f"node '{self.name}' (op type '{self.op_type}', opset {self.opset}): {msg}")


# ----------------------------------------------------------------------------- builder


def _is_splat(array: np.ndarray) -> bool:
    """True when every element equals the first (and the dtype prints as a splat)."""
    if array.size < 2 or not dtypes.buffer_compatible(array.dtype) or array.dtype.kind not in "biuf":
        return False
    flat = array.reshape(-1)
    return bool((flat == flat[0]).all())


class GraphBuilder:
    """Creates npu_tensor ops and constants in the body of @main, folding constants."""

    def __init__(self, block: ir.Block):
        self.block = block
        self.values: dict[ir.Value, np.ndarray] = {}  # static value of constant ir.Values
        self._names: set[str] = set()

    def value_of(self, value: ir.Value | None) -> np.ndarray | None:
        """The static value of an ir.Value, if it is a constant."""
        return None if value is None else self.values.get(value)

    def constant(self, array: np.ndarray, name_hint: str = "cst") -> ir.Value:
        """An arith.constant holding `array` (large or exotic-dtype arrays as dense resources)."""
        array = np.asarray(array)
        kind = array.dtype.name
        sub_byte = kind in ("bool", "int4", "uint4", "int2", "uint2", "float4_e2m1fn")
        if sub_byte or (array.size <= INLINE_LIMIT and dtypes.buffer_compatible(array.dtype)):
            attr = to_attr(array)
        elif _is_splat(array):  # e.g. ConstantOfShape fills: one element, not a blob
            attr = ir.DenseElementsAttr.get(array.reshape(-1)[:1].copy(), type=dtypes.tensor_type(array.shape, array.dtype))
        else:
            attr = resources.resource_attr(array, self._resource_name(name_hint))
        value = arith.ConstantOp(attr.type, attr).result
        self.values[value] = array
        return value

    def _resource_name(self, hint: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", hint) or "cst"
        if base[0].isdigit():
            base = "w_" + base
        name, n = base, 1
        while name in self._names:
            name, n = f"{base}_{n}", n + 1
        self._names.add(name)
        return name

    def emit(self, node: OnnxNode, op_name: str, operands, attrs=None, results=None) -> list[ir.Value]:
        """Create `op_name` at the node's location; folded to constants when all operands are.

        A foldable op is created and verified first, so the kernel that folds it only
        sees operands the op accepts. Kernel-only ops (Range, ConstantOfShape, NonZero,
        Unique) and results whose shape only the kernel knows fold without that check.
        """
        attrs = {k: to_attr(v) for k, v in (attrs or {}).items()}
        if results is None:
            results = list(zip(node.output_shapes, node.output_dtypes))
        foldable = self._foldable(node, op_name, operands)
        if foldable and (
            any(s is None or d is None for s, d in results) or not ir.Context.current.is_registered_operation(op_name)
        ):
            folded = self._fold(node, op_name, operands, attrs, results)
            if folded is not None:
                return folded
        op = self._create(node, op_name, operands, attrs, results)
        if foldable:
            _verify_op(op, node)
            folded = self._fold(node, op_name, operands, attrs, results)
            if folded is not None:
                op.erase()
                return folded
        return list(op.results)

    def _create(self, node: OnnxNode, op_name: str, operands, attrs, results) -> ir.Operation:
        types = []
        for i, (shape, dtype) in enumerate(results):
            if shape is None or dtype is None:
                why = f" (ONNX: {node.rejected})" if node.rejected else ""
                raise node.error(f"cannot infer a static shape for result {i} of '{op_name}'{why}")
            problem = shape_problem(shape)
            if problem:
                raise node.error(f"result {i} of '{op_name}' has shape {list(shape)}: {problem}")
            types.append(dtypes.tensor_type(shape, dtype))
        attrs = dict(attrs)
        if any(v is None for v in operands):
            sizes = [0 if v is None else 1 for v in operands]
            attrs["operandSegmentSizes"] = ir.DenseI32ArrayAttr.get(sizes)
        return ir.Operation.create(
            op_name,
            results=types,
            operands=[v for v in operands if v is not None],
            attributes=attrs,
            loc=node.location,
        )

    def _foldable(self, node: OnnxNode, op_name: str, operands) -> bool:
        return (
            node.fold
            and all(v is None or v in self.values for v in operands)
            and get_kernel(op_name) is not None
        )

    def _fold(self, node: OnnxNode, op_name: str, operands, attrs, results) -> list[ir.Value] | None:
        kernel = get_kernel(op_name)
        inputs = [None if v is None else self.values[v] for v in operands]
        known = [int(np.prod(s, dtype=object)) for s, _ in results if s is not None and not shape_problem(s)]
        if sum(known) > max(FOLD_LIMIT, 4 * sum(a.size for a in inputs if a is not None)):
            # Expanding constants (ConstantOfShape, Expand, Tile, Range) are not
            # materialized past the limit: the op stays, or is refused if it has no IR form.
            if ir.Context.current.is_registered_operation(op_name):
                return None
            raise node.error(
                f"would fold to a constant of {sum(known)} elements, more than the importer "
                f"materializes ({FOLD_LIMIT})"
            )
        py_attrs = {k: from_attr(a) for k, a in attrs.items()}
        specs = [ResultSpec(None if s is None else tuple(s), None if d is None else np.dtype(d)) for s, d in results]
        try:
            outs = kernel(inputs, py_attrs, specs)
        except NpuError as err:
            raise node.error(str(err)) from None
        values = []
        for i, (out, spec) in enumerate(zip(outs, specs)):
            out = np.asarray(out)
            if spec.dtype is not None and out.dtype != spec.dtype:
                raise node.error(f"folding '{op_name}' gave result {i} of dtype {out.dtype}, expected {spec.dtype}")
            if spec.shape is not None and out.shape != spec.shape:
                raise node.error(f"folding '{op_name}' gave result {i} of shape {list(out.shape)}, expected {list(spec.shape)}")
            with node.location:
                values.append(self.constant(out, f"{node.name}_{i}"))
        return values


def _verify_op(op: ir.Operation, node: OnnxNode) -> None:
    """MLIR's and npu's verifiers on one op; the first failure as a NpuError."""
    from npu.ir.diagnostics import DiagnosticCollector, format_diagnostic
    from npu.ir.verify import verify_ops

    with DiagnosticCollector(op.context, node.name) as diags:
        try:
            op.verify()
        except ir.MLIRError as err:
            first = err.error_diagnostics[0] if err.error_diagnostics else None
            raise node.error(format_diagnostic(first) if first else _first_line(err)) from None
        if not verify_ops(op):
            raise NpuError(str(diags.errors[0]) if diags.errors else f"{node.name}: '{op.name}' fails verification")


# ----------------------------------------------------------------------------- loading


def load_model(model_or_path) -> tuple[onnx.ModelProto, str]:
    """The ModelProto and a display name; malformed input raises NpuError."""
    if isinstance(model_or_path, onnx.ModelProto):
        return model_or_path, model_or_path.graph.name or "<model>"
    if isinstance(model_or_path, bytes):
        return _parse_bytes(model_or_path, "<bytes>"), "<bytes>"
    path = Path(model_or_path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NpuError(f"cannot read '{path}': {err.strerror}") from None
    model = _parse_bytes(data, str(path))
    _load_external_data(model, path)
    return model, str(path)


def _parse_bytes(data: bytes, where: str) -> onnx.ModelProto:
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError):
        raise NpuError(f"cannot parse '{where}' as an ONNX model: malformed protobuf") from None
    if not model.graph.node and not model.graph.output:
        raise NpuError(f"cannot parse '{where}' as an ONNX model: no graph")
    return model


def _load_external_data(model: onnx.ModelProto, path: Path) -> None:
    """Read the initializers stored beside the model; each reference is checked first:
    a relative location, inside the model's directory, naming a regular file."""
    from onnx import external_data_helper as edh

    folder = path.parent.resolve()
    for tensor in edh._get_all_tensors(model):
        if not edh.uses_external_data(tensor):
            continue
        what = f"'{path}': external data of initializer '{tensor.name}'"
        try:
            info = edh.ExternalDataInfo(tensor)
        except ValueError as err:  # negative or non-integer offset / length
            raise NpuError(f"{what}: {_first_line(err)}") from None
        if not info.location:
            raise NpuError(f"{what}: no location given")
        file = (folder / info.location).resolve()
        if Path(info.location).is_absolute() or not file.is_relative_to(folder):
            raise NpuError(f"{what}: '{info.location}' points outside the model's directory")
        if not file.is_file():
            raise NpuError(f"'{path}': external data file '{info.location}' of initializer '{tensor.name}' not found")
    try:
        edh.load_external_data_for_model(model, str(folder))
    except (OSError, ValueError, onnx.checker.ValidationError) as err:  # offset / length past the file's end
        raise NpuError(f"'{path}': cannot load external data: {_first_line(err)}") from None


def _bind_inputs(model: onnx.ModelProto, values: dict[str, np.ndarray], where: str) -> onnx.ModelProto:
    """A copy of `model` where the named graph inputs are initializers holding `values`."""
    bound = onnx.ModelProto()
    bound.CopyFrom(model)
    names = [i.name for i in bound.graph.input]
    for name, value in values.items():
        if name not in names:
            raise NpuError(f"'{where}': no graph input named '{name}' to bind (inputs: {', '.join(names)})")
        bound.graph.initializer.append(numpy_helper.from_array(np.asarray(value), name))
    keep = []
    for i in bound.graph.input:
        if i.name not in values:
            keep.append(onnx.ValueInfoProto())
            keep[-1].CopyFrom(i)  # copies: clearing the repeated field invalidates its elements
    del bound.graph.input[:]
    bound.graph.input.extend(keep)
    return bound


def _prepare(model: onnx.ModelProto, where: str, opset: int | None, input_shapes) -> tuple[onnx.ModelProto, bool]:
    """The checked, converted, pinned and shape-inferred model, and whether strict inference passed."""
    check_text(model, where)
    check_model_tensors(model, where)  # first: the checker would look for unloaded external data in the cwd
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as err:
        raise NpuError(f"'{where}' is not a valid ONNX model: {_first_line(err)}") from None
    except UnicodeDecodeError:  # the checker's message quotes a name that is not UTF-8
        raise NpuError(f"'{where}' is not a valid ONNX model: it holds a name or string that is not UTF-8 text") from None
    if model.functions:
        model = onnx.inliner.inline_local_functions(model)
    current = _default_opset(model)
    target = opset if opset is not None else max(current, MIN_OPSET)
    newest = onnx.defs.onnx_opset_version()
    if not 1 <= target <= newest:
        raise NpuError(f"'{where}': cannot convert to opset {target}: onnx {onnx.__version__} knows opsets 1 to {newest}")
    if input_shapes:  # before converting: the converter records shapes it infers in value_info
        model = _copy(model)
        _pin_input_shapes(model, input_shapes, where)
    if target != current:
        try:
            model = onnx.version_converter.convert_version(model, target)
        except Exception as err:  # the converter raises bare RuntimeErrors
            raise NpuError(f"'{where}': cannot convert opset {current} to {target}: {_first_line(err)}") from None
    if input_shapes or target != current:
        _drop_stale_shapes(model)
    try:
        return onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True), True
    except Exception as err:  # InferenceError and friends
        strict_error = err
    # Strict inference fails on some valid models (errors inside function bodies);
    # lenient inference plus per-node inference during import still pins every shape.
    try:
        return onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True), False
    except Exception:
        raise NpuError(f"'{where}': ONNX shape inference failed: {_first_line(strict_error)}") from None


def _copy(model: onnx.ModelProto) -> onnx.ModelProto:
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    return copy


def _drop_stale_shapes(model: onnx.ModelProto) -> None:
    """Forget the shapes recorded before the inputs were pinned or the opset converted.

    value_info holds the exporter's (or the version converter's) view of every
    intermediate shape, with -1 or symbolic dims, sometimes wrong dims the converter
    derived from them; graph outputs keep their element type and rank only. Shape
    inference then recomputes every shape from the pinned inputs.
    """
    del model.graph.value_info[:]
    for out in model.graph.output:
        if out.type.HasField("tensor_type") and out.type.tensor_type.HasField("shape"):
            for d in out.type.tensor_type.shape.dim:
                d.Clear()


def _first_line(err: Exception, limit: int = 300) -> str:
    """onnx's message on one line: lines joined (the checker puts the node's name on
    the second one), whitespace collapsed, cut after `limit` characters."""
    text = " ".join(str(err).split())
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    return text or type(err).__name__


def _default_opset(model: onnx.ModelProto) -> int:
    for imp in model.opset_import:
        if imp.domain in DEFAULT_DOMAINS:
            return imp.version
    return MIN_OPSET


def _pin_input_shapes(model: onnx.ModelProto, shapes: dict[str, list[int]], where: str) -> None:
    by_name = {i.name: i for i in model.graph.input}
    for name, shape in shapes.items():
        if name not in by_name:
            raise NpuError(f"'{where}': no graph input named '{name}' to pin (inputs: {', '.join(by_name)})")
        tensor_type = by_name[name].type.tensor_type
        problem = shape_problem(shape)
        if problem:
            raise NpuError(f"'{where}': cannot pin graph input '{name}' to {list(shape)}: {problem}")
        declared = tensor_type.shape.dim if tensor_type.HasField("shape") else None
        if declared is not None and len(declared) != len(shape):
            raise NpuError(
                f"'{where}': cannot pin graph input '{name}' to {list(shape)}: it has rank {len(declared)}"
            )
        del tensor_type.shape.dim[:]
        for d in shape:
            tensor_type.shape.dim.add().dim_value = int(d)


# ----------------------------------------------------------------------------- types


def _np_dtype(elem_type: int):
    if elem_type in (onnx.TensorProto.STRING, onnx.TensorProto.UNDEFINED):
        return None
    try:
        return np.dtype(helper.tensor_dtype_to_np_dtype(elem_type))
    except (KeyError, TypeError):
        return None


def _type_info(tp: onnx.TypeProto):
    """(static shape or None, numpy dtype or None) of a TypeProto."""
    if not tp.HasField("tensor_type"):
        return None
    tt = tp.tensor_type
    dtype = _np_dtype(tt.elem_type)
    if not tt.HasField("shape") or any(not d.HasField("dim_value") or d.dim_value < 0 for d in tt.shape.dim):
        return (None, dtype)
    return ([int(d.dim_value) for d in tt.shape.dim], dtype)


def _type_proto(shape, dtype) -> onnx.TypeProto:
    return helper.make_tensor_type_proto(helper.np_dtype_to_tensor_dtype(np.dtype(dtype)), None if shape is None else list(shape))


def _attr_values(proto: onnx.NodeProto, schema, where: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if schema is not None:
        for name, spec in schema.attributes.items():
            if spec.default_value.type != onnx.AttributeProto.UNDEFINED:
                attrs[name] = _attr_value(spec.default_value, where)
    for a in proto.attribute:
        attrs[a.name] = _attr_value(a, where)
    return attrs


def _attr_value(a: onnx.AttributeProto, where: str) -> Any:
    if a.type == onnx.AttributeProto.TENSOR:
        return tensor_array(a.t, f"{where}: attribute '{a.name}'")
    if a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
        return None  # subgraphs are not supported; converters that need them reject the node
    value = helper.get_attribute_value(a)
    if isinstance(value, bytes):
        return _text(value, a, where)
    if isinstance(value, list):
        return [_text(v, a, where) if isinstance(v, bytes) else v for v in value]
    return value


def _text(value: bytes, a: onnx.AttributeProto, where: str) -> str:
    try:
        return value.decode()
    except UnicodeDecodeError as err:
        raise NpuError(f"{where}: attribute '{a.name}' is not UTF-8 text (byte {err.start})") from None


# ----------------------------------------------------------------------------- import


class _Importer:
    def __init__(self, model: onnx.ModelProto, where: str, strict: bool = True):
        self.model = model
        self.where = where
        self.strict = strict  # whole-model strict inference passed (else each node is checked)
        self.graph = model.graph
        self.opsets = {imp.domain or "": imp.version for imp in model.opset_import}
        self.opsets.setdefault("", self.opsets.get("ai.onnx", MIN_OPSET))
        self.types: dict[str, tuple] = {}
        for vi in list(self.graph.value_info) + list(self.graph.output) + list(self.graph.input):
            info = _type_info(vi.type)
            if info is not None:
                self.types[vi.name] = info
        self.env: dict[str, ir.Value] = {}
        self.consts: dict[str, np.ndarray] = {}

    def run(self, module: ir.Module) -> None:
        init_names = {t.name for t in self.graph.initializer}
        inputs = [i for i in self.graph.input if i.name not in init_names]
        arg_types = [self._graph_input_type(i) for i in inputs]
        declared = {}
        for o in self.graph.output:
            info = self.types.get(o.name)
            if info is None or info[1] is None:
                raise NpuError(f"'{self.where}': graph output '{o.name}': unsupported type (npu returns tensors of numeric element types)")
            declared[o.name] = info
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp("main", (arg_types, []))  # result types are set once the outputs exist
        fn.arg_attrs = ir.ArrayAttr.get([_name_attr(i.name) for i in inputs])
        fn.res_attrs = ir.ArrayAttr.get([_name_attr(o.name) for o in self.graph.output])
        block = fn.add_entry_block()
        builder = GraphBuilder(block)
        with ir.InsertionPoint(block):
            for i, arg in zip(inputs, block.arguments):
                self.env[i.name] = arg
            for t in self.graph.initializer:
                array = tensor_array(t, f"'{self.where}': initializer")
                with ir.Location.name(t.name):
                    self.env[t.name] = builder.constant(array, t.name)
                self.consts[t.name] = array
                self.types[t.name] = (list(array.shape), array.dtype)
            for index, proto in enumerate(self.graph.node):
                self._convert(proto, index, builder)
            results = []
            for o in self.graph.output:
                if o.name not in self.env:
                    raise NpuError(f"'{self.where}': graph output '{o.name}' is not produced by any node")
                value = self.env[o.name]
                shape = declared[o.name][0]
                if shape is not None and list(value.type.shape) != list(shape):
                    raise NpuError(
                        f"'{self.where}': graph output '{o.name}' is declared {shape} but computes to {list(value.type.shape)}"
                    )
                results.append(value)
            func.ReturnOp(results)
        fn.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(arg_types, [v.type for v in results]))
        _erase_unused_constants(block)

    # The hooks control_flow uses to import subgraphs inline.
    convert_node = None  # set below to _convert

    def bind(self, name: str, value: ir.Value) -> None:
        self.env[name] = value
        t = value.type
        self.types[name] = (list(t.shape), dtypes.numpy_dtype(t.element_type))

    def value(self, name: str) -> ir.Value:
        if name not in self.env:
            raise NpuError(f"'{self.where}': subgraph output '{name}' is not produced by any node")
        return self.env[name]

    def unsupported(self, proto: onnx.NodeProto, what: str) -> NpuError:
        domain = proto.domain if proto.domain not in DEFAULT_DOMAINS else ""
        return NpuError(
            f"node '{proto.name or (proto.output[0] if proto.output else '')}' (op type '{proto.op_type}', "
            f"opset {self.opsets.get(domain, 1)}): unsupported: {what}"
        )

    def not_static(self, proto: onnx.NodeProto, what: str, input_name: str) -> NotStaticError:
        return NotStaticError(str(self.unsupported(proto, what)), input_name)

    def _graph_input_type(self, vi: onnx.ValueInfoProto) -> ir.Type:
        tt = vi.type.tensor_type
        dtype = _np_dtype(tt.elem_type) if vi.type.HasField("tensor_type") else None
        if dtype is None:
            raise NpuError(f"'{self.where}': graph input '{vi.name}': unsupported type (npu takes tensors of numeric element types)")
        for k, d in enumerate(tt.shape.dim):
            if not d.HasField("dim_value") or d.dim_value < 0:
                sym = f" '{d.dim_param}'" if d.dim_param else ""
                raise NpuError(
                    f"'{self.where}': graph input '{vi.name}' has dynamic dimension{sym} (dim {k}); "
                    f"pin it with input_shapes / --input-shape {vi.name}=..."
                )
        shape = [int(d.dim_value) for d in tt.shape.dim]
        problem = shape_problem(shape)
        if problem:
            raise NpuError(f"'{self.where}': graph input '{vi.name}' has shape {shape}: {problem}")
        self.types[vi.name] = (shape, dtype)
        return dtypes.tensor_type(shape, dtype)

    def _convert(self, proto: onnx.NodeProto, index: int, builder: GraphBuilder, opsets=None) -> None:
        opsets = opsets or self.opsets
        name = proto.name or (proto.output[0] if proto.output else f"{proto.op_type}_{index}")
        domain = proto.domain if proto.domain not in DEFAULT_DOMAINS else ""
        opset = opsets.get(domain, 1)
        where = f"node '{name}' (op type '{proto.op_type}', opset {opset})"
        try:
            schema = onnx.defs.get_schema(proto.op_type, opset, domain)
        except onnx.defs.SchemaError:
            schema = None
        conv = get_converter(proto.op_type) if domain == "" else None
        control = control_flow.CONTROL.get(proto.op_type) if domain == "" else None
        if conv is None and control is None:
            # An op with a function body in its schema is imported as that body.
            in_types = functions.type_protos([self.types.get(n) if n else None for n in proto.input])
            body = functions.function_body(schema, proto, opset, in_types)
            nodes = functions.expand(proto, body, schema) if body is not None else None
            if nodes is None:
                raise NpuError(f"{where}: unsupported ONNX op" + (f" in domain '{domain}'" if domain else ""))
            sub_opsets = {**opsets, **functions.body_opsets(body)}
            try:
                for sub in nodes:
                    self._convert(sub, index, builder, sub_opsets)
            except NotStaticError as err:  # name the outer value the body's static input came from
                outer = [v for v in functions.outer_sources(nodes, err.input_name)
                         if v in self.env and builder.value_of(self.env[v]) is None]
                raise NotStaticError(str(err), outer[0] if outer else err.input_name) from None
            return
        check_required_inputs(proto, schema, where)
        inputs, consts, in_types = [], [], []
        for n in proto.input:
            if not n:
                inputs.append(None), consts.append(None), in_types.append(None)
                continue
            if n not in self.env:
                raise NpuError(f"{where}: input '{n}' is not produced by any earlier node")
            inputs.append(self.env[n])
            consts.append(builder.value_of(self.env[n]))
            in_types.append(self.types.get(n))
        out_types, rejected = self._output_types(proto, schema, in_types, consts, opsets)
        node = OnnxNode(proto, name, opset, inputs, consts, in_types, out_types, _attr_values(proto, schema, where))
        node.rejected = rejected
        with node.location:
            try:
                values = control(self, node, proto, builder, opsets) if control else conv(node, builder)
            except (IndexError, KeyError, TypeError, ValueError):
                # Converters and folding kernels expect nodes ONNX accepts. Some nodes it
                # rejects still import (ONNX's own function bodies feed Range 1-element
                # tensors), so its objection is reported only when the converter fails.
                if rejected is None:
                    raise
                raise NpuError(f"{where}: {rejected}") from None
        outs = [o for o in proto.output]
        if len(values) < len([o for o in outs if o]):
            raise node.error(f"converter returned {len(values)} values for {len(outs)} outputs")
        for k, (out_name, value) in enumerate(zip(outs, values)):
            if not out_name or value is None:
                continue
            self._check_result(node, k, value)
            self.env[out_name] = value
            t = value.type
            self.types[out_name] = (list(t.shape), dtypes.numpy_dtype(t.element_type))

    def _output_types(self, proto, schema, in_types, consts, opsets) -> tuple[list, str | None]:
        """Output (shape, dtype)s, and ONNX's objection to the node if it has one.

        The node is inferred again when a dim is still open, or for every node when
        whole-model inference had to be lenient (it then hides invalid nodes).
        """
        found = [self.types.get(o) if o else None for o in proto.output]
        complete = all(t is not None and t[0] is not None for o, t in zip(proto.output, found) if o)
        if schema is None or (complete and self.strict):
            return found, None
        types, data = {}, {}
        for n, t, c in zip(proto.input, in_types, consts):
            if n and t is not None and t[1] is not None:
                types[n] = _type_proto(*t)
                if c is not None and c.size <= 1 << 20:
                    data[n] = numpy_helper.from_array(c, n)
        try:
            inferred = onnx.shape_inference.infer_node_outputs(
                schema, proto, types, data, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets.items()]
            )
        except Exception as err:  # InferenceError, or a ValidationError for a bad attribute
            return found, _first_line(err)
        out = []
        for o, t in zip(proto.output, found):  # whole-model results stand; the node's fill gaps
            new = _type_info(inferred[o]) if o in inferred else None
            out.append(t if (t is not None and t[0] is not None) or new is None or new[0] is None else new)
        return out, None

    def _check_result(self, node: OnnxNode, k: int, value: ir.Value) -> None:
        expected = node.output_shapes[k] if k < len(node.output_shapes) else None
        t = value.type
        got = list(t.shape)
        if expected is not None and got != list(expected):
            raise node.error(f"output {k} has shape {got} but ONNX shape inference says {list(expected)}")
        edt = node.output_dtypes[k] if k < len(node.output_dtypes) else None
        gdt = dtypes.numpy_dtype(t.element_type)
        if edt is not None and gdt != edt:
            raise node.error(f"output {k} has element type {gdt} but ONNX says {edt}")


_Importer.convert_node = _Importer._convert


def _name_attr(name: str) -> ir.DictAttr:
    return ir.DictAttr.get({"npu.name": ir.StringAttr.get(name)})


def _erase_unused_constants(block: ir.Block) -> None:
    ops = [op.operation for op in block.operations if op.operation.name == "arith.constant"]
    for op in reversed(ops):
        if not any(True for _ in op.result.uses):
            op.erase()


def import_model(
    model_or_path,
    *,
    opset: int | None = None,
    input_shapes: dict[str, list[int]] | None = None,
    bind_inputs: dict[str, np.ndarray] | None = None,
    context: ir.Context | None = None,
) -> ir.Module:
    """Import an ONNX model (ModelProto, bytes or path) into a verified level-1 module.

    `opset` converts the model to that default-domain opset first (default: the
    model's own, or 13 if older). `input_shapes` maps graph input names to
    static shapes, pinning symbolic dims. `bind_inputs` turns graph inputs into
    constants (for models that take a shape or axes as an input). A failure
    raises a one-line NpuError (NotStaticError when a static value is missing).
    """
    from npu.ir.diagnostics import DiagnosticCollector
    from npu.ir.verify import verify_ops

    load_registries()
    model, where = load_model(model_or_path)
    if bind_inputs:
        model = _bind_inputs(model, bind_inputs, where)
    model, strict = _prepare(model, where, opset, input_shapes)
    ctx = context or make_context()
    with ctx, ir.Location.unknown(), DiagnosticCollector(ctx, where) as diags:
        module = ir.Module.create()
        _Importer(model, where, strict).run(module)
        try:
            module.operation.verify()
        except ir.MLIRError as err:
            first = err.error_diagnostics[0] if err.error_diagnostics else None
            from npu.ir.diagnostics import format_diagnostic

            raise NpuError(format_diagnostic(first, where) if first else str(err)) from None
        if not verify_ops(module.operation):
            raise NpuError(str(diags.errors[0]) if diags.errors else f"'{where}': imported module fails verification")
    return module


def model_name(path: str | os.PathLike) -> str:
    return Path(path).stem
