// A level-4 module before npu-alloc-sram: the encoder must refuse it.
module attributes {npu_pe.target = "edge-lpddr"} {
  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<16xi8, "ext">, address = 0} : () -> ()
  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    %y = "npu_mem.get_global"() {name = @y} : () -> memref<16xi8, "ext">
    %a = "npu_mem.alloc"() : () -> memref<16xi8, "sram">
    "npu_pe.fill"(%a) {value = 1 : i8} : (memref<16xi8, "sram">) -> ()
    %t = "npu_mem.dma_start"(%a, %y) {src_offset = 0, src_sizes = array<i64: 16>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 16>, dst_strides = array<i64: 1>} : (memref<16xi8, "sram">, memref<16xi8, "ext">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
    return
  }
}
