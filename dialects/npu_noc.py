"""Python verifiers for npu_noc: routes, PEs, matching transfers, semaphores, barriers.

Per op: buffers are in SRAM, PEs are inside the mesh, routes start at this PE,
end at the destination and step between adjacent PEs (checked against the
target's mesh when `--target` is given), multicast needs `noc.multicast`.
Across programs (through `level4.module_index`): the k-th send from P to Q
with tag t meets the k-th recv on Q from P with tag t and carries the same
element type and count; a signalled semaphore is declared by its PE; all
members of a barrier group run matching barriers.
"""

from __future__ import annotations

from mlir import ir

from npu.dialects.level4 import (
    Coord, buffer, coord_attr, coords_attr, fmt, int_attr, module_index, pe_of, route_attr,
)
from npu.ir.verify import VerifyEnv, verifier


def _has_program(op: ir.Operation, env: VerifyEnv, pe: Coord, role: str) -> bool:
    if not module_index(op, env).programs.get(pe):
        env.error(op, f"expects {role} PE {fmt(pe)} to run a program")
        return False
    return True


def _check_match(op: ir.Operation, env: VerifyEnv, src: Coord, dst: Coord, tag: int, sending: bool) -> None:
    """The k-th sender of stream (src, dst, tag) meets the k-th receiver with the same data size."""
    index = module_index(op, env)
    sends, recvs = index.sends.get((src, dst, tag), []), index.recvs.get((src, dst, tag), [])
    k = index.position[(f"send{dst}" if sending else "recv", op)]
    counts = f"{len(sends)} sends, {len(recvs)} recvs"
    if sending and k >= len(recvs):
        env.error(op, f"expects a matching 'npu_noc.recv' on PE {fmt(dst)} from {fmt(src)} with tag {tag} "
                      f"({counts})")
        return
    if not sending:
        if k >= len(sends):
            env.error(op, f"expects a matching 'npu_noc.send' from PE {fmt(src)} to {fmt(dst)} with tag {tag} "
                          f"({counts})")
        return
    mine, theirs = op.operands[0].type, recvs[k].operands[0].type
    if not (isinstance(theirs, ir.MemRefType) and isinstance(mine, ir.MemRefType)):
        return
    if mine.element_type != theirs.element_type or _numel(mine) != _numel(theirs):
        env.error(op, f"expects the matching recv on PE {fmt(dst)} (tag {tag}) to have the same element type "
                      f"and count, got {mine} and {theirs}")


def _numel(t: ir.MemRefType) -> int:
    n = 1
    for d in t.shape:
        n *= d
    return n


@verifier("npu_noc.send")
def _verify_send(op: ir.Operation, env: VerifyEnv) -> None:
    here = pe_of(op, env)
    if here is None or buffer(op, env, op.operands[0], "the buffer", space="sram") is None:
        return
    if not _waited_once(op, env):
        return
    dst = coord_attr(op, env, "dst")
    tag = int_attr(op, env, "tag", minimum=0)
    if dst is None or tag is None:
        return
    if dst == here:
        env.error(op, f"expects dst to be another PE than {fmt(here)} (copy within a PE with 'npu_mem.dma_start')")
        return
    if route_attr(op, env, "route", here, dst) is None or not _has_program(op, env, dst, "destination"):
        return
    _check_match(op, env, here, dst, tag, sending=True)


@verifier("npu_noc.recv")
def _verify_recv(op: ir.Operation, env: VerifyEnv) -> None:
    here = pe_of(op, env)
    if here is None or buffer(op, env, op.operands[0], "the buffer", space="sram") is None:
        return
    if not _waited_once(op, env):
        return
    src = coord_attr(op, env, "src")
    tag = int_attr(op, env, "tag", minimum=0)
    if src is None or tag is None:
        return
    if src == here:
        env.error(op, f"expects src to be another PE than {fmt(here)}")
        return
    if _has_program(op, env, src, "source"):
        _check_match(op, env, src, here, tag, sending=False)


