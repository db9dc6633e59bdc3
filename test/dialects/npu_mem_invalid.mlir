// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per npu_mem verifier rule.

func.func @global_in_func() {
  // expected-error @below {{'npu_mem.global' op expects to be a direct child of the module}}
  "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "ext">} : () -> ()
  return
}

// -----

// expected-error @below {{'npu_mem.global' op expects type in "ext" memory, got "sram"}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "sram">} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects type to have a memref, got tensor<4xi8>}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = tensor<4xi8>} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects type to have memory space "sram" or "ext", got memref<4xi8, "dram">}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "dram">} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects type to have an element type in i4, i8, i16, i32, i64, ui8, ui16, ui32, ui64, i2, ui2, ui4, f8E4M3FN, f8E5M2, bf16, f16, f32, f64, f8E4M3FNUZ, f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN, got memref<4xsi8, "ext">}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xsi8, "ext">} : () -> ()

// -----

// sym_name makes a global a symbol of the module: MLIR checks uniqueness.
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "ext">} : () -> ()
// expected-error @below {{redefinition of symbol named 'x'}}
"npu_mem.global"() {sym_name = "x", kind = "output", type = memref<4xi8, "ext">} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects a 'value' attribute for a weight}}
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<4xi8, "ext">} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects no 'value' attribute for kind 'input' (only weights have contents)}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "ext">, value = dense<0> : tensor<4xi8>} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects value of shape [4] and element type i8, got tensor<4xi16>}}
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<4xi8, "ext">, value = dense<0> : tensor<4xi16>} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects address to be a multiple of 4 bytes, got 6}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xf32, "ext">, address = 6} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects address >= 0, got -4}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xf32, "ext">, address = -4} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op attribute "kind" is expected but not provided}}
"npu_mem.global"() {sym_name = "x", type = memref<4xf32, "ext">} : () -> ()

// -----

"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "ext">} : () -> ()
func.func @not_a_program() {
  // expected-error @below {{'npu_mem.get_global' op expects to be inside an npu_pe program (a func.func with npu_pe.pe)}}
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<4xi8, "ext">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.get_global' op expects '@nope' to name an 'npu_mem.global' of the module}}
  %x = "npu_mem.get_global"() {name = @nope} : () -> memref<4xi8, "ext">
  return
}

// -----

"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "ext">} : () -> ()
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.get_global' op expects result type memref<4xi8, "ext"> of global '@x', got memref<8xi8, "ext">}}
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<8xi8, "ext">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op expects the result in "sram" memory, got "ext"}}
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "ext">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op expects the result to have a static shape, got memref<?xi8, "sram">}}
  %a = "npu_mem.alloc"() : () -> memref<?xi8, "sram">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op expects the result to have the identity (row-major) layout, got memref<4x4xi8, strided<[1, 4]>, "sram">}}
  %a = "npu_mem.alloc"() : () -> memref<4x4xi8, strided<[1, 4]>, "sram">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op expects the result to have memory space "sram" or "ext", got memref<4xi8>}}
  %a = "npu_mem.alloc"() : () -> memref<4xi8>
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op expects alignment to be a power of two, got 48}}
  %a = "npu_mem.alloc"() {alignment = 48} : () -> memref<4xi8, "sram">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op expects offset to be a multiple of alignment 64, got 100}}
  %a = "npu_mem.alloc"() {alignment = 64, offset = 100} : () -> memref<4xi8, "sram">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_mem.alloc' op expects attribute 'offset' to be an integer, got "zero"}}
  %a = "npu_mem.alloc"() {offset = "zero"} : () -> memref<4xi8, "sram">
  return
}

// -----

"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "ext">} : () -> ()
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<4xi8, "ext">
  // expected-error @below {{'npu_mem.dealloc' op expects a buffer produced by 'npu_mem.alloc'}}
  "npu_mem.dealloc"(%x) : (memref<4xi8, "ext">) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_mem.dealloc' op expects a buffer to be deallocated once, got 2 deallocs}}
  "npu_mem.dealloc"(%a) : (memref<4xi8, "sram">) -> ()
  // expected-error @below {{'npu_mem.dealloc' op expects a buffer to be deallocated once, got 2 deallocs}}
  "npu_mem.dealloc"(%a) : (memref<4xi8, "sram">) -> ()
  return
}

