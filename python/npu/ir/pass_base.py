"""Base class for npu's Python passes and the adapter onto MLIR's PassManager.

A pass is a frozen dataclass: its fields are its options (spelled
`npu-foo{opt=1 other=true}` on the command line), `NAME` is its command-line
name and `SUMMARY` its one-line help. `run(op, env)` does the work on the
module op; a user-facing failure is reported with `env.fail(op, message)`,
which emits a located error and makes the pass fail.

The adapter hides two quirks of the bindings: PassManager wants a callable
`(op, pass_)` and a failure is signalled through `pass_.signal_pass_failure()`.
"""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass
from typing import ClassVar

from mlir import ir
from mlir.passmanager import PassManager

from npu.errors import NpuError


class PassFailed(Exception):
    """Raised inside a pass after its diagnostics were emitted."""


@dataclass
class PassEnv:
    """What a pass may consult: the target (None when not given)."""

    target: object | None = None

    def fail(self, op: ir.Operation, message: str) -> "PassFailed":
        """Emit an error at `op` and return the exception to raise."""
        op.location.emit_error(message)
        return PassFailed(message)

    def require_target(self, op: ir.Operation, pass_name: str):
        if self.target is None:
            raise self.fail(op, f"pass '{pass_name}' needs a target (use --target=PRESET|FILE)")
        return self.target


@dataclass(frozen=True)
class Pass:
    """Base of every npu Python pass; subclasses are frozen dataclasses of options."""

    NAME: ClassVar[str] = ""
    SUMMARY: ClassVar[str] = ""

    def run(self, op: ir.Operation, env: PassEnv) -> None:  # pragma: no cover - abstract
        raise PassFailed(f"pass '{self.NAME}' defines no run()")

    # ---- options -------------------------------------------------------
    @classmethod
    def options(cls) -> list[dataclasses.Field]:
        return list(dataclasses.fields(cls))

    @classmethod
    def from_options(cls, text: str) -> "Pass":
        """Build the pass from `key=value key2=value2` (the text inside `{}`)."""
        values = {}
        known = {f.name.replace("_", "-"): f for f in cls.options()}
        for item in shlex.split(text or ""):
            key, sep, raw = item.partition("=")
            field = known.get(key) or known.get(key.replace("_", "-"))
            if field is None:
                valid = ", ".join(sorted(known)) or "none"
                raise NpuError(f"pass '{cls.NAME}' has no option '{key}' (options: {valid})")
            values[field.name] = _convert_option(cls.NAME, key, raw if sep else "true", field)
        return cls(**values)

    def add_to(self, pm: PassManager, env: PassEnv) -> None:
        """Append this pass to `pm` through the bindings' Python-pass hook."""
        pass_obj = self

        def run(op: ir.Operation, mlir_pass) -> None:
            try:
                pass_obj.run(op, env)
            except PassFailed:
                mlir_pass.signal_pass_failure()
            except NpuError as err:
                op.location.emit_error(str(err))
                mlir_pass.signal_pass_failure()

        pm.add(run, name=self.NAME, argument=self.NAME, description=self.SUMMARY)


def _convert_option(pass_name: str, key: str, raw: str, field: dataclasses.Field):
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))
    try:
        if kind == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw, 0)
        if kind == "float":
            return float(raw)
        if kind.startswith("tuple"):
            return tuple(int(x) for x in raw.split(",") if x)
        return raw
    except ValueError:
        raise NpuError(f"pass '{pass_name}' option '{key}' expects {kind}, got '{raw}'") from None
