"""Which tensors get their own external-memory buffer, in which layout, and which are views of others.

The policy (deterministic, so npu-tile and npu-lower-to-pe compute the same answer):

1. Graph inputs and outputs are row-major in globals named after them (the I/O
   symbols of the binary).
2. A tensor produced by a compute op gets a `scratch` global. Rank-4 tensors are
   stored channels-last (N, H, W, C) so that the H x W x C tiles convolution and
   pooling read are contiguous rows; the exception is a tensor that a
   layout-only op consumes, which stays row-major so a reshape of it remains a
   view.
3. A layout-only op (reshape, squeeze, unsqueeze, transpose, identity, expand,
   slice with positive steps) produces a *view* of its operand's buffer (see
   npu.spatial.layout.View) when the strides allow it and its result is not a
   graph output; otherwise it becomes a materializing copy (family "copy").
"""

from __future__ import annotations

from typing import Callable

from npu.spatial.graph import Graph, Node, Tensor
from npu.spatial.layout import View

VIEW_OPS = ("reshape", "squeeze", "unsqueeze", "transpose", "identity", "expand", "slice")
CHANNELS_LAST = (0, 2, 3, 1)


SPATIAL_OPS = ("conv", "conv_int", "max_pool", "average_pool", "global_average_pool", "global_max_pool")


def storage_perm(t: Tensor, is_output: bool, channels_last: set[int]) -> tuple[int, ...] | None:
    """The dimension order a stored tensor is laid out in (None: row-major).

    Channels-last for rank-4 results of convolution/pooling and of elementwise
    ops whose first operand is channels-last (`channels_last` holds the ids
    decided so far), unless a layout-only op reads the tensor.
    """
    if is_output or t.kind != "value" or len(t.shape) != 4 or t.producer is None:
        return None
    if any(c.name in VIEW_OPS for c in t.consumers):
        return None
    producer = t.producer
    first = producer.operands[0] if producer.operands else None
    if producer.name in SPATIAL_OPS or (first is not None and first.index in channels_last
                                        and first.shape == t.shape):
        return CHANNELS_LAST
    return None


def view_result(node: Node, src: View) -> View | None:
    """The view a layout-only op's result is of its operand's view `src`, or None (needs a copy)."""
    out = node.out.shape
    name = node.name
    if name in ("reshape", "squeeze", "unsqueeze", "identity"):
        return src.reshape(out) if src.shape != out else src
    if name == "transpose":
        return src.permute(tuple(node.attrs["perm"]))
    if name == "expand":
        return src.broadcast_to(out) if len(out) >= len(src.shape) else None
    if name == "slice":
        return _slice(node, src)
    return None


def _slice(node: Node, src: View) -> View | None:
    attrs = node.attrs
    rank = len(src.shape)
    axes = [a % rank for a in attrs.get("axes") or range(len(attrs["starts"]))]
    steps = attrs.get("steps") or [1] * len(axes)
    offset, strides = src.offset, list(src.strides)
    for axis, start, step in zip(axes, attrs["starts"], steps):
        if step <= 0:
            return None
        dim = src.shape[axis]
        start = min(max(start + dim if start < 0 else start, 0), dim)
        offset += start * strides[axis]
        strides[axis] *= step
    return View(src.symbol, tuple(node.out.shape), tuple(strides), offset)


def assign_views(graph: Graph, symbol_for: Callable[[Tensor], str],
                 const_view: Callable[[Tensor], View]) -> tuple[dict[int, View], set[int]]:
    """Views of every non-constant tensor, and the ids of view-op results that must be copies.

    `symbol_for(t)` names the global of a stored tensor; `const_view(t)` gives a
    constant's location (the lowering creates its weight global then).
    """
    outputs = {t.index for t in graph.outputs}
    channels_last: set[int] = set()
    views: dict[int, View] = {}
    copies: set[int] = set()
    for t in graph.inputs:
        views[t.index] = View.dense(symbol_for(t), t.shape)
    for node in graph.nodes:
        if node.name in VIEW_OPS:
            src = node.operands[0]
            base = views.get(src.index) if src.kind != "const" else const_view(src)
            view = view_result(node, base) if base is not None else None
            if view is not None and node.out.index not in outputs:
                views[node.out.index] = view
                continue
            copies.add(node.out.index)
        for t in node.results:
            perm = storage_perm(t, t.index in outputs, channels_last)
            if perm is not None:
                channels_last.add(t.index)
            views[t.index] = View.dense(symbol_for(t), t.shape, perm)
    for index, view in views.items():
        graph.tensors[index].order = view.physical_order()
    return views, copies
