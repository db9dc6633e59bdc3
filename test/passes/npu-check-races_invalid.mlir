// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-check-races

// Races and deadlocks injected by hand into level-4 programs; each is caught
// at the op that breaks the rule, naming the other op involved.

// Read before completion: the matmul reads the tile the DMA is still loading.
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<16x64xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<64x8xi8, "ext">, value = dense<1> : tensor<64x8xi8>} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<16x64xi8, "ext">
  %w = "npu_mem.get_global"() {name = @w} : () -> memref<64x8xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<64x8xi8, "sram">
  %c = "npu_mem.alloc"() : () -> memref<16x8xi32, "sram">
  %t0 = "npu_mem.dma_start"(%x, %a) {src_offset = 0, src_sizes = array<i64: 1024>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 1024>, dst_strides = array<i64: 1>} : (memref<16x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  %t1 = "npu_mem.dma_start"(%w, %b) {src_offset = 0, src_sizes = array<i64: 512>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 512>, dst_strides = array<i64: 1>} : (memref<64x8xi8, "ext">, memref<64x8xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t1) : (!npu_mem.token) -> ()
  // expected-error @below {{'npu_pe.matmul' op reads bytes [0, 1024) of the SRAM buffer of line 12 before the 'npu_mem.dma_start' (line 15) that writes them completed}}
  "npu_pe.matmul"(%a, %b, %c) {accumulate = false} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
  "npu_mem.dma_wait"(%t0) : (!npu_mem.token) -> ()
  return
}

// -----

// Read before completion, partial: only the second half of the buffer is still loading.
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<16x64xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<16x64xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %lo = "npu_mem.view"(%a) {byte_offset = 0} : (memref<16x64xi8, "sram">) -> memref<8x64xi8, "sram">
  %hi = "npu_mem.view"(%a) {byte_offset = 512} : (memref<16x64xi8, "sram">) -> memref<8x64xi8, "sram">
  %o = "npu_mem.alloc"() : () -> memref<8x64xi8, "sram">
  %t0 = "npu_mem.dma_start"(%x, %a) {src_offset = 0, src_sizes = array<i64: 512>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 512>, dst_strides = array<i64: 1>} : (memref<16x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  %t1 = "npu_mem.dma_start"(%x, %a) {src_offset = 512, src_sizes = array<i64: 512>, src_strides = array<i64: 1>, dst_offset = 512, dst_sizes = array<i64: 512>, dst_strides = array<i64: 1>} : (memref<16x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t0) : (!npu_mem.token) -> ()
  // The first half is complete: no error here.
  "npu_pe.unary"(%lo, %o) {kind = "relu"} : (memref<8x64xi8, "sram">, memref<8x64xi8, "sram">) -> ()
  // expected-error @below {{'npu_pe.unary' op reads bytes [512, 1024) of the SRAM buffer of line 30 before the 'npu_mem.dma_start' (line 35) that writes them completed}}
  "npu_pe.unary"(%hi, %o) {kind = "relu"} : (memref<8x64xi8, "sram">, memref<8x64xi8, "sram">) -> ()
  "npu_mem.dma_wait"(%t1) : (!npu_mem.token) -> ()
  return
}

// -----

