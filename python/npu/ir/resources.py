"""Reading and writing the bytes behind `dense_resource<...>` constants.

Large weights are stored as builtin dense resources so the IR text stays
readable: the op prints `dense_resource<w_conv1>` and the bytes live in the
module's trailing `{-# dialect_resources: { builtin: { name: "0x..." } } #-}`
section, as hex with a 4-byte little-endian alignment prefix. The MLIR Python
bindings have no getter for those bytes, so `resource_blobs` parses the printed
section once and `resource_value` turns one attribute into a numpy array.
"""

from __future__ import annotations

import re

import numpy as np
from mlir import ir

from npu.errors import NpuError
from npu.ir import dtypes

_SECTION = re.compile(r"\{-#\s*dialect_resources:\s*\{\s*builtin:\s*\{(.*?)\}\s*\}\s*#-\}", re.S)
_ENTRY = re.compile(r'([A-Za-z_][\w$.-]*|"[^"]*")\s*:\s*"0x([0-9A-Fa-f]*)"')
_NAME = re.compile(r"dense_resource<([^>]+)>")


def parse_blobs(text: str) -> dict[str, bytes]:
    """`name -> raw bytes` (alignment prefix removed) from module text."""
    blobs: dict[str, bytes] = {}
    for section in _SECTION.findall(text):
        for name, hexdata in _ENTRY.findall(section):
            data = bytes.fromhex(hexdata)
            blobs[name.strip('"')] = data[4:]
    return blobs


def resource_blobs(module: ir.Module) -> dict[str, bytes]:
    """Every builtin resource blob of `module` (prints the module once)."""
    text = module.operation.get_asm(binary=False, large_elements_limit=None)
    start = text.rfind("{-#")
    return parse_blobs(text[start:]) if start >= 0 else {}


def resource_name(attr: ir.Attribute) -> str:
    """The blob name a `dense_resource<name>` attribute refers to."""
    found = _NAME.search(str(attr))
    if not found:
        raise NpuError(f"not a dense resource attribute: {attr}")
    return found.group(1).strip('"')


def resource_value(attr: ir.Attribute, blobs: dict[str, bytes]) -> np.ndarray:
    """The numpy array of a DenseResourceElementsAttr, read from `blobs`."""
    name = resource_name(attr)
    t = attr.type
    dtype = dtypes.numpy_dtype(t.element_type)
    shape = tuple(t.shape)
    data = blobs.get(name)
    if data is None:
        raise NpuError(f"dense resource '{name}' has no blob in the module")
    count = int(np.prod(shape, dtype=np.int64))
    if len(data) != count * dtype.itemsize:
        raise NpuError(f"dense resource '{name}' holds {len(data)} bytes, expected {count * dtype.itemsize} for {t}")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def resource_attr(array: np.ndarray, name: str) -> ir.DenseResourceElementsAttr:
    """A DenseResourceElementsAttr holding a copy of `array` (dtype must be byte-sized)."""
    arr = np.ascontiguousarray(array)
    raw = dtypes.raw_view(arr) if not dtypes.buffer_compatible(arr.dtype) else arr
    if arr.dtype == np.bool_:
        raw = arr.view(np.uint8)
    ttype = dtypes.tensor_type(array.shape, array.dtype)
    return ir.DenseResourceElementsAttr.get_from_buffer(raw.reshape(-1).copy(), name, ttype)
