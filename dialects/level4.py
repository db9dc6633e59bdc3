"""What the level-4 verifiers (npu_mem.py, npu_noc.py, npu_pe.py) share.

* Buffers: `buffer(op, env, value, role, space=...)` checks that a value is a
  level-4 buffer (a static, identity-layout memref in "sram" or "ext" with a
  supported element type) and returns a `Buffer`; `Buffer.nbytes` is its size.
* Programs: `pe_of(op, env)` is the PE whose program (a `func.func` carrying
  `npu_pe.pe`) contains `op`, or an error when there is none.
* PEs and routes: `coord_attr` / `coords_attr` / `route_attr` read
  `array<i64: r, c, ...>` attributes and check them against the mesh of the
  target (when one is given).
* `module_index(op, env)`: one walk of the module collecting programs,
  globals, transfers, semaphores and barriers, so the rules that relate two
  programs (send/recv matching, barrier groups) cost one lookup per op. It is
  cached on the VerifyEnv (`run_cache`), which lives for one verification run.

Every check emits its error through `env.error` (located at the op, worded
`'dialect.op' op expects ...`) and returns None, so callers stop early.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from math import prod

from mlir import ir
from npu.ir.verify import VerifyEnv

PE_ATTR = "npu_pe.pe"
TARGET_ATTR = "npu_pe.target"
SPACES = ("sram", "ext")

# THE level-4 element types. Every other list of them (the binary's type table, the level-4
# interpreter's numpy dtypes, the perf model's bytes per element, the spatial lowering, the test
# generator) derives from ELEMENT_BITS / the tuples below.
#
# Compute types: what the matrix and vector units compute on (TOSA-style signed integers read as
# two's complement, and the float formats).
COMPUTE_INT_TYPES = ("i4", "i8", "i16", "i32")
COMPUTE_FLOAT_TYPES = ("f8E4M3FN", "f8E5M2", "bf16", "f16", "f32")
# Wide and unsigned types ("Wide and unsigned types" in dialects/npu_pe.irdl.mlir): buffers may hold
# them (ONNX int64 indices and shapes, uint8 images, float64 tensors) for data movement (DMA, NoC,
# copy, transpose, im2col, select), cast, compare and the exact integer kinds of binary (WIDE_BINARY)
# -- no matrix unit, no rescale / table / mul_shift, no float functions.
UNSIGNED_TYPES = ("ui8", "ui16", "ui32", "ui64")
WIDE_TYPES = ("i64",) + UNSIGNED_TYPES + ("f64",)
# Storage-only types ("Storage-only types" in dialects/npu_pe.irdl.mlir): ONNX's 2- and 4-bit integers,
# fp4 and the fnuz / e8m0 fp8 formats. Buffers hold them for data movement (DMA, NoC, copy, transpose,
# select) and `cast` to and from every type -- nothing computes on them. The sub-byte ones (i2, ui2:
# four a byte; ui4, f4E2M1FN: two a byte) are packed like i4, lowest index in the lowest bits.
STORAGE_INT_TYPES = ("i2", "ui2", "ui4")
STORAGE_FLOAT_TYPES = ("f8E4M3FNUZ", "f8E5M2FNUZ", "f8E8M0FNU", "f4E2M1FN")
STORAGE_TYPES = STORAGE_INT_TYPES + STORAGE_FLOAT_TYPES
INT_TYPES = COMPUTE_INT_TYPES + ("i64",) + UNSIGNED_TYPES + STORAGE_INT_TYPES
FLOAT_TYPES = COMPUTE_FLOAT_TYPES + ("f64",) + STORAGE_FLOAT_TYPES
ELEMENT_TYPES = INT_TYPES + FLOAT_TYPES
ELEMENT_BITS = {"i4": 4, "i8": 8, "i16": 16, "i32": 32, "i64": 64, "ui8": 8, "ui16": 16, "ui32": 32, "ui64": 64,
                "f8E4M3FN": 8, "f8E5M2": 8, "bf16": 16, "f16": 16, "f32": 32, "f64": 64,
                "i2": 2, "ui2": 2, "ui4": 4, "f8E4M3FNUZ": 8, "f8E5M2FNUZ": 8, "f8E8M0FNU": 8, "f4E2M1FN": 4}
# Graph I/O element types without level-4 buffers of their own -> the buffer element type that holds
# them. A global of kind "input" / "output" whose graph tensor has such a type records it in its
# `element` attribute (npu_mem.global); the interpreter, the binary and npu-run take and return the
# graph's type (booleans: i8 masks of 0 / 1 at level 4, see "Booleans" in npu_pe.irdl.mlir).
IO_ELEMENT_TYPES = {"i1": "i8"}


def io_element_problem(element: str | None, dtype: str, kind: str) -> str | None:
    """Why `element` cannot be the graph element type of a global of `kind` with buffer type
    `dtype` (None: it can, or there is none)."""
    if element is None:
        return None
    if kind not in ("input", "output"):
        return f"no element type on a global of kind '{kind}' (only inputs and outputs have one)"
    if element not in IO_ELEMENT_TYPES:
        return f"element type in {', '.join(IO_ELEMENT_TYPES)} (graph types without buffers), got {element}"
    if IO_ELEMENT_TYPES[element] != dtype:
        return f"buffer element type {IO_ELEMENT_TYPES[element]} for element type {element}, got {dtype}"
    return None

# binary kinds defined on the wide and unsigned types: exact (integers: modulo 2^bits for the
# _wrap kinds, as numpy, div truncated toward zero; f64: IEEE binary64, correctly rounded)
WIDE_INT_BINARY = ("add_wrap", "sub_wrap", "mul_wrap", "max", "min", "and", "or", "xor", "mod", "div")
WIDE_FLOAT_BINARY = ("add", "sub", "mul", "div", "max", "min", "fmod")
# MLIR element type -> dtype name used by the target description (npu.target.DTYPES).
TARGET_DTYPE = {"i4": "int4", "i8": "int8", "f8E4M3FN": "fp8", "f8E5M2": "fp8",
                "bf16": "bf16", "f16": "fp16", "f32": "fp32"}
# Accumulator names of the target -> MLIR element type.
ACCUMULATOR_TYPE = {"int16": "i16", "int32": "i32", "fp16": "f16", "bf16": "bf16", "fp32": "f32"}

Coord = tuple[int, int]


# ---------------------------------------------------------------- element types

assert set(ELEMENT_BITS) == set(ELEMENT_TYPES)


def is_int(name: str) -> bool:
    return name in INT_TYPES


def is_unsigned(name: str) -> bool:
    return name.startswith("ui")


def is_wide(name: str) -> bool:
    """A data-movement type (i64, unsigned, f64, and the storage-only types): no matrix unit, few
    vector kinds (none but cast, select, copy and transpose on the storage-only ones)."""
    return name in WIDE_TYPES or name in STORAGE_TYPES


def is_storage_only(name: str) -> bool:
    """A type level 4 only moves, selects and casts (STORAGE_TYPES)."""
    return name in STORAGE_TYPES


def bits(name: str) -> int:
    return ELEMENT_BITS[name]


def int_range(name: str) -> tuple[int, int]:
    b = bits(name)
    if is_unsigned(name):
        return 0, (1 << b) - 1
    return -(1 << (b - 1)), (1 << (b - 1)) - 1


def int_value(value: int, name: str) -> int:
    """An integer attribute's value in type `name` (the bindings read ui64 attributes as int64)."""
    value = int(value)
    return value + (1 << 64) if name == "ui64" and value < 0 else value


