"""Small typed accessors over MLIR types and attributes used by verifiers and passes."""

from __future__ import annotations

from mlir import ir


def tensor_shape(value_or_type) -> list[int] | None:
    """Static shape of a ranked tensor value/type, or None if not a ranked tensor."""
    t = value_or_type.type if hasattr(value_or_type, "type") else value_or_type
    if not isinstance(t, ir.RankedTensorType):
        return None
    return list(t.shape)


def element_type(value_or_type) -> ir.Type:
    t = value_or_type.type if hasattr(value_or_type, "type") else value_or_type
    return t.element_type


def i64_array(op: ir.Operation, name: str) -> list[int]:
    """A `array<i64: ...>` attribute as a Python list."""
    return list(op.attributes[name])


def broadcast_shapes(a: list[int], b: list[int]) -> list[int] | None:
    """Numpy broadcasting of two static shapes, or None if incompatible."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y) if 1 in (x, y) else x)
    return out[::-1]
