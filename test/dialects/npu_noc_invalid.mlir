// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per npu_noc verifier rule (no target: the mesh is unbounded).

func.func @not_a_program(%a: memref<4xi8, "sram">, %t0: !npu_noc.token) {
  // expected-error @below {{'npu_noc.wait' op expects to be inside an npu_pe program (a func.func with npu_pe.pe)}}
  "npu_noc.wait"(%t0) : (!npu_noc.token) -> ()
  // expected-error @below {{'npu_noc.send' op expects to be inside an npu_pe program (a func.func with npu_pe.pe)}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi8, "ext">} : () -> ()
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %x = "npu_mem.get_global"() {name = @x} : () -> memref<4xi8, "ext">
  // expected-error @below {{'npu_noc.send' op expects the buffer in "sram" memory, got "ext"}}
  %t = "npu_noc.send"(%x) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<4xi8, "ext">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects dst to be another PE than (0, 0) (copy within a PE with 'npu_mem.dma_start')}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 0>, route = array<i64: 0, 0>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects dst to be array<i64: row, col>, got array<i64: 1>}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects dst coordinates >= 0, got (0, -1)}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, -1>, route = array<i64: 0, 0, 0, -1>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects tag >= 0, got -1}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = -1} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects route to start at (0, 0) and end at (0, 2), got (0, 1) to (0, 2)}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 2>, route = array<i64: 0, 1, 0, 2>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects each hop of route between adjacent PEs, got (0, 0) -> (1, 1)}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 1, 1>, route = array<i64: 0, 0, 1, 1>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects route to visit each PE once, got (0, 0), (0, 1), (0, 0), (0, 1)}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1, 0, 0, 0, 1>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects route to be a non-empty array<i64: r0, c0, ..., rn, cn>, got array<i64: 0, 0, 0>}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects destination PE (0, 1) to run a program}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 5} : (memref<4xi8, "sram">) -> !npu_noc.token
  // expected-error @below {{'npu_noc.send' op expects a matching 'npu_noc.recv' on PE (0, 1) from (0, 0) with tag 5 (2 sends, 1 recvs)}}
  %u = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 5} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %b = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 5} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

// The tag must match too: tag 1 has no sender.
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %b = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.recv' op expects a matching 'npu_noc.send' from PE (0, 0) to (0, 1) with tag 1 (0 sends, 1 recvs)}}
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 1} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<2x8xi8, "sram">
  // expected-error @below {{'npu_noc.send' op expects the matching recv on PE (0, 1) (tag 0) to have the same element type and count, got memref<2x8xi8, "sram"> and memref<16xi16, "sram">}}
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 0} : (memref<2x8xi8, "sram">) -> !npu_noc.token
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %b = "npu_mem.alloc"() : () -> memref<16xi16, "sram">
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 0} : (memref<16xi16, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %b = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.recv' op expects src to be another PE than (0, 0)}}
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %b = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.recv' op expects source PE (3, 3) to run a program}}
  %t = "npu_noc.recv"(%b) {src = array<i64: 3, 3>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.multicast' op expects dsts to exclude the sending PE (0, 0)}}
  %t = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 0, 0, 1>, routes = [array<i64: 0, 0>, array<i64: 0, 0, 0, 1>], tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.multicast' op expects distinct PEs in dsts, got (0, 1), (0, 1)}}
  %t = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 1, 0, 1>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 0, 1>], tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.multicast' op expects one route per destination, got 1 routes for 2 dsts}}
  %t = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 1, 1, 0>, routes = [array<i64: 0, 0, 0, 1>], tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.multicast' op expects routes[1] to start at (0, 0) and end at (1, 0), got (0, 0) to (1, 1)}}
  %t = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 1, 1, 0>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 0, 1, 1, 1>], tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

