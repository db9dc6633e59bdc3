"""Graph inputs and outputs of a level-4 module at the API: the one encoding of their element types.

A global of kind "input" / "output" holds its graph tensor in a level-4 buffer. When the
graph's element type has no buffers of its own (`npu.dialects.level4.IO_ELEMENT_TYPES`:
today i1, held as an i8 mask of 0 / 1), the global records the graph's type in its
`element` attribute and the API speaks that type:

* `api_dtype_of(dtype, element)`: the numpy dtype callers pass and get back (bool for i1);
* `to_buffer(value, dtype, element)`: an input as the buffer stores it (bool -> int8 0 / 1;
  the stored form itself is accepted too);
* `from_buffer(array, element)`: an output as the graph has it (a mask -> bool, any nonzero
  byte true, as npu_pe.select reads masks).

The level-4 interpreter, the binary's decoder (the `element` attribute) and npu-run all go
through these functions; nothing else converts masks at the API.
"""

from __future__ import annotations

import numpy as np

from npu.dialects.level4 import IO_ELEMENT_TYPES, io_element_problem as check_element  # noqa: F401 (re-exported)
from npu.errors import NpuError
from npu.interp.level4_memory import api_dtype

# graph element type -> numpy dtype at the API (keys: IO_ELEMENT_TYPES)
_API = {"i1": np.dtype(np.bool_)}
assert set(_API) == set(IO_ELEMENT_TYPES)


def api_dtype_of(dtype: str, element: str | None = None) -> np.dtype:
    """numpy dtype of an input/output at the API: the graph's type when recorded, else the buffer's."""
    return _API[element] if element is not None else api_dtype(dtype)


def to_buffer(name: str, value, shape: tuple[int, ...], dtype: str, element: str | None = None) -> np.ndarray:
    """Input `value` as its buffer stores it; a one-line NpuError when shape or dtype do not fit."""
    value = np.asarray(value)
    if value.dtype == np.bool_ and dtype == "i8":  # a boolean tensor's i8 mask (npu_pe Booleans)
        value = value.astype(np.int8)
    if value.shape != tuple(shape) or value.dtype != api_dtype(dtype):
        raise NpuError(f"input '{name}' expects {list(shape)} {api_dtype_of(dtype, element)}, "
                       f"got {list(value.shape)} {value.dtype}")
    return value


def from_buffer(array: np.ndarray, element: str | None = None) -> np.ndarray:
    """Output `array` (as stored) in the graph's element type."""
    if element == "i1":
        return np.asarray(array) != 0
    return array
