// npu_noc: level 4 (spatial) of the npu toolchain -- the on-chip network.
//
// Moves SRAM buffers between the PE programs of a level-4 module (see npu_pe)
// and synchronizes them. Every op runs inside a PE program, "this PE" below.
//
// **PEs and routes.** A PE is `array<i64: row, col>` (row 0 north, col 0 west,
// as in the target). A route is the list of PEs a packet visits, flattened:
// `array<i64: r0, c0, r1, c1, ..., rn, cn>`, from the sending PE `(r0, c0)` to
// the receiving PE `(rn, cn)`, both included. Consecutive PEs are mesh
// neighbours (one NoC link), no PE appears twice, and every PE is inside the
// mesh of the target when one is given (`npu-opt --target=...`). Routes are
// explicit so that the router pass decides them and the performance model
// charges each link; the router may use `target.xy_route` or anything else
// that is connected.
//
// **Matching.** Transfers are tagged: the k-th `send` (or `multicast`) from PE
// P to PE Q with tag t delivers into the buffer of the k-th `recv` on Q from P
// with tag t (k counted in program order). Matched buffers hold the same
// element type and number of elements; their shapes may differ (the bytes are
// copied in row-major order).
//
// **Asynchrony.** `send`, `recv` and `multicast` return a `!npu_noc.token` at
// once and complete at `npu_noc.wait`: after waiting on a send the buffer may be
// overwritten; after waiting on a recv the data is in the buffer. Until then a
// send's buffer must not be written and a recv's buffer must not be accessed.
//
// **Semaphores and barriers.** Each PE has counting semaphores named by a small
// integer id (declared with `npu_noc.semaphore`); any PE may add to any
// semaphore over the network (`npu_noc.sem_signal`), only the owning PE waits on
// it (`npu_noc.sem_wait`). `npu_noc.barrier` blocks a group of PEs until all
// have reached it.
//
// Every rule stated as "must" is checked by the Python verifiers in
// `npu_noc.py`; the rules that relate two programs (matching send/recv counts
// and types, declared semaphores, barrier groups) are checked across the whole
// module. Produced by: the placement and routing passes. Consumed by: the
// level-4 interpreter and performance model, the binary encoder.

