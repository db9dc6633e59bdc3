// Boolean graph I/O at level 4: y = not x for a bool x [2, 8]. Both globals hold i8 masks
// (0 / 1) and record the graph's element type i1 (`element`), so the interpreter, the binary
// (format 1.4 symbol entries) and npu-run take and return numpy bool.
module attributes {npu_pe.target = "edge-lpddr"} {
  "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<2x8xi8, "ext">, element = i1, address = 0} : () -> ()
  "npu_mem.global"() {sym_name = "ones", kind = "weight", type = memref<2x8xi8, "ext">, address = 64, value = dense<1> : tensor<2x8xi8>} : () -> ()
  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<2x8xi8, "ext">, element = i1, address = 128} : () -> ()

  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    %x = "npu_mem.get_global"() {name = @x} : () -> memref<2x8xi8, "ext">
    %o = "npu_mem.get_global"() {name = @ones} : () -> memref<2x8xi8, "ext">
    %y = "npu_mem.get_global"() {name = @y} : () -> memref<2x8xi8, "ext">
    %a = "npu_mem.alloc"() {offset = 0, alignment = 64} : () -> memref<2x8xi8, "sram">
    %b = "npu_mem.alloc"() {offset = 64, alignment = 64} : () -> memref<2x8xi8, "sram">
    %t0 = "npu_mem.dma_start"(%x, %a) {src_offset = 0, src_sizes = array<i64: 16>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 16>, dst_strides = array<i64: 1>} : (memref<2x8xi8, "ext">, memref<2x8xi8, "sram">) -> !npu_mem.token
    %t1 = "npu_mem.dma_start"(%o, %b) {src_offset = 0, src_sizes = array<i64: 16>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 16>, dst_strides = array<i64: 1>} : (memref<2x8xi8, "ext">, memref<2x8xi8, "sram">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t0, %t1) : (!npu_mem.token, !npu_mem.token) -> ()
    "npu_pe.binary"(%a, %b, %a) {kind = "xor"} : (memref<2x8xi8, "sram">, memref<2x8xi8, "sram">, memref<2x8xi8, "sram">) -> ()
    %t2 = "npu_mem.dma_start"(%a, %y) {src_offset = 0, src_sizes = array<i64: 16>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 16>, dst_strides = array<i64: 1>} : (memref<2x8xi8, "sram">, memref<2x8xi8, "ext">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t2) : (!npu_mem.token) -> ()
    "npu_mem.dealloc"(%a) : (memref<2x8xi8, "sram">) -> ()
    "npu_mem.dealloc"(%b) : (memref<2x8xi8, "sram">) -> ()
    return
  }
}
