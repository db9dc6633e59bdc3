"""Invariants the compile-time shortcuts of the spatial pipeline rely on (no timings here: bench/ has them).

* npu.spatial.pipeline skips npu's verifiers after READ_ONLY_PASSES: each of them must leave the
  module text unchanged.
"""

from __future__ import annotations

from pathlib import Path

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