// -----

"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<64xi8, "ext">} : () -> ()
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<64xi8, "ext">
  // expected-error @below {{'npu_mem.view' op expects the result in the source's memory space "ext", got "sram"}}
  %v = "npu_mem.view"(%x) {byte_offset = 0} : (memref<64xi8, "ext">) -> memref<16xi8, "sram">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.view' op expects byte_offset to be a multiple of the result element size 4, got 2}}
  %v = "npu_mem.view"(%a) {byte_offset = 2} : (memref<64xi8, "sram">) -> memref<4xi32, "sram">
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.view' op expects bytes [48, 80) inside the 64-byte source}}
  %v = "npu_mem.view"(%a) {byte_offset = 48} : (memref<64xi8, "sram">) -> memref<8xi32, "sram">
  return
}

// -----

"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<64xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<64xi8, "ext">} : () -> ()
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<64xi8, "ext">
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<64xi8, "ext">
  // expected-error @below {{'npu_mem.dma_start' op expects a copy ext->sram, sram->ext or sram->sram, got ext->ext}}
  %t = "npu_mem.dma_start"(%x, %y) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<64xi8, "ext">, memref<64xi8, "ext">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xf8E4M3FN, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects equal element types (a DMA does not convert), got i8 and f8E4M3FN}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<64xi8, "sram">, memref<64xf8E4M3FN, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects both patterns to move the same number of elements, got 32 (src_sizes [4, 8]) and 64 (dst_sizes [64])}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 4, 8>, src_strides = array<i64: 8, 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<8x8xi8, "sram">, memref<64xi8, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects the src pattern inside its 64-element buffer, but it reaches element 71}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 8, src_sizes = array<i64: 8, 8>, src_strides = array<i64: 8, 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<8x8xi8, "sram">, memref<64xi8, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects dst_sizes and dst_strides of one non-zero length, got 1 and 2}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1, 1>} : (memref<8x8xi8, "sram">, memref<64xi8, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects every value of src_sizes >= 1, got [0, 8]}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 0, 8>, src_strides = array<i64: 8, 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<8x8xi8, "sram">, memref<64xi8, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects the target pattern to write each element once, got dst_sizes [8, 8] and dst_strides [4, 1]}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 8, 8>, dst_strides = array<i64: 4, 1>} : (memref<8x8xi8, "sram">, memref<64xi8, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8x8xi4, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xi4, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects the src pattern to move whole bytes of i4 data (even offset, outer strides and innermost size, innermost stride 1)}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 1, src_sizes = array<i64: 4>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 4>, dst_strides = array<i64: 1>} : (memref<8x8xi4, "sram">, memref<64xi4, "sram">) -> !npu_mem.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{'npu_mem.dma_start' op expects its token to be waited for once, got 2 waits}}
  %t = "npu_mem.dma_start"(%a, %b) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<64xi8, "sram">, memref<64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  return
}

// -----

func.func @not_a_program(%t: !npu_mem.token) {
  // expected-error @below {{'npu_mem.dma_wait' op expects to be inside an npu_pe program (a func.func with npu_pe.pe)}}
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  // expected-error @below {{expected base type 'npu_mem.token' but got 'builtin.memref'}}
  "npu_mem.dma_wait"(%a) : (memref<64xi8, "sram">) -> ()
  return
}

// -----

// expected-error @below {{'npu_mem.global' op expects value of shape [8] and element type i8, got tensor<4xi8>}}
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<8xi8, "ext">, value = dense_resource<w_blob> : tensor<4xi8>} : () -> ()

{-#
  dialect_resources: {
    builtin: {
      w_blob: "0x0100000001020304"
    }
  }
#-}

// -----

// expected-error @below {{'npu_mem.global' op expects value to be dense or dense_resource elements, got [1, 2]}}
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<2xi8, "ext">, value = [1, 2]} : () -> ()