# ---------------------------------------------------------------- buffers

@dataclass(frozen=True)
class Buffer:
    """A checked level-4 buffer: static shape, element type name, memory space."""

    shape: tuple[int, ...]
    dtype: str
    space: str

    @cached_property  # computed once per Buffer (buffer types are cached, so once per memref type)
    def numel(self) -> int:
        return prod(self.shape)

    @cached_property
    def nbytes(self) -> int:
        return (self.numel * bits(self.dtype) + 7) // 8

    @property
    def is_int(self) -> bool:
        return is_int(self.dtype)


def buffer_type(t: ir.Type) -> tuple[Buffer | None, str]:
    """(Buffer, "") for a valid level-4 buffer type, else (None, what is wrong)."""
    if not isinstance(t, ir.MemRefType):
        return None, f"a memref, got {t}"
    if not t.has_static_shape:
        return None, f"a static shape, got {t}"
    layout = t.layout
    if not (isinstance(layout, ir.AffineMapAttr) and layout.value == ir.AffineMap.get_identity(t.rank)):
        return None, f"the identity (row-major) layout, got {t}"
    space = t.memory_space
    if not (isinstance(space, ir.StringAttr) and space.value in SPACES):
        return None, f'memory space "sram" or "ext", got {t}'
    dtype = str(t.element_type)
    if dtype not in ELEMENT_TYPES:
        return None, f"an element type in {', '.join(ELEMENT_TYPES)}, got {t}"
    return Buffer(tuple(t.shape), dtype, space.value), ""


