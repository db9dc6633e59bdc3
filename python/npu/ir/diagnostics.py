"""Formatting and collecting MLIR diagnostics as one-line messages.

`format_location` turns any MLIR location into `file:line:col`, or into the
ONNX node name the importer attached (`conv1(Conv)`), so every error points at
something the user can find. `DiagnosticCollector` captures diagnostics
emitted in a context (by Python verifiers or passes) for the driver to print
or to match against `expected-*` comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir

_SEVERITY = {
    ir.DiagnosticSeverity.ERROR: "error",
    ir.DiagnosticSeverity.WARNING: "warning",
    ir.DiagnosticSeverity.NOTE: "note",
    ir.DiagnosticSeverity.REMARK: "remark",
}


def file_line(loc: ir.Location) -> tuple[str, int, int] | None:
    """The (file, line, col) a location refers to, searching nested locations."""
    if loc.is_a_file():
        return loc.filename, loc.start_line, loc.start_col
    if loc.is_a_name():
        return file_line(loc.child_loc)
    if loc.is_a_callsite():
        return file_line(loc.callee)
    if loc.is_a_fused():
        for inner in loc.locations:
            found = file_line(inner)
            if found:
                return found
    return None


def format_location(loc: ir.Location, source_name: str = "<input>") -> str:
    """`file:line:col`, or `name` for name locations, or `<unknown>`."""
    if loc.is_a_name():
        child = loc.child_loc
        inner = ""
        if child.is_a_name():
            inner = f"({child.name_str})"
        return f"{loc.name_str}{inner}"
    found = file_line(loc)
    if found is None:
        return source_name
    filename, line, col = found
    if filename in ("-", ""):
        filename = source_name
    return f"{filename}:{line}:{col}"


def severity_name(severity: ir.DiagnosticSeverity) -> str:
    return _SEVERITY.get(severity, "error")


def format_diagnostic(diag, source_name: str = "<input>") -> str:
    """One line: `where: severity: message`."""
    where = format_location(diag.location, source_name)
    message = " ".join(str(diag.message).split())
    return f"{where}: {severity_name(diag.severity)}: {message}"


@dataclass(frozen=True)
class Diag:
    """A captured diagnostic, detached from the MLIR object that carried it."""

    severity: str
    message: str
    where: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"

    @classmethod
    def from_mlir(cls, diag, source_name: str = "<input>") -> "Diag":
        found = file_line(diag.location)
        return cls(
            severity=severity_name(diag.severity),
            message=" ".join(str(diag.message).split()),
            where=format_location(diag.location, source_name),
            line=found[1] if found else None,
        )


class DiagnosticCollector:
    """Collect diagnostics emitted in `ctx` while the `with` block runs."""

    def __init__(self, ctx: ir.Context, source_name: str = "<input>"):
        self.ctx = ctx
        self.source_name = source_name
        self.diags: list[Diag] = []
        self._handler = None

    def add(self, diag) -> None:
        self.diags.append(Diag.from_mlir(diag, self.source_name))

    def _on_diagnostic(self, diag) -> bool:
        self.add(diag)
        return True

    def __enter__(self) -> "DiagnosticCollector":
        self._handler = self.ctx.attach_diagnostic_handler(self._on_diagnostic)
        return self

    def __exit__(self, *exc) -> None:
        self._handler.detach()
        # The handler (a binding object, invisible to the cycle collector) holds our bound
        # method, which holds the context: drop it or every collected context leaks.
        self._handler = None

    @property
    def errors(self) -> list[Diag]:
        return [d for d in self.diags if d.severity == "error"]
