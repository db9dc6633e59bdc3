"""Bring a model to level 4 for timing: import, spatial pipeline, layer names.

`lower_for_timing(source, target)` imports an ONNX file (or takes a level-1/2
module or its text), runs the spatial passes of issue 6 in order
(`npu-tile`, `npu-place`, `npu-lower-to-pe`, `npu-alloc-sram`, `npu-alloc-ext`,
optionally `npu-schedule` + `npu-check-races`) with verification after each,
and returns `Lowered(module, layer_names)`. `layer_names` lists the ONNX node
names of the ops that become a layer of PE code, in program order. When the
level-4 ops carry no name location of their own and every program has one
barrier between consecutive layers, `PerfMachine(..., layer_names=...)` names
phase k after the k-th of them; otherwise layers are "phase k" (k = barriers
passed).

A failing pass raises NpuError with its first diagnostic.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir

from npu.errors import NpuError

__all__ = ["PIPELINE", "Lowered", "lower_for_timing", "naive_plans"]

PIPELINE = ("npu-tile", "npu-place", "npu-lower-to-pe", "npu-alloc-sram", "npu-alloc-ext")
SCHEDULED = PIPELINE + ("npu-schedule", "npu-check-races")


@dataclass
class Lowered:
    module: ir.Module
    layer_names: list[str]


def _load(source, ctx):
    from npu.ir.context import parse_module

    if isinstance(source, ir.Module):
        return source
    text = str(source)
    if text.endswith(".onnx"):
        from npu.onnx.importer import import_model

        return import_model(text)
    return parse_module(text, ctx)


def _layer_names(module: ir.Module) -> list[str]:
    """Names of the ops that become PE code, in order: those npu-place gave a placement and the
    elementwise ops fused into them (npu.tile family "fused"), whose level-4 ops keep their own name."""
    names = []
    for func in module.body.operations:
        for region in func.operation.regions:
            for block in region.blocks:
                for op in block.operations:
                    attrs = op.operation.attributes
                    fused = "npu.tile" in attrs and 'family = "fused"' in str(attrs["npu.tile"])
                    if "npu.place" in attrs or fused:
                        loc = op.operation.location
                        names.append(loc.name_str if loc.is_a_name() else op.operation.name)
    return names


def lower_for_timing(source, target, passes: tuple[str, ...] = PIPELINE, options: dict | None = None,
                     after: dict | None = None) -> Lowered:
    """Level-4 module of `source` for `target` (a Target), and its layer names (see the module docstring).

    `options` maps a pass name to its option text; `after` maps a pass name to
    a function `(module, target)` run right after it (e.g. `naive_plans`).
    """
    from npu.ir.context import make_context
    from npu.ir.diagnostics import DiagnosticCollector
    from npu.ir.pass_base import PassEnv, PassFailed
    from npu.ir.verify import verify_ops
    from npu.passes import get_pass_class

    options = options or {}
    ctx = None if isinstance(source, ir.Module) or str(source).endswith(".onnx") else make_context()
    module = _load(source, ctx)
    names: list[str] = []
    with module.context, ir.Location.unknown(), DiagnosticCollector(module.context) as diags:
        env = PassEnv(target=target)
        for name in passes:
            pass_ = get_pass_class(name).from_options(options.get(name, ""))
            try:
                pass_.run(module.operation, env)
            except (PassFailed, NpuError) as err:
                first = diags.errors[0] if diags.errors else err
                raise NpuError(f"{name}: {first}") from None
            if not verify_ops(module.operation, target):
                raise NpuError(f"{name}: {diags.errors[0] if diags.errors else 'verification failed'}")
            if after and name in after:
                after[name](module, target)
            if name == "npu-place":
                names = _layer_names(module)
    return Lowered(module, names)


def naive_plans(module: ir.Module, target) -> None:
    """Replace every npu-tile plan by a fixed rule: the largest candidate tile that fits the SRAM budget.

    The baseline the cost-chosen plans are compared with (bench/perf_roofline.py):
    fewest tiles, most reuse, no regard for how many PEs get work. Uses the
    tiler's own candidates and fit test (npu.spatial), read-only.
    """
    from math import prod

    from npu.spatial.cost import Chip
    from npu.spatial.family import family_named
    from npu.spatial.graph import TILE_ATTR, read_graph
    from npu.spatial.plan import TilePlan

    chip = Chip(target)
    for node in read_graph(module.operation).nodes:
        plan = TilePlan.from_op(node.op)
        if plan is None or plan.family == "view":
            continue
        fam = family_named(plan.family)
        fitting = [t for t in fam.candidates(node, plan.space, chip) if chip.fits(fam.step_buffers(node, t, chip))]
        if not fitting:
            continue
        tile = max(fitting, key=prod)
        naive = TilePlan(plan.family, plan.space, tuple(tile), chip.footprint(fam.step_buffers(node, tile, chip)), 0)
        node.op.attributes[TILE_ATTR] = naive.to_attr()
