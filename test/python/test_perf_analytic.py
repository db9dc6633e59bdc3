"""Analytic cases of the performance model: exact cycles and energy derived by hand in the comments.

Every figure below is computed from the target's fields (quoted in the
comments) with the formulas of npu.perf.costs / npu.perf.machine; none is
copied from the model's output. Targets are presets, sometimes with a field
overridden so the arithmetic stays exact in binary floating point.
"""

from __future__ import annotations

import numpy as np
import pytest
from mlir import ir

from npu.errors import NpuError
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.ir.diagnostics import DiagnosticCollector
from npu.ir.verify import verify_ops
from npu.perf import PerfConfig, PerfMachine, build_report, simulate
from npu.perf.costs import Costs
from npu.perf.resources import Capacity, waterfill
from npu.target import load_target

_CTX = []


def parse(text: str, target) -> ir.Module:
    if not _CTX:
        _CTX.append(make_context())
    ctx = _CTX[0]
    with ctx, ir.Location.unknown(), DiagnosticCollector(ctx) as diags:
        module = ir.Module.parse(text)
        assert verify_ops(module.operation, target), [d.message for d in diags.errors]
    return module


def mt(shape, etype: str, space: str) -> str:
    return f'memref<{"x".join(map(str, shape))}x{etype}, "{space}">'


def dma(src: str, dst: str, n: int, st: str, dt: str) -> str:
    return (f'"npu_mem.dma_start"({src}, {dst}) {{src_offset = 0, src_sizes = array<i64: {n}>, '
            f'src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: {n}>, '
            f'dst_strides = array<i64: 1>}} : ({st}, {dt}) -> !npu_mem.token')


def route(*pes) -> str:
    return "array<i64: " + ", ".join(f"{r}, {c}" for r, c in pes) + ">"


def pe_func(pe, body: list[str]) -> str:
    lines = "\n    ".join(body + ["return"])
    return (f"  func.func @pe_{pe[0]}_{pe[1]}() attributes {{npu_pe.pe = array<i64: {pe[0]}, {pe[1]}>}} {{\n"
            f"    {lines}\n  }}")


def module(globals_: list[str], funcs: list[str]) -> str:
    return "module {\n" + "\n".join("  " + g for g in globals_) + "\n" + "\n".join(funcs) + "\n}\n"


def glob(name: str, kind: str, shape, etype: str) -> str:
    return f'"npu_mem.global"() {{sym_name = "{name}", kind = "{kind}", type = {mt(shape, etype, "ext")}}} : () -> ()'


def timed(text: str, target, inputs=None, config=None):
    m = parse(text, target)
    machine = PerfMachine(m, target, config=config)
    with m.context:
        outputs = machine.run(inputs or {})
    return machine, build_report(machine), outputs, m


# ---------------------------------------------------------------- matmul on one PE

DC = load_target("datacenter-hbm")


def matmul_module() -> str:
    A, B, C = mt((128, 256), "i8", "sram"), mt((256, 64), "i8", "sram"), mt((128, 64), "i32", "sram")
    body = [
        f'%a = "npu_mem.get_global"() {{name = @a}} : () -> {mt((128, 256), "i8", "ext")}',
        f'%b = "npu_mem.get_global"() {{name = @b}} : () -> {mt((256, 64), "i8", "ext")}',
        f'%c = "npu_mem.get_global"() {{name = @c}} : () -> {mt((128, 64), "i32", "ext")}',
        f'%sa = "npu_mem.alloc"() : () -> {A}',
        f'%sb = "npu_mem.alloc"() : () -> {B}',
        f'%sc = "npu_mem.alloc"() : () -> {C}',
        "%t0 = " + dma("%a", "%sa", 128 * 256, mt((128, 256), "i8", "ext"), A),
        "%t1 = " + dma("%b", "%sb", 256 * 64, mt((256, 64), "i8", "ext"), B),
        '"npu_mem.dma_wait"(%t0, %t1) : (!npu_mem.token, !npu_mem.token) -> ()',
        f'"npu_pe.matmul"(%sa, %sb, %sc) {{accumulate = false}} : ({A}, {B}, {C}) -> ()',
        "%t2 = " + dma("%sc", "%c", 128 * 64, C, mt((128, 64), "i32", "ext")),
        '"npu_mem.dma_wait"(%t2) : (!npu_mem.token) -> ()',
    ]
    return module([glob("a", "input", (128, 256), "i8"), glob("b", "input", (256, 64), "i8"),
                   glob("c", "output", (128, 64), "i32")], [pe_func((0, 0), body)])