// Buffer reused while a send from it is in flight: tile 1 is requantized into
// the buffer tile 0 is still being sent from.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %acc = "npu_mem.alloc"() : () -> memref<16x8xi32, "sram">
  %q = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_pe.fill"(%acc) {value = 0 : i32} : (memref<16x8xi32, "sram">) -> ()
  "npu_pe.rescale"(%acc, %q) {multiplier = array<i32: 1073741824>, shift = array<i8: 36>, input_zp = 0, output_zp = 0, rounding = "double_round"} : (memref<16x8xi32, "sram">, memref<16x8xi8, "sram">) -> ()
  %s0 = "npu_noc.send"(%q) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_pe.rescale' op writes bytes [0, 128) of the SRAM buffer of line 51 while the 'npu_noc.send' (line 54) reading them is in flight}}
  "npu_pe.rescale"(%acc, %q) {multiplier = array<i32: 1073741824>, shift = array<i8: 36>, input_zp = 0, output_zp = 0, rounding = "double_round"} : (memref<16x8xi32, "sram">, memref<16x8xi8, "sram">) -> ()
  %s1 = "npu_noc.send"(%q) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%s0, %s1) : (!npu_noc.token, !npu_noc.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %r0 = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  %r1 = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  %u0 = "npu_noc.recv"(%r0) {src = array<i64: 0, 0>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
  %u1 = "npu_noc.recv"(%r1) {src = array<i64: 0, 0>, tag = 0} : (memref<16x8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%u0, %u1) : (!npu_noc.token, !npu_noc.token) -> ()
  return
}

// -----

// Overwrite while a DMA reads it: the ReLU of the next tile rewrites the
// buffer the store DMA of the previous tile is still reading.
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<32x8xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<32x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<16x8xi8, "sram">) -> ()
  %o0 = "npu_mem.dma_start"(%r, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<32x8xi8, "ext">) -> !npu_mem.token
  // expected-error @below {{'npu_pe.fill' op writes bytes [0, 128) of the SRAM buffer of line 77 while the 'npu_mem.dma_start' (line 79) reading them is in flight}}
  "npu_pe.fill"(%r) {value = 2 : i8} : (memref<16x8xi8, "sram">) -> ()
  %o1 = "npu_mem.dma_start"(%r, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 128, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<32x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o0, %o1) : (!npu_mem.token, !npu_mem.token) -> ()
  return
}

// -----

// Two DMAs in flight into the same bytes (the second before the first was waited).
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<32x64xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<32x64xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %t0 = "npu_mem.dma_start"(%x, %a) {src_offset = 0, src_sizes = array<i64: 1024>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 1024>, dst_strides = array<i64: 1>} : (memref<32x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  // expected-error @below {{'npu_mem.dma_start' op writes bytes [0, 1024) of the SRAM buffer of line 93 while the 'npu_mem.dma_start' (line 94) writing them is in flight}}
  %t1 = "npu_mem.dma_start"(%x, %a) {src_offset = 1024, src_sizes = array<i64: 1024>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 1024>, dst_strides = array<i64: 1>} : (memref<32x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t0, %t1) : (!npu_mem.token, !npu_mem.token) -> ()
  return
}

// -----

// Two DMAs in flight into interleaved columns of one buffer do not overlap: no error.
// A use after dealloc and a dealloc while a send is in flight do.
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<16x64xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<16x64xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %t0 = "npu_mem.dma_start"(%x, %a) {src_offset = 0, src_sizes = array<i64: 16, 32>, src_strides = array<i64: 64, 1>, dst_offset = 0, dst_sizes = array<i64: 16, 32>, dst_strides = array<i64: 64, 1>} : (memref<16x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  %t1 = "npu_mem.dma_start"(%x, %a) {src_offset = 32, src_sizes = array<i64: 16, 32>, src_strides = array<i64: 64, 1>, dst_offset = 32, dst_sizes = array<i64: 16, 32>, dst_strides = array<i64: 64, 1>} : (memref<16x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t0, %t1) : (!npu_mem.token, !npu_mem.token) -> ()
  %s = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<16x64xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_mem.dealloc' op deallocates the SRAM buffer of line 108 while the 'npu_noc.send' (line 112) using it is in flight}}
  "npu_mem.dealloc"(%a) : (memref<16x64xi8, "sram">) -> ()
  // expected-error @below {{'npu_pe.fill' op uses the SRAM buffer of line 108 after its 'npu_mem.dealloc' (line 114)}}
  "npu_pe.fill"(%a) {value = 0 : i8} : (memref<16x64xi8, "sram">) -> ()
  "npu_noc.wait"(%s) : (!npu_noc.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %r = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %u = "npu_noc.recv"(%r) {src = array<i64: 0, 0>, tag = 0} : (memref<16x64xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%u) : (!npu_noc.token) -> ()
  return
}

// -----

// A bad allocation: two buffers live at once placed on overlapping SRAM bytes.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() {offset = 0} : () -> memref<64xi8, "sram">
  %b = "npu_mem.alloc"() {offset = 32} : () -> memref<64xi8, "sram">
  %c = "npu_mem.alloc"() {offset = 128} : () -> memref<64xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<64xi8, "sram">) -> ()
  "npu_pe.fill"(%b) {value = 2 : i8} : (memref<64xi8, "sram">) -> ()
  // expected-error @below {{'npu_pe.binary' op reads bytes [32, 64) of the SRAM buffer of line 131 that 'npu_pe.fill' (line 135) overwrote through the SRAM buffer of line 132 (the two buffers share SRAM bytes while both are live)}}
  "npu_pe.binary"(%a, %b, %c) {kind = "add"} : (memref<64xi8, "sram">, memref<64xi8, "sram">, memref<64xi8, "sram">) -> ()
  return
}

