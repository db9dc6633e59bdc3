"""Cycle costs of single level-4 operations, every figure read from the target.

`Costs(target)` answers, for one op on one PE:

* `matmul(m, n, k, dtype)`: the matrix unit of R x C cells (`pe.matrix.rows`,
  `cols`) computes an M x N x K product in ceil(M/R) * ceil(N/C) passes; each
  pass streams K steps, and a step of the whole array costs
  R * C / `macs_per_cycle.<dtype>` cycles (an array that does two int8 MACs per
  cell per cycle takes half a cycle per step). So

      occupancy = ceil(M/R) * ceil(N/C) * K * R * C / macs_per_cycle

  which equals M*N*K / macs_per_cycle exactly when the tile fills the array
  (the shape-efficiency term is M*N / (ceil(M/R)*R * ceil(N/C)*C)). The result
  is complete R + C cycles later (the systolic fill and drain); that latency
  delays the consumers but not the next matmul. An npu_pe.matmul with
  `unit = "vector"` (and a dtype without a MAC rate) runs on the vector unit:
  two ops per MAC at `pe.vector.ops_per_cycle.<dtype>` (a multiply and an add,
  each rounded to f32 -- not a fused op), A, B and the accumulator streamed
  through SRAM once.
* `vector(name, elements, dtypes)`: elements / `pe.vector.ops_per_cycle.<dtype>`
  (one op per element for every elementwise kind -- the fixed-point kinds
  `clz`, `shl`, `ashr`, `ashr_round`, `and`, `add_wrap` (`sub_wrap`, `mul_wrap`) and `mul_shift` of the
  integer softmax / layer norm, the rounding, trigonometric and logical kinds,
  `compare` and `select` included -- reduction, table lookup, rescale,
  clamp, fill, im2col and transpose element; `compare` and `select` go at the
  slower rate of their operand type and the i8 mask). Element types without
  a rate of their own (i16, i32, or a dtype whose rate is 0) use the next wider
  type of their kind that has one, else the lane bound lanes * 32 / bits; the
  data-movement types (npu.dialects.level4.WIDE_TYPES) have no target rate:
  ui8 goes at the int8 rate, i64, ui16, ui32, ui64 and f64 at the lane bound
  (half the 32-bit lane rate for the 64-bit types); the storage-only types
  (npu.dialects.level4.STORAGE_TYPES, only moved and cast) at the rate of the
  compute type they resemble: i2, ui2, ui4 as int8 (like i4), the fnuz / e8m0
  fp8 formats and f4E2M1FN as fp8 (then bf16, fp16, fp32).
* `bank_cycles(runs)`: the SRAM is `pe.sram.banks` banks interleaved word by
  word (a word is `bank_bytes_per_cycle` bytes, bank = word index mod banks);
  each bank serves one word per cycle, so accesses need at least
  max over banks of (words touched in that bank) cycles. Contiguous buffers
  spread evenly; strided DMA patterns whose stride is a multiple of
  banks * word hit one bank (a bank conflict).
* DMA and NoC rates: `pe.dma.bytes_per_cycle` per engine,
  `noc.link_bytes_per_cycle` per link and direction, the external memory
  pool `memory.bandwidth_bytes_per_s / chip.clock_hz` bytes per cycle shared
  by all flows (its `channels` are taken as finely interleaved, so they act as
  one pool), `memory.latency_cycles` once per external DMA,
  `noc.hop_latency_cycles` per hop.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import numpy as np

from npu.dialects.level4 import ELEMENT_BITS, TARGET_DTYPE
from npu.target import _VECTOR_LANE_BITS

__all__ = ["Costs", "MatmulCost", "element_bits"]

_BITS = ELEMENT_BITS
# Wider types of the same kind tried, in order, when a type has no vector rate.
_WIDER = {"i4": ("i8",), "ui8": ("i8",), "f8E4M3FN": ("bf16", "f16", "f32"), "f8E5M2": ("bf16", "f16", "f32"),
          "bf16": ("f16", "f32"), "f16": ("bf16", "f32"), "f32": (),
          **{t: ("i8",) for t in ("i2", "ui2", "ui4")},
          **{t: ("f8E4M3FN", "bf16", "f16", "f32") for t in ("f8E4M3FNUZ", "f8E5M2FNUZ", "f8E8M0FNU", "f4E2M1FN")}}


def element_bits(dtype: str) -> int:
    return _BITS[dtype]


@dataclass(frozen=True)
class MatmulCost:
    unit: str            # "matrix", or "vector" when the matrix unit has no rate for the dtype
    occupancy: float     # cycles the unit is busy
    latency: float       # extra cycles until the result is complete
    macs: int            # useful multiply-accumulates M*N*K
    ideal: float         # MACs / peak rate of the unit used (the roofline share of this op)
    passes: int


class Costs:
    """Per-op cycle costs for one target (see the module docstring for the formulas)."""

    def __init__(self, target):
        self.target = target
        pe = target.pe
        self.rows, self.cols = pe.matrix.rows, pe.matrix.cols
        self.banks = pe.sram.banks
        self.word = pe.sram.bank_bytes_per_cycle
        self.engine_rate = float(pe.dma.bytes_per_cycle)
        self.link_rate = float(target.noc.link_bytes_per_cycle)
        self.ext_rate = target.memory.bandwidth_bytes_per_s / target.chip.clock_hz
        self.ext_latency = float(target.memory.latency_cycles)
        self.hop_latency = float(target.noc.hop_latency_cycles)

    # ------------------------------------------------------------ matrix unit
    def mac_rate(self, dtype: str) -> float:
        name = TARGET_DTYPE.get(dtype)
        return float(self.target.pe.matrix.macs_per_cycle[name]) if name else 0.0

    def matmul(self, m: int, n: int, k: int, dtype: str, unit: str = "matrix") -> MatmulCost:
        """Cost of an M x N x K product on `unit` ("matrix", falling back to "vector" without a MAC rate)."""
        macs = m * n * k
        rate = self.mac_rate(dtype)
        passes = ceil(m / self.rows) * ceil(n / self.cols)
        if unit == "vector" or rate <= 0:
            ops = 2 * macs
            vrate = self.vector_rate(dtype)
            return MatmulCost("vector", ops / vrate, 0.0, macs, ops / vrate, 1)
        occupancy = passes * k * self.rows * self.cols / rate
        return MatmulCost("matrix", occupancy, float(self.rows + self.cols), macs, macs / rate, passes)

    def matmul_traffic(self, m: int, n: int, k: int) -> tuple[int, int]:
        """How many times the array streams A (once per column block) and B (once per row block)."""
        return ceil(n / self.cols), ceil(m / self.rows)

    # ------------------------------------------------------------ vector unit
    def vector_rate(self, dtype: str) -> float:
        """Elementwise ops per cycle for values of `dtype` (see the module docstring)."""
        rates = self.target.pe.vector.ops_per_cycle
        for t in (dtype,) + _WIDER.get(dtype, ()):
            name = TARGET_DTYPE.get(t)
            if name is not None and rates[name] > 0:
                return float(rates[name])
        return float(self.target.pe.vector.lanes * _VECTOR_LANE_BITS // _BITS[dtype])

    def vector(self, elements: int, *dtypes: str) -> float:
        """Cycles for `elements` ops at the slowest rate among `dtypes`."""
        return elements / min(self.vector_rate(t) for t in dtypes)

    # ------------------------------------------------------------ SRAM banks
    def bank_words(self, starts: np.ndarray, ends: np.ndarray, repeat: np.ndarray | None = None) -> np.ndarray:
        """Words each bank serves for byte runs [starts, ends) (each run `repeat` times)."""
        B, w = self.banks, self.word
        starts = np.asarray(starts, np.int64)
        ends = np.asarray(ends, np.int64)
        reps = np.ones(starts.shape, np.int64) if repeat is None else np.asarray(repeat, np.int64)
        w0 = starts // w
        n = (ends - 1) // w + 1 - w0
        hist = np.full(B, int(np.sum((n // B) * reps)), np.int64)
        rem = n % B
        b0 = w0 % B
        diff = np.zeros(2 * B + 1, np.int64)
        np.add.at(diff, b0, reps)
        np.add.at(diff, b0 + rem, -reps)
        c = np.cumsum(diff)[:2 * B]
        return hist + c[:B] + c[B:]

    def bank_cycles(self, starts, ends, repeat=None) -> float:
        """Cycles the SRAM needs at least to serve these runs (the busiest bank's words)."""
        if len(starts) == 0:
            return 0.0
        return float(self.bank_words(starts, ends, repeat).max())
