"""Elementwise epilogues fused into a matrix product or convolution.

npu-tile fuses a chain of elementwise ops into the conv/matmul/gemm producing its
input when each link's input has no other reader and is not a graph output
(`fuse_chains`): conv -> batch_normalization -> add(residual) -> relu runs as one
layer. The head's plan records the chain length (`epilogue` in npu.tile), each fused
op carries `{family = "fused"}`. At level 4 the head applies the chain to its
result tile while it is still in SRAM (`run_epilogue`, each link through the
elementwise recipes of rules_eltwise), loading the other operands' boxes (BN
constants, the residual tensor), and stores only the chain's last result: the
intermediate tensors never reach external memory.
"""

from __future__ import annotations

from npu.spatial.cost import Chip
from npu.spatial.graph import Graph, Node, Tensor

HEADS = ("conv", "conv_int", "conv_float", "matmul", "gemm", "matmul_int", "matmul_float")
MAX_CHAIN = 4


def head_order(node: Node) -> tuple[int, ...] | None:
    """Dims of the head's result tile in SRAM, outermost first (None: the head cannot take an epilogue)."""
    rank = len(node.out.shape)
    if node.name in ("conv", "conv_int", "conv_float"):
        return (0, 2, 3, 1)
    from npu.spatial.rules_matmul import _geometry

    batch, m, n, *_ = _geometry(node)
    return tuple(range(rank)) if node.out.shape == batch + (m, n) else None


def fuse_chains(graph: Graph, chip: Chip, outputs: set[int]) -> dict[Node, list[Node]]:
    """head -> the elementwise ops fused after it, in order.

    A link joins the chain when it is the only reader of the chain's current result
    (not a graph output), its recipe can run on the head's tile, it joins no other
    chain, and its other tensor operands exist when the head's layer runs: produced
    before the head and stored (not the intermediate of another chain).
    """
    from npu.spatial.rules_eltwise import fusable

    position = {node: i for i, node in enumerate(graph.nodes)}
    chains: dict[Node, list[Node]] = {}
    claimed: set[Node] = set()
    internal: set[int] = set()
    for node in graph.nodes:
        if node.name not in HEADS or len(node.results) != 1 or node in claimed:
            continue
        order = head_order(node)
        if order is None:
            continue
        chain, cur = [], node.out
        while len(chain) < MAX_CHAIN and len(cur.consumers) == 1 and cur.index not in outputs:
            nxt = cur.consumers[0]
            others = [t for t in nxt.operands if t is not cur]
            ready = all(t.index not in internal and (t.producer is None or position[t.producer] < position[node])
                        for t in others)
            if nxt in claimed or not ready or len(nxt.results) != 1 or not fusable(nxt, cur, chip, order):
                break
            chain.append(nxt)
            cur = nxt.out
        if chain:
            chains[node] = chain
            claimed.update(chain)
            internal.add(node.out.index)
            internal.update(f.out.index for f in chain[:-1])
    return chains


def run_epilogue(ctx, buf, lo: tuple[int, ...], sizes: tuple[int, ...], order: tuple[int, ...]):
    """Apply the head's fused chain to `buf` (its result box [lo, lo+sizes), dims in `order`).
    Returns (buffer to store, tensor to store it into); `buf` itself is left to the caller."""
    from npu.spatial.emit import ItemCtx
    from npu.spatial.rules_eltwise import compute_tile

    chain = ctx.node.__dict__.get("epilogue") or ()
    tensor: Tensor = ctx.node.out
    if not chain:
        return buf, tensor
    shape = tuple(sizes[d] for d in order)
    cur = ctx.prog.view(buf, shape) if buf.shape != shape else buf
    owned = None
    head_loc = ctx.prog.loc
    for fused in chain:
        sub = ItemCtx(ctx.lw, fused, None, ctx.prog, lo, sizes, range(0), resident=ctx.resident, cache=ctx.cache)
        ctx.prog.loc = ctx.lw.loc_ref(fused.op.location)  # the link's ops keep its ONNX node name
        try:
            out = compute_tile(sub, order, {tensor.index: cur}, in_place=True)
        finally:
            ctx.prog.loc = head_loc
        if owned is not None and out is not owned:
            ctx.prog.dealloc(owned)
        if out is not cur:
            owned = out
        cur = out
        tensor = fused.out
    if owned is None:  # the whole chain ran in place on `buf`
        return buf, tensor
    return cur, tensor
