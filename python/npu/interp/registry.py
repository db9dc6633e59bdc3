"""Registry of interpreter kernels: op name -> numpy implementation.

A kernel is `fn(inputs, attrs, results) -> list[np.ndarray]` where `inputs` are
numpy arrays (None for an absent optional operand), `attrs` the op's attributes
as Python values (see npu.ir.attrs), and `results` the expected `ResultSpec`s.
Kernels are vectorized numpy; no Python loop per element. Arithmetic rules
(rounding, saturation, requantization) come from npu.numerics, never inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class ResultSpec:
    """Shape and numpy dtype an op's result must have."""

    shape: tuple[int, ...]
    dtype: np.dtype


Kernel = Callable[[list[np.ndarray | None], dict[str, Any], list[ResultSpec]], list[np.ndarray]]
_KERNELS: dict[str, Kernel] = {}


def kernel(*op_names: str) -> Callable[[Kernel], Kernel]:
    """Register `fn` as the kernel of each op in `op_names`."""

    def register(fn: Kernel) -> Kernel:
        for name in op_names:
            _KERNELS[name] = fn
        return fn

    return register


def get_kernel(op_name: str) -> Kernel | None:
    return _KERNELS.get(op_name)


def registered_ops() -> list[str]:
    return sorted(_KERNELS)
