"""Checks of ONNX content that onnx.checker leaves to the consumer, as one-line NpuErrors.

The checker accepts initializers whose data does not match their dims; numpy
or onnx.numpy_helper would then fail deep inside the importer. This module owns
those checks:

- `check_tensor(t, what)` / `check_model_tensors(model, where)`: a TensorProto's
  element type, dims and data size agree (so a 2**40-element dim with 4 bytes of
  data never allocates, in ONNX shape inference or in numpy), for every
  initializer and tensor attribute, before anything reads them;
- `tensor_array(t, what)`: the checked numpy value of a TensorProto;
- `check_required_inputs(node, schema, where)`: no required input is given as '';
- `shape_problem(shape)`: what makes a static shape unusable as a tensor type;
- `check_text(model, where)`: every string field is UTF-8 (onnx.proto is proto2, so
  protobuf hands invalid ones over as bytes; names flow into MLIR locations).
"""

from __future__ import annotations

import math

from google.protobuf.descriptor import FieldDescriptor

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from npu.errors import NpuError

# element types stored several to a byte: values per byte
_PACKED = {TensorProto.INT4: 2, TensorProto.UINT4: 2, TensorProto.FLOAT4E2M1: 2, TensorProto.INT2: 4, TensorProto.UINT2: 4}
_COMPLEX = {TensorProto.COMPLEX64, TensorProto.COMPLEX128}


def _type_name(data_type: int) -> str:
    try:
        return TensorProto.DataType.Name(data_type)
    except ValueError:
        return f"#{data_type}"


def check_tensor(t: onnx.TensorProto, what: str) -> None:
    """Element type, dims and data size of `t` agree (checked without decoding it)."""
    where = f"{what} '{t.name}'" if t.name else what
    dt = t.data_type
    if dt in (TensorProto.UNDEFINED, TensorProto.STRING) or dt not in TensorProto.DataType.values():
        raise NpuError(f"{where}: unsupported element type {_type_name(dt)}")
    if any(d < 0 for d in t.dims):
        raise NpuError(f"{where}: negative dimension in dims {list(t.dims)}")
    if t.HasField("segment"):
        raise NpuError(f"{where}: segmented tensors are not supported")
    if t.data_location == TensorProto.EXTERNAL:
        location = next((e.value for e in t.external_data if e.key == "location"), "")
        raise NpuError(f"{where}: external data '{location}' is not loaded (import the model from its file path)")
    count = math.prod(t.dims)
    per_byte = _PACKED.get(dt, 1)
    if t.HasField("raw_data"):
        itemsize = 1 if dt in _PACKED else np.dtype(helper.tensor_dtype_to_np_dtype(dt)).itemsize
        expected, got, unit = -(-count // per_byte) * itemsize, len(t.raw_data), "bytes of raw data"
    else:
        field = helper.tensor_dtype_to_field(dt)
        expected = -(-count // per_byte) * (2 if dt in _COMPLEX else 1)
        got, unit = len(getattr(t, field)), f"values in {field}"
    if got != expected:
        raise NpuError(f"{where}: holds {got} {unit} but dims {list(t.dims)} of {_type_name(dt)} need {expected}")


def tensor_array(t: onnx.TensorProto, what: str) -> np.ndarray:
    """The value of `t` as a numpy array; a one-line error naming `what` if it is malformed."""
    check_tensor(t, what)
    return numpy_helper.to_array(t)


def check_model_tensors(model: onnx.ModelProto, where: str) -> None:
    """`check_tensor` on every initializer and tensor attribute, subgraphs included.

    Runs before ONNX shape inference, which trusts dims: an initializer declared
    [2**40] with one element would make it allocate terabytes.
    """
    def walk(graph: onnx.GraphProto):
        for t in graph.initializer:
            check_tensor(t, f"'{where}': initializer")
        for index, node in enumerate(graph.node):
            for a in node.attribute:
                label = f"'{where}': node '{node.name or index}' (op type '{node.op_type}') attribute '{a.name}'"
                if a.type == onnx.AttributeProto.TENSOR:
                    check_tensor(a.t, label)
                elif a.type == onnx.AttributeProto.TENSORS:
                    for t in a.tensors:
                        check_tensor(t, label)
                elif a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
                elif a.type == onnx.AttributeProto.GRAPHS:
                    for g in a.graphs:
                        walk(g)

    walk(model.graph)
    for f in model.functions:
        for node in f.node:
            for a in node.attribute:
                if a.type == onnx.AttributeProto.TENSOR:
                    check_tensor(a.t, f"'{where}': function '{f.name}' node '{node.name}' attribute '{a.name}'")


def check_required_inputs(proto: onnx.NodeProto, schema, where: str) -> None:
    """Every non-optional input of `proto` is present (onnx.checker lets '' through)."""
    if schema is None or not schema.inputs:
        return
    optional = onnx.defs.OpSchema.FormalParameterOption.Optional
    for k, name in enumerate(proto.input):
        param = schema.inputs[min(k, len(schema.inputs) - 1)]
        if not name and param.option != optional:
            raise NpuError(f"{where}: input {k} ('{param.name}') is required but given as ''")


MAX_ELEMENTS = 2**63 - 1  # MLIR's ShapedType counts elements in int64


def shape_problem(shape) -> str | None:
    """Why `shape` cannot be a static tensor shape (negative dim, int64 overflow), else None."""
    dims = [int(d) for d in shape]
    if any(d < 0 for d in dims):
        return "negative dimension"
    if math.prod(dims) > MAX_ELEMENTS or any(d > MAX_ELEMENTS for d in dims):
        return "more elements than an int64 counts"
    return None


def check_text(message, where: str, path: str = "model") -> None:
    """Raise naming the first string field of `message` (recursively) that is not UTF-8."""
    for field, value in message.ListFields():
        here = f"{path}.{field.name}"
        if field.type == FieldDescriptor.TYPE_STRING:
            values = value if field.is_repeated else [value]
            for k, v in enumerate(values):
                if not isinstance(v, str):
                    index = f"[{k}]" if field.is_repeated else ""
                    raise NpuError(f"'{where}': {here}{index} is not UTF-8 text")
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.is_repeated:
                for k, item in enumerate(value):
                    check_text(item, where, f"{here}[{k}]")
            else:
                check_text(value, where, here)
