"""Creating MLIR contexts with the npu dialects loaded from their IRDL files.

The IRDL definitions live in `dialects/*.irdl.mlir` (shipped as the package
`npu.dialects`). `make_context()` parses each one and registers it with
`irdl.load_dialects`; nothing else in npu touches IRDL.
"""

from __future__ import annotations

import functools
from importlib import resources

from mlir import ir
from mlir._mlir_libs import _mlir
from mlir.dialects import irdl

from npu.errors import NpuError

DIALECTS = ("npu_tensor", "npu_mem", "npu_noc", "npu_pe")

@functools.cache
def dialect_source(name: str) -> str:
    """The IRDL text of dialect `name` (e.g. "npu_tensor")."""
    path = resources.files("npu.dialects").joinpath(f"{name}.irdl.mlir")
    return path.read_text()


def available_dialects() -> tuple[str, ...]:
    """Dialects whose IRDL file ships with the package."""
    base = resources.files("npu.dialects")
    return tuple(d for d in DIALECTS if base.joinpath(f"{d}.irdl.mlir").is_file())


def _register_dialect_search_prefix() -> None:
    """The bindings look up a Python module for an op's dialect each time they wrap
    an op (Value.owner, results) and do not remember failures: for IRDL dialects
    that is a failed import per call (~20 us). Listing npu.dialects as a search
    prefix lets the lookup find `npu.dialects.<name>` once and cache it."""
    if "npu.dialects" not in _mlir.globals.dialect_search_modules:
        _mlir.globals.append_dialect_search_prefix("npu.dialects")


def make_context(*, allow_unregistered: bool = False) -> ir.Context:
    """A fresh context with upstream dialects and every npu dialect loaded.

    `irdl.load_dialects` compiles the IRDL ops into verifier objects owned by the
    context, so the IRDL module is not kept: keeping it would pin the context
    (the module refers to it) and leak ~3 MB per context in long-lived processes
    (test_context.py checks both the leak and that verification still works).
    """
    _register_dialect_search_prefix()
    ctx = ir.Context()
    ctx.allow_unregistered_dialects = allow_unregistered
    ctx.load_all_available_dialects()
    with ctx, ir.Location.unknown():
        for name in available_dialects():
            irdl.load_dialects(ir.Module.parse(dialect_source(name)))
    return ctx


def parse_module(text: str, ctx: ir.Context, source_name: str = "<input>") -> ir.Module:
    """Parse `text` in `ctx`; a failure raises NpuError with the first located diagnostic."""
    from npu.ir.diagnostics import format_diagnostic

    try:
        return ir.Module.parse(text, ctx)
    except ir.MLIRError as err:
        diags = err.error_diagnostics
        if diags:
            raise NpuError(format_diagnostic(diags[0], source_name)) from None
        raise NpuError(f"{source_name}: error: {err}") from None
