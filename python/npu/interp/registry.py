"""Registry of interpreter kernels: op name -> numpy implementation.

A kernel is `fn(inputs, attrs, results) -> list[np.ndarray]` where `inputs` are
numpy arrays (None for an absent optional operand), `attrs` the op's attributes
as Python values (see npu.ir.attrs), and `results` the expected `ResultSpec`s.
Kernels are vectorized numpy; no Python loop per element. Arithmetic rules
(rounding, saturation, requantization) come from npu.numerics, never inline.

A planner is an optional, faster path for the executor: `planner(attrs, operands,
results) -> run | None` is called once when a Program is prepared, with every
operand's static `OperandSpec` (shape, dtype, and the value of a constant), and
returns `run(inputs) -> list[np.ndarray]` with everything that depends only on
them (geometry, widened weights, folded per-channel factors) computed ahead, or
None to leave the op to its kernel. A plan must give results bit-identical to the
kernel's; the kernel stays the definition (folding and other callers use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class ResultSpec:
    """Shape and numpy dtype an op's result must have (and, for a `!quant.uniform` result, its
    storage range, which may be narrower than the storage type's: `i8<-127:127>`)."""

    shape: tuple[int, ...]
    dtype: np.dtype
    qrange: tuple[int, int] | None = None


@dataclass(frozen=True)
class OperandSpec:
    """What is known of an operand before a run: its shape and numpy dtype, and its
    value when it is a constant (read-only, the same array every run)."""

    shape: tuple[int, ...]
    dtype: np.dtype
    value: np.ndarray | None = None


Kernel = Callable[[list[np.ndarray | None], dict[str, Any], list[ResultSpec]], list[np.ndarray]]
Run = Callable[[list[np.ndarray | None]], list[np.ndarray]]
Planner = Callable[[dict[str, Any], list[OperandSpec | None], list[ResultSpec]], Run | None]
_KERNELS: dict[str, Kernel] = {}
_PLANNERS: dict[str, Planner] = {}


def kernel(*op_names: str) -> Callable[[Kernel], Kernel]:
    """Register `fn` as the kernel of each op in `op_names`."""

    def register(fn: Kernel) -> Kernel:
        for name in op_names:
            _KERNELS[name] = fn
        return fn

    return register


def get_kernel(op_name: str) -> Kernel | None:
    return _KERNELS.get(op_name)


def planner(*op_names: str) -> Callable[[Planner], Planner]:
    """Register `fn` as the planner of each op in `op_names` (see the module docstring)."""

    def register(fn: Planner) -> Planner:
        for name in op_names:
            _PLANNERS[name] = fn
        return fn

    return register


def get_planner(op_name: str) -> Planner | None:
    return _PLANNERS.get(op_name)


def registered_ops() -> list[str]:
    return sorted(_KERNELS)
