"""npu-lower-to-pe's driver: level 3 (planned, placed graph) -> level 4 (one program per PE).

`lower_to_pe(module_op, chip, multicast=True)` rewrites the module in place:

1. read the graph, each op's `npu.tile` and `npu.place` (missing or malformed:
   an error naming the op);
2. give every tensor its location (npu.spatial.storage): `input` / `output`
   globals named after the ONNX tensors, `scratch` globals for activations,
   `weight` globals for constants (on first use), views for layout-only ops,
   nothing for the intermediates of fused epilogues (npu.spatial.epilogue);
3. for each op in program order, emit its layer: every PE runs its items in tile
   order (the family's `emit`), after loading the layer's resident weight
   blocks once (a block several PEs need is DMA'd by the first and multicast to
   the others when the target supports multicast);
4. synchronize (`synchronize`): each read of an activation waits, by semaphore,
   for exactly the other PEs whose writes it overlaps (no global barriers);
5. print all programs as text, parse once, move the ops into the module
   (replacing @main), attach the weight contents to their globals, and record
   the target in `npu_pe.target`.

Every level-4 op is located at its layer's source op (`loc("conv1"(...))`, the
ONNX node name the importer gave it; a fused epilogue link's ops at that link's
op), so diagnostics, the perf model's per-layer figures and the binary's debug
table point back to the model.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from mlir import ir

from npu.spatial import dequant_fuse
from npu.spatial.cost import Chip
from npu.spatial.emit import ConstCache, GlobalDecl, ItemCtx, KSplit, Lowering, route
from npu.spatial.family import Family, family_named
from npu.dialects.level4 import IO_ELEMENT_TYPES
from npu.spatial.graph import Graph, SpatialError, Tensor, read_graph
from npu.spatial.io_copy import OutputCopy, emit_copies
from npu.spatial.layout import box_pattern
from npu.spatial.placement import check_placement
from npu.spatial.plan import Placement, TilePlan
from npu.spatial.program import Pattern
from npu.spatial.storage import assign_views


def _plans(graph: Graph, chip: Chip) -> list[tuple[TilePlan, Placement | None, Family | None]]:
    out = []
    for node in graph.nodes:
        plan = TilePlan.from_op(node.op)
        if plan is None:
            raise SpatialError(node.op, f"'{node.op.name}' op has no npu.tile plan (run npu-tile first)")
        if plan.runs_nowhere:
            out.append((plan, None, None))
            continue
        fam = family_named(plan.family)
        if fam is None:
            raise SpatialError(node.op, f"'{node.op.name}' op has an npu.tile plan of unknown family '{plan.family}'")
        expected = fam.space(node)
        if expected.sizes != plan.space.sizes or expected.dims != plan.space.dims:
            raise SpatialError(node.op, f"'{node.op.name}' op expects npu.tile dims {list(expected.dims)} of sizes "
                                        f"{list(expected.sizes)}, got {list(plan.space.dims)} and "
                                        f"{list(plan.space.sizes)}")
        why = fam.unsupported(node, chip)
        if why:
            raise SpatialError(node.op, f"'{node.op.name}' op cannot lower to level 4 yet: expects {why}")
        place = Placement.from_op(node.op)
        if place is None:
            raise SpatialError(node.op, f"'{node.op.name}' op has no npu.place placement (run npu-place first)")
        why = check_placement(node, plan, place, chip)
        if why:
            raise SpatialError(node.op, f"'{node.op.name}' op expects {why}")
        out.append((plan, place, fam))
    _link_epilogues(graph, out)
    dequant_fuse.link(graph, {node for node, (plan, _, _) in zip(graph.nodes, out) if plan.family == dequant_fuse.PROLOGUE})
    return out


def _link_epilogues(graph: Graph, plans) -> None:
    """Give each head its fused chain (`node.epilogue`), checking the `fused` marks agree."""
    owned = set()
    by_node = {node: plan for node, (plan, _, _) in zip(graph.nodes, plans)}
    for node, (plan, _, _) in zip(graph.nodes, plans):
        chain, cur = [], node.out
        for _ in range(plan.epilogue):
            nxt = cur.consumers[0] if len(cur.consumers) == 1 else None
            if nxt is None or by_node[nxt].family != "fused":
                raise SpatialError(node.op, f"'{node.op.name}' op expects {plan.epilogue} fused elementwise ops "
                                            f"after it (npu.tile epilogue), found {len(chain)}")
            chain.append(nxt)
            owned.add(nxt)
            cur = nxt.out
        node.__dict__["epilogue"] = chain
    for node, (plan, _, _) in zip(graph.nodes, plans):
        if plan.family == "fused" and node not in owned:
            raise SpatialError(node.op, f"'{node.op.name}' op is marked fused but follows no conv or matmul "
                                        f"whose npu.tile epilogue includes it")


def _locate(lw: Lowering) -> list[OutputCopy]:
    """Give every tensor its location; the outputs no op writes (a constant, a graph input, a value
    returned under a second name) get their own output global and come back as copies to emit."""
    graph = lw.graph
    elements = _io_elements(graph)
    outputs = {t.index for t in graph.outputs}
    input_names = {t.name for t in graph.inputs}
    copies: list[tuple[str, Tensor, str | None]] = []  # (output name, source tensor, element)
    out_elements: dict[int, str | None] = {}
    for i, (t, name) in enumerate(zip(graph.outputs, graph.output_names)):
        element = elements["out"][i]
        if t.producer is not None and name == t.name:
            out_elements[t.index] = element
            continue
        if name in input_names or name in graph.output_names[:i]:
            raise SpatialError(graph.func, f"'func.func' op expects graph outputs named apart from the graph "
                                           f"inputs and each other, got '{name}' twice")
        copies.append((name, t, element))

    internal = {n.out.index for n in graph.nodes for _ in n.__dict__.get("epilogue", ())[:1]}
    internal |= {f.out.index for n in graph.nodes for f in n.__dict__.get("epilogue", ())[:-1]}
    in_elements = dict(zip((t.index for t in graph.inputs), elements["in"]))

    def symbol_for(t: Tensor) -> str:
        if t.index in internal:
            return "<fused>"
        if t.producer is not None and t.producer.__dict__.get("prologue"):
            return lw.view(t.producer.operands[0]).symbol  # dequantized by its layers: the packed constant
        if t.kind == "input":
            named = lw.loc_ref(ir.Location.name(t.name))
            return lw.declare(t.name, "input", t.shape, t.dtype, loc=named, element=in_elements[t.index]).symbol
        if t.index in outputs and t.producer is not None:
            return lw.declare(t.name, "output", t.shape, t.dtype, loc=lw.loc_ref(t.producer.op.location),
                              element=out_elements.get(t.index)).symbol
        if not t.consumers:
            return "<unused>"
        loc = t.producer.op.location
        hint = loc.name_str if loc.is_a_name() else f"t{t.index}"
        return lw.declare(lw.unique(f"act.{hint}.{t.index}"), "scratch", t.shape, t.dtype,
                          loc=lw.loc_ref(loc)).symbol

    views, _ = assign_views(graph, symbol_for, lw.view)
    lw.views.update(views)
    out = []
    for name, t, element in copies:
        loc = lw.loc_ref(ir.Location.name(name))
        lw.declare(name, "output", t.shape, t.dtype, loc=loc, element=element)
        out.append(OutputCopy(name, t, loc))
    _order_outputs(lw, graph.output_names)
    return out


def _order_outputs(lw: Lowering, names: list[str]) -> None:
    """Output globals in the function's result order (the interpreter, the binary and npu-run list
    outputs in global order), where the first of them was declared; other globals keep their place."""
    ordered, placed = {}, False
    for symbol, decl in lw.globals.items():
        if decl.kind != "output":
            ordered[symbol] = decl
        elif not placed:
            ordered.update((n, lw.globals[n]) for n in names if n in lw.globals)
            placed = True
    lw.globals.clear()
    lw.globals.update(ordered)


def _io_elements(graph: Graph) -> dict[str, list[str | None]]:
    """Per graph input / output: its element type when level 4 holds it in another buffer type
    (IO_ELEMENT_TYPES: an i1 tensor in an i8 mask), else None."""
    ftype = ir.FunctionType(ir.TypeAttr(graph.func.attributes["function_type"]).value)

    def element(t: ir.Type) -> str | None:
        name = str(ir.ShapedType(t).element_type)
        return name if name in IO_ELEMENT_TYPES else None

    return {"in": [element(t) for t in ftype.inputs], "out": [element(t) for t in ftype.results]}


def _chunk_ranges(chunks: int, groups: int) -> list[range]:
    return [range(g * chunks // groups, (g + 1) * chunks // groups) for g in range(groups)]


def _emit_layer(lw: Lowering, layer: int, node, plan: TilePlan, place: Placement, fam: Family,
                multicast: bool) -> None:
    chip = lw.chip
    k = place.kgroups
    ranges = _chunk_ranges(max(plan.num_chunks, 1), k)
    coords = [chip.target.pe_coord(p) for p in place.pes]
    tag = lw.next_tag() if k > 1 else 0
    items: dict[tuple[int, int], list[ItemCtx]] = defaultdict(list)
    for t in range(plan.num_tiles):
        lo, sizes = plan.tile_box(t)
        group = coords[t * k:(t + 1) * k]
        ksplit = KSplit(group[0], group[1:], tag) if k > 1 else None
        for g, pe in enumerate(group):
            items[pe].append(ItemCtx(lw, node, plan, lw.program(pe), lo, sizes, ranges[g], ksplit))
    loc = lw.loc_ref(node.op.location)
    for pe in items:
        lw.program(pe).begin_layer(layer, loc)
    resident = _preload(lw, fam, plan, items, multicast)
    for pe in sorted(items):
        cache = ConstCache(chip.const_cache_bytes)
        for ctx in items[pe]:
            ctx.resident = resident[pe].buffers
            ctx.cache = cache
            fam.emit(ctx)
        prog = lw.program(pe)
        prog.noc_wait(resident[pe].sends)
        prog.dealloc(*resident[pe].buffers.values(), *cache.buffers.values())
        prog.end_layer()


class _Resident:
    def __init__(self):
        self.buffers: dict = {}
        self.sends: list[str] = []


def _preload(lw: Lowering, fam: Family, plan: TilePlan, items, multicast: bool) -> dict:
    """Load each PE's constant blocks of the layer once; share equal blocks by multicast."""
    chip = lw.chip
    wanted: dict = {}
    for pe, ctxs in items.items():
        boxes = {}
        for ctx in ctxs:
            for src, lo, sizes, order, shape, dtype in fam.resident_boxes(ctx):
                view = ctx.view_of(src)
                key = (view.symbol, box_pattern(view, tuple(lo), tuple(sizes), tuple(order)), tuple(shape))
                boxes.setdefault(key, dtype)
        total = sum(_bytes(key[2], dtype) for key, dtype in boxes.items())
        factor = 2 if chip.double_buffer else 1
        if boxes and total + factor * plan.sram + chip.const_cache_bytes <= chip.target.pe.sram.bytes:
            wanted[pe] = boxes
    sharers: dict = defaultdict(list)
    for pe in sorted(wanted):
        for key in wanted[pe]:
            sharers[key].append(pe)
    can_multicast = multicast and chip.target.noc.multicast
    tag = lw.next_tag() if can_multicast else 0
    out = {pe: _Resident() for pe in items}
    for pe in sorted(wanted):
        prog = lw.program(pe)
        res = out[pe]
        dmas, recvs = [], []
        for key, dtype in wanted[pe].items():  # receive what a neighbour multicasts
            group = sharers[key]
            if can_multicast and len(group) > 1 and group[0] != pe:
                buf = prog.alloc(key[2], dtype)
                recvs.append(prog.recv(buf, group[0], tag))
                res.buffers[key] = buf
        for key, dtype in wanted[pe].items():
            group = sharers[key]
            if key in res.buffers:
                continue
            buf = prog.alloc(key[2], dtype)
            res.buffers[key] = buf
            symbol, pattern, _ = key
            ext = lw.globals[symbol]
            src = prog.global_buf(symbol, ext.shape, ext.dtype)
            tok = prog.dma(src, buf, pattern, Pattern.contiguous(pattern.count))
            if can_multicast and len(group) > 1:
                prog.dma_wait([tok])
                dsts = group[1:]
                res.sends.append(prog.multicast(buf, dsts, [route(chip, pe, d) for d in dsts], tag))
            else:
                dmas.append(tok)
        prog.dma_wait(dmas)
        prog.noc_wait(recvs)
    return out


