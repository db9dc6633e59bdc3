"""Check a decomposition against the golden interpreter: run a module before and after npu-decompose.

    before, after, text = run_both(module_text, inputs)           # every rule
    before, after, text = run_both(module_text, inputs, target)   # as the spatial pipeline runs it

Tests of the rules use this to show the rewrite keeps the golden results
(bit-identical for integer ops, within the rule's stated bound for float).
`text` is the decomposed module, for FileCheck-style assertions.
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from npu.ir.context import make_context


def check_verifies(module: ir.Module) -> None:
    """Raise NpuError unless MLIR's verifier and npu's Python verifiers accept `module`."""
    from npu.errors import NpuError
    from npu.ir.diagnostics import DiagnosticCollector
    from npu.ir.verify import verify_ops

    with DiagnosticCollector(module.context) as diags:
        try:
            module.operation.verify()
        except ir.MLIRError as err:
            raise NpuError(f"decomposed module fails verification: {err}") from None
        if not verify_ops(module.operation):
            raise NpuError(f"decomposed module fails verification: {diags.errors[0] if diags.errors else '?'}")


def run_both(module_text: str, inputs: dict[str, np.ndarray], target=None, verify: bool = True):
    """(golden outputs before, golden outputs after, decomposed module text)."""
    import npu.passes as registry
    from npu.interp.executor import run_module
    from npu.ir.pass_base import PassEnv
    from npu.ir.pipeline import parse_element

    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(module_text)
        before = run_module(module, inputs)
        step = parse_element("npu-decompose" if target is not None else "npu-decompose{all=true}")
        assert registry.is_registered("npu-decompose")
        step.run(module, PassEnv(target=target), verify=verify)
        if verify:
            check_verifies(module)
        after = run_module(module, inputs)
        return before, after, str(module)
