"""Hypothesis strategy: random valid level-4 modules covering every instruction of the ISA.

`level4_modules()` draws a target preset, a few external globals (inputs,
outputs, scratch, weights as `dense<...>` or `dense_resource<...>`) and 1-4 PE
programs made of random actions: DMA in and out (contiguous and 2-D strided),
every npu_pe compute op on freshly allocated SRAM buffers of random element
types and shapes, views, sends/recvs and multicasts along XY routes,
semaphores, barriers, empty waits and deallocs. Everything is allocated
(SRAM offsets, external addresses), so the module can be encoded. It yields
(module text, target name); the text verifies against that target (a test
checks it, so a generator bug shows up as a failure, not a silent skip).
"""

from __future__ import annotations

from math import prod

import numpy as np
from hypothesis import strategies as st

from npu.binary.isa import BINARY_KINDS, COMPARE_KINDS, REDUCE_KINDS, ROUNDINGS, UNARY_KINDS
from npu.dialects.level4 import COMPUTE_FLOAT_TYPES, COMPUTE_INT_TYPES, ELEMENT_BITS, WIDE_FLOAT_BINARY
from npu.dialects.level4 import STORAGE_TYPES, WIDE_INT_BINARY, WIDE_TYPES, int_range, is_int
from npu.target import load_target

# every element type list below derives from npu.dialects.level4
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
INTS = tuple(t for t in COMPUTE_INT_TYPES if t != "i4")
FLOATS = COMPUTE_FLOAT_TYPES
WIDE = WIDE_TYPES  # the data-movement types: i64, ui8..ui64, f64
MOVE = INTS + FLOATS + WIDE  # types DMA, NoC, copy, compare, select, cast and transpose take
BITS = ELEMENT_BITS
STORE = STORAGE_TYPES  # storage-only types: DMA, NoC, select, cast, transpose and unary copy take them
SUB_BYTE = ("i4",) + tuple(t for t in STORE if BITS[t] < 8)
FLOAT_ONLY = set(UNARY_KINDS) - {"copy", "neg", "abs", "relu", "sign", "clz", "not"}
# unary and binary kinds defined for integers only, with the types each takes (dialects/npu_pe.irdl.mlir)
INT_UNARY = {"clz": ("i32",), "not": INTS}
INT_BINARY = {"add_wrap": INTS, "and": INTS, "shl": ("i32",), "ashr": INTS, "ashr_round": INTS,
              "or": INTS, "xor": INTS, "mod": INTS, "sub_wrap": INTS, "mul_wrap": INTS}
FLOAT_BINARY = ("fmod",)  # div takes i8..i32 too (truncating)


def memref(shape, dtype, space) -> str:
    return f'memref<{"x".join(map(str, shape))}x{dtype}, "{space}">'


def nbytes(shape, dtype) -> int:
    return (prod(shape) * BITS[dtype] + 7) // 8


def i64s(values) -> str:
    return "array<i64" + (": " + ", ".join(map(str, values)) if len(values) else "") + ">"


def xy_route(a, b) -> list[tuple[int, int]]:
    """Columns first, then rows: routes from one source form a tree."""
    path = [a]
    r, c = a
    while c != b[1]:
        c += 1 if b[1] > c else -1
        path.append((r, c))
    while r != b[0]:
        r += 1 if b[0] > r else -1
        path.append((r, c))
    return path


def flat(pes) -> list[int]:
    return [v for pe in pes for v in pe]


class _Program:
    def __init__(self, pe):
        self.pe = pe
        self.lines: list[str] = []
        self.n = 0
        self.sram = 0
        self.buffers: list[tuple[str, tuple, str]] = []  # sram buffers usable as operands
        self.allocs: list[str] = []
        self.mem_tokens: list[str] = []
        self.noc_tokens: list[str] = []
        self.sems: dict[int, str] = {}

    def fresh(self) -> str:
        self.n += 1
        return f"%v{self.n}"