def test_single_matmul_on_one_pe_exact_cycles_and_energy():
    # datacenter-hbm: matrix 32x32, int8 2048 MACs/cycle, 4 DMA engines of 64 B/cycle, external
    # 1.6384e12 B/s at 1.5 GHz = 1092.27 B/cycle (so one engine, 64 B/cycle, is the limit), latency
    # 400 cycles; PE (0, 0) is on the west edge (a memory port): no NoC hops.
    # DMA a (128*256 = 32768 B) on engine 0: [0, 512), done 512 + 400 = 912.
    # DMA b (256*64 = 16384 B) on engine 1: [0, 256), done 656.  dma_wait -> clock 912.
    # matmul 128x256 @ 256x64: ceil(128/32) * ceil(64/32) = 8 passes, each K = 256 steps of
    #   32*32/2048 = 0.5 cycle -> 1024 cycles: [912, 1936); result R + C = 64 cycles later: 2000.
    #   SRAM banks (16 banks of 32-byte words): A 1024 words streamed ceil(64/32) = 2 times,
    #   B 512 words 4 times, C 1024 words once -> 128 + 128 + 64 = 320 words per bank < 1024: not binding.
    # DMA c (128*64*4 = 32768 B) waits for the matmul result: [2000, 2512), done 2912.
    rng = np.random.default_rng(1)
    a = rng.integers(-128, 128, (128, 256), dtype=np.int8)
    b = rng.integers(-128, 128, (256, 64), dtype=np.int8)
    machine, rep, out, m = timed(matmul_module(), DC, {"a": a, "b": b})
    assert rep.cycles == 2912.0
    assert np.array_equal(out["c"], a.astype(np.int32) @ b.astype(np.int32))
    stalls = rep.pes[0].stalls
    assert stalls == {"dma_wait": 912.0 + (2912.0 - 912.0)}  # both waits: to 912, then to 2912
    assert rep.pes[0].matrix_busy == 1024.0
    macs = 128 * 64 * 256
    assert rep.macs == macs
    # utilization: 1024 ideal matrix cycles on one of 64 PEs over 2912 cycles
    assert rep.matrix_utilization == pytest.approx(1024 / (64 * 2912), rel=1e-12)
    # roofline: compute 1024 / 64 PEs = 16 cycles; memory (32768 + 16384 + 32768) / 1092.27 = 75 cycles
    assert rep.bound.compute_cycles == 16.0
    assert rep.bound.memory_cycles == pytest.approx(81920 / (1.6384e12 / 1.5e9), rel=1e-12)
    assert rep.bound.kind == "bandwidth" and rep.cycles >= rep.bound.cycles
    # energy (datacenter-hbm): MACs 2097152 * 0.06 pJ; SRAM: DMA ends 32768 + 16384 + 32768 plus
    # matmul operands 2 * 32768 (A) + 4 * 16384 (B) + 32768 (C) = 163840 -> 245760 B * 1.2 pJ;
    # external 81920 B * 30 pJ; NoC 0; static 25 W * 2912 / 1.5e9 s.
    e = rep.energy
    assert e.mac_pj == pytest.approx(macs * 0.06, rel=1e-12)
    assert e.sram_pj == pytest.approx(245760 * 1.2, rel=1e-12)
    assert e.external_pj == pytest.approx(81920 * 30.0, rel=1e-12)
    assert e.noc_pj == 0.0
    assert e.static_pj == pytest.approx(25.0 * 2912 / 1.5e9 * 1e12, rel=1e-12)
    assert rep.tops_per_watt == pytest.approx(2 * macs / (e.total_pj * 1e-12) / 1e12, rel=1e-12)