def _bytes(shape, dtype: str) -> int:
    from npu.spatial.program import nbytes

    return nbytes(shape, dtype)


def lower_to_pe(module_op: ir.Operation, chip: Chip, multicast: bool = True) -> None:
    with module_op.context, ir.Location.unknown():
        _lower(module_op, chip, multicast)


def _lower(module_op: ir.Operation, chip: Chip, multicast: bool) -> None:
    graph = read_graph(module_op)
    plans = _plans(graph, chip)
    lw = Lowering(graph, chip)
    copies = _locate(lw)
    _refuse_dead(graph)
    layers = [(node, p) for node, p in zip(graph.nodes, plans) if not p[0].runs_nowhere]
    for i, (node, (plan, place, fam)) in enumerate(layers):
        _emit_layer(lw, i, node, plan, place, fam, multicast)
    emit_copies(lw, copies, len(layers))
    synchronize(lw)
    _replace_module(module_op, lw, chip)


def _refuse_dead(graph: Graph) -> None:
    """A node no graph output depends on is a located error: it would have nowhere to store its
    results (npu-drop-dead, first in the spatial pipeline, erases such ops)."""
    live: set = set()
    read = {t.index for t in graph.outputs}
    for node in reversed(graph.nodes):
        if any(r.index in read or any(c in live for c in r.consumers) for r in node.results):
            live.add(node)
        else:
            raise SpatialError(node.op, f"'{node.op.name}' op computes a value no graph output depends on "
                                        f"(run npu-drop-dead first)")


