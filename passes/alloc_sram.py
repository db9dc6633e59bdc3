"""npu-alloc-sram: give every SRAM buffer of every PE program an offset in its PE's SRAM.

Algorithm, per PE program (npu.spatial.alloc_sram does steps 2-3):
1. liveness: a buffer is live from its first access (a write by DMA, recv or
   compute -- or any read) to its last one; an asynchronous access (DMA,
   send, recv) lasts until the wait of its token;
2. alignment: the largest of the alloc's `alignment`, the pass option (0 =
   the target's SRAM bank width, `pe.sram.bank_bytes_per_cycle`) and the
   element size;
3. packing into `pe.sram.bytes`: first-fit over several orders, then a
   bounded exhaustive search (see npu.spatial.alloc_sram);
4. set `offset` and `alignment` on each `npu_mem.alloc`, move each alloc to
   just before its first user and each buffer's `npu_mem.dealloc` (inserted
   when missing) to just after its last use: the dialect says a buffer lives
   from its alloc to its dealloc, so the IR must state the lifetimes the
   packing assumed (two buffers sharing bytes are never both live).

Before:
  %a = "npu_mem.alloc"() : () -> memref<16x64xi8, "sram">
After:
  %a = "npu_mem.alloc"() {alignment = 16 : i64, offset = 1024 : i64} : () -> memref<16x64xi8, "sram">

A program whose buffers cannot fit is a located error at the alloc of the
largest buffer live at the worst point, naming the PE, the sizes and the op:
  'npu_mem.alloc' op does not fit in the SRAM of PE (0, 0): its 393216-byte
  buffer and the others live at 'npu_pe.matmul' (line 40) need 600000 bytes,
  target 'edge-lpddr' has 524288
"""

from dataclasses import dataclass

from mlir import ir

from npu.dialects.level4 import fmt
from npu.ir.pass_base import Pass, PassEnv, PassFailed
from npu.spatial.access import Program, ProgramError, build_programs, where
from npu.spatial.alloc_sram import Packing, first_user, pack, program_items, sram_alignment


@dataclass(frozen=True)
class AllocSramPass(Pass):
    NAME = "npu-alloc-sram"
    SUMMARY = "Pack every SRAM buffer into its PE's SRAM by liveness (offset attribute on npu_mem.alloc)"
    alignment: int = 0

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        target = env.require_target(op, self.NAME)
        try:
            programs = build_programs(op)
        except ProgramError as err:
            raise env.fail(err.op, str(err)) from None
        try:
            align = sram_alignment(self.alignment, target)
        except ValueError as err:
            raise env.fail(op, f"pass 'npu-alloc-sram' {err}") from None
        failed = False
        for prog in programs:
            items = program_items(prog, align)
            if not items.roots:
                continue
            result = pack(items.sizes, items.aligns, items.starts, items.ends, target.pe.sram.bytes)
            if not result.ok:
                _report(prog, items, result, target)
                failed = True
                continue
            for root, offset, alignment in zip(items.roots, result.offsets, items.aligns):
                root.op.attributes["offset"] = _i64(int(offset))
                root.op.attributes["alignment"] = _i64(int(alignment))
            _place_lifetimes(prog, items)
        if failed:
            raise PassFailed("npu-alloc-sram: SRAM overflow")


def _i64(value: int) -> ir.IntegerAttr:
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), value)


def _report(prog: Program, items, result: Packing, target) -> None:
    at = result.max_live_at
    live = (items.starts <= at) & (items.ends >= at)
    k = int((items.sizes * live).argmax())
    root = items.roots[k]
    op_at = where(prog.ops[at]) if at < len(prog.ops) else "the end of the program"
    sram, chip = target.pe.sram.bytes, target.chip.name
    head = f"'npu_mem.alloc' op does not fit in the SRAM of PE {fmt(prog.pe)}: its {root.nbytes}-byte buffer and"
    if result.reason == "live":
        msg = f"{head} the others live at {op_at} need {result.max_live} bytes, target '{chip}' has {sram}"
    else:
        how = {"alignment": "alignment gaps", "fragmentation": "fragmentation, proven by exhaustive search",
               "heuristic": "no packing found by the heuristics or a bounded exhaustive search"}[result.reason]
        msg = (f"{head} the others need at most {result.max_live} bytes at once (at {op_at}) but the best "
               f"packing needs {result.peak} ({how}), target '{chip}' has {sram}")
    root.op.location.emit_error(msg)


def _place_lifetimes(prog: Program, items) -> None:
    """Move allocs before their first user and deallocs after their last use (inserting missing ones)."""
    ops = prog.ops
    for root, end in zip(items.roots, items.ends):
        first = first_user(prog, root)
        if first is None:
            continue
        root.op.move_before(ops[first])
        d = prog.dealloc_of.get(root)
        if end >= len(ops):  # a transfer never waited for: leave the buffer live to the end
            continue
        if d is None:
            with ir.InsertionPoint.after(ops[end]), root.op.location:
                ir.Operation.create("npu_mem.dealloc", operands=[root.op.results[0]])
        else:
            ops[d].move_after(ops[end])
