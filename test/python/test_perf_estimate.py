"""The analytic plan estimate (npu.perf.estimate) against hand-derived figures and the simulator."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from npu.perf.estimate import StepWork, best_plan, estimate_cycles
from npu.target import load_target


def plan(tiles: int, chunks: int):
    return SimpleNamespace(num_tiles=tiles, num_chunks=chunks)


def test_one_tile_matmul_estimate_by_hand():
    # datacenter-hbm, the 128x256 @ 256x64 int8 matmul of test_perf_analytic as one tile, one step:
    # two load DMAs on two engines: 128 B/cycle -> 49152 / 128 = 384 cycles + 400 latency;
    # matrix 8 passes x 256 x 0.5 = 1024, drain 64; store 32768 / 128 = 256 + 400.
    # 384 + 400 + 1024 + 64 + 656 = 2528 (the simulator, with one engine per DMA, takes 2912).
    t = load_target("datacenter-hbm")
    work = StepWork(load_bytes=49152, store_bytes=32768, matmul=(128, 64, 256), dtype="i8", dmas_per_step=2)
    est = estimate_cycles(plan(1, 1), t, work)
    assert est == 2528.0
    assert abs(est / 2912.0 - 1) < 0.15


def test_tiled_layer_estimate_by_hand():
    # edge-lpddr with 64 GB/s memory (64 B/cycle): 8 tiles on 8 of the 16 PEs share it (8 B/cycle
    # each; two engines would give 64). Step: load 4096 B = 512 cycles; matmul 16x8x256 on the
    # 16x8 int8 array at 128 MACs/cycle = 256 cycles, drain 16 + 8 = 24; store 512 B = 64 + 120.
    # double-buffered, 4 steps: 512 + 120 + 3 * max(256, 512) + 256 + 24 + 184 = 2632;
    # single-buffered: 4 * (512 + 120 + 256) + 24 + 184 = 3760.
    t = load_target("edge-lpddr").with_overrides({"memory.bandwidth_bytes_per_s": 64_000_000_000})
    work = StepWork(load_bytes=4096, store_bytes=512, matmul=(16, 8, 256), dtype="i8", dmas_per_step=2)
    assert estimate_cycles(plan(8, 4), t, work) == 2632.0
    assert estimate_cycles(plan(8, 4), t, work, double_buffer=False) == 3760.0
    # twice the tiles on all 16 PEs: 4 B/cycle each, load 1024 per step: 1024 + 120 + 3 * 1024 + 256
    # + 24 + (512 / 4 + 120) = 4744, still one round
    assert estimate_cycles(plan(16, 4), t, work) == 4744.0


def test_estimate_never_below_the_layer_roofline():
    t = load_target("datacenter-hbm")
    work = StepWork(load_bytes=1 << 20, matmul=(32, 32, 32), dtype="i8")
    # 4096 tiles x 1 MiB at 1092.27 B/cycle dominates everything else
    assert estimate_cycles(plan(4096, 1), t, work) >= 4096 * (1 << 20) / (1.6384e12 / 1.5e9)


def test_best_plan_within_budget():
    seen = []

    def cost(x):
        seen.append(x)
        return (x - 3) ** 2

    assert best_plan(range(10), cost, budget_s=10.0) == (3, 0, 10)
    seen.clear()
    best, value, n = best_plan(range(10), cost, budget_s=0.0)  # the budget stops after the first
    assert (best, n) == (0, 1) and seen == [0]
    with pytest.raises(ValueError):
        best_plan([], cost)
