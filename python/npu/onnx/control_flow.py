"""ONNX If and Loop with static control, imported by inlining their subgraphs.

Level 1 has no control flow: shapes are static, so an `If` whose condition is a
constant imports the taken branch inline, and a `Loop` whose trip count and
conditions fold to constants is unrolled. Anything else is an unsupported node.

  If(c = true)  { then: y = f(x) }            -> y = f(x)
  Loop(M = 3, v0) { body(i, cond, v) -> v' }  -> v1 = body(0, v0); v2 = body(1, v1); v3 = body(2, v2)

Subgraph-local value names get the prefix `<node>/<branch or iteration>/`;
names from the enclosing graph are left as they are (ONNX lexical scoping).
"""

from __future__ import annotations

import numpy as np
import onnx

from npu.onnx.validate import tensor_array

MAX_UNROLL = 1024


def _graph_attr(proto: onnx.NodeProto, name: str) -> onnx.GraphProto | None:
    for a in proto.attribute:
        if a.name == name and a.type == onnx.AttributeProto.GRAPH:
            return a.g
    return None


def _local_names(graph: onnx.GraphProto) -> set[str]:
    names = {i.name for i in graph.input} | {t.name for t in graph.initializer}
    for n in graph.node:
        names.update(o for o in n.output if o)
    return names


def _renamed(node: onnx.NodeProto, rename) -> onnx.NodeProto:
    """A copy of `node` with its values renamed, including the outer-scope
    references made from inside its own subgraphs (nested If/Loop bodies)."""
    new = onnx.NodeProto()
    new.CopyFrom(node)
    del new.input[:]
    del new.output[:]
    new.input.extend(rename(x) for x in node.input)
    new.output.extend(rename(x) for x in node.output)
    for a in new.attribute:
        if a.type == onnx.AttributeProto.GRAPH:
            _rename_free_refs(a.g, rename)
    return new


def _rename_free_refs(graph: onnx.GraphProto, rename) -> None:
    """Rename, in place, the names `graph` uses but does not define."""
    local = _local_names(graph)

    def outer(name: str) -> str:
        return name if not name or name in local else rename(name)

    for n in graph.node:
        renamed = [outer(x) for x in n.input]
        del n.input[:]
        n.input.extend(renamed)
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                _rename_free_refs(a.g, outer)
    for o in graph.output:
        o.name = outer(o.name)


def import_subgraph(imp, graph: onnx.GraphProto, prefix: str, bindings: dict, builder, opsets) -> list:
    """Import `graph`'s nodes inline; `bindings` maps its input names to ir.Values.

    Returns the ir.Values of the graph's outputs. A static value missing inside
    the subgraph is reported against the enclosing-scope value it comes from.
    """
    from npu.onnx.importer import NotStaticError

    try:
        return _import_subgraph(imp, graph, prefix, bindings, builder, opsets)
    except NotStaticError as err:
        sources = _free_sources(graph, prefix, err.input_name)
        raise NotStaticError(str(err), sources[0] if sources else err.input_name) from None


def _free_sources(graph: onnx.GraphProto, prefix: str, name: str) -> list[str]:
    """Enclosing-scope values that subgraph value `name` (prefixed) is computed from."""
    local = _local_names(graph)
    producers = {prefix + o: n for n in graph.node for o in n.output if o}
    inputs = {prefix + i.name for i in graph.input} | {prefix + t.name for t in graph.initializer}
    found, todo, seen = [], [name], set()
    while todo:
        v = todo.pop()
        if not v or v in seen:
            continue
        seen.add(v)
        if v in producers:
            if producers[v].op_type not in ("Shape", "Size"):
                todo.extend(prefix + x if x in local else x for x in producers[v].input)
        elif v not in inputs:
            found.append(v)
    return found


def _import_subgraph(imp, graph: onnx.GraphProto, prefix: str, bindings: dict, builder, opsets) -> list:
    local = _local_names(graph)

    def rename(name: str) -> str:
        return prefix + name if name and name in local else name

    for name, value in bindings.items():
        imp.bind(rename(name), value)
    for t in graph.initializer:
        imp.bind(rename(t.name), builder.constant(tensor_array(t, "subgraph initializer"), rename(t.name)))
    for k, node in enumerate(graph.node):
        sub = _renamed(node, rename)
        if not sub.name:
            sub.name = prefix + (node.output[0] if node.output else f"{node.op_type}_{k}")
        else:
            sub.name = prefix + node.name
        imp.convert_node(sub, k, builder, opsets)
    return [imp.value(rename(o.name)) for o in graph.output]


