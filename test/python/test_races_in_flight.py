"""npu-check-races' in-flight index (races._InFlight) finds what scanning every in-flight access finds.

Random one-PE programs over a few SRAM buffers with assigned, overlapping offsets: DMAs in and out
of random byte ranges (contiguous and strided), compute ops on views, waits placed at random later
points (some never), so transfers are in flight across many ops and clash in every way the checker
knows. The findings of `check_program` must equal those of a reference that, at each op, scans all
in-flight accesses in the order they started (the checker's former algorithm).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from mlir import ir

from npu.ir.context import make_context, parse_module
from npu.spatial import races
from npu.spatial.access import build_programs


def _text(draw) -> str:
    nbuf = draw(st.integers(1, 3))
    sizes = [draw(st.sampled_from([64, 128, 256])) for _ in range(nbuf)]
    offsets = [draw(st.sampled_from([0, 32, 64, 128, 256])) for _ in range(nbuf)]
    body = ['%x = "npu_mem.get_global"() {name = @x} : () -> memref<1024xi8, "ext">',
            '%y = "npu_mem.get_global"() {name = @y} : () -> memref<1024xi8, "ext">']
    for k, (n, off) in enumerate(zip(sizes, offsets)):
        body.append(f'%b{k} = "npu_mem.alloc"() {{offset = {off} : i64, alignment = 16 : i64}} : () -> memref<{n}xi8, "sram">')
    waits: dict[int, list[str]] = {}
    steps = draw(st.integers(3, 14))
    views = 0
    for s in range(steps):
        for tok in waits.pop(s, []):
            body.append(f'"npu_mem.dma_wait"(%{tok}) : (!npu_mem.token) -> ()')
        k = draw(st.integers(0, nbuf - 1))
        kind = draw(st.sampled_from(["load", "store", "unary"]))
        n = sizes[k]
        if kind == "unary":
            half = n // 2
            lo = draw(st.sampled_from([0, half]))
            body.append(f'%v{views} = "npu_mem.view"(%b{k}) {{byte_offset = {lo}}} : (memref<{n}xi8, "sram">) '
                        f'-> memref<{half}xi8, "sram">')
            body.append(f'"npu_pe.unary"(%v{views}, %v{views}) {{kind = "neg"}} : (memref<{half}xi8, "sram">, '
                        f'memref<{half}xi8, "sram">) -> ()')
            views += 1
            continue
        count = draw(st.sampled_from([8, 16, 32]))
        stride = draw(st.sampled_from([1, 2]))
        start = draw(st.integers(0, (n - count * stride) // 16)) * 16
        sram = f'offset = {start}, sizes = array<i64: {count}>, strides = array<i64: {stride}>'
        ext = f'offset = {draw(st.integers(0, 900))}, sizes = array<i64: {count}>, strides = array<i64: 1>'
        src, dst = (("x", f"b{k}"), ) [0] if kind == "load" else (f"b{k}", "y")
        src_pat, dst_pat = (ext, sram) if kind == "load" else (sram, ext)
        st_src = "memref<1024xi8, \"ext\">" if kind == "load" else f'memref<{n}xi8, "sram">'
        st_dst = f'memref<{n}xi8, "sram">' if kind == "load" else "memref<1024xi8, \"ext\">"
        attrs = "{" + ", ".join("src_" + p for p in src_pat.split(", ")) + ", " + \
            ", ".join("dst_" + p for p in dst_pat.split(", ")) + "}"
        body.append(f'%t{s} = "npu_mem.dma_start"(%{src}, %{dst}) {attrs} : ({st_src}, {st_dst}) -> !npu_mem.token')
        delay = draw(st.integers(1, steps + 1))
        if s + delay < steps:
            waits.setdefault(s + delay, []).append(f"t{s}")
    for s in sorted(waits):
        body += [f'"npu_mem.dma_wait"(%{tok}) : (!npu_mem.token) -> ()' for tok in waits[s]]
    globs = ['"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<1024xi8, "ext">} : () -> ()',
             '"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<1024xi8, "ext">} : () -> ()']
    return "\n".join(globs) + '\nfunc.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {\n  ' + \
        "\n  ".join(body) + "\n  return\n}"


@st.composite
def program_texts(draw):
    return _text(draw)


def _reference(prog) -> list[str]:
    """The in-flight findings by scanning every access still in flight, in the order they started."""
    out, started = [], []
    freed = {d: root for root, d in prog.dealloc_of.items()}
    for i, op in enumerate(prog.ops):
        pending = [p for p in started if p.end > i]
        if i in freed:
            out += [f.message for f in races._dealloc_in_flight(prog, freed[i], op, pending)]
        for a in prog.by_op[i]:
            d = prog.dealloc_of.get(a.root)
            if d is not None and d < i:
                continue
            clash = races._in_flight_clash(prog.ops, a, pending)
            if clash is not None:
                out.append(clash)
        started += [a for a in prog.by_op[i] if a.is_async]
    return out


_IN_FLIGHT_WORDS = ("before the", "is in flight")


@settings(max_examples=150, deadline=None)
@given(program_texts())
def test_in_flight_index_finds_what_a_full_scan_finds(text):
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = parse_module(text, ctx)
        (prog,) = build_programs(module.operation)
        got = [f.message for f in races.check_program(prog)
               if any(w in f.message for w in _IN_FLIGHT_WORDS) and "overwrote" not in f.message]
        assert got == _reference(prog)


def test_in_flight_index_sweeps_expired_transfers():
    """Thousands of waited transfers leave only the ones still in flight in the index."""
    body = ['%x = "npu_mem.get_global"() {name = @x} : () -> memref<1024xi8, "ext">',
            '%b = "npu_mem.alloc"() {offset = 0 : i64, alignment = 16 : i64} : () -> memref<64xi8, "sram">']
    n = races._InFlight.SWEEP + 10
    for s in range(n):
        body.append(f'%t{s} = "npu_mem.dma_start"(%x, %b) {{src_offset = 0, src_sizes = array<i64: 64>, '
                    f'src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = '
                    f'array<i64: 1>}} : (memref<1024xi8, "ext">, memref<64xi8, "sram">) -> !npu_mem.token')
        body.append(f'"npu_mem.dma_wait"(%t{s}) : (!npu_mem.token) -> ()')
    text = ('"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<1024xi8, "ext">} : () -> ()\n'
            'func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {\n  ' + "\n  ".join(body)
            + "\n  return\n}")
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = parse_module(text, ctx)  # kept alive: the program holds its ops
        (prog,) = build_programs(module.operation)
        flight = races._InFlight(prog)
        for i in range(len(prog.ops)):
            for a in prog.by_op[i]:
                if a.is_async:
                    flight.add(a, i)
        # a sweep ran after SWEEP additions: what it kept is at most the few transfers since
        assert flight.count <= 2 * 10 + 2
        assert not races.check_program(prog)
