"""Python verifiers for npu_pe: PE programs and the compute ops' shape and type rules.

Programs are `func.func` ops carrying `npu_pe.pe` (see the header of
`npu_pe.irdl.mlir`); their verifier checks the PE (inside the mesh, one program
per PE), the signature and the module's `npu_pe.target`. Each compute op
checks that it runs in a program, that its buffers are in SRAM and that
shapes and element types follow the op's definition; with a target, the matrix
unit must support the input type and accumulate in the target's type.
"""

from __future__ import annotations

from mlir import ir

from npu.dialects.level4 import (
    ACCUMULATOR_TYPE, PE_ATTR, TARGET_ATTR, TARGET_DTYPE, WIDE_FLOAT_BINARY, WIDE_INT_BINARY, Buffer, buffer,
    coord_attr, fmt, int_attr, int_list, int_range, is_storage_only, is_wide, module_index, module_of, pe_of,
    scalar_attr,
)
from npu.ir.types import broadcast_shapes
from npu.ir.verify import VerifyEnv, verifier

# element type of a boolean mask (see "Booleans" in npu_pe.irdl.mlir)
MASK_TYPE = "i8"


# the ops that take the storage-only types (npu.dialects.level4.STORAGE_TYPES; npu_pe.unary: kind copy)
_STORAGE_OPS = ("npu_pe.cast", "npu_pe.select", "npu_pe.transpose", "npu_pe.unary")


def _buffers(op: ir.Operation, env: VerifyEnv, roles: tuple[str, ...]) -> list[Buffer] | None:
    """All operands as SRAM buffers, or None after reporting the first problem."""
    if pe_of(op, env) is None:
        return None
    found = []
    for value, role in zip(op.operands, roles):
        buf = buffer(op, env, value, role, space="sram")
        if buf is None:
            return None
        if is_storage_only(buf.dtype) and (op.name not in _STORAGE_OPS or (
                op.name == "npu_pe.unary" and op.attributes["kind"].value != "copy")):
            env.error(op, f"expects {role} of a type the vector unit computes on, got {buf.dtype} (a storage-only "
                          f"type: level 4 only moves, copies, transposes, selects and casts it)")
            return None
        found.append(buf)
    return found


def _same_shape(op: ir.Operation, env: VerifyEnv, a: Buffer, b: Buffer, what: str = "input and out") -> bool:
    if a.shape != b.shape:
        env.error(op, f"expects {what} of the same shape, got {list(a.shape)} and {list(b.shape)}")
        return False
    return True


def _same_dtype(op: ir.Operation, env: VerifyEnv, bufs: list[Buffer], what: str) -> bool:
    if len({b.dtype for b in bufs}) != 1:
        env.error(op, f"expects {what} of one element type, got {', '.join(b.dtype for b in bufs)}")
        return False
    return True


# ---------------------------------------------------------------- programs

def _verify_program(op: ir.Operation, env: VerifyEnv) -> None:
    pe = coord_attr(op, env, PE_ATTR)
    if pe is None:
        return
    ftype = op.attributes["function_type"].value
    if len(ftype.inputs) or len(ftype.results):
        env.error(op, f"expects a PE program to take no arguments and return nothing, got {ftype}")
        return
    index = module_index(op, env)
    first = index.programs[pe][0]
    if first != op:
        env.error(op, f"expects one program per PE, PE {fmt(pe)} already runs "
                      f"@{first.attributes['sym_name'].value}")
    module = module_of(op)
    if module is None or env.target is None or TARGET_ATTR not in module.attributes:
        return
    if next(iter(index.programs.values()))[0] != op:  # report the module's target once
        return
    named = module.attributes[TARGET_ATTR]
    name = named.value if isinstance(named, ir.StringAttr) else str(named)
    if name != env.target.chip.name:
        env.error(module, f"expects {TARGET_ATTR} \"{name}\" to name the target given, "
                          f"'{env.target.chip.name}'")


@verifier("func.func")
def _verify_func(op: ir.Operation, env: VerifyEnv) -> None:
    """A func.func carrying npu_pe.pe is a PE program."""
    if PE_ATTR in op.attributes:
        _verify_program(op, env)


