// Every instruction of the ISA at least once, allocated, for datacenter-hbm
// (which has NoC multicast): PE (0, 0) loads an int4 weight and a bf16 input,
// computes with every npu_pe op, sends, multicasts and signals; PEs (0, 1) and
// (1, 1) receive, wait on a semaphore and meet at a barrier.
module attributes {npu_pe.target = "datacenter-hbm"} {
  "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4x8xbf16, "ext">, address = 0} : () -> ()
  "npu_mem.global"() {sym_name = "w4", kind = "weight", type = memref<8x4xi4, "ext">, address = 64, value = dense<[[1, -2, 3, -4], [5, -6, 7, -8], [0, 1, 2, 3], [4, 5, 6, 7], [-1, -2, -3, -4], [-5, -6, -7, -8], [1, 1, 1, 1], [2, 2, 2, 2]]> : tensor<8x4xi4>} : () -> ()
  "npu_mem.global"() {sym_name = "lut", kind = "weight", type = memref<256xi8, "ext">, address = 128, value = dense<7> : tensor<256xi8>} : () -> ()
  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<32xi8, "ext">, address = 384} : () -> ()
  "npu_mem.global"() {sym_name = "tmp", kind = "scratch", type = memref<64xf32, "ext">, address = 448} : () -> ()

  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    %x = "npu_mem.get_global"() {name = @x} : () -> memref<4x8xbf16, "ext">
    %w = "npu_mem.get_global"() {name = @w4} : () -> memref<8x4xi4, "ext">
    %lut = "npu_mem.get_global"() {name = @lut} : () -> memref<256xi8, "ext">
    %y = "npu_mem.get_global"() {name = @y} : () -> memref<32xi8, "ext">
    %xs = "npu_mem.alloc"() {offset = 0, alignment = 64} : () -> memref<4x8xbf16, "sram">
    %ws = "npu_mem.alloc"() {offset = 64} : () -> memref<8x4xi4, "sram">
    %ls = "npu_mem.alloc"() {offset = 128} : () -> memref<256xi8, "sram">
    %t0 = "npu_mem.dma_start"(%x, %xs) {src_offset = 0, src_sizes = array<i64: 4, 8>, src_strides = array<i64: 8, 1>, dst_offset = 0, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<4x8xbf16, "ext">, memref<4x8xbf16, "sram">) -> !npu_mem.token
    %t1 = "npu_mem.dma_start"(%w, %ws) {src_offset = 0, src_sizes = array<i64: 32>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<8x4xi4, "ext">, memref<8x4xi4, "sram">) -> !npu_mem.token
    %t2 = "npu_mem.dma_start"(%lut, %ls) {src_offset = 0, src_sizes = array<i64: 256>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 256>, dst_strides = array<i64: 1>} : (memref<256xi8, "ext">, memref<256xi8, "sram">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t0, %t1, %t2) : (!npu_mem.token, !npu_mem.token, !npu_mem.token) -> ()
    // float path: transpose, matmul, elementwise, reduce, clamp, im2col
    %xt = "npu_mem.alloc"() {offset = 384} : () -> memref<8x4xbf16, "sram">
    "npu_pe.transpose"(%xs, %xt) {perm = array<i64: 1, 0>} : (memref<4x8xbf16, "sram">, memref<8x4xbf16, "sram">) -> ()
    %acc = "npu_mem.alloc"() {offset = 448} : () -> memref<4x4xf32, "sram">
    "npu_pe.matmul"(%xs, %xt, %acc) {accumulate = false} : (memref<4x8xbf16, "sram">, memref<8x4xbf16, "sram">, memref<4x4xf32, "sram">) -> ()
    "npu_pe.matmul"(%xs, %xt, %acc) {accumulate = true, unit = "vector"} : (memref<4x8xbf16, "sram">, memref<8x4xbf16, "sram">, memref<4x4xf32, "sram">) -> ()
    %row = "npu_mem.alloc"() {offset = 512} : () -> memref<4x1xf32, "sram">
    "npu_pe.reduce"(%acc, %row) {kind = "max", axis = 1} : (memref<4x4xf32, "sram">, memref<4x1xf32, "sram">) -> ()
    "npu_pe.binary"(%acc, %row, %acc) {kind = "sub"} : (memref<4x4xf32, "sram">, memref<4x1xf32, "sram">, memref<4x4xf32, "sram">) -> ()
    "npu_pe.unary"(%acc, %acc) {kind = "exp"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
    "npu_pe.clamp"(%acc, %acc) {min = 0.0 : f32, max = 6.0 : f32} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
    %img = "npu_mem.view"(%acc) {byte_offset = 0} : (memref<4x4xf32, "sram">) -> memref<2x2x4xf32, "sram">
    %cols = "npu_mem.alloc"() {offset = 576} : () -> memref<4x16xf32, "sram">
    "npu_pe.im2col"(%img, %cols) {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>, pad_value = 0.0 : f32} : (memref<2x2x4xf32, "sram">, memref<4x16xf32, "sram">) -> ()
    // integer path: int4 matmul with zero points, rescale, table, cast, fill
    %a4 = "npu_mem.alloc"() {offset = 832} : () -> memref<4x8xi4, "sram">
    "npu_pe.fill"(%a4) {value = -3 : i4} : (memref<4x8xi4, "sram">) -> ()
    %i32 = "npu_mem.alloc"() {offset = 896} : () -> memref<4x4xi32, "sram">
    "npu_pe.matmul"(%a4, %ws, %i32) {accumulate = false, a_zp = 1, b_zp = -2} : (memref<4x8xi4, "sram">, memref<8x4xi4, "sram">, memref<4x4xi32, "sram">) -> ()
    %q = "npu_mem.alloc"() {offset = 960} : () -> memref<4x4xi8, "sram">
    "npu_pe.rescale"(%i32, %q) {multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i8: 31, 32, 33, 34>, input_zp = 0, output_zp = -5, rounding = "single_round"} : (memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
    // fixed-point steps of the integer softmax / layer norm: mul_shift, clz, per-element shifts
    "npu_pe.mul_shift"(%i32, %i32, %i32) {shift = 3} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
    "npu_pe.unary"(%i32, %i32) {kind = "clz"} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
    "npu_pe.binary"(%i32, %i32, %i32) {kind = "ashr_round"} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">, memref<4x4xi32, "sram">) -> ()
    // comparisons into an i8 mask, select, and a rounding kind (format 1.2)
    "npu_pe.compare"(%i32, %i32, %q) {kind = "ge"} : (memref<4x4xi32, "sram">, memref<4x4xi32, "sram">, memref<4x4xi8, "sram">) -> ()
    "npu_pe.select"(%q, %acc, %row, %acc) : (memref<4x4xi8, "sram">, memref<4x4xf32, "sram">, memref<4x1xf32, "sram">, memref<4x4xf32, "sram">) -> ()
    "npu_pe.unary"(%acc, %acc) {kind = "round"} : (memref<4x4xf32, "sram">, memref<4x4xf32, "sram">) -> ()
    %o = "npu_mem.alloc"() {offset = 1024} : () -> memref<32xi8, "sram">
    %o0 = "npu_mem.view"(%o) {byte_offset = 0} : (memref<32xi8, "sram">) -> memref<4x4xi8, "sram">
    "npu_pe.table"(%q, %ls, %o0) : (memref<4x4xi8, "sram">, memref<256xi8, "sram">, memref<4x4xi8, "sram">) -> ()
    %o1 = "npu_mem.view"(%o) {byte_offset = 16} : (memref<32xi8, "sram">) -> memref<16xi8, "sram">
    %f = "npu_mem.view"(%acc) {byte_offset = 0} : (memref<4x4xf32, "sram">) -> memref<16xf32, "sram">
    "npu_pe.cast"(%f, %o1) : (memref<16xf32, "sram">, memref<16xi8, "sram">) -> ()
    %to = "npu_mem.dma_start"(%o, %y) {src_offset = 0, src_sizes = array<i64: 32>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<32xi8, "sram">, memref<32xi8, "ext">) -> !npu_mem.token
    // network: a send east, a multicast to (0, 1) and (1, 1), a semaphore signal
    %s0 = "npu_noc.send"(%q) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 7} : (memref<4x4xi8, "sram">) -> !npu_noc.token
    %s1 = "npu_noc.multicast"(%row) {dsts = array<i64: 0, 1, 1, 1>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 0, 1, 1, 1>], tag = 3} : (memref<4x1xf32, "sram">) -> !npu_noc.token
    "npu_noc.wait"(%s0, %s1) : (!npu_noc.token, !npu_noc.token) -> ()
    "npu_noc.sem_signal"() {pe = array<i64: 1, 1>, id = 0, count = 1, route = array<i64: 0, 0, 1, 0, 1, 1>} : () -> ()
    "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1, 1, 1>} : () -> ()
    "npu_mem.dma_wait"(%to) : (!npu_mem.token) -> ()
    "npu_mem.dealloc"(%cols) : (memref<4x16xf32, "sram">) -> ()
    return
  }

  func.func @pe_0_1() attributes {npu_pe.pe = array<i64: 0, 1>} {
    %r = "npu_mem.alloc"() {offset = 0} : () -> memref<16xi8, "sram">
    %m = "npu_mem.alloc"() {offset = 64} : () -> memref<4xf32, "sram">
    %t = "npu_noc.recv"(%r) {src = array<i64: 0, 0>, tag = 7} : (memref<16xi8, "sram">) -> !npu_noc.token
    %u = "npu_noc.recv"(%m) {src = array<i64: 0, 0>, tag = 3} : (memref<4xf32, "sram">) -> !npu_noc.token
    "npu_noc.wait"(%t, %u) : (!npu_noc.token, !npu_noc.token) -> ()
    "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1, 1, 1>} : () -> ()
    "npu_noc.wait"() : () -> ()
    "npu_mem.dma_wait"() : () -> ()
    return
  }

  func.func @pe_1_1() attributes {npu_pe.pe = array<i64: 1, 1>} {
    %s = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
    %m = "npu_mem.alloc"() {offset = 0} : () -> memref<4x1xf32, "sram">
    %u = "npu_noc.recv"(%m) {src = array<i64: 0, 0>, tag = 3} : (memref<4x1xf32, "sram">) -> !npu_noc.token
    "npu_noc.sem_wait"(%s) {count = 1} : (!npu_noc.sem) -> ()
    "npu_noc.wait"(%u) : (!npu_noc.token) -> ()
    "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1, 1, 1>} : () -> ()
    return
  }
}