def synchronize(lw: Lowering) -> None:
    """Order every read of a scratch/output tensor after the writes of other PEs it overlaps.

    Tensors are written once (in the layer that produces them), so a reader PE Y
    of layer L depends on each PE X != Y that wrote an overlapping element range
    in an earlier layer. X signals semaphore L of Y once after its part of the
    writing layer; Y declares semaphore L and waits for all its writers before
    its part of layer L (`_emit_sync`, which routes a dense layer through a hub).
    Signals never block and waits only follow signals of earlier layers, so the
    synchronization cannot deadlock.
    """
    pes = sorted(lw.programs)
    pe_id = {pe: i for i, pe in enumerate(pes)}
    by_symbol: dict[str, dict[str, list]] = defaultdict(lambda: {"r": [], "w": []})
    for pe, prog in lw.programs.items():
        for layer, kind, symbol, lo, hi in prog.accesses:
            by_symbol[symbol][kind].append((lo, hi, pe_id[pe], layer))
    deps: dict[tuple, set] = defaultdict(set)  # (reader PE, layer) -> {(writer PE, writing layer)}
    for symbol, acc in by_symbol.items():
        if not acc["r"] or not acc["w"]:
            continue
        r = np.array(acc["r"], dtype=np.int64)
        w = np.array(acc["w"], dtype=np.int64)
        hit = ((w[None, :, 0] <= r[:, None, 1]) & (w[None, :, 1] >= r[:, None, 0])
               & (w[None, :, 2] != r[:, None, 2]) & (w[None, :, 3] < r[:, None, 3]))
        for i, j in zip(*np.nonzero(hit)):
            deps[(pes[r[i, 2]], int(r[i, 3]))].add((pes[w[j, 2]], int(w[j, 3])))
    _emit_sync(lw, deps)