def buffer(op: ir.Operation, env: VerifyEnv, value: ir.Value, role: str, space: str | None = None) -> Buffer | None:
    """Check `value` (named `role` in messages) is a buffer, in `space` if given."""
    t = value.type
    types = run_cache(env, "buffer_types")
    if t not in types:
        types[t] = buffer_type(t)
    buf, problem = types[t]
    if buf is None:
        env.error(op, f"expects {role} to have {problem}")
        return None
    if space is not None and buf.space != space:
        env.error(op, f'expects {role} in "{space}" memory, got "{buf.space}"')
        return None
    return buf


# ---------------------------------------------------------------- attributes

def int_attr(op: ir.Operation, env: VerifyEnv, name: str, minimum: int | None = None) -> int | None:
    """An integer attribute (IRDL checked its kind), optionally >= minimum."""
    attr = op.attributes[name]
    if not isinstance(attr, ir.IntegerAttr):
        env.error(op, f"expects attribute '{name}' to be an integer, got {attr}")
        return None
    value = int(attr.value)
    if minimum is not None and value < minimum:
        env.error(op, f"expects {name} >= {minimum}, got {value}")
        return None
    return value


def optional_int_attr(op: ir.Operation, env: VerifyEnv, name: str, minimum: int | None = None,
                      default: int | None = None) -> tuple[bool, int | None]:
    """(ok, value) for an attribute IRDL cannot declare optional; default when absent."""
    if name not in op.attributes:
        return True, default
    value = int_attr(op, env, name, minimum)
    return value is not None, value


INT_ARRAYS = (ir.DenseI8ArrayAttr, ir.DenseI16ArrayAttr, ir.DenseI32ArrayAttr, ir.DenseI64ArrayAttr)


def int_list(op: ir.Operation, env: VerifyEnv, name: str, length: int | None = None,
             minimum: int | None = None) -> list[int] | None:
    """A dense integer array attribute as a list (of `length` items, each >= minimum).

    The list is converted once per attribute and verification run (DMA patterns share a few
    distinct arrays): callers must not modify it."""
    attr = op.attributes[name]
    lists = run_cache(env, "int_lists")
    values = lists.get(attr)
    if values is None:
        if not isinstance(attr, INT_ARRAYS):
            env.error(op, f"expects attribute '{name}' to be a dense integer array, got {attr}")
            return None
        values = lists[attr] = [int(v) for v in attr]
    if length is not None and len(values) != length:
        env.error(op, f"expects {name} to have {length} values, got {len(values)}")
        return None
    if minimum is not None and any(v < minimum for v in values):
        env.error(op, f"expects every value of {name} >= {minimum}, got {values}")
        return None
    return values