def _required_graph(node, proto: onnx.NodeProto, name: str) -> onnx.GraphProto:
    graph = _graph_attr(proto, name)
    if graph is None:
        raise node.error(f"expects a graph attribute '{name}'")
    return graph


def _scalar(node, value, what: str):
    """The single element of a static condition / trip count."""
    value = np.asarray(value)
    if value.size != 1:
        raise node.error(f"expects a one-element {what}, got shape {list(value.shape)}")
    return value.reshape(-1)[0]


def convert_if(imp, node, proto: onnx.NodeProto, builder, opsets) -> list:
    cond = node.const(0)
    if cond is None:
        raise imp.not_static(proto, "If with a run-time condition", proto.input[0])
    branch = "then_branch" if bool(_scalar(node, cond, "condition")) else "else_branch"
    graph = _required_graph(node, proto, branch)
    return import_subgraph(imp, graph, f"{node.name}/{branch.split('_')[0]}/", {}, builder, opsets)


def convert_loop(imp, node, proto: onnx.NodeProto, builder, opsets) -> list:
    body = _required_graph(node, proto, "body")
    trip = node.const(0) if node.has_input(0) else None
    cond = node.const(1) if node.has_input(1) else np.array(True)
    if node.has_input(0) and trip is None:
        raise imp.not_static(proto, "Loop with a run-time trip count", proto.input[0])
    if cond is None:
        raise imp.not_static(proto, "Loop with a run-time condition", proto.input[1])
    limit = int(_scalar(node, trip, "trip count")) if trip is not None else None
    carried = list(node.inputs[2:])
    n_carried = len(carried)
    if len(body.input) != 2 + n_carried or len(body.output) < 1 + n_carried:
        raise node.error(
            f"expects a body with {2 + n_carried} inputs and at least {1 + n_carried} outputs "
            f"(iteration, condition, {n_carried} carried), got {len(body.input)} and {len(body.output)}"
        )
    scans: list[list] = [[] for _ in range(len(body.output) - 1 - n_carried)]
    i = 0
    while bool(_scalar(node, cond, "condition")) and (limit is None or i < limit):
        if i >= MAX_UNROLL:
            raise imp.unsupported(proto, f"Loop of more than {MAX_UNROLL} iterations")
        bindings = {body.input[0].name: builder.constant(np.array(i, dtype=np.int64), f"{node.name}_i{i}")}
        bindings[body.input[1].name] = builder.constant(np.array(bool(_scalar(node, cond, "condition"))), f"{node.name}_c{i}")
        bindings.update({vi.name: v for vi, v in zip(body.input[2:], carried)})
        outs = import_subgraph(imp, body, f"{node.name}/it{i}/", bindings, builder, opsets)
        cond = builder.value_of(outs[0])
        if cond is None:
            raise imp.unsupported(proto, "Loop whose condition is computed at run time")
        carried = outs[1 : 1 + n_carried]
        for k, v in enumerate(outs[1 + n_carried :]):
            scans[k].append(v)
        i += 1
    results = list(carried)
    for k, values in enumerate(scans):
        results.append(_stack(imp, node, builder, values, k + n_carried))
    return results


def _stack(imp, node, builder, values: list, out_index: int):
    """Scan output: the per-iteration values stacked along a new axis 0."""
    from npu.ir import dtypes

    if not values:
        shape, dtype = node.output_shapes[out_index], node.output_dtypes[out_index]
        if shape is None:
            raise imp.unsupported(node.proto, "Loop with zero iterations and a scan output of unknown shape")
        return builder.constant(np.zeros(shape, dtype=dtype), f"{node.name}_scan{out_index}")
    parts = []
    for v in values:
        t = v.type
        shape, dtype = [1] + list(t.shape), dtypes.numpy_dtype(t.element_type)
        (u,) = builder.emit(node, "npu_tensor.unsqueeze", [v], {"axes": [0]}, results=[(shape, dtype)])
        parts.append((u, shape, dtype))
    acc, shape, dtype = parts[0]
    for u, ushape, _ in parts[1:]:
        shape = [shape[0] + 1] + shape[1:]
        (acc,) = builder.emit(node, "npu_tensor.concat", [acc, u], {"axis": 0}, results=[(shape, dtype)])
    return acc


CONTROL = {"If": convert_if, "Loop": convert_loop}