@verifier("npu_noc.multicast")
def _verify_multicast(op: ir.Operation, env: VerifyEnv) -> None:
    here = pe_of(op, env)
    if here is None or buffer(op, env, op.operands[0], "the buffer", space="sram") is None:
        return
    if not _waited_once(op, env):
        return
    if env.target is not None and not env.target.noc.multicast:
        env.error(op, f"expects a target with NoC multicast, '{env.target.chip.name}' has noc.multicast = false")
        return
    dsts = coords_attr(op, env, "dsts")
    tag = int_attr(op, env, "tag", minimum=0)
    if dsts is None or tag is None:
        return
    if here in dsts:
        env.error(op, f"expects dsts to exclude the sending PE {fmt(here)}")
        return
    routes = op.attributes["routes"]
    if len(routes) != len(dsts):
        env.error(op, f"expects one route per destination, got {len(routes)} routes for {len(dsts)} dsts")
        return
    predecessor: dict[Coord, Coord] = {}
    for i, dst in enumerate(dsts):
        hops = route_attr(op, env, f"routes[{i}]", here, dst, attr=routes[i])
        if hops is None:
            return
        for a, b in zip(hops, hops[1:]):
            if predecessor.setdefault(b, a) != a:
                env.error(op, f"expects the routes to form a tree, but PE {fmt(b)} is reached from "
                              f"{fmt(predecessor[b])} and from {fmt(a)}")
                return
    for dst in dsts:
        if not _has_program(op, env, dst, "destination"):
            return
        _check_match(op, env, here, dst, tag, sending=True)


@verifier("npu_noc.wait")
def _verify_wait(op: ir.Operation, env: VerifyEnv) -> None:
    pe_of(op, env)


def _waited_once(op: ir.Operation, env: VerifyEnv) -> bool:
    waits = module_index(op, env).waits.get(op.results[0], 0)
    if waits > 1:
        env.error(op, f"expects its token to be waited for once, got {waits} waits")
        return False
    return True


@verifier("npu_noc.semaphore")
def _verify_semaphore(op: ir.Operation, env: VerifyEnv) -> None:
    here = pe_of(op, env)
    sem_id = int_attr(op, env, "id", minimum=0)
    init = int_attr(op, env, "init", minimum=0)
    if here is None or sem_id is None or init is None:
        return
    if module_index(op, env).semaphores[(here, sem_id)][0] != op:
        env.error(op, f"expects a unique id per PE, semaphore {sem_id} of PE {fmt(here)} is declared twice")


@verifier("npu_noc.sem_signal")
def _verify_sem_signal(op: ir.Operation, env: VerifyEnv) -> None:
    here = pe_of(op, env)
    if here is None:
        return
    pe = coord_attr(op, env, "pe")
    sem_id = int_attr(op, env, "id", minimum=0)
    count = int_attr(op, env, "count", minimum=1)
    if pe is None or sem_id is None or count is None:
        return
    if route_attr(op, env, "route", here, pe) is None or not _has_program(op, env, pe, "signalled"):
        return
    if not module_index(op, env).semaphores.get((pe, sem_id)):
        env.error(op, f"expects PE {fmt(pe)} to declare semaphore {sem_id} ('npu_noc.semaphore')")


@verifier("npu_noc.sem_wait")
def _verify_sem_wait(op: ir.Operation, env: VerifyEnv) -> None:
    if pe_of(op, env) is not None:
        int_attr(op, env, "count", minimum=1)


@verifier("npu_noc.barrier")
def _verify_barrier(op: ir.Operation, env: VerifyEnv) -> None:
    here = pe_of(op, env)
    bar_id = int_attr(op, env, "id", minimum=0)
    if here is None or bar_id is None:
        return
    group = coords_attr(op, env, "pes")
    if group is None:
        return
    if here not in group:
        env.error(op, f"expects pes to include this PE {fmt(here)}")
        return
    index = module_index(op, env)
    mine = index.barriers[(here, bar_id)]
    for pe in group:
        if pe == here or not _has_program(op, env, pe, "member"):
            continue
        theirs = index.barriers.get((pe, bar_id), [])
        if len(theirs) != len(mine):
            env.error(op, f"expects PE {fmt(pe)} to run barrier {bar_id} as often as PE {fmt(here)}, "
                          f"got {len(theirs)} and {len(mine)}")
            return
        k = index.position[("barrier", op)]
        if set(_group(theirs[k])) != set(group):
            env.error(op, f"expects barrier {bar_id} of PE {fmt(pe)} to have the same group")
            return


def _group(op: ir.Operation) -> list[Coord]:
    attr = op.attributes["pes"]
    values = [int(v) for v in attr] if isinstance(attr, ir.DenseI64ArrayAttr) else []
    return [(values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]