# Synchronization ops carry the location of the layer they belong to: a signal the writing
# layer's, a wait (and its semaphore's declaration) the layer that waits.

def _signal(lw: Lowering, src, dst, sem_id: int, at: int, rank: int, layer: int) -> None:
    path = ", ".join(str(v) for v in route(lw.chip, src, dst))
    prog = lw.programs[src]
    prog.insert_before(at, f'"npu_noc.sem_signal"() {{pe = array<i64: {dst[0]}, {dst[1]}>, id = {sem_id}, '
                           f"count = 1, route = array<i64: {path}>}} : () -> ()", rank, prog.layer_loc[layer])


def _declare(lw: Lowering, pe, sem_id: int, layer: int) -> None:
    prog = lw.programs[pe]
    prog.insert_before(0, f'%sem{sem_id} = "npu_noc.semaphore"() {{id = {sem_id}, init = 0}} : () -> '
                          f"!npu_noc.sem", 0, prog.layer_loc[layer])


def _wait(lw: Lowering, pe, sem_id: int, count: int, at: int, rank: int, layer: int) -> None:
    prog = lw.programs[pe]
    prog.insert_before(at, f'"npu_noc.sem_wait"(%sem{sem_id}) {{count = {count}}} : (!npu_noc.sem) -> ()', rank,
                       prog.layer_loc[layer])


