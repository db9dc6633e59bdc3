"""Layout ops and concat on sub-byte tensors, moved as bytes: cast up, move, cast back.

A level-4 DMA moves whole bytes (npu_mem.dma_start), so a transposed, sliced or
broadcast view of a packed tensor (i4, i2, ui4, ui2, f4E2M1FN), or a concat
whose second part starts inside a byte, has no DMA pattern. These rules move
such data in a byte-wide carrier type instead:

    op(x, ...) = cast_T(op(cast_C(x), ...))   for op in transpose, slice, expand, concat

with C = i8 for i4 / i2, ui8 for ui4 / ui2 and f8E4M3FN for f4E2M1FN. Every
value of T is a value of C (f4E2M1FN's eight magnitudes, signed zeros included,
are f8E4M3FN values; f4E2M1FN has no inf or NaN), so both casts are exact and
the result is bit-identical to the op on T (golden's astype: the cast back
wraps or rounds nothing). Reshapes stay views (row-major order is kept, so a
reshape of a packed tensor needs no movement). Each rule returns None for any
other element type, so the ops keep their own lowering there.
"""

from __future__ import annotations

from mlir import ir

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of

CARRIER = {"i4": "i8", "i2": "i8", "ui4": "ui8", "ui2": "ui8", "f4E2M1FN": "f8E4M3FN"}
MOVES = ("transpose", "slice", "expand", "concat")
_CAST = {"saturate": 1, "round_mode": "up"}


def _as_bytes(op: ir.Operation, b: Builder) -> list[ir.Value] | None:
    elem = b.elem(op.results[0])
    carrier = CARRIER.get(str(elem))
    if carrier is None:
        return None
    wide = ir.Type.parse(carrier)
    ins = [b.op("npu_tensor.cast", [x], shape_of(x), wide, _CAST) for x in op.operands]
    attrs = {name: op.attributes[name] for name in op.attributes}
    moved = b.op(op.name, ins, shape_of(op.results[0]), wide, attrs)
    return [b.op("npu_tensor.cast", [moved], shape_of(moved), elem, _CAST)]


# slice: npu.decompose.data's rule (negative steps first, then this one for sub-byte types)
for _name in MOVES:
    if _name != "slice":
        decomposes(f"npu_tensor.{_name}")(_as_bytes)


def as_bytes(op: ir.Operation, b: Builder) -> list[ir.Value] | None:
    """The byte-carrier rewrite of `op` (None for a type that needs none)."""
    return _as_bytes(op, b)