# ---------------------------------------------------------------- matrix unit

@verifier("npu_pe.matmul")
def _verify_matmul(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("lhs", "rhs", "acc"))
    if bufs is None:
        return
    a, b, c = bufs
    if (len(a.shape), len(b.shape), len(c.shape)) != (2, 2, 2):
        env.error(op, f"expects rank-2 lhs, rhs and acc, got ranks {len(a.shape)}, {len(b.shape)}, {len(c.shape)}")
        return
    (m, k), (k2, n) = a.shape, b.shape
    if k != k2 or c.shape != (m, n):
        env.error(op, f"expects lhs [M, K], rhs [K, N] and acc [M, N], got {list(a.shape)}, {list(b.shape)} "
                      f"and {list(c.shape)}")
        return
    if a.dtype != b.dtype or a.dtype not in TARGET_DTYPE:
        env.error(op, f"expects lhs and rhs of one type in {', '.join(TARGET_DTYPE)}, got {a.dtype} and {b.dtype}")
        return
    if op.operands[2] == op.operands[0] or op.operands[2] == op.operands[1]:
        env.error(op, "expects acc to be another buffer than lhs and rhs")
        return
    unit = _matmul_unit(op, env)
    if unit is None:
        return
    if unit == "vector":
        _check_vector_matmul(op, env, a, c)
    elif _check_accumulator(op, env, a, c):
        _check_zero_points(op, env, a)


MATMUL_UNITS = ("matrix", "vector")


def _matmul_unit(op: ir.Operation, env: VerifyEnv) -> str | None:
    """The `unit` attribute of a matmul ("matrix" when absent), or None after reporting a bad one."""
    if "unit" not in op.attributes:
        return "matrix"
    attr = op.attributes["unit"]
    value = attr.value if isinstance(attr, ir.StringAttr) else None
    if value not in MATMUL_UNITS:
        env.error(op, f"expects unit \"matrix\" or \"vector\", got {attr}")
        return None
    return value


def _check_vector_matmul(op: ir.Operation, env: VerifyEnv, a: Buffer, c: Buffer) -> None:
    """The vector unit computes float products only, in f32 (the dialect's float rule), without zero points."""
    if a.is_int:
        env.error(op, f"expects float inputs for unit \"vector\" (integer products need the matrix unit), "
                      f"got {a.dtype}")
        return
    if c.dtype != "f32":
        env.error(op, f"expects an f32 acc for unit \"vector\", got {c.dtype}")
        return
    for name in ("a_zp", "b_zp"):
        if name in op.attributes:
            env.error(op, f"expects no {name} for float inputs ({a.dtype})")
            return


def _check_accumulator(op: ir.Operation, env: VerifyEnv, a: Buffer, c: Buffer) -> bool:
    target = env.target
    if target is None:
        allowed = ("i16", "i32") if a.is_int else ("f16", "bf16", "f32")
        if c.dtype not in allowed:
            env.error(op, f"expects an acc of type {' or '.join(allowed)} for {a.dtype} inputs, got {c.dtype}")
            return False
        return True
    dtype = TARGET_DTYPE[a.dtype]
    if target.pe.matrix.macs_per_cycle[dtype] == 0:
        supported = ", ".join(target.supported_matmul_dtypes) or "none"
        env.error(op, f"expects an input type the matrix unit of '{target.chip.name}' supports ({supported}), "
                      f"got {a.dtype}")
        return False
    expected = ACCUMULATOR_TYPE[target.accumulator_dtype(dtype)]
    if c.dtype != expected:
        env.error(op, f"expects acc of type {expected}, the accumulator of '{target.chip.name}' for {a.dtype}, "
                      f"got {c.dtype}")
        return False
    return True


def _check_zero_points(op: ir.Operation, env: VerifyEnv, a: Buffer) -> bool:
    for name in ("a_zp", "b_zp"):
        if name not in op.attributes:
            continue
        if not a.is_int:
            env.error(op, f"expects no {name} for float inputs ({a.dtype})")
            return False
        if scalar_attr(op, env, name, a.dtype) is None:
            return False
    return True


# ---------------------------------------------------------------- vector unit

