"""Generate the ONNX op mapping table of docs/onnx-import.md from the converter registry.

  python -m npu.onnx.docs docs/onnx-import.md

Rewrites the text between the `<!-- op-table -->` markers: one row per ONNX op
type with a registered converter, its family module and the npu_tensor ops it
maps to (read from the family's mapping tables where it has them).
"""

from __future__ import annotations

import sys
from pathlib import Path

from npu.onnx.importer import load_registries
from npu.onnx.registry import _CONVERTERS

BEGIN, END = "<!-- op-table -->", "<!-- /op-table -->"


def _targets(op_type: str, fn) -> str:
    module = sys.modules[fn.__module__]
    for table in ("BINARY", "UNARY", "VARIADIC", "WITH_ATTRS"):
        mapping = getattr(module, table, {})
        if op_type in mapping:
            target = mapping[op_type]
            return f"`npu_tensor.{target[0] if isinstance(target, tuple) else target}`"
    doc = (fn.__doc__ or "").strip().splitlines()
    return doc[0] if doc else f"see `{fn.__module__.rsplit('.', 1)[-1]}.py`"


def op_table() -> str:
    load_registries()
    rows = ["| ONNX op | family | lowers to |", "|---|---|---|"]
    for op_type in sorted(_CONVERTERS):
        fn = _CONVERTERS[op_type]
        family = fn.__module__.rsplit(".", 1)[-1].removeprefix("convert_")
        rows.append(f"| {op_type} | {family} | {_targets(op_type, fn)} |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    text = path.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{BEGIN}\n{op_table()}\n{END}{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