def test_matmul_outputs_match_functional_interpreter():
    rng = np.random.default_rng(2)
    inputs = {"a": rng.integers(-9, 9, (128, 256), dtype=np.int8), "b": rng.integers(-9, 9, (256, 64), dtype=np.int8)}
    _, _, out, m = timed(matmul_module(), DC, inputs)
    with m.context:
        ref = run_level4(m, inputs, target=DC)
    assert np.array_equal(out["c"], ref["c"])


def test_matmul_tile_shape_efficiency():
    c = Costs(DC)
    # one row more than the array (33 on 32 rows) doubles the passes: 2 * 2 passes of K = 64 steps
    # of 0.5 cycle = 128 cycles instead of 64, for 33/32 of the MACs
    assert c.matmul(32, 64, 64, "i8").occupancy == 64.0
    assert c.matmul(33, 64, 64, "i8").occupancy == 128.0
    # bf16 runs at 1024 MACs/cycle: one step of the array is 1 cycle
    assert c.matmul(32, 32, 100, "bf16").occupancy == 100.0
    # edge-lpddr has no fp32 MAC rate: the vector unit does a multiply and an add per MAC (two f32
    # roundings, not fused) at 16 f32 ops/cycle: 4*4*8 = 128 MACs -> 256 ops -> 16 cycles
    edge = Costs(load_target("edge-lpddr"))
    cost = edge.matmul(4, 4, 8, "f32")
    assert (cost.unit, cost.occupancy) == ("vector", 2 * 128 / 16)
    # unit = "vector" on a type the matrix unit rates (bf16 at 32 MACs/cycle) is charged the vector rate
    # (32 bf16 ops/cycle), not the matrix unit's passes
    cost = edge.matmul(16, 8, 8, "bf16", "vector")
    assert (cost.unit, cost.occupancy, cost.latency) == ("vector", 2 * 1024 / 32, 0.0)
    assert edge.matmul(16, 8, 8, "bf16").unit == "matrix"


# ---------------------------------------------------------------- NoC

def send_recv(src, dst, path, n: int, tag: int = 0, name: str = "s"):
    T = mt((n,), "i8", "sram")
    sender = [f'%{name}b = "npu_mem.alloc"() : () -> {T}',
              f'%{name}t = "npu_noc.send"(%{name}b) {{dst = {route(dst)}, route = {route(*path)}, tag = {tag}}} : ({T}) -> !npu_noc.token',
              f'"npu_noc.wait"(%{name}t) : (!npu_noc.token) -> ()']
    receiver = [f'%{name}r = "npu_mem.alloc"() : () -> {T}',
                f'%{name}u = "npu_noc.recv"(%{name}r) {{src = {route(src)}, tag = {tag}}} : ({T}) -> !npu_noc.token',
                f'"npu_noc.wait"(%{name}u) : (!npu_noc.token) -> ()']
    return sender, receiver


@pytest.mark.parametrize("dst", [(0, 1), (0, 3), (0, 7), (2, 3), (7, 7)])
def test_pure_transfer_across_k_hops(dst):
    # datacenter-hbm: link 64 B/cycle, engine 64 B/cycle, hop latency 2 cycles. 4096 bytes take
    # 4096 / 64 = 64 cycles on every link of the route (cut-through), then k hops of 2 cycles:
    # the sender's wait ends at 64, the receiver's at 64 + 2k.
    path = [p for p, _ in DC.xy_route((0, 0), dst)] + [dst]
    k = len(path) - 1
    s, r = send_recv((0, 0), dst, path, 4096)
    _, rep, _, _ = timed(module([], [pe_func((0, 0), s), pe_func(dst, r)]), DC)
    assert rep.cycles == 64.0 + 2 * k
    finish = {p.pe: p.finish for p in rep.pes}
    assert finish[(0, 0)] == 64.0
    assert len(rep.links) == k and all(link.bytes == 4096 for link in rep.links)
    # energy: 4096 B * k hops * 0.6 pJ; SRAM: read at the sender + write at the receiver, 8192 B * 1.2 pJ
    assert rep.energy.noc_pj == pytest.approx(4096 * k * 0.6, rel=1e-12)
    assert rep.energy.sram_pj == pytest.approx(8192 * 1.2, rel=1e-12)
    assert rep.energy.static_pj == pytest.approx(25.0 * (64 + 2 * k) / 1.5e9 * 1e12, rel=1e-12)