@verifier("npu_pe.fill")
def _verify_fill(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("out",))
    if bufs is not None:
        scalar_attr(op, env, "value", bufs[0].dtype)


@verifier("npu_pe.binary")
def _verify_binary(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("lhs", "rhs", "out"))
    if bufs is None or not _same_dtype(op, env, bufs, "lhs, rhs and out"):
        return
    lhs, rhs, out = bufs
    kind = op.attributes["kind"].value
    if is_wide(out.dtype):
        allowed = WIDE_INT_BINARY if out.is_int else WIDE_FLOAT_BINARY
        if kind not in allowed:
            env.error(op, f"expects kind {', '.join(allowed)} for {out.dtype} data (a data-movement type: the "
                          f"vector unit has no '{kind}' on it), got '{kind}'")
            return
        _broadcast_out(op, env, lhs, rhs, out)
        return
    if kind == "fmod" and out.is_int:
        env.error(op, f"expects float data for kind '{kind}', got {out.dtype}")
        return
    if kind == "div" and out.dtype == "i4":
        env.error(op, "expects float, i8, i16 or i32 data for kind 'div', got i4")
        return
    allowed = _INT_BINARY.get(kind)
    if allowed is not None and out.dtype not in allowed:
        env.error(op, f"expects {' or '.join(allowed)} data for kind '{kind}', got {out.dtype}")
        return
    _broadcast_out(op, env, lhs, rhs, out)


# integer-only binary kinds and the element types each takes
_INT_BINARY = {"add_wrap": ("i4", "i8", "i16", "i32"), "and": ("i8", "i16", "i32"), "shl": ("i32",),
               "ashr": ("i8", "i16", "i32"), "ashr_round": ("i8", "i16", "i32"), "or": ("i8", "i16", "i32"),
               "xor": ("i8", "i16", "i32"), "mod": ("i8", "i16", "i32"),
               "sub_wrap": ("i8", "i16", "i32"), "mul_wrap": ("i8", "i16", "i32")}


def _broadcast_out(op: ir.Operation, env: VerifyEnv, lhs: Buffer, rhs: Buffer, out: Buffer) -> None:
    expected = broadcast_shapes(list(lhs.shape), list(rhs.shape))
    if expected is None:
        env.error(op, f"expects broadcast-compatible lhs and rhs, got {list(lhs.shape)} and {list(rhs.shape)}")
    elif list(out.shape) != expected:
        env.error(op, f"expects out of the broadcast shape {expected}, got {list(out.shape)}")


@verifier("npu_pe.mul_shift")
def _verify_mul_shift(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("lhs", "rhs", "out"))
    shift = int_attr(op, env, "shift")
    if bufs is None or shift is None:
        return
    if any(b.dtype != "i32" for b in bufs):
        env.error(op, f"expects i32 lhs, rhs and out, got {', '.join(b.dtype for b in bufs)}")
        return
    if not 0 <= shift <= 63:
        env.error(op, f"expects shift in [0, 63], got {shift}")
        return
    _broadcast_out(op, env, *bufs)


_ANY_TYPE_UNARY = ("copy", "neg", "abs", "relu", "sign")
# integer-only unary kinds and the element types each takes
_INT_UNARY = {"clz": ("i32",), "not": ("i8", "i16", "i32")}


@verifier("npu_pe.unary")
def _verify_unary(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "out"))
    if bufs is None or not _same_dtype(op, env, bufs, "input and out"):
        return
    kind = op.attributes["kind"].value
    if is_wide(bufs[0].dtype):
        allowed = ("copy", "not") if bufs[0].is_int else ("copy",)
        if kind not in allowed:
            env.error(op, f"expects kind {' or '.join(allowed)} for {bufs[0].dtype} data (a data-movement type), "
                          f"got '{kind}'")
            return
    elif kind in _INT_UNARY:
        if bufs[0].dtype not in _INT_UNARY[kind]:
            env.error(op, f"expects {' or '.join(_INT_UNARY[kind])} data for kind '{kind}', got {bufs[0].dtype}")
            return
    elif bufs[0].is_int and kind not in _ANY_TYPE_UNARY:
        env.error(op, f"expects float data for kind '{kind}', got {bufs[0].dtype} (use 'npu_pe.table' for "
                      f"integer nonlinearities)")
        return
    _same_shape(op, env, *bufs)


