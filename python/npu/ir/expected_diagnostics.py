"""`--verify-diagnostics`: match emitted diagnostics against `expected-*` comments.

Supports mlir-opt's forms: `// expected-error {{msg}}` (same line),
`@+N` / `@-N` (relative line), `@above` / `@below`, for error, warning,
note and remark. A diagnostic matches when its line equals the expected line and
the expected text is a substring of its message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from npu.ir.diagnostics import Diag

_EXPECT = re.compile(
    r"expected-(error|warning|note|remark)\s*(@(?:above|below|[+-]\d+))?\s*\{\{(.*?)\}\}"
)


@dataclass
class Expectation:
    severity: str
    line: int
    text: str
    matched: bool = False


def parse_expectations(text: str, first_line: int = 1) -> list[Expectation]:
    """Expectations in `text`, whose first line is line `first_line` of the file."""
    found = []
    for offset, line in enumerate(text.splitlines()):
        lineno = first_line + offset
        for m in _EXPECT.finditer(line):
            severity, where, msg = m.groups()
            target = lineno
            if where == "@above":
                target = lineno - 1
            elif where == "@below":
                target = lineno + 1
            elif where:
                target = lineno + int(where[1:])
            found.append(Expectation(severity, target, msg))
    return found


def check(expectations: list[Expectation], diags: list[Diag], source_name: str) -> list[str]:
    """Problems as one-line messages: unexpected diagnostics and unmet expectations."""
    problems = []
    for diag in diags:
        match = next(
            (e for e in expectations if not e.matched and e.severity == diag.severity
             and e.line == diag.line and e.text in diag.message),
            None,
        )
        if match is None:
            problems.append(f"{diag.where}: unexpected {diag.severity}: {diag.message}")
        else:
            match.matched = True
    for e in expectations:
        if not e.matched:
            problems.append(f"{source_name}:{e.line}: expected {e.severity} \"{e.text}\" was not produced")
    return problems
