"""Registry of ONNX op converters: ONNX op type -> function emitting npu_tensor ops.

A converter is `fn(node: OnnxNode, b: GraphBuilder) -> list[ir.Value]` (one value
per ONNX output). `OnnxNode` and `GraphBuilder` live in npu.onnx.importer.
Converters are grouped by family in `npu/onnx/convert_*.py`; the importer imports
every such module so their `@converter` decorators run.
"""

from __future__ import annotations

from typing import Callable

_CONVERTERS: dict[str, Callable] = {}


def converter(*op_types: str) -> Callable[[Callable], Callable]:
    """Register `fn` as the converter of each ONNX op type (default domain)."""

    def register(fn: Callable) -> Callable:
        for op_type in op_types:
            _CONVERTERS[op_type] = fn
        return fn

    return register


def get_converter(op_type: str) -> Callable | None:
    return _CONVERTERS.get(op_type)


def supported_op_types() -> list[str]:
    return sorted(_CONVERTERS)
