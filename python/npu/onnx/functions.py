"""Expanding ONNX ops defined as functions into their primitive nodes.

Many ONNX ops (Attention, RotaryEmbedding, SoftmaxCrossEntropyLoss, Swish,
CenterCropPad, the window functions...) carry a function body in their schema,
fixed or built for the node's attributes and input types ("context
dependent"). When no converter is registered for such an op, the importer
imports the body instead: `expand(...)` instantiates it for one node with
fresh value names (`<node output>/<name>`), actual inputs/outputs substituted
for the formal ones and attribute references (`ref_attr_name`) resolved.
"""

from __future__ import annotations

import onnx
from onnx import helper


def function_body(schema, proto: onnx.NodeProto, opset: int, input_types: list) -> onnx.FunctionProto | None:
    """The schema's function body for this node, or None if the op has none."""
    if schema is None:
        return None
    data = None
    if schema.has_function:
        versions = [v for v in schema.function_opset_versions if v <= opset]
        if versions:
            data = schema.get_function_with_opset_version(max(versions))
    if data is None and schema.has_context_dependent_function:
        versions = [v for v in schema.context_dependent_function_opset_versions if v <= opset]
        if not versions or any(t is None for t in input_types):
            return None
        try:
            data = schema.get_context_dependent_function_with_opset_version(
                max(versions), proto.SerializeToString(), [t.SerializeToString() for t in input_types]
            )
        except Exception:  # the schema refuses this node (bad attributes/types)
            return None
    if not data:
        return None
    body = onnx.FunctionProto()
    body.ParseFromString(data)
    return body


def expand(proto: onnx.NodeProto, body: onnx.FunctionProto, schema) -> list[onnx.NodeProto] | None:
    """The body's nodes instantiated for `proto`; None if it uses a GRAPHS attribute (unsupported)."""
    prefix = (proto.name or (proto.output[0] if proto.output else proto.op_type)) + "/"
    rename = {formal: "" for formal in body.input}
    rename.update(zip(body.input, proto.input))
    rename.update({formal: "" for formal in body.output})
    rename.update(zip(body.output, proto.output))
    given = {a.name: a for a in proto.attribute}
    defaults = {a.name: a for a in body.attribute_proto}
    if schema is not None:
        for name, spec in schema.attributes.items():
            if spec.default_value.type != onnx.AttributeProto.UNDEFINED:
                defaults.setdefault(name, spec.default_value)

    def value(name: str) -> str:
        if not name:
            return ""
        return rename[name] if name in rename else prefix + name

    nodes = []
    for k, n in enumerate(body.node):
        new = onnx.NodeProto()
        new.op_type, new.domain = n.op_type, n.domain
        new.name = prefix + (n.name or f"{n.op_type}_{k}")
        new.input.extend(value(x) for x in n.input)
        new.output.extend(value(x) for x in n.output)
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPHS:
                return None
            if a.type == onnx.AttributeProto.GRAPH:  # an If/Loop body: rename what it reads from the function
                from npu.onnx.control_flow import _rename_free_refs

                copy = onnx.AttributeProto()
                copy.CopyFrom(a)
                _rename_free_refs(copy.g, value)
                new.attribute.append(copy)
                continue
            if a.ref_attr_name:
                source = given.get(a.ref_attr_name) or defaults.get(a.ref_attr_name)
                if source is None:
                    continue  # the referenced attribute is absent: the body op uses its own default
                copy = onnx.AttributeProto()
                copy.CopyFrom(source)
                copy.name = a.name
                new.attribute.append(copy)
            else:
                new.attribute.append(a)
        nodes.append(new)
    return nodes


def outer_sources(nodes: list[onnx.NodeProto], name: str) -> list[str]:
    """Values from outside the expanded body that internal value `name` is computed from."""
    producers = {out: n for n in nodes for out in n.output}
    found, todo, seen = [], [name], set()
    while todo:
        v = todo.pop()
        if v in seen or not v:
            continue
        seen.add(v)
        if v in producers:
            if producers[v].op_type not in ("Shape", "Size"):
                todo.extend(producers[v].input)
                for a in producers[v].attribute:  # If/Loop bodies read enclosing values by name
                    if a.type == onnx.AttributeProto.GRAPH:
                        todo.extend(x for n in a.g.node for x in n.input)
        else:
            found.append(v)
    return found


def body_opsets(body: onnx.FunctionProto) -> dict[str, int]:
    return {imp.domain or "": imp.version for imp in body.opset_import}


def type_protos(types: list) -> list:
    """(shape, dtype) pairs -> TypeProtos (None stays None)."""
    out = []
    for t in types:
        if t is None or t[0] is None or t[1] is None:
            out.append(None)
        else:
            out.append(helper.make_tensor_type_proto(helper.np_dtype_to_tensor_dtype(t[1]), list(t[0])))
    return out