def scalar_attr(op: ir.Operation, env: VerifyEnv, name: str, dtype: str) -> int | float | None:
    """An integer attribute in dtype's range for integer dtypes, a float attribute for float ones."""
    attr = op.attributes[name]
    if is_int(dtype):
        if not isinstance(attr, ir.IntegerAttr):
            env.error(op, f"expects {name} to be an integer attribute for {dtype} data, got {attr}")
            return None
        lo, hi = int_range(dtype)
        value = int_value(attr.value, dtype)
        if not lo <= value <= hi:
            env.error(op, f"expects {name} in the {dtype} range [{lo}, {hi}], got {value}")
            return None
        return value
    if not isinstance(attr, ir.FloatAttr):
        env.error(op, f"expects {name} to be a float attribute for {dtype} data, got {attr}")
        return None
    return float(attr.value)


# ---------------------------------------------------------------- PEs, programs, routes

def fmt(pe: Coord) -> str:
    return f"({pe[0]}, {pe[1]})"


def coords_of(values: list[int]) -> list[Coord] | None:
    if len(values) % 2:
        return None
    return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]


def in_mesh(op: ir.Operation, env: VerifyEnv, pe: Coord, what: str) -> bool:
    if pe[0] < 0 or pe[1] < 0:
        env.error(op, f"expects {what} coordinates >= 0, got {fmt(pe)}")
        return False
    target = env.target
    if target is not None and not (pe[0] < target.mesh.rows and pe[1] < target.mesh.cols):
        env.error(op, f"expects {what} {fmt(pe)} inside the {target.mesh.rows}x{target.mesh.cols} mesh "
                      f"of target '{target.chip.name}'")
        return False
    return True


def coord_attr(op: ir.Operation, env: VerifyEnv, name: str, attr: ir.Attribute | None = None) -> Coord | None:
    """A PE `array<i64: row, col>` inside the mesh."""
    attr = op.attributes[name] if attr is None else attr
    if not isinstance(attr, ir.DenseI64ArrayAttr) or len(attr) != 2:
        env.error(op, f"expects {name} to be array<i64: row, col>, got {attr}")
        return None
    pe = (int(attr[0]), int(attr[1]))
    return pe if in_mesh(op, env, pe, name) else None


def coords_attr(op: ir.Operation, env: VerifyEnv, name: str) -> list[Coord] | None:
    """A non-empty list of distinct PEs `array<i64: r0, c0, r1, c1, ...>` inside the mesh."""
    attr = op.attributes[name]
    pes = coords_of([int(v) for v in attr]) if isinstance(attr, ir.DenseI64ArrayAttr) else None
    if not pes:
        env.error(op, f"expects {name} to be a non-empty array<i64: r0, c0, r1, c1, ...>, got {attr}")
        return None
    if len(set(pes)) != len(pes):
        env.error(op, f"expects distinct PEs in {name}, got {', '.join(map(fmt, pes))}")
        return None
    return pes if all(in_mesh(op, env, pe, f"PE in {name}") for pe in pes) else None


def adjacent(env: VerifyEnv, a: Coord, b: Coord) -> bool:
    if env.target is not None:
        return env.target.is_adjacent(a, b)
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1


