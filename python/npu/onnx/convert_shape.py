"""ONNX converters of the shape / data-movement family -> npu_tensor ops.

Static parameters that ONNX passes as inputs (Reshape shape, Slice bounds, Pad
pads, Split sizes, Expand shape, Tile repeats, Squeeze/Unsqueeze axes) become
attributes, normalized (axes non-negative where the rank is known, defaults
filled); a run-time value there is a clean error. Shape, Size, ConstantOfShape
and Range always produce constants (shapes are static at level 1).
"""

from __future__ import annotations

import numpy as np

from npu.onnx.registry import converter


def _norm_axes(axes, rank: int, node) -> list[int]:
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise node.error(f"axis {a} is out of range for rank {rank}")
        out.append(int(a) % rank)
    return out


def _axes_input(node, index: int, attr: str = "axes") -> list[int] | None:
    """Axes given as input `index` (opset >= 13/18) or as the attribute (older)."""
    if node.has_input(index):
        return node.static_ints(index, attr)
    value = node.attrs.get(attr)
    return None if value is None else [int(v) for v in value]


def _reshape(node, b, value, shape):
    return b.emit(node, "npu_tensor.reshape", [value], results=[(list(shape), node.input_dtypes[0])])


@converter("Reshape")
def convert_reshape(node, b):
    """`npu_tensor.reshape` to the resolved static shape (0 copies, -1 inferred)."""
    target = node.static_ints(1, "shape")
    in_shape = node.input_shapes[0]
    out = []
    for i, d in enumerate(target):
        if d == 0 and not node.attrs.get("allowzero", 0):
            if i >= len(in_shape):
                raise node.error(f"shape entry {i} is 0 (copy) but the input has rank {len(in_shape)}")
            d = in_shape[i]
        out.append(d)
    if out.count(-1) > 1:
        raise node.error(f"shape {target} has more than one -1")
    if -1 in out:
        known = int(np.prod([d for d in out if d != -1], dtype=np.int64))
        total = int(np.prod(in_shape, dtype=np.int64))
        if known == 0 or total % known:
            raise node.error(f"cannot reshape {in_shape} to {target}")
        out[out.index(-1)] = total // known
    if int(np.prod(out, dtype=np.int64)) != int(np.prod(in_shape, dtype=np.int64)):
        raise node.error(f"cannot reshape {in_shape} to {target}")
    return _reshape(node, b, node.inputs[0], out)


@converter("Flatten")
def convert_flatten(node, b):
    """`npu_tensor.reshape` to 2-d [prod(dims[:axis]), prod(dims[axis:])]."""
    shape = node.input_shapes[0]
    axis = node.attrs["axis"]
    axis = axis + len(shape) if axis < 0 else axis
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    return _reshape(node, b, node.inputs[0], [outer, int(np.prod(shape[axis:], dtype=np.int64))])


@converter("Squeeze")
def convert_squeeze(node, b):
    """`npu_tensor.squeeze` {axes} (non-negative, sorted)."""
    shape = node.input_shapes[0]
    axes = _axes_input(node, 1)
    axes = [i for i, d in enumerate(shape) if d == 1] if axes is None else _norm_axes(axes, len(shape), node)
    for a in axes:
        if shape[a] != 1:
            raise node.error(f"cannot squeeze axis {a} of size {shape[a]}")
    return b.emit(node, "npu_tensor.squeeze", node.inputs[:1], {"axes": sorted(axes)})


@converter("Unsqueeze")
def convert_unsqueeze(node, b):
    """`npu_tensor.unsqueeze` {axes} (non-negative, sorted)."""
    axes = _axes_input(node, 1)
    if axes is None:
        raise node.error("expects axes")
    rank = len(node.input_shapes[0]) + len(axes)
    return b.emit(node, "npu_tensor.unsqueeze", node.inputs[:1], {"axes": sorted(_norm_axes(axes, rank, node))})


@converter("Transpose")
def convert_transpose(node, b):
    """`npu_tensor.transpose` {perm} (default: reversed dims)."""
    rank = len(node.input_shapes[0])
    perm = node.attrs.get("perm") or list(range(rank))[::-1]
    return b.emit(node, "npu_tensor.transpose", node.inputs[:1], {"perm": [int(p) for p in perm]})


