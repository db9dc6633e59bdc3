"""The registry of npu's Python passes: one module per pass, found by file name.

`passes/<name>.py` defines the pass `npu-<name with '-' for '_'>` as a subclass of
`npu.ir.pass_base.Pass` (exactly one per module). Modules are imported only
when their pass is asked for, or when `--help` lists them all.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil

from npu.errors import NpuError
from npu.ir.pass_base import Pass


def _module_for(pass_name: str) -> str:
    return pass_name.removeprefix("npu-").replace("-", "_")


def pass_names() -> list[str]:
    """Every registered pass name, sorted."""
    return sorted(
        "npu-" + info.name.replace("_", "-")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    )


def is_registered(name: str) -> bool:
    return name in pass_names()


def get_pass_class(name: str) -> type[Pass]:
    """The Pass subclass registered as `name`; NpuError naming close matches if none."""
    if not is_registered(name):
        close = difflib.get_close_matches(name, pass_names(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise NpuError(f"unknown pass '{name}'{hint}")
    module = importlib.import_module(f"{__name__}.{_module_for(name)}")
    found = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Pass) and obj is not Pass and obj.NAME == name
    ]
    if len(found) != 1:
        raise NpuError(f"pass module '{module.__name__}' must define exactly one pass named '{name}'")
    return found[0]


def all_pass_classes() -> list[type[Pass]]:
    return [get_pass_class(name) for name in pass_names()]