def route_attr(op: ir.Operation, env: VerifyEnv, name: str, src: Coord, dst: Coord,
               attr: ir.Attribute | None = None) -> list[Coord] | None:
    """A route: PEs from src to dst inclusive, consecutive ones adjacent, none repeated."""
    attr = op.attributes[name] if attr is None else attr
    checked = run_cache(env, "routes")
    key = (attr, src, dst)
    found = checked.get(key)
    if found is not None:  # the same route between the same PEs already passed every check below
        return found
    hops = coords_of([int(v) for v in attr]) if isinstance(attr, ir.DenseI64ArrayAttr) else None
    if not hops:
        env.error(op, f"expects {name} to be a non-empty array<i64: r0, c0, ..., rn, cn>, got {attr}")
        return None
    if hops[0] != src or hops[-1] != dst:
        env.error(op, f"expects {name} to start at {fmt(src)} and end at {fmt(dst)}, "
                      f"got {fmt(hops[0])} to {fmt(hops[-1])}")
        return None
    if not all(in_mesh(op, env, pe, f"PE of {name}") for pe in hops):
        return None
    for a, b in zip(hops, hops[1:]):
        if not adjacent(env, a, b):
            env.error(op, f"expects each hop of {name} between adjacent PEs, got {fmt(a)} -> {fmt(b)}")
            return None
    if len(set(hops)) != len(hops):
        env.error(op, f"expects {name} to visit each PE once, got {', '.join(map(fmt, hops))}")
        return None
    checked[key] = hops
    return hops


def program_of(op: ir.Operation) -> ir.Operation | None:
    """The enclosing func.func that carries npu_pe.pe, if any."""
    parent = op.parent
    while parent is not None:
        if parent.name == "func.func":
            return parent if PE_ATTR in parent.attributes else None
        parent = parent.parent
    return None


def program_pe(func: ir.Operation) -> Coord | None:
    attr = func.attributes[PE_ATTR]
    if isinstance(attr, ir.DenseI64ArrayAttr) and len(attr) == 2:
        return int(attr[0]), int(attr[1])
    return None


def pe_of(op: ir.Operation, env: VerifyEnv) -> Coord | None:
    """The PE running `op`; an error when `op` is not inside a PE program.

    The answer depends only on the op's parent, so it is looked up once per parent and verification run."""
    parent = op.parent
    by_parent = run_cache(env, "pe_of")
    if parent in by_parent:
        found, pe = by_parent[parent]
    else:
        func = program_of(op)
        found, pe = func is not None, (program_pe(func) if func is not None else None)
        if parent is not None:
            by_parent[parent] = (found, pe)
    if not found:
        env.error(op, f"expects to be inside an npu_pe program (a func.func with {PE_ATTR})")
        return None
    return pe  # None if malformed: the func's own verifier reports it


def module_of(op: ir.Operation) -> ir.Operation | None:
    parent = op.parent
    while parent is not None and parent.name != "builtin.module":
        parent = parent.parent
    return parent


# ---------------------------------------------------------------- module index

@dataclass
class ModuleIndex:
    """Level-4 facts of one module, each list in program (walk) order."""

    programs: dict[Coord, list[ir.Operation]] = field(default_factory=lambda: defaultdict(list))
    globals: dict[str, list[ir.Operation]] = field(default_factory=lambda: defaultdict(list))
    # (src, dst, tag) -> sending ops (send / multicast) on src, receiving ops on dst
    sends: dict[tuple[Coord, Coord, int], list[ir.Operation]] = field(default_factory=lambda: defaultdict(list))
    recvs: dict[tuple[Coord, Coord, int], list[ir.Operation]] = field(default_factory=lambda: defaultdict(list))
    semaphores: dict[tuple[Coord, int], list[ir.Operation]] = field(default_factory=lambda: defaultdict(list))
    barriers: dict[tuple[Coord, int], list[ir.Operation]] = field(default_factory=lambda: defaultdict(list))
    position: dict[tuple[str, ir.Operation], int] = field(default_factory=dict)
    # value -> how many npu_mem.dma_wait / npu_noc.wait / npu_mem.dealloc operands it is
    # (counted here because Value.owner is slow on IRDL ops in the bindings)
    waits: dict[ir.Value, int] = field(default_factory=lambda: defaultdict(int))
    deallocs: dict[ir.Value, int] = field(default_factory=lambda: defaultdict(int))
    allocated: set[ir.Value] = field(default_factory=set)

    def add(self, table: dict, key, op: ir.Operation, label: str) -> None:
        self.position[(label, op)] = len(table[key])
        table[key].append(op)


