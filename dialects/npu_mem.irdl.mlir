// npu_mem: level 4 (spatial) of the npu toolchain -- memories, buffers and DMA.
//
// A level-4 module is a set of per-PE programs (see npu_pe) plus module-level
// declarations of the tensors that live in external memory (`npu_mem.global`).
// npu_mem names the memories, creates and releases buffers in them and moves
// data between them with the DMA engines of a PE.
//
// **Buffers are builtin memrefs** with an identity (row-major, contiguous) layout
// and a string memory space, e.g. `memref<64x64xi8, "sram">`:
//
// - `"sram"`: the local SRAM of the PE whose program contains the value;
// - `"ext"`: the external memory (HBM or LPDDR, as `memory.kind` of the target
//   says) shared by all PEs.
//
// Why memrefs: shape, element type and memory space round-trip through the
// builtin parser and printer with no custom syntax, and the bindings give typed
// accessors (`MemRefType.shape`, `.element_type`, `.memory_space`). A parametric
// IRDL type (`!npu_mem.buffer<array<i64: 64, 64>, i8, "sram">`) parses too but
// only prints in that generic, less readable form and has no accessors.
//
// Element types (npu.dialects.level4.ELEMENT_TYPES): i4, i8, i16, i32, i64,
// ui8, ui16, ui32, ui64, f8E4M3FN, f8E5M2, bf16, f16, f32, f64; i64, the
// unsigned types and f64 are data-movement types (see "Wide and unsigned
// types" in npu_pe.irdl.mlir); i2, ui2, ui4, f4E2M1FN, f8E4M3FNUZ, f8E5M2FNUZ
// and f8E8M0FNU are storage-only types ("Storage-only types" there). i4 is packed two per byte, the element with the lower index in the low nibble; a
// buffer of n elements of b bits occupies ceil(n * b / 8) bytes. Every
// sub-byte type is packed alike: ui4 and f4E2M1FN two per byte, i2 and ui2
// four per byte (element 4k + j in bits [2j, 2j + 2) of byte k). `!quant.uniform`
// cannot be a memref element type (MLIR rejects it), so level-4 buffers hold the
// storage type and the quantization parameters become explicit attributes of
// the ops that need them (`npu_pe.matmul` zero points, `npu_pe.rescale`).
//
// Addresses: the SRAM byte offset of a buffer (`offset` of `npu_mem.alloc`) and
// the external address of a global (`address` of `npu_mem.global`) are
// optional attributes, absent until the memory allocator assigns them. IRDL
// only declares required attributes, so optional ones are not listed in the
// IRDL and are checked by the Python verifiers in `npu_mem.py`, which also
// check every rule stated as "must" below.
//
// Asynchrony: `npu_mem.dma_start` returns a `!npu_mem.token` at once; the data
// is in place, and the source may be overwritten, only after `npu_mem.dma_wait`
// of that token. The engines of one PE run DMAs in parallel (up to
// `pe.dma.engines` at a time in the performance model).
//
// Produced by: the level-3 to level-4 lowering (tile placement) and the memory
// allocator. Consumed by: the level-4 interpreter and performance model, the
// binary encoder.
//
// IRDL limits met here (MLIR 22): an `irdl.any_of` over `irdl.base`
// constraints aborts the loader, so alternatives of base kinds are `irdl.any`
// plus a Python check.

