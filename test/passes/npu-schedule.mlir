// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-schedule --npu-check-races | FileCheck %s
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-schedule="fill=0.0" --npu-check-races | FileCheck %s --check-prefix=NOFILL
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-schedule --npu-alloc-sram --npu-check-races | FileCheck %s --check-prefix=ALLOC
// RUN: not npu-opt %s --split-input-file --npu-schedule 2>&1 | FileCheck %s --check-prefix=NOTARGET
// NOTARGET: error: pass 'npu-schedule' needs a target (use --target=PRESET|FILE)

// Two tiles, loaded, multiplied and stored one after the other. The load of
// tile 1 is hoisted above the compute of tile 0 (prefetch), each wait sinks
// to just before the op that needs it, and the two store waits end up merged.
// CHECK-LABEL: func.func @tiles
// CHECK:      %[[TW:.*]] = "npu_mem.dma_start"(%{{.*}}, %[[WB:.*]]) {{.*}}src_offset = 0 : i64
// CHECK-NEXT: %[[X:.*]] = "npu_mem.get_global"() {name = @x}
// CHECK-NEXT: %[[A0:.*]] = "npu_mem.alloc"()
// CHECK-NEXT: %[[T0:.*]] = "npu_mem.dma_start"(%[[X]], %[[A0]]) {{.*}}src_offset = 0 : i64
// CHECK-NEXT: %[[A1:.*]] = "npu_mem.alloc"()
// CHECK-NEXT: %[[T1:.*]] = "npu_mem.dma_start"(%[[X]], %[[A1]]) {{.*}}src_offset = 1024 : i64
// CHECK-NEXT: "npu_mem.dma_wait"(%[[TW]], %[[T0]])
// CHECK-NEXT: %[[C0:.*]] = "npu_mem.alloc"()
// CHECK-NEXT: "npu_pe.matmul"(%[[A0]], %[[WB]], %[[C0]]) {accumulate = false}
// CHECK-NEXT: %[[Y:.*]] = "npu_mem.get_global"() {name = @y}
// CHECK-NEXT: %[[S0:.*]] = "npu_mem.dma_start"(%[[C0]], %[[Y]])
// CHECK-NEXT: "npu_mem.dma_wait"(%[[T1]])
// CHECK-NEXT: %[[C1:.*]] = "npu_mem.alloc"()
// CHECK-NEXT: "npu_pe.matmul"(%[[A1]], %[[WB]], %[[C1]]) {accumulate = false}
// CHECK-NEXT: %[[S1:.*]] = "npu_mem.dma_start"(%[[C1]], %[[Y]])
// CHECK-NEXT: "npu_mem.dma_wait"(%[[S0]], %[[S1]])
// With no room for prefetch (fill=0) the loads stay where they were; waits still sink.
// NOFILL-LABEL: func.func @tiles
// NOFILL: "npu_pe.matmul"
// NOFILL: "npu_mem.dma_start"(%{{.*}}) {{.*}}src_offset = 1024 : i64
// NOFILL: "npu_pe.matmul"
// Scheduling before allocation keeps both input tiles live at once: distinct bytes.
// ALLOC-LABEL: func.func @tiles
// ALLOC-DAG: "npu_mem.alloc"() {alignment = 16 : i64, offset = [[O0:[0-9]+]] : i64} : () -> memref<16x64xi8, "sram">
// ALLOC-DAG: "npu_mem.alloc"() {alignment = 16 : i64, offset = [[O1:[0-9]+]] : i64} : () -> memref<16x64xi8, "sram">
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<32x64xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<64x8xi8, "ext">, value = dense<1> : tensor<64x8xi8>} : () -> ()
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<32x8xi32, "ext">} : () -> ()
func.func @tiles() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<32x64xi8, "ext">
  %w = "npu_mem.get_global"() {name = @w} : () -> memref<64x8xi8, "ext">
  %y = "npu_mem.get_global"() {name = @y} : () -> memref<32x8xi32, "ext">
  %wb = "npu_mem.alloc"() : () -> memref<64x8xi8, "sram">
  %c0 = "npu_mem.alloc"() : () -> memref<16x8xi32, "sram">
  %c1 = "npu_mem.alloc"() : () -> memref<16x8xi32, "sram">
  %tw = "npu_mem.dma_start"(%w, %wb) {src_offset = 0, src_sizes = array<i64: 512>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 512>, dst_strides = array<i64: 1>} : (memref<64x8xi8, "ext">, memref<64x8xi8, "sram">) -> !npu_mem.token
  %a0 = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %t0 = "npu_mem.dma_start"(%x, %a0) {src_offset = 0, src_sizes = array<i64: 1024>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 1024>, dst_strides = array<i64: 1>} : (memref<32x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%tw, %t0) : (!npu_mem.token, !npu_mem.token) -> ()
  "npu_pe.matmul"(%a0, %wb, %c0) {accumulate = false} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
  %s0 = "npu_mem.dma_start"(%c0, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi32, "sram">, memref<32x8xi32, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%s0) : (!npu_mem.token) -> ()
  %a1 = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
  %t1 = "npu_mem.dma_start"(%x, %a1) {src_offset = 1024, src_sizes = array<i64: 1024>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 1024>, dst_strides = array<i64: 1>} : (memref<32x64xi8, "ext">, memref<16x64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t1) : (!npu_mem.token) -> ()
  "npu_pe.matmul"(%a1, %wb, %c1) {accumulate = false} : (memref<16x64xi8, "sram">, memref<64x8xi8, "sram">, memref<16x8xi32, "sram">) -> ()
  %s1 = "npu_mem.dma_start"(%c1, %y) {src_offset = 0, src_sizes = array<i64: 128>, src_strides = array<i64: 1>, dst_offset = 128, dst_sizes = array<i64: 128>, dst_strides = array<i64: 1>} : (memref<16x8xi32, "sram">, memref<32x8xi32, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%s1) : (!npu_mem.token) -> ()
  return
}