@converter("Concat")
def convert_concat(node, b):
    """Concat(x0..xn) = concat(...concat(x0, x1)..., xn), skipping empty inputs."""
    rank = len(node.input_shapes[0])
    axis = _norm_axes([node.attrs["axis"]], rank, node)[0]
    parts = [(v, s) for v, s in zip(node.inputs, node.input_shapes) if s[axis] != 0] or [(node.inputs[0], node.input_shapes[0])]
    acc, shape = parts[0]
    for value, vshape in parts[1:]:
        shape = shape[:axis] + [shape[axis] + vshape[axis]] + shape[axis + 1 :]
        (acc,) = b.emit(node, "npu_tensor.concat", [acc, value], {"axis": axis}, results=[(shape, node.output_dtypes[0])])
    return [acc]


@converter("Split")
def convert_split(node, b):
    """one `npu_tensor.slice` per output (sizes from the input, num_outputs or equal parts)."""
    shape = node.input_shapes[0]
    axis = _norm_axes([node.attrs["axis"]], len(shape), node)[0]
    sizes = _axes_input(node, 1, "split")
    outputs = len(node.output_names)
    if sizes is None:
        dim = shape[axis]
        if "num_outputs" in node.attrs:
            outputs = node.attrs["num_outputs"]
            chunk = -(-dim // outputs)
            sizes = [min(chunk, dim - i * chunk) for i in range(outputs)]
        else:
            if dim % outputs:
                raise node.error(f"cannot split dimension {dim} into {outputs} equal parts")
            sizes = [dim // outputs] * outputs
    if sum(sizes) != shape[axis]:
        raise node.error(f"split sizes {sizes} do not add up to dimension {shape[axis]}")
    outs, start = [], 0
    for size in sizes:  # one slice per piece (IRDL variadic results would force equal types)
        attrs = {"starts": [start], "ends": [start + size], "axes": [axis], "steps": [1]}
        result = [(shape[:axis] + [size] + shape[axis + 1 :], node.input_dtypes[0])]
        outs += b.emit(node, "npu_tensor.slice", node.inputs[:1], attrs, results=result)
        start += size
    return outs


@converter("Slice")
def convert_slice(node, b):
    """`npu_tensor.slice` {starts, ends, axes, steps} (axes and steps filled)."""
    rank = len(node.input_shapes[0])
    starts = node.static_ints(1, "starts")
    ends = node.static_ints(2, "ends")
    axes = node.static_ints(3, "axes") if node.has_input(3) else list(range(len(starts)))
    steps = node.static_ints(4, "steps") if node.has_input(4) else [1] * len(starts)
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise node.error("expects starts, ends, axes and steps of equal length")
    big = np.iinfo(np.int64)
    clamp = [int(np.clip(v, big.min, big.max)) for v in ends]
    attrs = {"starts": starts, "ends": clamp, "axes": _norm_axes(axes, rank, node), "steps": steps}
    return b.emit(node, "npu_tensor.slice", node.inputs[:1], attrs)


@converter("Gather")
def convert_gather(node, b):
    """`npu_tensor.gather` {axis}; indices stay an operand."""
    rank = len(node.input_shapes[0])
    axis = _norm_axes([node.attrs["axis"]], rank, node)[0]
    return b.emit(node, "npu_tensor.gather", node.inputs[:2], {"axis": axis})


@converter("GatherElements")
def convert_gather_elements(node, b):
    """`npu_tensor.gather_elements` {axis}."""
    rank = len(node.input_shapes[0])
    axis = _norm_axes([node.attrs["axis"]], rank, node)[0]
    return b.emit(node, "npu_tensor.gather_elements", node.inputs[:2], {"axis": axis})


@converter("GatherND")
def convert_gather_nd(node, b):
    """`npu_tensor.gather_nd` {batch_dims}."""
    return b.emit(node, "npu_tensor.gather_nd", node.inputs[:2], {"batch_dims": node.attrs["batch_dims"]})


@converter("Expand")
def convert_expand(node, b):
    """`npu_tensor.expand` {shape}."""
    shape = node.static_ints(1, "shape")
    return b.emit(node, "npu_tensor.expand", node.inputs[:1], {"shape": shape})


@converter("Tile")
def convert_tile(node, b):
    """`npu_tensor.tile` {repeats}."""
    repeats = node.static_ints(1, "repeats")
    return b.emit(node, "npu_tensor.tile", node.inputs[:1], {"repeats": repeats})


@converter("Pad")
def convert_pad(node, b):
    """`npu_tensor.pad` {pads (full rank), mode, value}."""
    rank = len(node.input_shapes[0])
    pads = node.static_ints(1, "pads")
    axes = node.static_ints(3, "axes") if node.has_input(3) else list(range(rank))
    axes = _norm_axes(axes, rank, node)
    if len(pads) != 2 * len(axes):
        raise node.error(f"expects {2 * len(axes)} pads, got {len(pads)}")
    full = [0] * (2 * rank)
    for k, a in enumerate(axes):
        full[a], full[rank + a] = pads[k], pads[len(axes) + k]
    value = 0
    if node.has_input(2):
        value = node.static(2, "constant_value").reshape(-1)[0].item()
    if np.issubdtype(node.input_dtypes[0], np.floating):
        value = float(value)
    return b.emit(node, "npu_tensor.pad", node.inputs[:1], {"pads": full, "mode": node.attrs["mode"], "value": value})


@converter("DepthToSpace")
def convert_depth_to_space(node, b):
    """`npu_tensor.depth_to_space` {blocksize, mode}."""
    attrs = {"blocksize": node.attrs["blocksize"], "mode": node.attrs["mode"]}
    return b.emit(node, "npu_tensor.depth_to_space", node.inputs[:1], attrs)


@converter("SpaceToDepth")
def convert_space_to_depth(node, b):
    """`npu_tensor.space_to_depth` {blocksize}."""
    return b.emit(node, "npu_tensor.space_to_depth", node.inputs[:1], {"blocksize": node.attrs["blocksize"]})


@converter("Trilu")
def convert_trilu(node, b):
    """`npu_tensor.trilu` {upper, k}."""
    k = node.static_ints(1, "k")[0] if node.has_input(1) else 0
    return b.emit(node, "npu_tensor.trilu", node.inputs[:1], {"upper": node.attrs["upper"], "k": k})


# ---------------------------------------------------------------- always constant


@converter("Shape")
def convert_shape(node, b):
    """a constant (shapes are static)."""
    shape = node.input_shapes[0]
    rank = len(shape)
    start = node.attrs.get("start", 0)
    end = node.attrs.get("end", rank)
    start = min(max(start + rank if start < 0 else start, 0), rank)
    end = min(max(end + rank if end < 0 else end, 0), rank)
    return [b.constant(np.array(shape[start:end], dtype=np.int64), node.output_names[0])]


@converter("Size")
def convert_size(node, b):
    """a constant (shapes are static)."""
    return [b.constant(np.array(int(np.prod(node.input_shapes[0], dtype=np.int64)), dtype=np.int64), node.output_names[0])]


@converter("ConstantOfShape")
def convert_constant_of_shape(node, b):
    """a constant (folded; the shape must be static)."""
    shape = node.static(0, "shape")
    if shape.ndim != 1 or shape.dtype != np.int64 or (shape < 0).any():
        raise node.error(f"expects a 1-D int64 shape of non-negative dims, got {shape.tolist()}")
    _check_fold_size(node, int(np.prod(shape.astype(object))))
    value = node.attrs.get("value")
    if value is None:
        value = np.zeros(1, dtype=np.float32)
    return b.emit(node, "npu_tensor.constant_of_shape", node.inputs[:1], {"value": np.asarray(value).reshape(1)})


@converter("Range")
def convert_range(node, b):
    """a constant (folded; start, limit and delta must be static)."""
    start, limit, delta = (node.static(i, what) for i, what in enumerate(("start", "limit", "delta")))
    if any(v.size != 1 for v in (start, limit, delta)):  # ONNX says scalars; its own function bodies pass [1]
        raise node.error("expects scalar start, limit and delta")
    start, limit, delta = (v.reshape(-1)[0].item() for v in (start, limit, delta))
    if delta == 0 or not all(np.isfinite(v) for v in (start, limit, delta)):
        raise node.error(f"expects a finite range with a non-zero delta, got start {start}, limit {limit}, delta {delta}")
    _check_fold_size(node, max(int(np.ceil((limit - start) / delta)), 0))
    return b.emit(node, "npu_tensor.range", node.inputs[:3])


def _check_fold_size(node, count: int) -> None:
    """Kernel-only ops fold to constants: refuse one past the importer's materialization limit."""
    from npu.onnx.importer import FOLD_LIMIT

    if count > FOLD_LIMIT:
        raise node.error(f"would fold to a constant of {count} elements, more than the importer materializes ({FOLD_LIMIT})")


@converter("Resize")
def convert_resize(node, b):
    """Resize with static roi/scales/sizes -> npu_tensor.resize with full-rank f64 scales.

    Follows ONNX: with `sizes`, scale = size / in_size (or one common scale per
    keep_aspect_ratio_policy, sizes then rounded half up); with `scales`, the
    output size is floor(scale * in_size). `axes` lists the resized axes.
    """
    from mlir import ir

    shape = node.input_shapes[0]
    rank = len(shape)
    axes = _norm_axes(node.attrs.get("axes") or list(range(rank)), rank, node)
    scales_in = node.static(2, "scales").astype(np.float64).reshape(-1) if node.has_input(2) else np.zeros(0)
    sizes_in = node.static_ints(3, "sizes") if node.has_input(3) else []
    roi_in = node.static(1, "roi").astype(np.float64).reshape(-1) if node.has_input(1) else np.zeros(0)
    scales, sizes = [1.0] * rank, list(shape)
    if len(sizes_in):
        if len(sizes_in) != len(axes):
            raise node.error(f"expects {len(axes)} sizes, got {len(sizes_in)}")
        for a, s in zip(axes, sizes_in):
            sizes[a], scales[a] = s, s / shape[a]
        policy = node.attrs.get("keep_aspect_ratio_policy", "stretch")
        if policy != "stretch":
            pick = min if policy == "not_larger" else max
            common = pick(scales[a] for a in axes)
            for a in axes:
                scales[a], sizes[a] = common, int(common * shape[a] + 0.5)
    elif scales_in.size:
        if scales_in.size != len(axes):
            raise node.error(f"expects {len(axes)} scales, got {scales_in.size}")
        for a, s in zip(axes, scales_in):
            scales[a], sizes[a] = float(s), int(np.floor(s * shape[a]))
    else:
        raise node.error("expects scales or sizes")
    roi = []
    if node.attrs["coordinate_transformation_mode"] == "tf_crop_and_resize":
        if roi_in.size != 2 * len(axes):
            raise node.error(f"expects a roi of {2 * len(axes)} values for tf_crop_and_resize")
        full = [0.0] * rank + [1.0] * rank
        for k, a in enumerate(axes):
            full[a], full[rank + a] = float(roi_in[k]), float(roi_in[len(axes) + k])
        roi = full
    mode = node.attrs["mode"]
    if mode not in ("nearest", "linear", "cubic"):
        raise node.error(f"unsupported mode '{mode}'")
    attrs = {
        "mode": mode,
        "coordinate_transformation_mode": node.attrs["coordinate_transformation_mode"],
        "nearest_mode": node.attrs["nearest_mode"],
        "cubic_coeff_a": float(node.attrs["cubic_coeff_a"]),
        "exclude_outside": int(node.attrs["exclude_outside"]),
        "extrapolation_value": float(node.attrs["extrapolation_value"]),
        "antialias": int(node.attrs.get("antialias", 0)),
        "scales": ir.DenseF64ArrayAttr.get(scales),
        "roi": ir.DenseF64ArrayAttr.get(roi),
    }
    return b.emit(node, "npu_tensor.resize", node.inputs[:1], attrs, results=[(sizes, node.input_dtypes[0])])


# ---------------------------------------------------------------- scatter, scan, one-hot, folds


@converter("ScatterElements")
def convert_scatter_elements(node, b):
    """`npu_tensor.scatter_elements` {axis, reduction}."""
    axis = _norm_axes([node.attrs["axis"]], len(node.input_shapes[0]), node)[0]
    attrs = {"axis": axis, "reduction": node.attrs.get("reduction", "none")}
    return b.emit(node, "npu_tensor.scatter_elements", node.inputs[:3], attrs)


@converter("ScatterND")
def convert_scatter_nd(node, b):
    """`npu_tensor.scatter_nd` {reduction}."""
    return b.emit(node, "npu_tensor.scatter_nd", node.inputs[:3], {"reduction": node.attrs.get("reduction", "none")})


@converter("CumSum", "CumProd")
def convert_cumulative(node, b):
    """`npu_tensor.cum_sum` / `cum_prod` {axis (static input), exclusive, reverse}."""
    axis = _norm_axes([node.static_ints(1, "axis")[0]], len(node.input_shapes[0]), node)[0]
    attrs = {"axis": axis, "exclusive": node.attrs["exclusive"], "reverse": node.attrs["reverse"]}
    name = "cum_sum" if node.op_type == "CumSum" else "cum_prod"
    return b.emit(node, f"npu_tensor.{name}", node.inputs[:1], attrs)


@converter("OneHot")
def convert_one_hot(node, b):
    """`npu_tensor.one_hot` {axis, off_value, on_value}; depth (static) gives the result shape."""
    depth = int(node.static(1, "depth").reshape(-1)[0])
    off, on = node.static(2, "values").reshape(-1)[:2].tolist()
    shape = list(node.input_shapes[0])
    axis = _norm_axes([node.attrs["axis"]], len(shape) + 1, node)[0]
    out = shape[:axis] + [depth] + shape[axis:]
    attrs = {"axis": axis, "off_value": off, "on_value": on}
    return b.emit(node, "npu_tensor.one_hot", node.inputs[:1], attrs, results=[(out, node.output_dtypes[0])])


@converter("ReverseSequence")
def convert_reverse_sequence(node, b):
    """`npu_tensor.reverse_sequence` {batch_axis, time_axis}; sequence lengths stay an operand."""
    attrs = {"batch_axis": node.attrs["batch_axis"], "time_axis": node.attrs["time_axis"]}
    return b.emit(node, "npu_tensor.reverse_sequence", node.inputs[:2], attrs)


@converter("Compress")
def convert_compress(node, b):
    """`npu_tensor.gather` of the positions where the (static) condition holds."""
    cond = node.static(1, "condition").reshape(-1).astype(bool)
    shape = node.input_shapes[0]
    value, axis = node.inputs[0], node.attrs.get("axis")
    if axis is None:
        n = int(np.prod(shape, dtype=np.int64))
        (value,) = _reshape(node, b, value, [n])
        axis, shape = 0, [n]
    axis = _norm_axes([axis], len(shape), node)[0]
    keep = np.nonzero(cond[: shape[axis]])[0].astype(np.int64)
    out = shape[:axis] + [len(keep)] + shape[axis + 1 :]
    idx = b.constant(keep, f"{node.name}_indices")
    return b.emit(node, "npu_tensor.gather", [value, idx], {"axis": axis}, results=[(out, node.input_dtypes[0])])


@converter("NonZero", "Unique")
def convert_data_dependent(node, b):
    """a constant: the result shape depends on the data, so the input must be static."""
    node.static(0, "the input (the result shape depends on its values)")
    attrs = {"sorted": node.attrs.get("sorted", 1)} if node.op_type == "Unique" else {}
    if node.op_type == "Unique" and any(a.name == "axis" for a in node.proto.attribute):
        attrs["axis"] = _norm_axes([node.attrs["axis"]], len(node.input_shapes[0]), node)[0]
    name = "non_zero" if node.op_type == "NonZero" else "unique"
    results = [(None, d) for d in node.output_dtypes]
    return b.emit(node, f"npu_tensor.{name}", node.inputs[:1], attrs, results=results)


@converter("EyeLike")
def convert_eye_like(node, b):
    """a constant: ones on diagonal k of the input's (static) shape."""
    rows, cols = node.input_shapes[0]
    eye = np.eye(rows, cols, k=node.attrs.get("k", 0)).astype(node.output_dtypes[0])
    return [b.constant(eye, node.output_names[0])]
