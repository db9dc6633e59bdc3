// npu_pe: level 4 (spatial) of the npu toolchain -- PE programs and compute.
//
// **Programs.** A level-4 module holds one program per PE it uses: a
// `func.func` with no arguments and no results whose attribute
// `npu_pe.pe = array<i64: row, col>` names the PE it runs on (row 0 north,
// col 0 west; inside the mesh of the target when one is given; at most one
// program per PE). Its body runs in program order on that PE; all PEs start
// together and the module is done when every program has returned. Programs
// share nothing but external memory (`npu_mem.global`) and the network
// (npu_noc). An optional module attribute `npu_pe.target = "<chip name>"`
// records the target the module was compiled for; `npu-opt --target=` then
// must name the same chip.
//
//     module attributes {npu_pe.target = "edge-lpddr"} {
//       "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<8x8xi8, "ext">} : () -> ()
//       func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
//         ...
//         return
//       }
//     }
//
// Why `func.func` and not an `npu_pe.program` op with a region: IRDL (MLIR 22)
// cannot give an op the terminator trait, so the block of an IRDL op's region
// would have to end in an unrelated dialect's terminator. A func is a symbol,
// isolated from above, ends in `return`, and prints in readable form.
//
// **Compute.** The ops below run on the matrix unit (`npu_pe.matmul`, unless
// its `unit` says "vector") or the vector unit (all others). They read and
// write SRAM buffers of their PE (`"sram"` memrefs, see npu_mem) in
// destination-passing style: outputs are
// operands, ops have no results. An output may be the same SSA value as an
// input only where the op says so.
//
// **Booleans.** Level 4 has no i1 buffers: a boolean tensor (i1 at levels 1-3)
// is stored as an i8 *mask*, one byte per element holding 0 (false) or 1
// (true). `npu_pe.compare` writes masks, `npu_pe.select` reads them (any
// nonzero byte is true), and the logical and / or / xor / not of masks are the
// bitwise `binary` kinds `and`, `or`, `xor` (with a mask of ones for not).
//
// **Wide and unsigned types.** Buffers may also hold i64, ui8, ui16, ui32, ui64
// and f64 (ONNX int64 indices and shapes, uint8 images, float64 tensors). The
// matrix unit never takes them; on the vector unit they are *data-movement
// types*: `unary` copy (and `not` for the integer ones), `transpose`,
// `im2col`, `fill`, `select`, `compare`, `cast` (to and from any type),
// `reduce` max / min, and `binary` with the exact kinds only -- integers:
// `add_wrap`, `sub_wrap`, `mul_wrap` (modulo 2^bits), `max`, `min`, `and`,
// `or`, `xor`, `mod`, `div` (truncated); f64: `add`, `sub`, `mul`, `div`, `max`, `min`, `fmod`
// (IEEE binary64, correctly rounded -- fmod exact --, not through f32). Every other op or kind on
// them is refused by the verifier. `ui*` values are read as unsigned.
//
// **Storage-only types.** Buffers may also hold i2, ui2, ui4, f4E2M1FN (sub-byte,
// packed, see npu_mem), f8E4M3FNUZ, f8E5M2FNUZ and f8E8M0FNU (ONNX's narrow
// storage formats). Nothing computes on them: they move (DMA, NoC), and only
// `cast` (to and from any type), `select`, `transpose` and `unary` copy take
// them; every other op is refused by the verifier.
//
// **Numerics.** Integers are signless two's complement read as signed (the
// `ui*` types as unsigned).
// "Saturate" clamps to the range of the output element type. Float ops other
// than `matmul` and `reduce` compute each element in f32 and round to the
// output type to nearest-even; on overflow f8E4M3FN saturates to +-448, the
// other types become +-inf. Integer and fixed-point semantics follow the TOSA
// specification where an op says so (RESCALE, TABLE, CLAMP).
//
// Every rule stated as "must" is checked by the Python verifiers in
// `npu_pe.py`; with a target they also check that the matrix unit supports the
// input type and that the accumulator is the target's. Produced by: the
// level-3 to level-4 lowering. Consumed by: the level-4 interpreter and
// performance model, the binary encoder.