// -----

// An SRAM-to-SRAM DMA between overlapping bytes.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<64xi8, "sram">) -> ()
  // expected-error @below {{'npu_mem.dma_start' op copies between overlapping bytes [16, 32) of the SRAM buffer of line 145}}
  %t = "npu_mem.dma_start"(%a, %a) {src_offset = 0, src_sizes = array<i64: 32>, src_strides = array<i64: 1>, dst_offset = 16, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<64xi8, "sram">, memref<64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
  return
}

// -----

// Two PEs write overlapping rows of the output with nothing ordering them.
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<32x8xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<32x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<16x8xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%r, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<32x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<32x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 2 : i8} : (memref<16x8xi8, "sram">) -> ()
  // expected-error @below {{'npu_mem.dma_start' op writes bytes [120, 128) of @y that PE (0, 0) also writes with 'npu_mem.dma_start' (line 161), and no barrier, semaphore or transfer orders the two}}
  %o = "npu_mem.dma_start"(%r, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 120, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<32x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  return
}

// -----

// Layer 2 on PE (0, 1) reads the scratch tensor layer 1 on PE (0, 0) writes,
// with no barrier in between (a read-after-write race in external memory).
"npu_mem.global"() {sym_name = "s", kind = "scratch", type = memref<16x8xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<16x8xi8, "sram">) -> ()
  // expected-error @below {{'npu_mem.dma_start' op writes bytes [0, 128) of @s that PE (0, 1) also reads with 'npu_mem.dma_start' (line 192), and no barrier, semaphore or transfer orders the two}}
  %o = "npu_mem.dma_start"(%r, %s) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  %i = "npu_mem.dma_start"(%s, %r) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "ext">, memref<16x8xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  return
}

// -----

// Deadlock: each PE waits for the other's data before sending its own.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %r = "npu_noc.recv"(%b) {src = array<i64: 0, 1>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_noc.wait' op deadlocks: PE (0, 0) waits here for the send 'npu_noc.send' (line 218) of (0, 1); cycle of waits (0, 0) -> (0, 1) -> (0, 0)}}
  "npu_noc.wait"(%r) : (!npu_noc.token) -> ()
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<8xi8, "sram">) -> ()
  %s = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%s) : (!npu_noc.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %a = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %r = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_noc.wait' op deadlocks: PE (0, 1) waits here for the send 'npu_noc.send' (line 207) of (0, 0); cycle of waits (0, 0) -> (0, 1) -> (0, 0)}}
  "npu_noc.wait"(%r) : (!npu_noc.token) -> ()
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<8xi8, "sram">) -> ()
  %s = "npu_noc.send"(%a) {dst = array<i64: 0, 0>, route = array<i64: 0, 1, 0, 0>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%s) : (!npu_noc.token) -> ()
  return
}

// -----

// Deadlock: both PEs wait for their sends to complete before posting the recv
// the other needs (a send completes only once its recv is posted).
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<8xi8, "sram">) -> ()
  %s = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 3} : (memref<8xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_noc.wait' op deadlocks: PE (0, 0) waits here for the recv 'npu_noc.recv' (line 245) of (0, 1)}}
  "npu_noc.wait"(%s) : (!npu_noc.token) -> ()
  %r = "npu_noc.recv"(%b) {src = array<i64: 0, 1>, tag = 3} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%r) : (!npu_noc.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %a = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %b = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<8xi8, "sram">) -> ()
  %s = "npu_noc.send"(%a) {dst = array<i64: 0, 0>, route = array<i64: 0, 1, 0, 0>, tag = 3} : (memref<8xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_noc.wait' op deadlocks: PE (0, 1) waits here for the recv 'npu_noc.recv' (line 234) of (0, 0)}}
  "npu_noc.wait"(%s) : (!npu_noc.token) -> ()
  %r = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 3} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%r) : (!npu_noc.token) -> ()
  return
}