def two_flows(target, disjoint: bool = False):
    # flow A: (0, 0) -> (0, 2) through (0, 1); flow B: (0, 1) -> (0, 3) through (0, 2):
    # both cross the link (0, 1) -> (0, 2) unless `disjoint` (then B starts at (0, 2): (0, 2) -> (0, 3)).
    sa, ra = send_recv((0, 0), (0, 2), [(0, 0), (0, 1), (0, 2)], 4096, name="a")
    if disjoint:
        sb, rb = send_recv((0, 2), (0, 3), [(0, 2), (0, 3)], 4096, name="b")
        funcs = [pe_func((0, 0), sa), pe_func((0, 2), ra + sb), pe_func((0, 3), rb)]
    else:
        sb, rb = send_recv((0, 1), (0, 3), [(0, 1), (0, 2), (0, 3)], 4096, name="b")
        funcs = [pe_func((0, 0), sa), pe_func((0, 1), sb), pe_func((0, 2), ra), pe_func((0, 3), rb)]
    return timed(module([], funcs), target)


def test_two_flows_contending_on_one_link():
    # datacenter-hbm: link and engine 64 B/cycle, hop latency 2. Both flows are posted at cycle 0;
    # A is matched first ((0, 2) posts its recv before (0, 3) in the time-ordered scheduler) and
    # takes the shared link at the full 64 B/cycle during [0, 64); B finds it full and moves during
    # [64, 128). A arrives at 64 + 2 hops * 2 = 68, B at 128 + 4 = 132.
    machine, rep, _, _ = two_flows(DC)
    assert rep.cycles == 132.0
    finish = {p.pe: p.finish for p in rep.pes}
    assert finish == {(0, 0): 64.0, (0, 1): 128.0, (0, 2): 68.0, (0, 3): 132.0}
    shared = {(link.src, link.dst): link for link in rep.links}[((0, 1), (0, 2))]
    assert shared.bytes == 8192 and shared.busy == 128.0


def test_two_flows_partially_sharing_a_link():
    # links of 48 B/cycle, engines of 32 B/cycle: A uses 32 of the shared link's 48 B/cycle during
    # [0, 128) (4096 / 32); B gets the other 16 B/cycle then: 2048 B by cycle 128, the remaining
    # 2048 B at 32 B/cycle take 64 cycles -> B's last byte at 192, delivered 192 + 4 = 196
    # (alone it would be 128 + 4 = 132). A: 128 + 4 = 132.
    # On disjoint links ((0, 2) forwards after A arrived at 132) B takes 128 + 1 hop * 2: 262.
    t = DC.with_overrides({"noc.link_bytes_per_cycle": 48, "pe.dma.bytes_per_cycle": 32})
    _, rep, _, _ = two_flows(t)
    finish = {p.pe: p.finish for p in rep.pes}
    assert finish[(0, 2)] == 132.0 and finish[(0, 3)] == 196.0
    _, alone, _, _ = two_flows(t, disjoint=True)
    assert {p.pe: p.finish for p in alone.pes}[(0, 3)] == 132.0 + 130.0


def test_disjoint_flows_do_not_slow_each_other():
    # the same two flows on disjoint links (B from (0, 2), which first receives A): B starts after
    # A's data arrived at (0, 2) (cycle 68) and takes 64 + 2: (0, 3) finishes at 134.
    _, rep, _, _ = two_flows(DC, disjoint=True)
    assert {p.pe: p.finish for p in rep.pes}[(0, 3)] == 68.0 + 64.0 + 2.0


