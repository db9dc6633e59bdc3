"""MLIR plumbing for npu: the context with our dialects, diagnostics, verifiers.

This package is the one adapter between npu and the upstream MLIR Python
bindings; other modules import from here rather than from `mlir` quirks.
"""

from npu.ir.context import make_context, parse_module
from npu.ir.diagnostics import DiagnosticCollector, format_location

__all__ = ["make_context", "parse_module", "DiagnosticCollector", "format_location"]