// -----

// Deadlock through a barrier: (0, 0) sends only after the barrier, (0, 1)
// reaches the barrier only after receiving.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<8xi8, "sram">) -> ()
  // expected-error @below {{'npu_noc.barrier' op deadlocks: PE (0, 0) waits here for barrier 0 on (0, 1); cycle of waits (0, 0) -> (0, 1) -> (0, 0)}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %s = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%s) : (!npu_noc.token) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %b = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  %r = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 0} : (memref<8xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_noc.wait' op deadlocks: PE (0, 1) waits here for the send 'npu_noc.send' (line 259) of (0, 0)}}
  "npu_noc.wait"(%r) : (!npu_noc.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}

// -----

// Stuck without a cycle: the semaphore is signalled once, the wait needs two.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %sem = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  // expected-error @below {{'npu_noc.sem_wait' op deadlocks: PE (0, 0) waits here for semaphore 0 to reach 2 (holds 1; PEs that may still signal it: none); no PE can proceed}}
  "npu_noc.sem_wait"(%sem) {count = 2} : (!npu_noc.sem) -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  "npu_noc.sem_signal"() {pe = array<i64: 0, 0>, id = 0, count = 1, route = array<i64: 0, 1, 0, 0>} : () -> ()
  return
}

// -----

// Deadlock through semaphores: each PE signals the other only after its own wait.
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %sem = "npu_noc.semaphore"() {id = 1, init = 0} : () -> !npu_noc.sem
  // expected-error @below {{'npu_noc.sem_wait' op deadlocks: PE (0, 0) waits here for semaphore 1 to reach 1 (holds 0; PEs that may still signal it: (0, 1)); cycle of waits (0, 0) -> (0, 1) -> (0, 0)}}
  "npu_noc.sem_wait"(%sem) {count = 1} : (!npu_noc.sem) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 1, count = 1, route = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %sem = "npu_noc.semaphore"() {id = 1, init = 0} : () -> !npu_noc.sem
  // expected-error @below {{'npu_noc.sem_wait' op deadlocks: PE (0, 1) waits here for semaphore 1 to reach 1 (holds 0; PEs that may still signal it: (0, 0)); cycle of waits (0, 0) -> (0, 1) -> (0, 0)}}
  "npu_noc.sem_wait"(%sem) {count = 1} : (!npu_noc.sem) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 0>, id = 1, count = 1, route = array<i64: 0, 1, 0, 0>} : () -> ()
  return
}

// -----

// A semaphore that either of two producers may satisfy orders neither write
// before the consumer's read: the wait needs count 1 and both signal once.
"npu_mem.global"() {sym_name = "s", kind = "scratch", type = memref<16x8xi8, "ext">} : () -> ()
func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 1 : i8} : (memref<8x8xi8, "sram">) -> ()
  // expected-error @below {{'npu_mem.dma_start' op writes bytes [0, 64) of @s that PE (0, 1) also reads with 'npu_mem.dma_start' (line 334)}}
  %o = "npu_mem.dma_start"(%r, %s) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<8x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 0, count = 1, route = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}
func.func @pe_0_2() attributes {npu_pe.pe = array<i64: 0, 2>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<8x8xi8, "sram">
  "npu_pe.fill"(%r) {value = 2 : i8} : (memref<8x8xi8, "sram">) -> ()
  // expected-error @below {{'npu_mem.dma_start' op writes bytes [64, 128) of @s that PE (0, 1) also reads with 'npu_mem.dma_start' (line 334), and no barrier, semaphore or transfer orders the two}}
  %o = "npu_mem.dma_start"(%r, %s) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 64, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<8x8xi8, "sram">, memref<16x8xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 0, count = 1, route = array<i64: 0, 2, 0, 1>} : () -> ()
  return
}
func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %sem = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<16x8xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<16x8xi8, "sram">
  "npu_noc.sem_wait"(%sem) {count = 1} : (!npu_noc.sem) -> ()
  %i = "npu_mem.dma_start"(%s, %r) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi8, "ext">, memref<16x8xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i) : (!npu_mem.token) -> ()
  "npu_noc.sem_wait"(%sem) {count = 1} : (!npu_noc.sem) -> ()
  return
}