def test_multicast_reserves_each_tree_link_once():
    # multicast of 4096 B from (0, 0) to (0, 1) and (0, 2) on datacenter-hbm (multicast = true):
    # routes (0,0)-(0,1) and (0,0)-(0,1)-(0,2) share their first link, which carries the data once.
    # The first branch matched ((0, 1)) takes [0, 64); the second only adds (0,1)->(0,2) in [0, 64).
    # (0, 1) has its data at 64 + 2, (0, 2) at 64 + 4; NoC energy 4096 B * 2 links * 0.6 pJ.
    T = mt((4096,), "i8", "sram")
    sender = [f'%b = "npu_mem.alloc"() : () -> {T}',
              f'%t = "npu_noc.multicast"(%b) {{dsts = {route((0, 1), (0, 2))}, routes = [{route((0, 0), (0, 1))}, '
              f'{route((0, 0), (0, 1), (0, 2))}], tag = 0}} : ({T}) -> !npu_noc.token',
              '"npu_noc.wait"(%t) : (!npu_noc.token) -> ()']
    _, r1 = send_recv((0, 0), (0, 1), [], 4096)
    _, r2 = send_recv((0, 0), (0, 2), [], 4096)
    _, rep, _, _ = timed(module([], [pe_func((0, 0), sender), pe_func((0, 1), r1), pe_func((0, 2), r2)]), DC)
    finish = {p.pe: p.finish for p in rep.pes}
    assert finish == {(0, 0): 64.0, (0, 1): 66.0, (0, 2): 68.0}
    assert sorted((link.src, link.dst, link.bytes) for link in rep.links) == [
        ((0, 0), (0, 1), 4096), ((0, 1), (0, 2), 4096)]
    assert rep.energy.noc_pj == pytest.approx(4096 * 2 * 0.6, rel=1e-12)


# ---------------------------------------------------------------- DMA and external bandwidth

EDGE = load_target("edge-lpddr")


def load_module(pe, n: int, count: int = 1) -> str:
    E, S = mt((n,), "i8", "ext"), mt((n,), "i8", "sram")
    body = [f'%x = "npu_mem.get_global"() {{name = @x}} : () -> {E}']
    for i in range(count):
        body += [f'%s{i} = "npu_mem.alloc"() : () -> {S}', f"%t{i} = " + dma("%x", f"%s{i}", n, E, S)]
    body.append(f'"npu_mem.dma_wait"({", ".join(f"%t{i}" for i in range(count))}) : '
                f'({", ".join(["!npu_mem.token"] * count)}) -> ()')
    return module([glob("x", "input", (n,), "i8")], [pe_func(pe, body)])


def test_dma_of_n_bytes_at_the_target_bandwidth():
    # edge-lpddr with external memory 48e9 B/s (48 B/cycle at 1 GHz) and 64-B/cycle engines:
    # the memory is the limit. 4800 B take 4800 / 48 = 100 cycles, plus the 120-cycle latency.
    t = EDGE.with_overrides({"memory.bandwidth_bytes_per_s": 48_000_000_000, "pe.dma.bytes_per_cycle": 64})
    x = np.arange(4800, dtype=np.int64).astype(np.int8)
    _, rep, _, _ = timed(load_module((0, 0), 4800), t, {"x": x})
    assert rep.cycles == 220.0
    assert rep.ext_read == 4800 and rep.ext_bandwidth_fraction == pytest.approx(100 / 220, rel=1e-12)
    # energy (edge-lpddr): external 4800 B * 40 pJ; SRAM write 4800 B * 1.0 pJ; static 0.3 W * 220 ns
    assert rep.energy.external_pj == pytest.approx(4800 * 40.0, rel=1e-12)
    assert rep.energy.sram_pj == pytest.approx(4800 * 1.0, rel=1e-12)
    assert rep.energy.static_pj == pytest.approx(0.3 * 220e-9 * 1e12, rel=1e-12)


def test_two_dmas_share_the_external_bandwidth():
    # 48 B/cycle of memory, two engines of 32 B/cycle on one PE, two DMAs of 3200 B:
    # the first gets 32 B/cycle during [0, 100); the second the remaining 16 B/cycle then (1600 B),
    # and 32 B/cycle after: 1600 / 32 = 50 more cycles -> its last byte at 150, done 150 + 120 = 270.
    t = EDGE.with_overrides({"memory.bandwidth_bytes_per_s": 48_000_000_000})
    x = np.zeros(3200, np.int8)
    _, rep, _, _ = timed(load_module((0, 0), 3200, count=2), t, {"x": x})
    assert rep.cycles == 270.0