irdl.dialect @npu_pe {
  // Matrix product: C[M,N] = (accumulate ? C : 0) + (A - a_zp)[M,K] x (B - b_zp)[K,N].
  // `lhs` A is M x K, `rhs` B is K x N, `acc` C is M x N, all rank 2. A and B
  // have the same element type: i4, i8, f8E4M3FN, f8E5M2, bf16, f16 or f32.
  // C is the accumulator: i32 or i16 for integer inputs, f32, f16 or bf16 for
  // float inputs, and exactly the target's `pe.matrix.accumulator` type when
  // a target is given. Integer products and sums are exact and wrap modulo
  // 2^(bits of C); float inputs accumulate in f32, adding the products in
  // ascending k order with each product and partial sum rounded to f32, and
  // the result is rounded to C's type. `acc` must not be the same value as
  // `lhs` or `rhs`.
  //
  // Optional attributes: `a_zp`, `b_zp` (i64, default 0): zero points
  // subtracted from A and B, integer inputs only, in the input type's range.
  // `unit` (string, default "matrix"): the unit computing the product.
  // "matrix" is the matrix unit, which must rate the input type when a target
  // is given. "vector" is the vector unit, for a target whose matrix unit lacks
  // the type (fp32 on edge-lpddr) or whose accumulator is not f32: float
  // inputs only (f8E4M3FN, f8E5M2, bf16, f16, f32), C must be f32, and the
  // arithmetic is the float rule above bit for bit (each product f32(a*b),
  // each partial sum rounded to f32 in ascending k, starting from C or +0.0).
  // It never needs a products buffer: the unit streams the K steps over its
  // lanes.
  // Example:
  //   "npu_pe.matmul"(%a, %b, %c) {accumulate = true} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
  //   "npu_pe.matmul"(%af, %bf, %cf) {accumulate = false, unit = "vector"} : (memref<16x64xf32, "sram">, memref<64x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  irdl.operation @matmul {
    %lhs = irdl.base "!builtin.memref"
    %rhs = irdl.base "!builtin.memref"
    %acc = irdl.base "!builtin.memref"
    %t = irdl.is true
    %f = irdl.is false
    %flag = irdl.any_of(%t, %f)
    irdl.operands(lhs: %lhs, rhs: %rhs, acc: %acc)
    irdl.attributes { "accumulate" = %flag }
  }

  // Set every element of a buffer to `value`.
  // `value` is an integer attribute for integer buffers (in the type's range)
  // and a float attribute for float buffers (rounded to the type).
  // Example:
  //   "npu_pe.fill"(%c) {value = 0 : i32} : (memref<16x8xi32, "sram">) -> ()
  irdl.operation @fill {
    %out = irdl.base "!builtin.memref"
    %value = irdl.any
    irdl.operands(out: %out)
    irdl.attributes { "value" = %value }
  }

  // Elementwise binary op with numpy broadcasting: out = lhs <kind> rhs.
  // `kind` is `add`, `sub`, `mul`, `max`, `min`, `div` (floats: IEEE division;
  // i8, i16, i32 and the wide integer types: truncated toward zero as C and
  // ONNX, the most negative value / -1 wraps to itself, a zero rhs is a
  // run-time error),
  // `fmod` (float types only: the remainder of lhs / rhs truncated towards
  // zero, with lhs's sign, as C fmod; exact, NaN for rhs = 0 or infinite lhs),
  // or one of the integer-only kinds below. `lhs`, `rhs` and `out` have one
  // element type; `out`'s shape is the broadcast of the operand shapes.
  // Integer `add`..`min` are computed exactly and saturated. `out` may be
  // the same value as `lhs` or `rhs` when their shapes are equal.
  // Integer-only kinds (the fixed-point steps of the integer softmax and
  // layer normalization, npu.numerics.normalization; TOSA operators):
  //   `add_wrap`    lhs + rhs modulo 2^bits of the type (two's complement
  //                 wrap, as the int32 accumulator of `matmul`): any integer type.
  //   `sub_wrap`, `mul_wrap`  lhs - rhs and lhs * rhs modulo 2^bits (the
  //                 level-1 integer sub / mul, which wrap like numpy): i8,
  //                 i16, i32 (and the wide and unsigned integer types).
  //   `and`         bitwise AND of the two's complement patterns
  //                 (TOSA BITWISE_AND, npu.numerics.bitwise_and): i8, i16, i32
  //                 (and the wide and unsigned integer types).
  //   `or`, `xor`   bitwise OR / XOR of the patterns (TOSA BITWISE_OR /
  //                 BITWISE_XOR): i8, i16, i32. On masks (see Booleans) `and`,
  //                 `or` and `xor` are the logical operations.
  //   `mod`         lhs - floor(lhs / rhs) * rhs, exact: the remainder with
  //                 rhs's sign (ONNX Mod with fmod = 0, Python's %): i8, i16,
  //                 i32; a zero rhs is a run-time error.
  //   `shl`         the 32-bit pattern of lhs shifted left by rhs, wrapped
  //                 (TOSA LOGICAL_LEFT_SHIFT, npu.numerics.logical_left_shift):
  //                 i32; every shift amount must be in [0, 31].
  //   `ashr`        floor(lhs / 2^rhs) (TOSA ARITHMETIC_RIGHT_SHIFT,
  //                 round = false): i8, i16, i32; amounts in [0, bits - 1].
  //   `ashr_round`  as `ashr`, plus 1 when bit rhs - 1 of lhs is set (round
  //                 half towards +infinity; TOSA ARITHMETIC_RIGHT_SHIFT with
  //                 round = true, npu.numerics.arithmetic_right_shift).
  // The shift amounts are rhs's values, one per element after broadcasting
  // (a [R, 1] rhs shifts each row by its own amount); an amount out of range
  // is a run-time error (a TOSA REQUIRE).
  // Example:
  //   "npu_pe.binary"(%c, %bias, %c) {kind = "add"} : (memref<16x8xi32, "sram">, memref<1x8xi32, "sram">, memref<16x8xi32, "sram">) -> ()
  irdl.operation @binary {
    %lhs = irdl.base "!builtin.memref"
    %rhs = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %add = irdl.is "add"
    %sub = irdl.is "sub"
    %mul = irdl.is "mul"
    %max = irdl.is "max"
    %min = irdl.is "min"
    %div = irdl.is "div"
    %add_wrap = irdl.is "add_wrap"
    %and = irdl.is "and"
    %shl = irdl.is "shl"
    %ashr = irdl.is "ashr"
    %ashr_round = irdl.is "ashr_round"
    %or = irdl.is "or"
    %xor = irdl.is "xor"
    %mod = irdl.is "mod"
    %fmod = irdl.is "fmod"
    %sub_wrap = irdl.is "sub_wrap"
    %mul_wrap = irdl.is "mul_wrap"
    %kind = irdl.any_of(%add, %sub, %mul, %max, %min, %div, %add_wrap, %and, %shl, %ashr, %ashr_round, %or, %xor, %mod, %fmod, %sub_wrap, %mul_wrap)
    irdl.operands(lhs: %lhs, rhs: %rhs, out: %out)
    irdl.attributes { "kind" = %kind }
  }

  // Fixed-point multiply (TOSA MUL with shift): out = (lhs * rhs + 2^(shift-1)) >> shift.
  // `lhs`, `rhs` and `out` are i32 buffers with numpy broadcasting (`out`'s
  // shape is the broadcast of the operand shapes); `shift` is an integer in
  // [0, 63] (0: the plain product). The product is exact (64-bit), the shift
  // floors, so the result is lhs * rhs / 2^shift rounded half towards
  // +infinity (npu.numerics.mul_int). A result outside int32 is a run-time
  // error (TOSA REQUIRE), never saturated or wrapped. `out` may be the same
  // value as `lhs` or `rhs` when their shapes are equal.
  // Example:
  //   "npu_pe.mul_shift"(%e, %r, %y) {shift = 15 : i64} : (memref<4x8xi32, "sram">, memref<4x1xi32, "sram">, memref<4x8xi32, "sram">) -> ()
  irdl.operation @mul_shift {
    %lhs = irdl.base "!builtin.memref"
    %rhs = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %shift = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs, out: %out)
    irdl.attributes { "shift" = %shift }
  }

  // Elementwise unary op: out = <kind>(input).
  // `kind` is `copy`, `neg`, `abs`, `relu` or `sign` (-1, 0 or 1; a float
  // NaN stays NaN, both zeros give +0.0) for any type (integer `neg` and `abs`
  // saturate); for float types only, `exp`, `log`, `sqrt`, `rsqrt`,
  // `reciprocal`, `tanh`, `sigmoid`, `erf` or `gelu` (x/2 * (1 + erf(x/sqrt 2))),
  // the rounding kinds `floor`, `ceil` and `round` (to the nearest integer,
  // halves to even; exact, the result keeps the input's type), the circular
  // and hyperbolic functions `sin`, `cos`, `tan`, `asin`, `acos`, `atan`,
  // `sinh`, `cosh`, `asinh`, `acosh`, `atanh` (NaN outside their domain),
  // `softplus` (log(1 + exp(x)), without overflow) and `softsign`
  // (x / (1 + |x|)); for i8, i16 and i32 only, `not`: the bitwise complement
  // (TOSA BITWISE_NOT; a mask's logical not is `xor` with ones, see Booleans);
  // for i32 only, `clz`: the number of leading zero bits of the 32-bit two's
  // complement pattern (32 for 0, 0 for negative values; TOSA CLZ,
  // npu.numerics.clz).
  // The circular, hyperbolic, `softplus` and `softsign` kinds are the vector
  // unit's f32 functions: not necessarily correctly rounded, within 4 ulp of
  // the exact value in f32 (the interpreter's choice is in
  // docs/level4-execution.md).
  // Input and output have the same shape and element type; `out` may be the
  // same value as `input`.
  // Example:
  //   "npu_pe.unary"(%x, %y) {kind = "exp"} : (memref<16x8xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  //   "npu_pe.unary"(%h, %h) {kind = "floor"} : (memref<16x8xbf16, "sram">, memref<16x8xbf16, "sram">) -> ()
  irdl.operation @unary {
    %in = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %copy = irdl.is "copy"
    %neg = irdl.is "neg"
    %abs = irdl.is "abs"
    %relu = irdl.is "relu"
    %exp = irdl.is "exp"
    %log = irdl.is "log"
    %sqrt = irdl.is "sqrt"
    %rsqrt = irdl.is "rsqrt"
    %recip = irdl.is "reciprocal"
    %tanh = irdl.is "tanh"
    %sigmoid = irdl.is "sigmoid"
    %erf = irdl.is "erf"
    %gelu = irdl.is "gelu"
    %clz = irdl.is "clz"
    %floor = irdl.is "floor"
    %ceil = irdl.is "ceil"
    %round = irdl.is "round"
    %sign = irdl.is "sign"
    %sin = irdl.is "sin"
    %cos = irdl.is "cos"
    %tan = irdl.is "tan"
    %asin = irdl.is "asin"
    %acos = irdl.is "acos"
    %atan = irdl.is "atan"
    %sinh = irdl.is "sinh"
    %cosh = irdl.is "cosh"
    %asinh = irdl.is "asinh"
    %acosh = irdl.is "acosh"
    %atanh = irdl.is "atanh"
    %softplus = irdl.is "softplus"
    %softsign = irdl.is "softsign"
    %not = irdl.is "not"
    %kind = irdl.any_of(%copy, %neg, %abs, %relu, %exp, %log, %sqrt, %rsqrt, %recip, %tanh, %sigmoid, %erf, %gelu, %clz, %floor, %ceil, %round, %sign, %sin, %cos, %tan, %asin, %acos, %atan, %sinh, %cosh, %asinh, %acosh, %atanh, %softplus, %softsign, %not)
    irdl.operands(input: %in, out: %out)
    irdl.attributes { "kind" = %kind }
  }

  // Elementwise comparison with numpy broadcasting: out = (lhs <kind> rhs) ? 1 : 0.
  // `kind` is `eq`, `ne`, `lt`, `le`, `gt` or `ge`. `lhs` and `rhs` have one
  // element type (any); `out` is an i8 mask (see Booleans) of the broadcast of
  // the operand shapes. Integers compare as signed values; floats compare
  // exactly as IEEE values: -0.0 equals +0.0 and a NaN operand makes every
  // kind false except `ne` (so `ne(x, x)` is "x is NaN").
  // Example:
  //   "npu_pe.compare"(%a, %b, %m) {kind = "lt"} : (memref<16x8xf32, "sram">, memref<1x8xf32, "sram">, memref<16x8xi8, "sram">) -> ()
  irdl.operation @compare {
    %lhs = irdl.base "!builtin.memref"
    %rhs = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %eq = irdl.is "eq"
    %ne = irdl.is "ne"
    %lt = irdl.is "lt"
    %le = irdl.is "le"
    %gt = irdl.is "gt"
    %ge = irdl.is "ge"
    %kind = irdl.any_of(%eq, %ne, %lt, %le, %gt, %ge)
    irdl.operands(lhs: %lhs, rhs: %rhs, out: %out)
    irdl.attributes { "kind" = %kind }
  }

  // Elementwise select with numpy broadcasting: out = cond != 0 ? lhs : rhs.
  // `cond` is an i8 mask (see Booleans; any nonzero byte selects lhs);
  // `lhs`, `rhs` and `out` have one element type (any); `out`'s shape is the
  // broadcast of the three operand shapes. Values are copied bit for bit (no
  // rounding). `out` may be the same value as `lhs` or `rhs` when their shape
  // is `out`'s.
  // Example:
  //   "npu_pe.select"(%m, %a, %b, %y) : (memref<16x8xi8, "sram">, memref<16x8xf32, "sram">, memref<1x1xf32, "sram">, memref<16x8xf32, "sram">) -> ()
  irdl.operation @select {
    %cond = irdl.base "!builtin.memref"
    %lhs = irdl.base "!builtin.memref"
    %rhs = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    irdl.operands(cond: %cond, lhs: %lhs, rhs: %rhs, out: %out)
  }

  // Convert elements to another type: out = convert(input).
  // Same shape, any two element types (the wide and unsigned ones included).
  // Integer to integer saturates to out's range; integer to float rounds to
  // nearest-even (once: through f32 for the narrow formats, which is exact);
  // float to float rounds to nearest-even (overflow as in Numerics; f64 to a
  // narrower format rounds once); float to integer rounds half to even and
  // saturates, NaN becomes 0. (The level-1 cast is numpy's astype, which wraps
  // integers and truncates floats: the spatial lowering builds it from this
  // cast, `and` / `xor` / `sub_wrap` in i64, and floor / ceil / select, see
  // npu.spatial.rules_eltwise.) To the storage-only float formats (through f32,
  // nearest-even): f8E4M3FNUZ and f8E5M2FNUZ give NaN for overflow, +-inf and
  // NaN (no saturation: clamp first for it); f4E2M1FN saturates overflow and
  // +-inf to +-6 and gives a zero of NaN's sign for NaN; f8E8M0FNU takes the
  // f32 exponent field, plus one when a mantissa bit is set, at most 254
  // (2^127), sign dropped, NaN and +-inf give NaN (ONNX's round_mode "up" with
  // saturate).
  // Example:
  //   "npu_pe.cast"(%x, %y) : (memref<16x8xi32, "sram">, memref<16x8xf32, "sram">) -> ()
  irdl.operation @cast {
    %in = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    irdl.operands(input: %in, out: %out)
  }

  // Reduce along one axis, keeping it with size 1: out = <kind>(input, axis).
  // `kind` is `sum`, `max` or `min`; `axis` is in [0, rank). `out` has the
  // input's shape with `axis` set to 1. `max` and `min` keep the element type.
  // `sum` of integers (i8, i16, i32) gives i32, exact then saturated; `sum` of
  // floats accumulates in f32 in ascending index order and rounds to `out`'s
  // float type.
  // Example:
  //   "npu_pe.reduce"(%x, %s) {kind = "sum", axis = 1} : (memref<16x8xf32, "sram">, memref<16x1xf32, "sram">) -> ()
  irdl.operation @reduce {
    %in = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %sum = irdl.is "sum"
    %max = irdl.is "max"
    %min = irdl.is "min"
    %kind = irdl.any_of(%sum, %max, %min)
    %axis = irdl.base "#builtin.integer"
    irdl.operands(input: %in, out: %out)
    irdl.attributes { "kind" = %kind, "axis" = %axis }
  }

  // Table lookup (TOSA TABLE): out = table[input].
  // Either i8 input, a 256-entry i8 `table` and i8 output, with
  // out = table[in + 128]; or i16 input, a 513-entry i16 `table` and i32
  // output, with i = in + 32768, b = table[i >> 7], n = table[(i >> 7) + 1],
  // out = (b << 7) + (n - b) * (i & 127). Input and output shapes are equal;
  // the table is a rank-1 SRAM buffer.
  // Example:
  //   "npu_pe.table"(%x, %lut, %y) : (memref<16x8xi8, "sram">, memref<256xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  irdl.operation @table {
    %in = irdl.base "!builtin.memref"
    %tab = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    irdl.operands(input: %in, table: %tab, out: %out)
  }

  // Requantize (TOSA RESCALE, scale32): out = saturate(apply_scale_32(in - input_zp, m, s) + output_zp).
  // `apply_scale_32(v, m, s)` is TOSA's: round(v * m / 2^s) with the
  // `rounding` mode, `"single_round"` (add 2^(s-1)) or `"double_round"` (as
  // single, plus 2^30 away from zero when s > 31). `multiplier` (int32 values)
  // and `shift` (values in [2, 62]) are dense integer arrays of one length:
  // 1 (per tensor) or the size of the last dimension (per channel c:
  // `multiplier[c]`, `shift[c]`). Input i8, i16 or i32; output i8, i16 or i32;
  // same shape. `input_zp` is 0 unless the input is i8, `output_zp` is 0
  // unless the output is i8; each lies in its type's range.
  // Example:
  //   "npu_pe.rescale"(%c, %q) {multiplier = array<i32: 1073741824>, shift = array<i8: 38>, input_zp = 0, output_zp = -3, rounding = "double_round"} : (memref<16x8xi32, "sram">, memref<16x8xi8, "sram">) -> ()
  irdl.operation @rescale {
    %in = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %mult = irdl.base "#builtin.dense_array"
    %shift = irdl.base "#builtin.dense_array"
    %izp = irdl.base "#builtin.integer"
    %ozp = irdl.base "#builtin.integer"
    %single = irdl.is "single_round"
    %double = irdl.is "double_round"
    %rounding = irdl.any_of(%single, %double)
    irdl.operands(input: %in, out: %out)
    irdl.attributes { "multiplier" = %mult, "shift" = %shift, "input_zp" = %izp, "output_zp" = %ozp, "rounding" = %rounding }
  }

  // Clamp elementwise (TOSA CLAMP): out = min(max(input, min), max).
  // `min` <= `max`, integer attributes in the type's range for integer
  // buffers, float attributes for float buffers. Same shape and element
  // type; `out` may be the same value as `input`.
  // Example:
  //   "npu_pe.clamp"(%q, %q) {min = -128 : i8, max = 127 : i8} : (memref<16x8xi8, "sram">, memref<16x8xi8, "sram">) -> ()
  irdl.operation @clamp {
    %in = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %min = irdl.any
    %max = irdl.any
    irdl.operands(input: %in, out: %out)
    irdl.attributes { "min" = %min, "max" = %max }
  }

  // Unfold convolution windows into matrix rows (im2col) for `npu_pe.matmul`.
  // `input` is H x W x C (one image, channels last); `out` is (OH*OW) x
  // (KH*KW*C) with OH = (H + top + bottom - DH*(KH-1) - 1) / SH + 1 (floor,
  // >= 1) and OW likewise, and
  // out[oh*OW + ow, (kh*KW + kw)*C + c] = input[oh*SH - top + kh*DH, ow*SW - left + kw*DW, c],
  // or `pad_value` where that index is outside the input. `kernel` = [KH, KW],
  // `strides` = [SH, SW], `dilations` = [DH, DW] (all >= 1), `pads` = [top,
  // left, bottom, right] (>= 0), dense i64 arrays; `pad_value` is an integer
  // or float attribute matching the element type (the input zero point for
  // quantized data). Input and output have the same element type.
  // Example:
  //   "npu_pe.im2col"(%x, %cols) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, pad_value = 0 : i8} : (memref<8x8x4xi8, "sram">, memref<64x36xi8, "sram">) -> ()
  irdl.operation @im2col {
    %in = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %kernel = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %pad = irdl.any
    irdl.operands(input: %in, out: %out)
    irdl.attributes { "kernel" = %kernel, "strides" = %strides, "pads" = %pads, "dilations" = %dilations, "pad_value" = %pad }
  }

  // Permute dimensions, as numpy `transpose(input, perm)`.
  // `perm` is a permutation of [0, rank); out.shape[d] = input.shape[perm[d]]
  // and out[j] = input[i] where i[perm[d]] = j[d]. Same element type; `out`
  // must not be the same value as `input`.
  // Example:
  //   "npu_pe.transpose"(%k, %kt) {perm = array<i64: 1, 0>} : (memref<16x64xbf16, "sram">, memref<64x16xbf16, "sram">) -> ()
  irdl.operation @transpose {
    %in = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %perm = irdl.base "#builtin.dense_array"
    irdl.operands(input: %in, out: %out)
    irdl.attributes { "perm" = %perm }
  }
}
