"""Analytic cycle estimate of a tiled layer, for the tiler and placer to rank candidate plans.

The simulator (npu.perf.machine) needs level-4 code; a pass choosing among
dozens of tile shapes needs an answer in microseconds. `estimate_cycles(plan,
target, work)` uses the simulator's rules in closed form:

1. per step: matrix cycles (npu.perf.costs.Costs.matmul: passes of the R x C
   array, the tile-shape efficiency) and vector cycles, which overlap;
2. DMA rate of one PE: `dmas_per_step` DMAs on as many engines (at most
   `pe.dma.engines`), each at `bytes_per_cycle`, and no more than the PE's
   share of the external pool (`memory` bandwidth / active PEs);
3. a tile of S steps, double-buffered: the first load, then S - 1 steps of
   max(compute, load), the last compute, the matrix drain (R + C), the store,
   and the memory latency for the first load and for the store; without
   double buffering every step pays load + latency + compute;
4. tiles run in rounds of the active PEs (min(PEs, tiles)); the result is at
   least the layer's roofline bound (MACs at peak, bytes at full bandwidth).

`plan` is anything with `num_tiles` and `num_chunks` (npu.spatial.plan.TilePlan);
`work` describes one step (`StepWork`). `best_plan(candidates, cost, budget_s)`
ranks candidates by a cost function within a time budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from math import ceil
from typing import Callable, Iterable, TypeVar

from npu.perf.costs import Costs

__all__ = ["StepWork", "best_plan", "estimate_cycles"]

T = TypeVar("T")


@dataclass(frozen=True)
class StepWork:
    """One step of one tile, as the op family knows it."""

    load_bytes: int                                # external bytes loaded for the step
    store_bytes: int = 0                           # external bytes stored once per tile
    matmul: tuple[int, int, int] | None = None     # (m, n, k) of the step's matrix-unit product
    vector_elements: int = 0                       # vector-unit ops of the step
    dtype: str = "i8"                              # level-4 element type of the step's inputs
    dmas_per_step: int = 1                         # DMAs that load the step (each on its own engine)


def estimate_cycles(plan, target, work: StepWork, *, pes: int | None = None, double_buffer: bool = True) -> float:
    """Estimated cycles of a layer tiled by `plan` (see the module docstring for the formula)."""
    c = Costs(target)
    tiles, steps = plan.num_tiles, plan.num_chunks
    active = max(1, min(pes or target.num_pes, tiles))
    matrix = vector = latency = 0.0
    mac_cycles = 0.0
    if work.matmul is not None:
        cost = c.matmul(*work.matmul, work.dtype)
        matrix, latency, mac_cycles = (cost.occupancy, cost.latency, cost.ideal) if cost.unit == "matrix" else \
            (0.0, 0.0, 0.0)
        vector += cost.occupancy if cost.unit == "vector" else 0.0
    vector += c.vector(work.vector_elements, work.dtype) if work.vector_elements else 0.0
    compute = max(matrix, vector)
    engines = min(max(1, work.dmas_per_step), target.pe.dma.engines)
    rate = min(engines * c.engine_rate, c.ext_rate / active)
    load = work.load_bytes / rate
    store = work.store_bytes / rate + (c.ext_latency if work.store_bytes else 0.0)
    if double_buffer:
        per_tile = load + c.ext_latency + (steps - 1) * max(compute, load) + compute + latency + store
    else:
        per_tile = steps * (load + c.ext_latency + compute) + latency + store
    total = ceil(tiles / active) * per_tile
    ext_bytes = tiles * (steps * work.load_bytes + work.store_bytes)
    floor = max(ext_bytes / c.ext_rate, tiles * steps * mac_cycles / target.num_pes)
    return max(total, floor)


def best_plan(candidates: Iterable[T], cost: Callable[[T], float], budget_s: float = 0.1) -> tuple[T, float, int]:
    """The cheapest candidate by `cost` among those evaluated within `budget_s` seconds.

    Returns (candidate, its cost, how many were evaluated); at least one is
    always evaluated. Order the candidates best-guess first.
    """
    deadline = time.perf_counter() + budget_s
    best, best_cost, n = None, float("inf"), 0
    for cand in candidates:
        value = cost(cand)
        n += 1
        if value < best_cost:
            best, best_cost = cand, value
        if time.perf_counter() >= deadline:
            break
    if n == 0:
        raise ValueError("best_plan needs at least one candidate")
    return best, best_cost, n
