"""Level-4 verifiers through the Python API: DMA pattern injectivity and
target-dependent rules on targets derived with `Target.with_overrides`."""

from __future__ import annotations

from math import prod

import numpy as np
from hypothesis import given, settings, strategies as st
from mlir import ir

from npu.dialects.npu_mem import _writes_once
from npu.ir.context import make_context
from npu.ir.diagnostics import DiagnosticCollector
from npu.ir.verify import verify_ops
from npu.target import load_target


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 9)), min_size=1, max_size=3),
       st.integers(0, 5))
def test_writes_once_matches_brute_force(dims, offset):
    sizes = [n for n, _ in dims]
    strides = [s for _, s in dims]
    grids = np.meshgrid(*[np.arange(n) for n in sizes], indexing="ij")
    index = offset + sum(g * s for g, s in zip(grids, strides))
    assert _writes_once(offset, sizes, strides) == (np.unique(index).size == prod(sizes))


_SEND = """
func.func @a() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %b = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %t = "npu_noc.send"(%b) {dst = array<i64: 0, 2>, route = array<i64: 0, 0, 1, 0, 1, 1, 1, 2, 0, 2>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
func.func @b() attributes {npu_pe.pe = array<i64: 0, 2>} {
  %b = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
"""


def _errors(text: str, target) -> list[str]:
    ctx = make_context()
    with ctx, ir.Location.unknown(), DiagnosticCollector(ctx) as diags:
        module = ir.Module.parse(text)
        ok = verify_ops(module.operation, target)
    assert ok == (not diags.errors)
    return [d.message for d in diags.errors]


def test_route_detour_needs_a_second_row():
    edge = load_target("edge-lpddr")
    assert _errors(_SEND, edge) == []
    assert _errors(_SEND, None) == []
    one_row = edge.with_overrides({"mesh.rows": 1})
    assert _errors(_SEND, one_row) == [
        "'npu_noc.send' op expects PE of route (1, 0) inside the 1x4 mesh of target 'edge-lpddr'"]


def test_sram_size_comes_from_the_target():
    text = """func.func @a() attributes {npu_pe.pe = array<i64: 0, 0>} {
      %b = "npu_mem.alloc"() {offset = 4096} : () -> memref<4096xi8, "sram">
      return
    }"""
    edge = load_target("edge-lpddr")
    assert _errors(text, edge) == []
    small = edge.with_overrides({"pe.sram.bytes": 8192})
    assert _errors(text, small) == []
    tiny = edge.with_overrides({"pe.sram.bytes": 8184})
    assert _errors(text, tiny) == [
        "'npu_mem.alloc' op expects the buffer ([4096, 8192)) to fit in the 8184 bytes of SRAM of target 'edge-lpddr'"]
