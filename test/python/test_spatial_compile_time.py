"""Invariants the compile-time shortcuts of the spatial pipeline rely on (no timings here: bench/ has them).

* npu.spatial.pipeline skips npu's verifiers after READ_ONLY_PASSES: each of them must leave the
  module text unchanged.
* npu-check-races remembers pairs of external accesses whose byte runs do not meet by
  (shape, shape, base difference) (`Access.form`): accesses of one shape must have the same runs
  up to their bases.
* runs_overlap merges few runs in Python and searches many with numpy: the answers must agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import pytest

import npu.spatial as spatial
from npu.ir.context import make_context
from npu.ir.pipeline import parse_element
from npu.ir.pass_base import PassEnv
from npu.onnx.importer import import_model
from npu.spatial.pipeline import ALLOC_PASSES, READ_ONLY_PASSES
from npu.target import load_target

DIGITS = Path(__file__).resolve().parents[2] / "examples" / "digits"


def _text(module) -> str:
    return module.operation.get_asm(enable_debug_info=True)


@pytest.mark.parametrize("preset", ["edge-lpddr", "large-inference"])
def test_read_only_passes_leave_the_module_unchanged(preset):
    from npu.passes import is_registered

    target = load_target(preset)
    for name in sorted(READ_ONLY_PASSES):
        if not is_registered(name):
            continue
        assert name in ALLOC_PASSES
        before_pass = ALLOC_PASSES[ALLOC_PASSES.index(name) - 1]
        module = import_model(str(DIGITS / "digits_cnn.onnx"), context=make_context())
        module, _ = spatial.lower_module_stats(module, target, spatial.LowerOptions(stop_after=before_pass))
        before = _text(module)
        with module.context:
            parse_element(name).run(module, PassEnv(target=target))
        assert _text(module) == before, f"{name} rewrote the module"


# ------------------------------------------------------------------ byte-run shortcuts of the access model


def _pattern_access(offset: int, sizes: list[int], strides: list[int], elem_bits: int, shift: int):
    """A DMA-side Access built the way npu.spatial.access builds one (through _add_pattern)."""
    from npu.spatial import access as A

    root = A.Root(op=None, index=0, space="sram", nbytes=1 << 30, name="", offset=shift, buffer=None)
    prog = A.Program(func=None, pe=(0, 0), ops=[None], kinds=[A.DMA_START])
    prog.by_op = [[]]
    A._add_pattern(prog, 0, root, False, 0, offset, sizes, strides, elem_bits)
    return prog.accesses[0]


def _random_pattern(rng):
    rank = int(rng.integers(1, 4))
    sizes = [int(v) for v in rng.integers(1, 6, rank)]
    strides = [int(v) for v in rng.integers(0, 40, rank)]
    strides[-1] = int(rng.choice([0, 1, 2, 3]))
    return sizes, strides, int(rng.choice([4, 8, 16, 32]))


def test_access_runs_are_their_form_shape_moved_by_the_base():
    """Access.form(): accesses of one shape have the same runs up to the difference of their bases (what
    npu-check-races' memo of disjoint pairs relies on), and different offsets of a sub-byte pattern
    never share a shape."""
    rng = np.random.default_rng(0)
    shapes = 0
    for _ in range(400):
        sizes, strides, bits = _random_pattern(rng)
        accesses = [_pattern_access(int(rng.integers(0, 64)), sizes, strides, bits, int(rng.integers(0, 4096)))
                    for _ in range(4)]
        for a in accesses:
            for b in accesses:
                (shape_a, base_a), (shape_b, base_b) = a.form(), b.form()
                if shape_a != shape_b:
                    continue
                shapes += 1
                assert np.array_equal(a.starts - base_a, b.starts - base_b)
                assert np.array_equal(a.ends - base_a, b.ends - base_b)
    assert shapes > 1600  # every access matches itself; whole-byte patterns match across offsets too


def test_runs_overlap_merge_path_matches_the_search_path(monkeypatch):
    """runs_overlap answers the same (first overlapping byte range or None) whether it merges in
    Python (few runs) or searches with numpy."""
    from npu.spatial import access as A

    rng = np.random.default_rng(1)

    def run_set():
        k = int(rng.integers(1, 30))
        span = int(rng.choice([100, 3000]))
        starts = np.sort(rng.integers(0, span, k)).astype(np.int64)
        return A.merge_runs(starts, starts + rng.integers(1, 12, k))

    pairs = [(run_set(), run_set()) for _ in range(3000)]
    merged = [A.runs_overlap(a, b) for a, b in pairs]
    monkeypatch.setattr(A, "_MERGE_RUNS", 0)
    searched = [A.runs_overlap(a, b) for a, b in pairs]
    assert merged == searched
    assert 300 < sum(r is not None for r in merged) < 2700  # both outcomes are exercised