def test_dma_from_an_interior_pe_crosses_the_noc_to_the_memory_port():
    # edge-lpddr, PE (1, 1): the nearest PE on the west/east memory edges is (1, 0), one hop away.
    # 3200 B at min(engine 32, link 32, memory 34.132) = 32 B/cycle: 100 cycles, then the memory
    # latency 120 and one hop of 2 cycles: 222. NoC energy: 3200 B * 1 hop * 0.5 pJ.
    x = np.zeros(3200, np.int8)
    _, rep, _, _ = timed(load_module((1, 1), 3200), EDGE, {"x": x})
    assert rep.cycles == 222.0
    assert [(link.src, link.dst) for link in rep.links] == [((1, 0), (1, 1))]
    assert rep.energy.noc_pj == pytest.approx(3200 * 0.5, rel=1e-12)


def test_strided_dma_with_bank_conflicts():
    # datacenter-hbm SRAM: 16 banks of 32-byte words. A DMA writing 64 single bytes at a stride of
    # 512 B (= 16 banks * 32 B) touches one word of bank 0 each: 64 cycles of that bank, so the
    # DMA moves at most 64 B / 64 cycles = 1 B/cycle: [0, 64) + 400 latency = 464.
    E, S = mt((64,), "i8", "ext"), mt((64 * 512,), "i8", "sram")
    body = [f'%x = "npu_mem.get_global"() {{name = @x}} : () -> {E}', f'%s = "npu_mem.alloc"() : () -> {S}',
            f'%t = "npu_mem.dma_start"(%x, %s) {{src_offset = 0, src_sizes = array<i64: 64>, src_strides = '
            f'array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 512>}} : '
            f'({E}, {S}) -> !npu_mem.token', '"npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()']
    text = module([glob("x", "input", (64,), "i8")], [pe_func((0, 0), body)])
    _, rep, _, _ = timed(text, DC, {"x": np.zeros(64, np.int8)})
    assert rep.cycles == 464.0
    # contiguous, the same 64 bytes take 1 cycle at 64 B/cycle: 401
    _, rep2, _, _ = timed(load_module((0, 0), 64), DC, {"x": np.zeros(64, np.int8)})
    assert rep2.cycles == 401.0


# ---------------------------------------------------------------- synchronization

def test_barrier_releases_after_last_arrival_plus_group_diameter():
    # edge-lpddr: PE (0, 0) loads 3200 B (100 cycles + 120 latency = 220) then enters barrier 0 of
    # {(0, 0), (1, 1)}; PE (1, 1) arrives at 0. Release: 220 + diameter 2 hops * 2 cycles = 224.
    E, S = mt((3200,), "i8", "ext"), mt((3200,), "i8", "sram")
    bar = '"npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 1, 1>} : () -> ()'
    p0 = [f'%x = "npu_mem.get_global"() {{name = @x}} : () -> {E}', f'%s = "npu_mem.alloc"() : () -> {S}',
          "%t = " + dma("%x", "%s", 3200, E, S), '"npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()', bar]
    text = module([glob("x", "input", (3200,), "i8")], [pe_func((0, 0), p0), pe_func((1, 1), [bar])])
    _, rep, _, _ = timed(text, EDGE, {"x": np.zeros(3200, np.int8)})
    finish = {p.pe: p.finish for p in rep.pes}
    assert finish == {(0, 0): 224.0, (1, 1): 224.0}
    assert {p.pe: p.stalls.get("barrier") for p in rep.pes} == {(0, 0): 4.0, (1, 1): 224.0}