// -----

// After allocation the bytes decide: tile 1 is loaded into the same SRAM bytes
// as tile 0, so its load cannot move above the matmul reading tile 0; the
// load into other bytes (b) can.
// CHECK-LABEL: func.func @same_bytes
// CHECK:      "npu_mem.dma_start"(%{{.*}}, %[[B:.*]]) {{.*}} : (memref<64xi8, "ext">, memref<64xi8, "sram">)
// CHECK:      "npu_pe.unary"(%[[A0:.*]], %{{.*}}) {kind = "relu"}
// CHECK-NEXT: %[[A1:.*]] = "npu_mem.alloc"() {offset = 0 : i64}
// CHECK-NEXT: "npu_mem.dma_start"(%{{.*}}, %[[A1]]) {{.*}}src_offset = 64 : i64
// CHECK:      "npu_pe.unary"(%[[A1]], %{{.*}}) {kind = "relu"}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<128xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "u", kind = "input", type = memref<64xi8, "ext">} : () -> ()
func.func @same_bytes() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<128xi8, "ext">
  %u = "npu_mem.get_global"() {name = @u} : () -> memref<64xi8, "ext">
  %o = "npu_mem.alloc"() {offset = 1024} : () -> memref<64xi8, "sram">
  %a0 = "npu_mem.alloc"() {offset = 0} : () -> memref<64xi8, "sram">
  %t0 = "npu_mem.dma_start"(%x, %a0) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<128xi8, "ext">, memref<64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t0) : (!npu_mem.token) -> ()
  "npu_pe.unary"(%a0, %o) {kind = "relu"} : (memref<64xi8, "sram">, memref<64xi8, "sram">) -> ()
  %a1 = "npu_mem.alloc"() {offset = 0} : () -> memref<64xi8, "sram">
  %t1 = "npu_mem.dma_start"(%x, %a1) {src_offset = 64, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<128xi8, "ext">, memref<64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t1) : (!npu_mem.token) -> ()
  "npu_pe.unary"(%a1, %o) {kind = "relu"} : (memref<64xi8, "sram">, memref<64xi8, "sram">) -> ()
  %b = "npu_mem.alloc"() {offset = 512} : () -> memref<64xi8, "sram">
  %t2 = "npu_mem.dma_start"(%u, %b) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<64xi8, "ext">, memref<64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%t2) : (!npu_mem.token) -> ()
  "npu_pe.binary"(%b, %o, %o) {kind = "add"} : (memref<64xi8, "sram">, memref<64xi8, "sram">, memref<64xi8, "sram">) -> ()
  return
}