irdl.dialect @npu_mem {
  // Completion handle of an asynchronous DMA.
  // Produced by `npu_mem.dma_start`, consumed by `npu_mem.dma_wait`; it has no
  // parameters.
  // Example:
  //   !npu_mem.token
  irdl.type @token {
  }

  // Declare a tensor that lives in external memory.
  // A module-level op (a direct child of the module). `type` is an `"ext"`
  // memref; `kind` is one of `"input"`, `"output"` (the I/O symbols of the
  // binary), `"weight"` (constant data) or `"scratch"` (spill space shared by
  // the PEs). `sym_name` makes the global a symbol of the module, so MLIR
  // checks that it is unique.
  //
  // Optional attributes:
  // - `address` (i64): byte address in external memory, assigned by the
  //   allocator; must be a multiple of the element size in bytes and the range
  //   must fit in `memory.bytes` of the target.
  // - `value` (`dense<...>` or `dense_resource<...>` elements): the contents;
  //   required for `"weight"` and forbidden otherwise; its shape and element
  //   type equal the memref's.
  // - `element` (a type): for an `"input"` / `"output"` only, the graph
  //   tensor's element type when it has no level-4 buffers and the memref
  //   holds it in another type (`npu.dialects.level4.IO_ELEMENT_TYPES`: `i1`
  //   in an `i8` mask of 0 / 1). The interpreter, the binary and npu-run take
  //   and return the graph's type (numpy bool for `i1`).
  // Example:
  //   "npu_mem.global"() {sym_name = "w0", kind = "weight", type = memref<64x64xi8, "ext">, value = dense<1> : tensor<64x64xi8>} : () -> ()
  irdl.operation @global {
    %name = irdl.base "#builtin.string"
    %kind_in = irdl.is "input"
    %kind_out = irdl.is "output"
    %kind_w = irdl.is "weight"
    %kind_s = irdl.is "scratch"
    %kind = irdl.any_of(%kind_in, %kind_out, %kind_w, %kind_s)
    %type = irdl.base "#builtin.type"
    irdl.attributes { "sym_name" = %name, "kind" = %kind, "type" = %type }
  }

  // The buffer of a global, inside a PE program.
  // `name` refers to an `npu_mem.global` of the enclosing module; the result
  // type must equal the global's `type`.
  // Example:
  //   %w = "npu_mem.get_global"() {name = @w0} : () -> memref<64x64xi8, "ext">
  irdl.operation @get_global {
    %name = irdl.base "#builtin.symbol_ref"
    %buf = irdl.base "!builtin.memref"
    irdl.attributes { "name" = %name }
    irdl.results(buffer: %buf)
  }

  // Allocate a buffer in the SRAM of the program's PE.
  // The result is an `"sram"` memref. Its contents are undefined until written.
  // The buffer is live from this op to its `npu_mem.dealloc` (or to the end of
  // the program).
  //
  // Optional attributes:
  // - `offset` (i64): byte offset in the PE's SRAM, set by the allocator;
  //   non-negative, a multiple of `alignment`, and the buffer must end within
  //   `pe.sram.bytes` of the target.
  // - `alignment` (i64): required alignment of `offset` in bytes, a power of
  //   two (default 1).
  // Example:
  //   %a = "npu_mem.alloc"() {offset = 4096, alignment = 64} : () -> memref<64x64xi8, "sram">
  irdl.operation @alloc {
    %buf = irdl.base "!builtin.memref"
    irdl.results(buffer: %buf)
  }

  // End the lifetime of an SRAM buffer.
  // The operand must be the result of an `npu_mem.alloc`; it is not used after
  // this op and its bytes may be reused by later allocations.
  // Example:
  //   "npu_mem.dealloc"(%a) : (memref<64x64xi8, "sram">) -> ()
  irdl.operation @dealloc {
    %buf = irdl.base "!builtin.memref"
    irdl.operands(buffer: %buf)
  }

  // Reinterpret part of a buffer with another shape and element type.
  // The result aliases the `source` bytes `[byte_offset, byte_offset + size)`,
  // where size is the result's byte size, which must fit in the source. Both
  // are in the same memory space; `byte_offset` is a non-negative multiple of
  // the result's element size (in bytes, 1 for i4). No data moves.
  // Example:
  //   %v = "npu_mem.view"(%a) {byte_offset = 2048} : (memref<64x64xi8, "sram">) -> memref<32x64xi8, "sram">
  irdl.operation @view {
    %src = irdl.base "!builtin.memref"
    %out = irdl.base "!builtin.memref"
    %off = irdl.base "#builtin.integer"
    irdl.operands(source: %src)
    irdl.results(view: %out)
    irdl.attributes { "byte_offset" = %off }
  }

  // Start a strided DMA copy from `source` to `target`.
  // Each side is described by an access pattern over the flat, row-major
  // element index of its buffer: an `*_offset` (i64) and `*_sizes`,
  // `*_strides` (`array<i64>`, same length, outermost first, in elements). The
  // pattern visits, in row-major order of the index tuple `i`, the element at
  // `offset + sum_d(i[d] * strides[d])` for `0 <= i[d] < sizes[d]`. The k-th
  // element visited on the source is copied to the k-th element visited on the
  // target. Rules:
  // - both patterns visit the same number of elements, and every visited index
  //   lies inside its buffer;
  // - sizes are >= 1, offsets and strides >= 0; a target stride of 0 (writing
  //   one element twice) is an error; a source stride of 0 repeats elements;
  // - element types are equal (a DMA does not convert);
  // - spaces are `"ext"` to `"sram"`, `"sram"` to `"ext"` or `"sram"` to
  //   `"sram"` (a copy within the PE; use npu_noc to reach another PE);
  // - i4 data moves in whole bytes: offsets and every stride but the
  //   innermost (of dims larger than 1) are even, the innermost stride is 1
  //   and the innermost size is even; the one exception is a single run that
  //   ends at the last element of an odd-length buffer, which may have an odd
  //   size (it also moves the buffer's padding nibble). The other sub-byte
  //   types follow the same rule with "even" read as "a multiple of the
  //   elements a byte" (2 for ui4 and f4E2M1FN, 4 for i2 and ui2).
  //
  // The copy is asynchronous: the result token is complete after
  // `npu_mem.dma_wait`; until then the target must not be read and the source
  // must not be written.
  // Example:
  //   %t = "npu_mem.dma_start"(%w, %a) {src_offset = 64, src_sizes = array<i64: 32, 64>, src_strides = array<i64: 128, 1>, dst_offset = 0, dst_sizes = array<i64: 32, 64>, dst_strides = array<i64: 64, 1>} : (memref<64x128xi8, "ext">, memref<32x64xi8, "sram">) -> !npu_mem.token
  irdl.operation @dma_start {
    %src = irdl.base "!builtin.memref"
    %dst = irdl.base "!builtin.memref"
    %tok = irdl.base @npu_mem::@token
    %so = irdl.base "#builtin.integer"
    %ssz = irdl.base "#builtin.dense_array"
    %sst = irdl.base "#builtin.dense_array"
    %do = irdl.base "#builtin.integer"
    %dsz = irdl.base "#builtin.dense_array"
    %dst_ = irdl.base "#builtin.dense_array"
    irdl.operands(source: %src, target: %dst)
    irdl.results(token: %tok)
    irdl.attributes { "src_offset" = %so, "src_sizes" = %ssz, "src_strides" = %sst, "dst_offset" = %do, "dst_sizes" = %dsz, "dst_strides" = %dst_ }
  }

  // Block until the given DMAs have completed.
  // Each token must come from an `npu_mem.dma_start` of the same program and
  // is waited for at most once. With no operand the op does nothing.
  // Example:
  //   "npu_mem.dma_wait"(%t0, %t1) : (!npu_mem.token, !npu_mem.token) -> ()
  irdl.operation @dma_wait {
    %tok = irdl.base @npu_mem::@token
    irdl.operands(tokens: variadic %tok)
  }
}