def test_semaphore_wait_ends_when_the_signal_arrives():
    # PE (0, 0) loads 3200 B (done at 220) then signals semaphore 0 of PE (0, 2) over 2 hops:
    # it arrives at 220 + 2 * 2 = 224, when PE (0, 2)'s sem_wait (posted at 0) completes.
    E, S = mt((3200,), "i8", "ext"), mt((3200,), "i8", "sram")
    p0 = [f'%x = "npu_mem.get_global"() {{name = @x}} : () -> {E}', f'%s = "npu_mem.alloc"() : () -> {S}',
          "%t = " + dma("%x", "%s", 3200, E, S), '"npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()',
          f'"npu_noc.sem_signal"() {{pe = array<i64: 0, 2>, id = 0, count = 1, route = {route((0, 0), (0, 1), (0, 2))}}} : () -> ()']
    p2 = ['%m = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem',
          '"npu_noc.sem_wait"(%m) {count = 1} : (!npu_noc.sem) -> ()']
    text = module([glob("x", "input", (3200,), "i8")], [pe_func((0, 0), p0), pe_func((0, 2), p2)])
    _, rep, _, _ = timed(text, EDGE, {"x": np.zeros(3200, np.int8)})
    assert {p.pe: p.finish for p in rep.pes} == {(0, 0): 220.0, (0, 2): 224.0}


def test_deadlock_is_reported_in_timing_mode():
    # each PE waits for the other's send before sending: a cycle of waits.
    T = mt((64,), "i8", "sram")

    def prog(me, other):
        return [f'%b = "npu_mem.alloc"() : () -> {T}', f'%o = "npu_mem.alloc"() : () -> {T}',
                f'%u = "npu_noc.recv"(%b) {{src = {route(other)}, tag = 0}} : ({T}) -> !npu_noc.token',
                '"npu_noc.wait"(%u) : (!npu_noc.token) -> ()',
                f'%t = "npu_noc.send"(%o) {{dst = {route(other)}, route = {route(me, other)}, tag = 0}} : ({T}) -> !npu_noc.token',
                '"npu_noc.wait"(%t) : (!npu_noc.token) -> ()']
    text = module([], [pe_func((0, 0), prog((0, 0), (0, 1))), pe_func((0, 1), prog((0, 1), (0, 0)))])
    with pytest.raises(NpuError, match=r"deadlock: PE \(0, 0\) blocked at 'npu_noc.wait'"):
        timed(text, DC)


def test_units_overlap_unless_configured_not_to():
    # Two independent vector ops after the load: with overlap the second DMA (of another buffer)
    # is not held back by them. Without overlap, the stream waits for each op.
    # edge-lpddr vector int8: 64 ops/cycle; SRAM 8 banks of 16-byte words (128 B/cycle):
    # relu of 3200 i8 reads 3200 B and writes 3200 B = 400 words = 50 per bank -> max(3200/64, 50) = 50.
    E, S = mt((3200,), "i8", "ext"), mt((3200,), "i8", "sram")
    body = [f'%x = "npu_mem.get_global"() {{name = @x}} : () -> {E}', f'%s = "npu_mem.alloc"() : () -> {S}',
            f'%o = "npu_mem.alloc"() : () -> {S}', f'%s2 = "npu_mem.alloc"() : () -> {S}',
            "%t = " + dma("%x", "%s", 3200, E, S), '"npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()',
            f'"npu_pe.unary"(%s, %o) {{kind = "relu"}} : ({S}, {S}) -> ()',
            "%t2 = " + dma("%x", "%s2", 3200, E, S), '"npu_mem.dma_wait"(%t2) : (!npu_mem.token) -> ()']
    text = module([glob("x", "input", (3200,), "i8")], [pe_func((0, 0), body)])
    x = np.zeros(3200, np.int8)
    # overlap: load 220; relu [220, 270); second load [220, 320) + 120 = 440
    _, rep, _, _ = timed(text, EDGE, {"x": x})
    assert rep.cycles == 440.0 and rep.pes[0].vector_busy == 50.0
    # no overlap: relu moves the clock to 270; second load [270, 370) + 120 = 490
    _, rep, _, _ = timed(text, EDGE, {"x": x}, config=PerfConfig(overlap_units=False))
    assert rep.cycles == 490.0


# ---------------------------------------------------------------- the resources alone