// -----

// Synchronization pins ext accesses to written globals: the read of scratch
// @s stays below the barrier that orders it after the other PE's write, while
// the weight load moves above the barrier. The noc.wait of the recv sinks
// below the fill but not below the send: synchronization ops keep their order.
// CHECK-LABEL: func.func @fenced
// CHECK:      "npu_mem.dma_start"(%{{.*}}) {{.*}} : (memref<64xi8, "ext">, memref<64xi8, "sram">)
// CHECK-NEXT: "npu_noc.barrier"
// CHECK-NEXT: "npu_mem.get_global"() {name = @s}
// CHECK-NEXT: "npu_mem.alloc"
// CHECK-NEXT: "npu_mem.dma_start"(%{{.*}}) {{.*}} : (memref<32xi8, "ext">, memref<32xi8, "sram">)
// CHECK:      %[[R:.*]] = "npu_noc.recv"
// CHECK-NEXT: "npu_mem.alloc"
// CHECK-NEXT: "npu_pe.fill"
// CHECK-NEXT: "npu_noc.wait"(%[[R]])
// CHECK-NEXT: "npu_noc.send"
// CHECK-NEXT: "npu_pe.binary"
"npu_mem.global"() {sym_name = "s", kind = "scratch", type = memref<32xi8, "ext">} : () -> ()
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<64xi8, "ext">, value = dense<3> : tensor<64xi8>} : () -> ()
func.func @fenced() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<32xi8, "ext">
  %w = "npu_mem.get_global"() {name = @w} : () -> memref<64xi8, "ext">
  %r = "npu_mem.alloc"() : () -> memref<32xi8, "sram">
  %wb = "npu_mem.alloc"() : () -> memref<64xi8, "sram">
  %m = "npu_mem.alloc"() : () -> memref<32xi8, "sram">
  %f = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %i = "npu_mem.dma_start"(%s, %r) {src_offset = 0, src_sizes = array<i64: 32>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<32xi8, "ext">, memref<32xi8, "sram">) -> !npu_mem.token
  %j = "npu_mem.dma_start"(%w, %wb) {src_offset = 0, src_sizes = array<i64: 64>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 64>, dst_strides = array<i64: 1>} : (memref<64xi8, "ext">, memref<64xi8, "sram">) -> !npu_mem.token
  "npu_mem.dma_wait"(%i, %j) : (!npu_mem.token, !npu_mem.token) -> ()
  %u = "npu_noc.recv"(%m) {src = array<i64: 0, 1>, tag = 0} : (memref<32xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%u) : (!npu_noc.token) -> ()
  "npu_pe.fill"(%f) {value = 0 : i8} : (memref<8xi8, "sram">) -> ()
  %t = "npu_noc.send"(%f) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 1} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_pe.binary"(%m, %r, %r) {kind = "add"} : (memref<32xi8, "sram">, memref<32xi8, "sram">, memref<32xi8, "sram">) -> ()
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
func.func @writer() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %s = "npu_mem.get_global"() {name = @s} : () -> memref<32xi8, "ext">
  %a = "npu_mem.alloc"() : () -> memref<32xi8, "sram">
  %g = "npu_mem.alloc"() : () -> memref<8xi8, "sram">
  "npu_pe.fill"(%a) {value = 1 : i8} : (memref<32xi8, "sram">) -> ()
  %o = "npu_mem.dma_start"(%a, %s) {src_offset = 0, src_sizes = array<i64: 32>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 32>, dst_strides = array<i64: 1>} : (memref<32xi8, "sram">, memref<32xi8, "ext">) -> !npu_mem.token
  "npu_mem.dma_wait"(%o) : (!npu_mem.token) -> ()
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 0>, route = array<i64: 0, 1, 0, 0>, tag = 0} : (memref<32xi8, "sram">) -> !npu_noc.token
  %v = "npu_noc.recv"(%g) {src = array<i64: 0, 0>, tag = 1} : (memref<8xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t, %v) : (!npu_noc.token, !npu_noc.token) -> ()
  return
}