irdl.dialect @npu_noc {
  // Completion handle of an asynchronous network transfer.
  // Produced by `npu_noc.send`, `npu_noc.recv`, `npu_noc.multicast`; consumed
  // by `npu_noc.wait`.
  // Example:
  //   !npu_noc.token
  irdl.type @token {
  }

  // Handle of a semaphore of this PE, for `npu_noc.sem_wait`.
  // Produced by `npu_noc.semaphore`.
  // Example:
  //   !npu_noc.sem
  irdl.type @sem {
  }

  // Send an SRAM buffer to another PE along an explicit route.
  // `dst` is the receiving PE (not this PE), `route` starts at this PE and ends
  // at `dst`, `tag` (i64 >= 0) matches the transfer with an `npu_noc.recv` on
  // `dst` whose `src` is this PE (see Matching). The buffer is `"sram"`.
  // Example:
  //   %t = "npu_noc.send"(%a) {dst = array<i64: 0, 2>, route = array<i64: 0, 0, 0, 1, 0, 2>, tag = 7} : (memref<64x64xi8, "sram">) -> !npu_noc.token
  irdl.operation @send {
    %buf = irdl.base "!builtin.memref"
    %tok = irdl.base @npu_noc::@token
    %dst = irdl.base "#builtin.dense_array"
    %route = irdl.base "#builtin.dense_array"
    %tag = irdl.base "#builtin.integer"
    irdl.operands(buffer: %buf)
    irdl.results(token: %tok)
    irdl.attributes { "dst" = %dst, "route" = %route, "tag" = %tag }
  }

  // Receive into an SRAM buffer the data another PE sends.
  // `src` is the sending PE (not this PE) and `tag` the tag of its
  // `npu_noc.send` or `npu_noc.multicast` (see Matching). The buffer is
  // `"sram"`; its previous contents are overwritten.
  // Example:
  //   %t = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 7} : (memref<64x64xi8, "sram">) -> !npu_noc.token
  irdl.operation @recv {
    %buf = irdl.base "!builtin.memref"
    %tok = irdl.base @npu_noc::@token
    %src = irdl.base "#builtin.dense_array"
    %tag = irdl.base "#builtin.integer"
    irdl.operands(buffer: %buf)
    irdl.results(token: %tok)
    irdl.attributes { "src" = %src, "tag" = %tag }
  }

  // Send one SRAM buffer to several PEs, replicated by the routers.
  // `dsts` lists the receiving PEs flattened (`array<i64: r0, c0, r1, c1, ...>`,
  // distinct, not this PE); `routes` holds one route per destination, in the
  // same order, each from this PE to that destination. The routes form a tree:
  // wherever two routes visit the same PE they arrived through the same
  // predecessor, so every link carries the data once. Each destination posts an
  // `npu_noc.recv` from this PE with `tag`. The target must support multicast
  // (`noc.multicast`).
  // Example:
  //   %t = "npu_noc.multicast"(%a) {dsts = array<i64: 0, 1, 1, 1>, routes = [array<i64: 0, 0, 0, 1>, array<i64: 0, 0, 0, 1, 1, 1>], tag = 3} : (memref<64x64xi8, "sram">) -> !npu_noc.token
  irdl.operation @multicast {
    %buf = irdl.base "!builtin.memref"
    %tok = irdl.base @npu_noc::@token
    %dsts = irdl.base "#builtin.dense_array"
    %routes = irdl.base "#builtin.array"
    %tag = irdl.base "#builtin.integer"
    irdl.operands(buffer: %buf)
    irdl.results(token: %tok)
    irdl.attributes { "dsts" = %dsts, "routes" = %routes, "tag" = %tag }
  }

  // Block until the given transfers have completed.
  // Each token comes from an op of the same program and is waited for at most
  // once. With no operand the op does nothing.
  // Example:
  //   "npu_noc.wait"(%t0, %t1) : (!npu_noc.token, !npu_noc.token) -> ()
  irdl.operation @wait {
    %tok = irdl.base @npu_noc::@token
    irdl.operands(tokens: variadic %tok)
  }

  // Declare semaphore `id` of this PE with initial value `init`.
  // `id` (i64 >= 0) is unique among this PE's semaphores; `init` >= 0. The
  // result is the handle `npu_noc.sem_wait` takes. Semaphores are counters that
  // other PEs increment with `npu_noc.sem_signal`.
  // Example:
  //   %s = "npu_noc.semaphore"() {id = 0, init = 2} : () -> !npu_noc.sem
  irdl.operation @semaphore {
    %sem = irdl.base @npu_noc::@sem
    %id = irdl.base "#builtin.integer"
    %init = irdl.base "#builtin.integer"
    irdl.results(semaphore: %sem)
    irdl.attributes { "id" = %id, "init" = %init }
  }

  // Atomically add `count` to semaphore `id` of PE `pe`.
  // `pe` may be this PE or any other; `route` leads from this PE to `pe` (just
  // this PE when signalling itself). The program of `pe` must declare
  // semaphore `id`; `count` >= 1. The op does not block.
  // Example:
  //   "npu_noc.sem_signal"() {pe = array<i64: 0, 1>, id = 0, count = 1, route = array<i64: 0, 0, 0, 1>} : () -> ()
  irdl.operation @sem_signal {
    %pe = irdl.base "#builtin.dense_array"
    %id = irdl.base "#builtin.integer"
    %count = irdl.base "#builtin.integer"
    %route = irdl.base "#builtin.dense_array"
    irdl.attributes { "pe" = %pe, "id" = %id, "count" = %count, "route" = %route }
  }

  // Block until a semaphore of this PE holds at least `count`, then subtract it.
  // `count` >= 1. The check and the subtraction are one atomic step.
  // Example:
  //   "npu_noc.sem_wait"(%s) {count = 1} : (!npu_noc.sem) -> ()
  irdl.operation @sem_wait {
    %sem = irdl.base @npu_noc::@sem
    %count = irdl.base "#builtin.integer"
    irdl.operands(semaphore: %sem)
    irdl.attributes { "count" = %count }
  }

  // Block until every PE of a group has reached its barrier `id`.
  // `pes` lists the group flattened (distinct PEs, this PE among them). Every
  // PE of the group executes barriers with this `id` and the same group, the
  // same number of times; the k-th such barrier of each PE completes together.
  // Example:
  //   "npu_noc.barrier"() {id = 0, pes = array<i64: 0, 0, 0, 1>} : () -> ()
  irdl.operation @barrier {
    %id = irdl.base "#builtin.integer"
    %pes = irdl.base "#builtin.dense_array"
    irdl.attributes { "id" = %id, "pes" = %pes }
  }
}