def test_waterfill_shares_a_capacity():
    link = Capacity("l", 48.0)
    assert waterfill([link], 0.0, 4096, 32.0) == [(0.0, 128.0, 32.0)]
    assert waterfill([link], 0.0, 4096, 32.0) == [(0.0, 128.0, 16.0), (128.0, 192.0, 32.0)]
    assert link.bytes == 8192 and link.busy_cycles() == 192.0


def test_simulate_returns_outputs_and_report():
    rng = np.random.default_rng(3)
    inputs = {"a": rng.integers(-3, 3, (128, 256), dtype=np.int8), "b": rng.integers(-3, 3, (256, 64), dtype=np.int8)}
    m = parse(matmul_module(), DC)
    out, rep = simulate(m, inputs, target=DC)
    assert rep.cycles == 2912.0 and "2,912 cycles" in rep.format()


def test_layers_are_keyed_by_the_onnx_name_locations():
    # ops under loc("conv1") and loc("fc") report as those layers; the DMA of conv1 (3200 B on
    # edge-lpddr: [0, 100) + 120) and fc's relu ([220, 270): 3200 i8 at 64/cycle) keep their spans.
    E, S = mt((3200,), "i8", "ext"), mt((3200,), "i8", "sram")
    body = [f'%x = "npu_mem.get_global"() {{name = @x}} : () -> {E}', f'%s = "npu_mem.alloc"() : () -> {S}',
            f'%o = "npu_mem.alloc"() : () -> {S}',
            "%t = " + dma("%x", "%s", 3200, E, S) + ' loc("conv1")',
            '"npu_mem.dma_wait"(%t) : (!npu_mem.token) -> () loc("conv1")',
            f'"npu_pe.unary"(%s, %o) {{kind = "relu"}} : ({S}, {S}) -> () loc("fc")']
    text = module([glob("x", "input", (3200,), "i8")], [pe_func((0, 0), body)])
    _, rep, _, _ = timed(text, EDGE, {"x": np.zeros(3200, np.int8)})
    spans = {layer.name: (layer.first, layer.last) for layer in rep.layers}
    assert spans == {"conv1": (0.0, 220.0), "fc": (220.0, 270.0)}


def test_fixed_point_vector_ops_cost_one_op_per_element_at_the_i32_rate():
    # edge-lpddr has no i32 vector rate of its own: 16 lanes x 32 bits / 32 = 16 i32 ops/cycle;
    # SRAM 8 banks of 16-byte words. clz of 3200 i32: 3200 / 16 = 200 cycles; it reads and writes
    # 800 words each = 200 per bank -> 200. mul_shift by a one-element rhs: 200 vector cycles, but
    # lhs and out (800 words each, both from byte 0 of their buffers) and the rhs word all start in
    # bank 0: 100 + 100 + 1 = 201 words there -> 201.
    E, S, one = mt((3200,), "i32", "ext"), mt((3200,), "i32", "sram"), mt((1,), "i32", "sram")
    head = [f'%x = "npu_mem.get_global"() {{name = @x}} : () -> {E}', f'%s = "npu_mem.alloc"() : () -> {S}',
            f'%o = "npu_mem.alloc"() : () -> {S}', f'%r = "npu_mem.alloc"() : () -> {one}',
            '"npu_pe.fill"(%r) {value = 3 : i32} : (' + one + ") -> ()",
            "%t = " + dma("%x", "%s", 3200, E, S), '"npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()']
    x = {"x": np.arange(3200, dtype=np.int32)}
    for op, busy in ((f'"npu_pe.unary"(%s, %o) {{kind = "clz"}} : ({S}, {S}) -> ()', 200.0),
                     (f'"npu_pe.mul_shift"(%s, %r, %o) {{shift = 1}} : ({S}, {one}, {S}) -> ()', 201.0)):
        text = module([glob("x", "input", (3200,), "i32")], [pe_func((0, 0), head + [op])])
        _, rep, _, _ = timed(text, EDGE, x)
        fill = 1.0  # the fill of one i32 word: 1/16 cycle of vector work, one word of bank 0
        assert rep.pes[0].vector_busy == busy + fill
