"""Textual pass pipelines that mix npu's Python passes with upstream MLIR passes.

`parse_pipeline("builtin.module(npu-verify, canonicalize, func.func(cse))")`
returns one `Step` per top-level element. A step is either a registered npu
pass (built from its `{key=value}` options) or an upstream pipeline element,
checked against MLIR's registry when parsed. Steps run one at a time so the
driver can verify, time and print the IR between any two of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlir import ir
from mlir.passmanager import PassManager

import npu.passes as registry
from npu.errors import NpuError
from npu.ir.pass_base import Pass, PassEnv

_NAME = re.compile(r"[A-Za-z_][\w.\-]*")


@dataclass(frozen=True)
class Step:
    """One top-level pipeline element: a Python pass or upstream pipeline text."""

    name: str
    text: str
    python_pass: Pass | None = None

    def run(self, module: ir.Module, env: PassEnv, verify: bool = True) -> None:
        """Run the step; MLIRError (with diagnostics) on failure."""
        pm = PassManager("builtin.module", context=module.context)
        pm.enable_verifier(verify)
        if self.python_pass is not None:
            self.python_pass.add_to(pm, env)
        else:
            pm.add(self.text)
        pm.run(module.operation)


def split_top_level(text: str) -> list[str]:
    """Split on commas that are not nested in (), {} or []."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
            if depth < 0:
                raise NpuError(f"invalid pass pipeline '{text}': unbalanced '{ch}'")
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if depth != 0:
        raise NpuError(f"invalid pass pipeline '{text}': unbalanced brackets")
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _strip_anchor(text: str) -> str:
    text = text.strip()
    match = re.fullmatch(r"builtin\.module\s*\((.*)\)", text, flags=re.S)
    return match.group(1) if match else text


def parse_element(text: str) -> Step:
    match = _NAME.match(text)
    if not match:
        raise NpuError(f"invalid pass pipeline element '{text}'")
    name = match.group(0)
    rest = text[match.end():].strip()
    if registry.is_registered(name):
        if rest and not (rest.startswith("{") and rest.endswith("}")):
            raise NpuError(f"invalid options for pass '{name}': '{rest}' (expected {{key=value ...}})")
        cls = registry.get_pass_class(name)
        return Step(name, text, cls.from_options(rest[1:-1] if rest else ""))
    if rest.startswith("(") and any(registry.is_registered(n) for n in _NAME.findall(rest)):
        raise NpuError(f"npu passes run on the module only; move them out of '{name}(...)'")
    _check_upstream(name, text)
    return Step(name, text)


def _check_upstream(name: str, text: str) -> None:
    try:
        PassManager.parse(f"builtin.module({text})", context=ir.Context())
    except ValueError as err:
        detail = " ".join(str(err).split())
        if "does not refer to a registered pass" in detail or "unknown" in detail.lower():
            from difflib import get_close_matches

            close = get_close_matches(name, registry.pass_names(), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise NpuError(f"unknown pass '{name}': neither an npu pass nor an upstream MLIR pass{hint}") from None
        raise NpuError(f"invalid pass pipeline element '{text}': {detail}") from None


def parse_pipeline(text: str) -> list[Step]:
    """Parse a `--pass-pipeline=` string into steps (the outer builtin.module() is optional)."""
    return [parse_element(part) for part in split_top_level(_strip_anchor(text))]