@verifier("npu_pe.compare")
def _verify_compare(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("lhs", "rhs", "out"))
    if bufs is None or not _same_dtype(op, env, bufs[:2], "lhs and rhs"):
        return
    lhs, rhs, out = bufs
    if out.dtype != MASK_TYPE:
        env.error(op, f"expects an {MASK_TYPE} mask out, got {out.dtype}")
        return
    _broadcast_out(op, env, lhs, rhs, out)


@verifier("npu_pe.select")
def _verify_select(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("cond", "lhs", "rhs", "out"))
    if bufs is None:
        return
    cond, lhs, rhs, out = bufs
    if cond.dtype != MASK_TYPE:
        env.error(op, f"expects an {MASK_TYPE} mask cond, got {cond.dtype}")
        return
    if not _same_dtype(op, env, bufs[1:], "lhs, rhs and out"):
        return
    shapes = [list(b.shape) for b in (cond, lhs, rhs)]
    expected = broadcast_shapes(shapes[0], shapes[1])
    if expected is not None:
        expected = broadcast_shapes(expected, shapes[2])
    if expected is None:
        env.error(op, f"expects broadcast-compatible cond, lhs and rhs, got {shapes[0]}, {shapes[1]} and {shapes[2]}")
    elif list(out.shape) != expected:
        env.error(op, f"expects out of the broadcast shape {expected}, got {list(out.shape)}")


@verifier("npu_pe.cast")
def _verify_cast(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "out"))
    if bufs is not None:
        _same_shape(op, env, *bufs)


@verifier("npu_pe.reduce")
def _verify_reduce(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "out"))
    axis = int_attr(op, env, "axis")
    if bufs is None or axis is None:
        return
    inp, out = bufs
    if not 0 <= axis < len(inp.shape):
        env.error(op, f"expects axis in [0, {len(inp.shape)}), got {axis}")
        return
    expected = list(inp.shape)
    expected[axis] = 1
    if list(out.shape) != expected:
        env.error(op, f"expects out of shape {expected}, got {list(out.shape)}")
        return
    kind = op.attributes["kind"].value
    if kind != "sum":
        _same_dtype(op, env, bufs, "input and out")
    elif is_wide(inp.dtype) or is_wide(out.dtype):
        env.error(op, f"expects no sum of {inp.dtype} into {out.dtype} (a data-movement type: only max and min "
                      f"reduce it)")
    elif inp.is_int and (inp.dtype == "i4" or out.dtype != "i32"):
        env.error(op, f"expects an integer sum from i8, i16 or i32 into i32, got {inp.dtype} into {out.dtype}")
    elif not inp.is_int and out.is_int:
        env.error(op, f"expects a float sum into a float type, got {inp.dtype} into {out.dtype}")


_TABLES = {"i8": (256, "i8", "i8"), "i16": (513, "i16", "i32")}


@verifier("npu_pe.table")
def _verify_table(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "table", "out"))
    if bufs is None:
        return
    inp, table, out = bufs
    if inp.dtype not in _TABLES:
        env.error(op, f"expects i8 or i16 input, got {inp.dtype}")
        return
    entries, table_type, out_type = _TABLES[inp.dtype]
    if table.shape != (entries,) or table.dtype != table_type or out.dtype != out_type:
        env.error(op, f"expects a [{entries}] {table_type} table and {out_type} out for {inp.dtype} input, "
                      f"got {list(table.shape)} {table.dtype} and {out.dtype}")
        return
    _same_shape(op, env, inp, out)


_RESCALE_TYPES = ("i8", "i16", "i32")


