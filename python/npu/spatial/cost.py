"""Cost estimates the tiler and the placer compare candidate plans with; every number comes from the target.

`Chip(target)` wraps a `npu.target.Target` with the few derived figures the
spatial passes need:

* `sram_budget`: bytes one tile step may keep live in a PE's SRAM (half the
  SRAM when double buffering, so the scheduler can prefetch the next tile, after
  setting aside `const_cache_bytes` = 1/16 for small constants a PE keeps for a layer),
  minus per-buffer alignment slack (one bank width per buffer, the default
  alignment of npu-alloc-sram).
* `matmul_cycles(m, n, k, dtype, vector)`: passes of the R x C matrix unit times K,
  scaled by the unit's MAC rate for the dtype (a tile of 17 rows on a 16-row
  unit costs two passes: that is the shape-alignment term); on the vector unit
  (npu_pe.matmul `unit = "vector"`) two ops per MAC at its rate.
* `vector_cycles(elements, dtype)`: elementwise work on the vector unit.
* `dma_cycles(bytes)`: one PE's DMA engines at their rate, plus the external
  memory latency once per transfer.
* `layer_cycles(...)`: the estimate for a whole op: tiles spread over the PEs
  (rounds of `num_pes`), bounded below by the shared external bandwidth.

These are estimates for choosing between plans, not the performance model
(which is the level-4 interpreter's job).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from npu.dialects.level4 import ACCUMULATOR_TYPE, TARGET_DTYPE

# Level-4 element types without a rate of their own in the target, costed as this dtype.
_RATE_DTYPE = {"i16": "int8", "i32": "fp32"}


@dataclass(frozen=True)
class Chip:
    """Derived figures of a target for planning (see the module docstring)."""

    target: object
    double_buffer: bool = True
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def _cached(self, key, compute):
        value = self._memo.get(key)
        if value is None:
            value = self._memo[key] = compute()
        return value

    @cached_property
    def num_pes(self) -> int:
        return self.target.mesh.rows * self.target.mesh.cols

    @cached_property
    def align(self) -> int:
        """Per-buffer slack assumed for alignment: one bank width."""
        return self.target.pe.sram.bank_bytes_per_cycle

    @cached_property
    def const_cache_bytes(self) -> int:
        """SRAM a PE keeps for small constant boxes reused across a layer's tiles (1/16)."""
        return self.target.pe.sram.bytes // 16

    @cached_property
    def sram_budget(self) -> int:
        sram = self.target.pe.sram.bytes - self.const_cache_bytes
        return sram // 2 if self.double_buffer else sram

    def fits(self, buffer_bytes: list[int]) -> bool:
        return sum(b + self.align for b in buffer_bytes) <= self.sram_budget

    def footprint(self, buffer_bytes: list[int]) -> int:
        return sum(b + self.align for b in buffer_bytes)

    # ------------------------------------------------------------ matrix unit
    def matrix_supports(self, dtype: str) -> bool:
        def compute():
            name = TARGET_DTYPE.get(dtype)
            return name is not None and self.target.pe.matrix.macs_per_cycle[name] > 0
        return self._cached(("matrix", dtype), compute)

    def accumulator(self, dtype: str) -> str:
        """The accumulator element type of the matrix unit for inputs of `dtype`."""
        return self._cached(("acc", dtype), lambda: ACCUMULATOR_TYPE[self.target.accumulator_dtype(TARGET_DTYPE[dtype])])

    def _matrix(self, dtype: str) -> tuple[int, int, int]:
        mx = self.target.pe.matrix
        return self._cached(("mx", dtype), lambda: (mx.rows, mx.cols, mx.macs_per_cycle[TARGET_DTYPE[dtype]]))

    def matmul_cycles(self, m: int, n: int, k: int, dtype: str, vector: bool = False) -> float:
        """Cycles of an M x N x K product; on the vector unit (`vector`, or no MAC rate for the dtype)
        a multiply and an add per MAC (two f32 roundings, not a fused op)."""
        if vector or not self.matrix_supports(dtype):
            return self.vector_cycles(2 * m * n * k, dtype)
        rows, cols, rate = self._matrix(dtype)
        return -(-m // rows) * -(-n // cols) * k * (rows * cols) / rate

    # ------------------------------------------------------------ vector unit, DMA
    def vector_cycles(self, elements: int, dtype: str) -> float:
        def compute():
            name = _RATE_DTYPE.get(dtype) or TARGET_DTYPE.get(dtype, "fp32")
            return self.target.pe.vector.ops_per_cycle[name] or self.target.pe.vector.lanes
        return elements / self._cached(("vec", dtype), compute)

    def dma_cycles(self, nbytes: int, transfers: int = 1) -> float:
        dma = self.target.pe.dma
        return nbytes / (dma.engines * dma.bytes_per_cycle) + transfers * self.target.memory.latency_cycles

    @property
    def ext_bytes_per_cycle(self) -> float:
        return self.target.external_bytes_per_cycle

    def hop_cycles(self, nbytes: int, hops: int) -> float:
        noc = self.target.noc
        return nbytes / noc.link_bytes_per_cycle + hops * noc.hop_latency_cycles

    def layer_cycles(self, tiles: int, steps: int, step_compute: float, step_dma: float, step_bytes: int,
                     transfers: int) -> float:
        """Estimate for `tiles` independent tiles of `steps` sequential steps each, over all PEs."""
        rounds = -(-tiles // self.num_pes)
        per_step = max(step_compute, self.dma_cycles(step_dma, 0)) + transfers * self.target.memory.latency_cycles
        per_pe = rounds * steps * per_step
        shared = tiles * steps * step_bytes / self.ext_bytes_per_cycle
        return max(per_pe, shared)