def _ints(op: ir.Operation, name: str) -> list[int] | None:
    attr = op.attributes[name] if name in op.attributes else None
    return [int(v) for v in attr] if isinstance(attr, INT_ARRAYS) else None


def _int(op: ir.Operation, name: str) -> int | None:
    attr = op.attributes[name] if name in op.attributes else None
    return int(attr.value) if isinstance(attr, ir.IntegerAttr) else None


_INDEXED = frozenset({"npu_noc.send", "npu_noc.multicast", "npu_noc.recv", "npu_noc.semaphore", "npu_noc.barrier",
                      "npu_mem.dma_wait", "npu_noc.wait", "npu_mem.dealloc", "npu_mem.alloc"})


def _index_program(index: ModuleIndex, pe: Coord, func: ir.Operation) -> None:
    def visit(op: ir.Operation) -> ir.WalkResult:
        name = op.name
        if name not in _INDEXED:
            return ir.WalkResult.ADVANCE
        if name in ("npu_noc.send", "npu_noc.multicast"):
            tag = _int(op, "tag")
            dsts = coords_of(_ints(op, "dst" if name == "npu_noc.send" else "dsts") or [1]) or []
            for dst in dsts:
                index.add(index.sends, (pe, dst, tag), op, f"send{dst}")
        elif name == "npu_noc.recv":
            src = coords_of(_ints(op, "src") or [1])
            if src and len(src) == 1:
                index.add(index.recvs, (src[0], pe, _int(op, "tag")), op, "recv")
        elif name == "npu_noc.semaphore":
            index.add(index.semaphores, (pe, _int(op, "id")), op, "semaphore")
        elif name == "npu_noc.barrier":
            index.add(index.barriers, (pe, _int(op, "id")), op, "barrier")
        elif name in ("npu_mem.dma_wait", "npu_noc.wait"):
            for value in op.operands:
                index.waits[value] += 1
        elif name == "npu_mem.dealloc":
            index.deallocs[op.operands[0]] += 1
        elif name == "npu_mem.alloc":
            index.allocated.add(op.results[0])
        return ir.WalkResult.ADVANCE

    func.walk(visit, ir.WalkOrder.PRE_ORDER)


def build_index(module: ir.Operation) -> ModuleIndex:
    index = ModuleIndex()
    for op in module.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "npu_mem.global" and isinstance(op.attributes["sym_name"], ir.StringAttr):
            index.globals[op.attributes["sym_name"].value].append(op)
        elif op.name == "func.func" and PE_ATTR in op.attributes:
            pe = program_pe(op)
            if pe is not None:
                index.programs[pe].append(op)
                _index_program(index, pe, op)
    return index


def run_cache(env: VerifyEnv, name: str) -> dict:
    """A dict that lives as long as `env`, i.e. for one verification run."""
    try:
        return env.__dict__["_npu_level4_caches"][name]
    except KeyError:
        caches = env.__dict__.setdefault("_npu_level4_caches", {})
        return caches.setdefault(name, {})


def module_index(op: ir.Operation, env: VerifyEnv) -> ModuleIndex:
    """The index of the module containing `op`, built once per verification run (and found once per parent)."""
    if op.name == "builtin.module":
        return _index_of(op, env)
    parent = op.parent
    by_parent = run_cache(env, "index_by_parent")
    found = by_parent.get(parent)
    if found is None:
        found = _index_of(module_of(op), env)
        if parent is not None:
            by_parent[parent] = found
    return found


def _index_of(module: ir.Operation | None, env: VerifyEnv) -> ModuleIndex:
    cache = run_cache(env, "index")
    if module not in cache:
        cache[module] = build_index(module) if module is not None else ModuleIndex()
    return cache[module]