def _emit_sync(lw: Lowering, deps: dict) -> None:
    """Signals and waits for `deps`. A writing layer whose writer x reader pairs outnumber its
    writers + readers is gathered by a hub (its first writer): the others signal the hub, the hub
    waits for them after its own part and signals each reader once, so a layer costs at most
    W + R signals instead of W x R."""
    by_layer: dict[int, dict] = defaultdict(lambda: defaultdict(set))  # writing layer -> reader key -> writers
    for key, writers in deps.items():
        for wpe, wlayer in writers:
            by_layer[wlayer][key].add(wpe)
    hub_base = 1 + max((p.layer for p in lw.programs.values()), default=0)
    counts: dict[tuple, int] = defaultdict(int)  # (reader PE, reading layer) -> signals to wait for
    for wlayer, readers in sorted(by_layer.items()):
        writers = sorted(set().union(*readers.values()))
        pairs = sum(len(w) for w in readers.values())
        if pairs <= len(writers) + len(readers):
            for (pe, layer), ws in sorted(readers.items()):
                for wpe in sorted(ws):
                    _signal(lw, wpe, pe, layer, lw.programs[wpe].layer_span[wlayer][1], 10, wlayer)
                counts[(pe, layer)] += len(ws)
            continue
        hub = writers[0]
        hub_end = lw.programs[hub].layer_span[wlayer][1]
        gather = hub_base + wlayer
        _declare(lw, hub, gather, wlayer)
        for wpe in writers[1:]:
            _signal(lw, wpe, hub, gather, lw.programs[wpe].layer_span[wlayer][1], 10, wlayer)
        _wait(lw, hub, gather, len(writers) - 1, hub_end, 15, wlayer)
        for (pe, layer) in sorted(readers):
            if pe != hub:
                _signal(lw, hub, pe, layer, hub_end, 16, wlayer)
                counts[(pe, layer)] += 1
    for (pe, layer), count in sorted(counts.items()):
        if count:
            _declare(lw, pe, layer, layer)
            _wait(lw, pe, layer, count, lw.programs[pe].layer_span[layer][0], 20, layer)


def _replace_module(module_op: ir.Operation, lw: Lowering, chip: Chip) -> None:
    text = lw.module_text(chip.target.chip.name)
    ctx = module_op.context
    new = ir.Module.parse(text, ctx)
    block = module_op.regions[0].blocks[0]
    for op in list(block.operations):
        op.operation.erase()
    with ctx:
        for op in list(new.body.operations):
            op = op.operation
            if op.name == "npu_mem.global":
                decl: GlobalDecl = lw.globals[op.attributes["sym_name"].value]
                if decl.value is not None:
                    op.attributes["value"] = decl.value
            block.append(op)
        module_op.attributes["npu_pe.target"] = ir.StringAttr.get(chip.target.chip.name)