@verifier("npu_pe.rescale")
def _verify_rescale(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "out"))
    if bufs is None:
        return
    inp, out = bufs
    if inp.dtype not in _RESCALE_TYPES or out.dtype not in _RESCALE_TYPES:
        env.error(op, f"expects i8, i16 or i32 input and out, got {inp.dtype} and {out.dtype}")
        return
    if not _same_shape(op, env, inp, out):
        return
    multiplier = int_list(op, env, "multiplier")
    shift = int_list(op, env, "shift")
    if multiplier is None or shift is None:
        return
    channels = inp.shape[-1] if inp.shape else 1
    if len(multiplier) != len(shift) or len(multiplier) not in (1, channels):
        env.error(op, f"expects multiplier and shift of length 1 or {channels} (the last dimension), got "
                      f"{len(multiplier)} and {len(shift)}")
        return
    lo, hi = int_range("i32")
    if any(not lo <= m <= hi for m in multiplier):
        env.error(op, "expects multiplier values in the int32 range")
        return
    if any(not 2 <= s <= 62 for s in shift):
        env.error(op, f"expects shift values in [2, 62], got {[s for s in shift if not 2 <= s <= 62][:4]}")
        return
    for name, buf in (("input_zp", inp), ("output_zp", out)):
        zp = scalar_attr(op, env, name, buf.dtype)
        if zp is None:
            return
        if zp != 0 and buf.dtype != "i8":
            env.error(op, f"expects {name} = 0 for {buf.dtype} data, got {zp}")
            return


@verifier("npu_pe.clamp")
def _verify_clamp(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "out"))
    if bufs is None or not _same_dtype(op, env, bufs, "input and out") or not _same_shape(op, env, *bufs):
        return
    if is_wide(bufs[0].dtype):
        env.error(op, f"expects a compute element type, got {bufs[0].dtype} (a data-movement type)")
        return
    lo = scalar_attr(op, env, "min", bufs[0].dtype)
    hi = scalar_attr(op, env, "max", bufs[0].dtype)
    if lo is not None and hi is not None and lo > hi:
        env.error(op, f"expects min <= max, got {lo} > {hi}")


@verifier("npu_pe.im2col")
def _verify_im2col(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "out"))
    if bufs is None or not _same_dtype(op, env, bufs, "input and out"):
        return
    inp, out = bufs
    if len(inp.shape) != 3 or len(out.shape) != 2:
        env.error(op, f"expects an H x W x C input and a rank-2 out, got ranks {len(inp.shape)} and {len(out.shape)}")
        return
    kernel = int_list(op, env, "kernel", 2, minimum=1)
    strides = int_list(op, env, "strides", 2, minimum=1)
    dilations = int_list(op, env, "dilations", 2, minimum=1)
    pads = int_list(op, env, "pads", 4, minimum=0)
    if None in (kernel, strides, dilations, pads) or scalar_attr(op, env, "pad_value", inp.dtype) is None:
        return
    (h, w, c), (top, left, bottom, right) = inp.shape, pads
    oh = (h + top + bottom - dilations[0] * (kernel[0] - 1) - 1) // strides[0] + 1
    ow = (w + left + right - dilations[1] * (kernel[1] - 1) - 1) // strides[1] + 1
    if oh < 1 or ow < 1:
        env.error(op, f"expects the dilated kernel to fit in the padded input, got {oh} x {ow} windows")
    elif list(out.shape) != [oh * ow, kernel[0] * kernel[1] * c]:
        env.error(op, f"expects out of shape [{oh * ow}, {kernel[0] * kernel[1] * c}] "
                      f"({oh} x {ow} windows of {kernel[0]} x {kernel[1]} x {c}), got {list(out.shape)}")


@verifier("npu_pe.transpose")
def _verify_transpose(op: ir.Operation, env: VerifyEnv) -> None:
    bufs = _buffers(op, env, ("input", "out"))
    perm = int_list(op, env, "perm")
    if bufs is None or perm is None or not _same_dtype(op, env, bufs, "input and out"):
        return
    inp, out = bufs
    if sorted(perm) != list(range(len(inp.shape))):
        env.error(op, f"expects perm to be a permutation of 0..{len(inp.shape) - 1}, got {perm}")
    elif list(out.shape) != [inp.shape[p] for p in perm]:
        env.error(op, f"expects out of shape {[inp.shape[p] for p in perm]}, got {list(out.shape)}")
    elif op.operands[0] == op.operands[1]:
        env.error(op, "expects out to be another buffer than input")