class Gen:
    def __init__(self, draw, target_name: str):
        self.draw = draw
        self.target = load_target(target_name)
        self.globals: list[str] = []
        self.gnames: list[tuple[str, str, tuple, str]] = []  # name, kind, shape, dtype
        self.address = 0
        self.resources: dict[str, bytes] = {}
        self.tag = 0
        self.barrier_id = 0

    # ------------------------------------------------------------ helpers

    def pick(self, seq):
        return self.draw(st.sampled_from(list(seq)))

    def integer(self, lo, hi) -> int:
        return self.draw(st.integers(lo, hi))

    def shape(self, rank=None, hi=6) -> tuple:
        rank = rank or self.integer(1, 3)
        return tuple(self.integer(1, hi) for _ in range(rank))

    def int_range(self, dtype):
        return int_range(dtype)

    def scalar(self, dtype) -> str:
        if not is_int(dtype):
            value = self.pick([0.0, 1.0, -2.5, 0.5, 6.0, -448.0])
            attr_type = self.pick(["f32", dtype])
            return f"{value} : {attr_type}"
        lo, hi = self.int_range(dtype)
        value = self.integer(lo, hi)
        if dtype == "i4":
            return f"{value} : i8"
        return f"{value} : {self.pick(['i64', dtype]) if value < 2**63 else dtype}"

    def values(self, shape, dtype) -> np.ndarray:
        seed = self.integer(0, 2**16)
        rng = np.random.default_rng(seed)
        if not is_int(dtype):
            return rng.integers(-8, 8, size=shape).astype(np.float64) / 2
        lo, hi = self.int_range(dtype)
        return rng.integers(max(lo, -1000), min(hi, 1000) + 1, size=shape)

    # ------------------------------------------------------------ globals

    def global_(self, kind: str, shape, dtype) -> str:
        name = f"g{len(self.gnames)}"
        elem = max(1, BITS[dtype] // 8)
        self.address = (self.address + 63) // 64 * 64
        attrs = f'sym_name = "{name}", kind = "{kind}", type = {memref(shape, dtype, "ext")}, address = {self.address}'
        if kind == "weight":
            attrs += ", value = " + self.weight_value(name, shape, dtype)
        self.address += max(nbytes(shape, dtype), elem)
        self.globals.append(f'  "npu_mem.global"() {{{attrs}}} : () -> ()')
        self.gnames.append((name, kind, shape, dtype))
        return name

    def weight_value(self, name, shape, dtype) -> str:
        arr = self.values(shape, dtype)
        tensor = f'tensor<{"x".join(map(str, shape))}x{dtype}>'
        if dtype != "i4" and self.draw(st.booleans()):
            from npu.interp.level4_memory import api_dtype

            np_type = api_dtype(dtype)
            blob = f"blob_{name}"
            self.resources[blob] = arr.astype(np_type).tobytes()
            return f"dense_resource<{blob}> : {tensor}"
        if self.draw(st.booleans()):
            return f"dense<{arr.reshape(-1)[0]}> : {tensor}"
        return f"dense<{self.nested(arr)}> : {tensor}"

    def nested(self, arr) -> str:
        if arr.ndim == 0:
            return str(arr.item())
        return "[" + ", ".join(self.nested(a) for a in arr) + "]"

    # ------------------------------------------------------------ SRAM

    def alloc(self, p: _Program, shape, dtype, usable=True) -> str:
        name = p.fresh()
        aligned = self.draw(st.booleans())
        p.sram = (p.sram + 63) // 64 * 64 if aligned else (p.sram + 3) // 4 * 4
        extra = ", alignment = 64" if aligned else ""
        p.lines.append(f'{name} = "npu_mem.alloc"() {{offset = {p.sram}{extra}}} : () -> {memref(shape, dtype, "sram")}')
        p.sram += nbytes(shape, dtype)
        assert p.sram <= self.target.pe.sram.bytes
        p.allocs.append(name)
        if usable:
            p.buffers.append((name, shape, dtype))
        return name

    def emit(self, p: _Program, op: str, operands, types, attrs: str = "", result: str | None = None) -> str | None:
        name = p.fresh() if result else None
        lhs = f"{name} = " if name else ""
        a = f" {{{attrs}}}" if attrs else ""
        p.lines.append(f'{lhs}"{op}"({", ".join(operands)}){a} : ({", ".join(types)}) -> {result or "()"}')
        return name

    # ------------------------------------------------------------ actions

    def dma_in(self, p: _Program) -> None:
        dtype = self.pick(("i4",) + MOVE + STORE)
        rows, cols = self.integer(1, 6), self.integer(1, 8)
        kind = self.pick(["input", "weight", "scratch"] if dtype not in STORE else ["input", "scratch"])
        if dtype in SUB_BYTE:  # whole bytes: a contiguous run of whole bytes
            per = 8 // BITS[dtype]
            cols += -cols % per
        g = self.global_(kind, (rows, cols), dtype)
        ext = p.fresh()
        p.lines.append(f'{ext} = "npu_mem.get_global"() {{name = @{g}}} : () -> {memref((rows, cols), dtype, "ext")}')
        if dtype in SUB_BYTE:
            n = rows * cols
            buf = self.alloc(p, (n,), dtype)
            attrs = (f"src_offset = 0, src_sizes = {i64s([n])}, src_strides = {i64s([1])}, "
                     f"dst_offset = 0, dst_sizes = {i64s([n])}, dst_strides = {i64s([1])}")
            p.mem_tokens.append(self.emit(p, "npu_mem.dma_start", [ext, buf], [memref((rows, cols), dtype, "ext"),
                                          memref((n,), dtype, "sram")], attrs, "!npu_mem.token"))
            return
        r, c = self.integer(1, rows), self.integer(1, cols)
        i0, j0 = self.integer(0, rows - r), self.integer(0, cols - c)
        buf = self.alloc(p, (r, c), dtype)
        attrs = (f"src_offset = {i0 * cols + j0}, src_sizes = {i64s([r, c])}, src_strides = {i64s([cols, 1])}, "
                 f"dst_offset = 0, dst_sizes = {i64s([r * c])}, dst_strides = {i64s([1])}")
        tok = self.emit(p, "npu_mem.dma_start", [ext, buf],
                        [memref((rows, cols), dtype, "ext"), memref((r, c), dtype, "sram")], attrs, "!npu_mem.token")
        p.mem_tokens.append(tok)

    def dma_out(self, p: _Program) -> None:
        if not p.buffers:
            return
        name, shape, dtype = self.pick(p.buffers)
        n = prod(shape)
        g = self.global_(self.pick(["output", "scratch"]), (n,), dtype)
        ext = p.fresh()
        p.lines.append(f'{ext} = "npu_mem.get_global"() {{name = @{g}}} : () -> {memref((n,), dtype, "ext")}')
        attrs = (f"src_offset = 0, src_sizes = {i64s([n])}, src_strides = {i64s([1])}, "
                 f"dst_offset = 0, dst_sizes = {i64s([n])}, dst_strides = {i64s([1])}")
        tok = self.emit(p, "npu_mem.dma_start", [name, ext], [memref(shape, dtype, "sram"), memref((n,), dtype, "ext")],
                        attrs, "!npu_mem.token")
        p.mem_tokens.append(tok)

    def view(self, p: _Program) -> None:
        if not p.buffers:
            return
        name, shape, dtype = self.pick(p.buffers)
        if dtype in SUB_BYTE:
            return
        n = prod(shape)
        k = self.integer(1, n)
        start = self.integer(0, n - k)
        out = p.fresh()
        elem = BITS[dtype] // 8
        p.lines.append(f'{out} = "npu_mem.view"({name}) {{byte_offset = {start * elem}}} : '
                       f'({memref(shape, dtype, "sram")}) -> {memref((k,), dtype, "sram")}')
        p.buffers.append((out, (k,), dtype))

    def compute(self, p: _Program) -> None:
        getattr(self, "op_" + self.pick(["matmul", "fill", "binary", "unary", "cast", "reduce", "table",
                                         "rescale", "clamp", "im2col", "transpose", "mul_shift", "compare",
                                         "select"]))(p)

    def op_matmul(self, p):
        supported = {"int8": "i8", "int4": "i4", "bf16": "bf16", "fp16": "f16"}
        vector = self.draw(st.booleans())  # unit = "vector": float inputs (f32 and fp8 too), an f32 acc
        if vector:
            dtype = self.pick(["bf16", "f16", "f32", "f8E4M3FN"])
        else:
            dtype = self.pick([supported[d] for d in self.target.supported_matmul_dtypes if d in supported])
        acc = "i32" if dtype in ("i8", "i4") else "f32"
        m, k, n = self.integer(1, 6), self.integer(1, 4) * 2, self.integer(1, 6)
        a, b, c = self.alloc(p, (m, k), dtype), self.alloc(p, (k, n), dtype), self.alloc(p, (m, n), acc)
        attrs = f"accumulate = {self.pick(['true', 'false'])}"
        if vector:
            attrs += ', unit = "vector"'
        if dtype in ("i8", "i4"):
            lo, hi = self.int_range(dtype)
            for zp in ("a_zp", "b_zp"):
                if self.draw(st.booleans()):
                    attrs += f", {zp} = {self.integer(lo, hi)}"
        self.emit(p, "npu_pe.matmul", [a, b, c], [memref((m, k), dtype, "sram"), memref((k, n), dtype, "sram"),
                                                  memref((m, n), acc, "sram")], attrs)

    def op_fill(self, p):
        dtype, shape = self.pick(MOVE), self.shape()
        out = self.alloc(p, shape, dtype)
        self.emit(p, "npu_pe.fill", [out], [memref(shape, dtype, "sram")], f"value = {self.scalar(dtype)}")

    def op_binary(self, p):
        dtype = self.pick(INTS + ("bf16", "f16", "f32") + WIDE)
        if dtype in WIDE:
            kind = self.pick(WIDE_INT_BINARY if is_int(dtype) else WIDE_FLOAT_BINARY)
        else:
            kind = self.pick([k for k in BINARY_KINDS if (k not in FLOAT_BINARY or dtype not in INTS)
                              and dtype in INT_BINARY.get(k, INTS + FLOATS)])
        shape = self.shape(2)
        rshape = self.pick([shape, (1, shape[1]), (shape[0], 1)])
        lhs, rhs = self.alloc(p, shape, dtype), self.alloc(p, rshape, dtype)
        out = self.pick([lhs, self.alloc(p, shape, dtype)])
        self.emit(p, "npu_pe.binary", [lhs, rhs, out], [memref(shape, dtype, "sram"), memref(rshape, dtype, "sram"),
                                                        memref(shape, dtype, "sram")], f'kind = "{kind}"')

    def op_mul_shift(self, p):
        shape = self.shape(2)
        rshape = self.pick([shape, (1, shape[1]), (shape[0], 1)])
        lhs, rhs = self.alloc(p, shape, "i32"), self.alloc(p, rshape, "i32")
        out = self.pick([lhs, self.alloc(p, shape, "i32")])
        self.emit(p, "npu_pe.mul_shift", [lhs, rhs, out], [memref(shape, "i32", "sram"), memref(rshape, "i32", "sram"),
                                                           memref(shape, "i32", "sram")], f"shift = {self.integer(0, 63)}")

    def op_unary(self, p):
        dtype = self.pick(INTS + FLOATS + WIDE)
        if dtype in WIDE:
            kind = self.pick(["copy", "not"] if is_int(dtype) else ["copy"])
        else:
            kind = self.pick([k for k in UNARY_KINDS if (dtype in FLOATS or k not in FLOAT_ONLY)
                              and dtype in INT_UNARY.get(k, INTS + FLOATS)])
        shape = self.shape()
        x = self.alloc(p, shape, dtype)
        y = self.pick([x, self.alloc(p, shape, dtype)])
        self.emit(p, "npu_pe.unary", [x, y], [memref(shape, dtype, "sram")] * 2, f'kind = "{kind}"')

    def op_compare(self, p):
        dtype = self.pick(MOVE)
        shape = self.shape(2)
        rshape = self.pick([shape, (1, shape[1]), (shape[0], 1)])
        lhs, rhs = self.alloc(p, shape, dtype), self.alloc(p, rshape, dtype)
        out = self.alloc(p, shape, "i8")
        self.emit(p, "npu_pe.compare", [lhs, rhs, out], [memref(shape, dtype, "sram"), memref(rshape, dtype, "sram"),
                                                         memref(shape, "i8", "sram")],
                  f'kind = "{self.pick(COMPARE_KINDS)}"')

    def op_select(self, p):
        dtype = self.pick(MOVE + STORE)
        shape = self.shape(2)
        cshape, rshape = (self.pick([shape, (1, shape[1]), (shape[0], 1)]) for _ in range(2))
        cond, lhs, rhs = self.alloc(p, cshape, "i8"), self.alloc(p, shape, dtype), self.alloc(p, rshape, dtype)
        out = self.pick([lhs, self.alloc(p, shape, dtype)])
        self.emit(p, "npu_pe.select", [cond, lhs, rhs, out],
                  [memref(cshape, "i8", "sram"), memref(shape, dtype, "sram"), memref(rshape, dtype, "sram"),
                   memref(shape, dtype, "sram")])

    def op_cast(self, p):
        a, b, shape = self.pick(MOVE + STORE), self.pick(MOVE + STORE), self.shape()
        x, y = self.alloc(p, shape, a), self.alloc(p, shape, b)
        self.emit(p, "npu_pe.cast", [x, y], [memref(shape, a, "sram"), memref(shape, b, "sram")])

    def op_reduce(self, p):
        kind, shape = self.pick(REDUCE_KINDS), self.shape()
        dtype = self.pick(INTS + FLOATS + (WIDE if kind != "sum" else ()))
        out_type = dtype if kind != "sum" else ("i32" if dtype in INTS else self.pick(["f32", "bf16", "f16"]))
        axis = self.integer(0, len(shape) - 1)
        oshape = tuple(1 if i == axis else d for i, d in enumerate(shape))
        x, y = self.alloc(p, shape, dtype), self.alloc(p, oshape, out_type)
        self.emit(p, "npu_pe.reduce", [x, y], [memref(shape, dtype, "sram"), memref(oshape, out_type, "sram")],
                  f'axis = {axis}, kind = "{kind}"')

    def op_table(self, p):
        shape = self.shape()
        dtype, entries, tab_t, out_t = self.pick([("i8", 256, "i8", "i8"), ("i16", 513, "i16", "i32")])
        x, t, y = self.alloc(p, shape, dtype), self.alloc(p, (entries,), tab_t), self.alloc(p, shape, out_t)
        self.emit(p, "npu_pe.table", [x, t, y], [memref(shape, dtype, "sram"), memref((entries,), tab_t, "sram"),
                                                 memref(shape, out_t, "sram")])

    def op_rescale(self, p):
        a, b, shape = self.pick(INTS), self.pick(INTS), self.shape()
        n = self.pick([1, shape[-1]])
        mult = [self.integer(-(2**31), 2**31 - 1) for _ in range(n)]
        shift = [self.integer(2, 62) for _ in range(n)]
        izp = self.integer(-128, 127) if a == "i8" else 0
        ozp = self.integer(-128, 127) if b == "i8" else 0
        mw, sw = self.pick(["i32", "i64"]), self.pick(["i8", "i32"])
        attrs = (f"input_zp = {izp}, multiplier = array<{mw}: {', '.join(map(str, mult))}>, output_zp = {ozp}, "
                 f'rounding = "{self.pick(ROUNDINGS)}", shift = array<{sw}: {", ".join(map(str, shift))}>')
        x, y = self.alloc(p, shape, a), self.alloc(p, shape, b)
        self.emit(p, "npu_pe.rescale", [x, y], [memref(shape, a, "sram"), memref(shape, b, "sram")], attrs)

    def op_clamp(self, p):
        dtype, shape = self.pick(INTS + ("bf16", "f16", "f32")), self.shape()
        if dtype in INTS:
            lo, hi = self.int_range(dtype)
            a, b = sorted([self.integer(lo, hi), self.integer(lo, hi)])
            t = self.pick(["i64", dtype])
            bounds = f"max = {b} : {t}, min = {a} : {t}"
        else:
            a, b = sorted([self.pick([-6.0, 0.0, 0.5]), self.pick([1.0, 6.0])])
            bounds = f"max = {b} : f32, min = {a} : f32"
        x = self.alloc(p, shape, dtype)
        y = self.pick([x, self.alloc(p, shape, dtype)])
        self.emit(p, "npu_pe.clamp", [x, y], [memref(shape, dtype, "sram")] * 2, bounds)

    def op_im2col(self, p):
        dtype = self.pick(("i8", "bf16", "f32", "i64", "ui8", "f64"))
        h, w, c = self.integer(1, 6), self.integer(1, 6), self.integer(1, 3)
        kh, kw, sh, sw = self.integer(1, 3), self.integer(1, 3), self.integer(1, 2), self.integer(1, 2)
        dh, dw = self.integer(1, 2), self.integer(1, 2)
        pads = [self.integer(0, 2) for _ in range(4)]
        oh = (h + pads[0] + pads[2] - dh * (kh - 1) - 1) // sh + 1
        ow = (w + pads[1] + pads[3] - dw * (kw - 1) - 1) // sw + 1
        if h + pads[0] + pads[2] < dh * (kh - 1) + 1 or w + pads[1] + pads[3] < dw * (kw - 1) + 1:
            return
        pad = self.scalar(dtype) if dtype != "i8" else f"{self.integer(-128, 127)} : i8"
        x, y = self.alloc(p, (h, w, c), dtype), self.alloc(p, (oh * ow, kh * kw * c), dtype)
        attrs = (f"dilations = {i64s([dh, dw])}, kernel = {i64s([kh, kw])}, pad_value = {pad}, "
                 f"pads = {i64s(pads)}, strides = {i64s([sh, sw])}")
        self.emit(p, "npu_pe.im2col", [x, y], [memref((h, w, c), dtype, "sram"),
                                               memref((oh * ow, kh * kw * c), dtype, "sram")], attrs)

    def op_transpose(self, p):
        dtype, shape = self.pick(MOVE + STORE), self.shape(self.integer(2, 3))
        perm = self.draw(st.permutations(list(range(len(shape)))))
        oshape = tuple(shape[i] for i in perm)
        x, y = self.alloc(p, shape, dtype), self.alloc(p, oshape, dtype)
        w = self.pick(["i64", "i32"])
        self.emit(p, "npu_pe.transpose", [x, y], [memref(shape, dtype, "sram"), memref(oshape, dtype, "sram")],
                  f"perm = array<{w}: {', '.join(map(str, perm))}>")

    # ------------------------------------------------------------ cross-PE actions

    def send(self, progs) -> None:
        if len(progs) < 2:
            return
        a, b = self.draw(st.permutations(progs))[:2]
        dtype, shape = self.pick(MOVE), self.shape(2)
        tag = self.integer(0, 70000)
        src, dst = self.alloc(a, shape, dtype), self.alloc(b, (prod(shape),), dtype)
        t = self.emit(a, "npu_noc.send", [src], [memref(shape, dtype, "sram")],
                      f"dst = {i64s(b.pe)}, route = {i64s(flat(xy_route(a.pe, b.pe)))}, tag = {tag}", "!npu_noc.token")
        a.noc_tokens.append(t)
        u = self.emit(b, "npu_noc.recv", [dst], [memref((prod(shape),), dtype, "sram")],
                      f"src = {i64s(a.pe)}, tag = {tag}", "!npu_noc.token")
        b.noc_tokens.append(u)

    def multicast(self, progs) -> None:
        if len(progs) < 3 or not self.target.noc.multicast:
            return
        order = self.draw(st.permutations(progs))
        a, dsts = order[0], order[1:]
        dtype, shape = self.pick(MOVE), self.shape(1)
        tag = self.integer(0, 9)
        src = self.alloc(a, shape, dtype)
        routes = ", ".join(i64s(flat(xy_route(a.pe, d.pe))) for d in dsts)
        t = self.emit(a, "npu_noc.multicast", [src], [memref(shape, dtype, "sram")],
                      f"dsts = {i64s(flat([d.pe for d in dsts]))}, routes = [{routes}], tag = {tag}", "!npu_noc.token")
        a.noc_tokens.append(t)
        for d in dsts:
            buf = self.alloc(d, shape, dtype)
            d.noc_tokens.append(self.emit(d, "npu_noc.recv", [buf], [memref(shape, dtype, "sram")],
                                          f"src = {i64s(a.pe)}, tag = {tag}", "!npu_noc.token"))

    def semaphore(self, progs) -> None:
        owner = self.pick(progs)
        signaller = self.pick(progs)
        sid = len(owner.sems)
        count = self.integer(1, 3)
        owner.sems[sid] = self.emit(owner, "npu_noc.semaphore", [], [], f"id = {sid}, init = {self.integer(0, 2)}",
                                    "!npu_noc.sem")
        route = xy_route(signaller.pe, owner.pe)
        self.emit(signaller, "npu_noc.sem_signal", [], [],
                  f"count = {count}, id = {sid}, pe = {i64s(owner.pe)}, route = {i64s(flat(route))}")
        self.emit(owner, "npu_noc.sem_wait", [owner.sems[sid]], ["!npu_noc.sem"], f"count = {count}")

    def barrier(self, progs) -> None:
        group = self.draw(st.permutations(progs))
        bid = self.barrier_id
        self.barrier_id += 1
        for p in progs:
            self.emit(p, "npu_noc.barrier", [], [], f"id = {bid}, pes = {i64s(flat([g.pe for g in group]))}")

    # ------------------------------------------------------------ module

    def finish(self, p: _Program) -> list[str]:
        if p.mem_tokens or self.draw(st.booleans()):
            p.lines.append(f'"npu_mem.dma_wait"({", ".join(p.mem_tokens)}) : '
                           f'({", ".join(["!npu_mem.token"] * len(p.mem_tokens))}) -> ()')
        if p.noc_tokens or self.draw(st.booleans()):
            p.lines.append(f'"npu_noc.wait"({", ".join(p.noc_tokens)}) : '
                           f'({", ".join(["!npu_noc.token"] * len(p.noc_tokens))}) -> ()')
        p.mem_tokens, p.noc_tokens = [], []
        for name in p.allocs:
            if self.draw(st.booleans()):
                t = next(m for m in p.lines if m.startswith(f"{name} = "))
                p.lines.append(f'"npu_mem.dealloc"({name}) : ({t.rsplit("-> ", 1)[1]}) -> ()')
        return p.lines

    def module(self) -> str:
        rows, cols = self.target.mesh.rows, self.target.mesh.cols
        count = self.integer(1, 4)
        pes = self.draw(st.lists(st.tuples(st.integers(0, rows - 1), st.integers(0, cols - 1)),
                                 min_size=count, max_size=count, unique=True))
        progs = [_Program(pe) for pe in pes]
        for _ in range(self.integer(1, 10)):
            action = self.pick(["dma_in", "dma_out", "view", "compute", "compute", "send", "multicast",
                                "semaphore", "barrier"])
            if action in ("send", "multicast", "semaphore", "barrier"):
                getattr(self, action)(progs)
            else:
                getattr(self, action)(self.pick(progs))
        funcs = []
        for p in progs:
            body = "\n    ".join(self.finish(p) + ["return"])
            funcs.append(f"  func.func @pe_{p.pe[0]}_{p.pe[1]}() attributes {{npu_pe.pe = {i64s(p.pe)}}} {{\n"
                         f"    {body}\n  }}")
        items = self.globals + funcs
        attr = f' attributes {{npu_pe.target = "{self.target.chip.name}"}}' if self.draw(st.booleans()) else ""
        text = f"module{attr} {{\n" + "\n".join(items) + "\n}\n"
        if self.resources:
            blobs = ",\n      ".join(f'{k}: "0x04000000{v.hex()}"' for k, v in self.resources.items())
            text += f"{{-#\n  dialect_resources: {{\n    builtin: {{\n      {blobs}\n    }}\n  }}\n#-}}\n"
        return text


@st.composite
def level4_modules(draw) -> tuple[str, str]:
    name = draw(st.sampled_from(PRESETS))
    return Gen(draw, name).module(), name
