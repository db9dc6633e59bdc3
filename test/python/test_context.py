"""make_context: IRDL dialects stay verified after their IRDL module is gone, and
contexts are freed (no per-context leak in long-lived processes)."""

import gc
import resource

import pytest
from mlir import ir

from npu.ir.context import make_context

GOOD = """func.func @f(%a: tensor<2x8xf32>) -> tensor<16xf32> {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}"""
MISSING_ATTR = """func.func @f(%a: tensor<2x8xf32>) -> tensor<8x2xf32> {
  %0 = "npu_tensor.transpose"(%a) : (tensor<2x8xf32>) -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}"""
GLOBAL = """"npu_mem.global"() {sym_name = "w0", kind = "KIND", type = memref<4xi8, "ext">} : () -> ()"""


def _churn():
    """Allocate and free enough to reuse any memory an IRDL module left behind."""
    for _ in range(20):
        ir.Module.parse("\n".join(f"func.func @g{i}() {{ return }}" for i in range(200)), make_context())
    gc.collect()


def test_irdl_constraints_still_checked_after_module_is_gone():
    ctx = make_context()
    _churn()
    assert ir.Module.parse(GOOD, ctx).operation.verify()
    with pytest.raises(ir.MLIRError, match='attribute "perm" is expected'):
        ir.Module.parse(MISSING_ATTR, ctx)
    assert ir.Module.parse(GLOBAL.replace("KIND", "scratch"), ctx).operation.verify()
    with pytest.raises(ir.MLIRError, match="does not satisfy the constraint"):  # an irdl.any_of of irdl.is
        ir.Module.parse(GLOBAL.replace("KIND", "bogus"), ctx)


def test_contexts_are_freed():
    def rss_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    for _ in range(5):
        make_context()
    gc.collect()
    before, live_before = rss_mb(), ir.Context._get_live_count()
    for _ in range(60):
        ctx = make_context()
        ir.Module.parse(GOOD, ctx)
        del ctx
        gc.collect()
    assert ir.Context._get_live_count() <= live_before + 1
    assert rss_mb() - before < 60, "each context should be freed (~3 MB each when leaked)"
