"""npu-verify: run the Python verification layer (shape, memory-space and route
rules that IRDL cannot express) and fail on the first broken rule.

The driver already verifies after every pass; this pass exists so a pipeline
can check explicitly, e.g. against a target given with --target.
"""

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv, PassFailed
from npu.ir.verify import verify_ops


@dataclass(frozen=True)
class VerifyPass(Pass):
    NAME = "npu-verify"
    SUMMARY = "Check npu ops against the rules IRDL cannot express (shapes, memory spaces, routes)"

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        if not verify_ops(op, env.target):
            raise PassFailed("npu-verify found errors")