// (1, 1) is reached from (0, 1) by one route and from (1, 0) by the other.
func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.multicast' op expects the routes to form a tree, but PE (1, 1) is reached from (0, 1) and from (1, 0)}}
  %t = "npu_noc.multicast"(%a) {dsts = array<i64: 1, 1, 1, 2>, routes = [array<i64: 0, 0, 0, 1, 1, 1>, array<i64: 0, 0, 1, 0, 1, 1, 1, 2>], tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.multicast' op expects a matching 'npu_noc.recv' on PE (1, 0) from (0, 0) with tag 2 (1 sends, 0 recvs)}}
  %t = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 1, 1, 0>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 1, 0>], tag = 2} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %b = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 2} : (memref<4xi8, "sram">) -> !npu_noc.token
  return
}
func.func @r() attributes {npu_pe.pe = array<i64: 1, 0>} {
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %b = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  // expected-error @below {{'npu_noc.recv' op expects its token to be waited for once, got 2 waits}}
  %t = "npu_noc.recv"(%b) {src = array<i64: 0, 1>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %a = "npu_mem.alloc"() : () -> memref<4xi8, "sram">
  %t = "npu_noc.send"(%a) {dst = array<i64: 0, 0>, route = array<i64: 0, 1, 0, 0>, tag = 0} : (memref<4xi8, "sram">) -> !npu_noc.token
  "npu_noc.wait"(%t) : (!npu_noc.token) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_noc.semaphore"() {id = 1, init = 0} : () -> !npu_noc.sem
  // expected-error @below {{'npu_noc.semaphore' op expects a unique id per PE, semaphore 1 of PE (0, 0) is declared twice}}
  %u = "npu_noc.semaphore"() {id = 1, init = 0} : () -> !npu_noc.sem
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_noc.semaphore' op expects init >= 0, got -1}}
  %s = "npu_noc.semaphore"() {id = 0, init = -1} : () -> !npu_noc.sem
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_noc.sem_signal' op expects PE (0, 1) to declare semaphore 4 ('npu_noc.semaphore')}}
  "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 4, count = 1, route = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  %s = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  // expected-error @below {{'npu_noc.sem_signal' op expects count >= 1, got 0}}
  "npu_noc.sem_signal"() {pe = array<i64: 0, 0>, id = 0, count = 0, route = array<i64: 0, 0>} : () -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  // expected-error @below {{'npu_noc.sem_signal' op expects route to start at (0, 0) and end at (0, 0), got (0, 0) to (0, 1)}}
  "npu_noc.sem_signal"() {pe = array<i64: 0, 0>, id = 0, count = 1, route = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_noc.sem_signal' op expects signalled PE (1, 0) to run a program}}
  "npu_noc.sem_signal"() {pe = array<i64: 1, 0>, id = 0, count = 1, route = array<i64: 0, 0, 1, 0>} : () -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  %s = "npu_noc.semaphore"() {id = 0, init = 0} : () -> !npu_noc.sem
  // expected-error @below {{'npu_noc.sem_wait' op expects count >= 1, got 0}}
  "npu_noc.sem_wait"(%s) {count = 0} : (!npu_noc.sem) -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_noc.barrier' op expects pes to include this PE (0, 0)}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 1, 0, 2>} : () -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_noc.barrier' op expects PE (0, 1) to run barrier 0 as often as PE (0, 0), got 1 and 2}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  // expected-error @below {{'npu_noc.barrier' op expects PE (0, 1) to run barrier 0 as often as PE (0, 0), got 1 and 2}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  // expected-error @below {{'npu_noc.barrier' op expects PE (0, 0) to run barrier 0 as often as PE (0, 1), got 2 and 1}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_noc.barrier' op expects barrier 0 of PE (0, 1) to have the same group}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  return
}
func.func @q() attributes {npu_pe.pe = array<i64: 0, 1>} {
  // expected-error @below {{'npu_noc.barrier' op expects barrier 0 of PE (0, 0) to have the same group}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1, 1, 1>} : () -> ()
  return
}
func.func @r() attributes {npu_pe.pe = array<i64: 1, 1>} {
  // expected-error @below {{'npu_noc.barrier' op expects barrier 0 of PE (0, 0) to have the same group}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1, 1, 1>} : () -> ()
  return
}

// -----

func.func @p() attributes {npu_pe.pe = array<i64: 0, 0>} {
  // expected-error @below {{'npu_noc.barrier' op expects member PE (2, 2) to run a program}}
  "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 2, 2>} : () -> ()
  return
}
