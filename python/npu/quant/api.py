"""The public entry point of level 2: `quantize(module, calibration, ...) -> (module, QuantReport)`.

Steps:
  1. accept a level-1 module, an ONNX path or a ModelProto (imported with npu.onnx);
  2. fold BatchNormalization into convolutions on a copy (npu-fold-batchnorm);
  3. load the calibration inputs and collect statistics with the golden
     interpreter (cached; npu.quant.calib);
  4. give each layer its precision (scheme default, explicit overrides);
  5. read the accumulators from the target (`pe.matrix.accumulator`);
  6. emit the level-2 module (npu.quant.lower), verify it, and fill the report.

`npu-compile --quant` and the `npu-quantize` pass call this function.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np
from mlir import ir

from npu.errors import NpuError
from npu.ir.diagnostics import DiagnosticCollector
from npu.ir.verify import verify_ops
from npu.quant.calib import CalibrationResult, collect_stats, load_calibration
from npu.quant.graph import Graph
from npu.quant.lower import Lowering, Plan
from npu.quant.report import QuantReport
from npu.quant.scheme import Scheme, parse_overrides

DEFAULT_TARGET = "edge-lpddr"


def as_module(model, context: ir.Context | None = None) -> ir.Module:
    """An ir.Module from a module, an ONNX path/bytes/ModelProto, or MLIR text file (.mlir)."""
    if isinstance(model, ir.Module):
        return model
    if isinstance(model, (str, Path)) and str(model).endswith(".mlir"):
        from npu.ir.context import make_context, parse_module

        ctx = context or make_context()
        return parse_module(Path(model).read_text(), ctx, str(model))
    from npu.onnx.importer import import_model

    return import_model(model, context=context)


def copy_module(module: ir.Module) -> ir.Module:
    """A deep copy of `module` in the same context (resources included)."""
    with module.context:
        return ir.Module.parse(module.operation.get_asm(binary=False, large_elements_limit=None,
                                                       enable_debug_info=True))


def resolve_target(target):
    from npu.target import Target, load_target

    if target is None:
        return load_target(DEFAULT_TARGET)
    if isinstance(target, Target):
        return target
    return load_target(target)


def accumulators(target) -> dict[str, str]:
    acc = {dt: target.accumulator_dtype(dt) for dt in ("int8", "fp8", "bf16", "fp16", "fp32")}
    if acc["int8"] != "int32":
        raise NpuError(f"target accumulates int8 products in {acc['int8']}; npu's level-2 integer ops "
                       "accumulate in int32 (set pe.matrix.accumulator.int8 = \"int32\")")
    return acc


def make_scheme(scheme, **options) -> Scheme:
    overrides = options.pop("overrides", None) or {}
    if isinstance(overrides, str):
        overrides = parse_overrides(overrides)
    if isinstance(scheme, Scheme):
        base = scheme
    else:
        options = {k: v for k, v in options.items() if v is not None}
        base = Scheme(dtype=scheme, **options)
    return base.with_overrides(overrides) if overrides else base


def prepare(model, calibration, *, fold_bn: bool = True, cache: bool = True, progress=None):
    """(float module after BN folding, Graph, CalibrationResult, samples): the part quantize() and the search share."""
    from npu.interp.executor import Program
    from npu.passes.fold_batchnorm import fold_batchnorm

    module = copy_module(as_module(model))
    with module.context:
        if fold_bn:
            fold_batchnorm(module.operation)
        program = Program(module)
    samples, _ = load_calibration(calibration, program.inputs)
    calib = collect_stats(module, samples, cache=cache, progress=progress)
    return module, Graph(module), calib, samples


def lower_with(module: ir.Module, graph: Graph, calib: CalibrationResult, scheme: Scheme, target,
               model_name: str = "") -> tuple[ir.Module, QuantReport]:
    """Emit the level-2 module for an already calibrated float module (cheap: no interpreter run)."""
    target = resolve_target(target)
    acc = accumulators(target)
    precisions = scheme.layer_precisions([n.name for n in graph.layers()])
    with module.context, ir.Location.unknown():
        lowering = Lowering(graph, Plan(scheme, precisions, calib.stats, acc))
        out = lowering.run()
        _verify(out)
    report = QuantReport(
        model=model_name,
        scheme={**{k: v for k, v in asdict(scheme).items() if k != "overrides"},
                "overrides": dict(scheme.overrides), "description": scheme.describe()},
        target=getattr(target.chip, "name", "") if hasattr(target, "chip") else str(target),
        accumulators=acc,
        calibration={"samples": calib.num_samples, "method": scheme.method, "cached": calib.cached,
                     "key": calib.key[:16]},
        layers=[asdict(r) for r in lowering.records],
        float_ops=[{"kind": k, "name": n} for k, n in lowering.float_ops],
        tables=[{"output": o, "nodes": ns} for o, ns in lowering.region_ops],
        integer_ops=[{"kind": k, "name": n} for k, n in lowering.integer_ops],
        op_counts=dict(Counter(op.operation.name for op in _main_ops(out))),
    )
    return out, report


def quantize(model, calibration, scheme="int8", *, per_channel: bool | None = None, symmetric: bool | None = None,
             method: str | None = None, percentile: float | None = None, group_size: int | None = None,
             rounding: str | None = None, integer_norm: bool | None = None, overrides=None, target=None,
             cache: bool = True, progress=None, fold_bn: bool = True) -> tuple[ir.Module, QuantReport]:
    """Quantize `model` (level-1 module, ONNX path or ModelProto) with `calibration` data.

    `calibration`: a directory of .npz/.npy files, one such file, or a list of
    samples (dicts keyed by input name, or arrays for one-input models).
    `scheme`: a Scheme or a precision name (int8, fp8e4m3, fp8e5m2, int4, bf16,
    fp16, fp32); the keyword options override its fields (`integer_norm=False` keeps
    Softmax and LayerNormalization in float). `overrides` maps layer
    names (ONNX node names) to precisions ("conv1=fp16,fc=int8" also works).
    `target`: a Target, preset name or TOML path (default edge-lpddr) giving the
    accumulators. Returns the verified level-2 module (a new module in the
    model's context) and its QuantReport. Errors are one-line NpuErrors.
    """
    sch = make_scheme(scheme, per_channel=per_channel, symmetric=symmetric, method=method, percentile=percentile,
                      group_size=group_size, rounding=rounding, integer_norm=integer_norm, overrides=overrides)
    module, graph, calib, _ = prepare(model, calibration, fold_bn=fold_bn, cache=cache, progress=progress)
    name = str(model) if isinstance(model, (str, Path)) else ""
    return lower_with(module, graph, calib, sch, target, name)


def _main_ops(module: ir.Module):
    from npu.interp.executor import find_main

    return list(find_main(module).regions[0].blocks[0].operations)


def _verify(module: ir.Module) -> None:
    ctx = module.context
    with DiagnosticCollector(ctx, "<level 2>") as diags:
        try:
            module.operation.verify()
        except ir.MLIRError as err:
            raise NpuError(f"quantizer produced invalid IR: {str(err).splitlines()[0]}") from None
        if not verify_ops(module.operation):
            first = str(diags.errors[0]) if diags.errors else "a Python verifier failed"
            raise NpuError(f"quantizer produced invalid IR: {first}")


def run(module: ir.Module, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    from npu.interp.executor import run_module

    return run_module(module, inputs)


def reference_module(model) -> ir.Module:
    """The float module the quantizer starts from (imported, BatchNormalization folded): the fp32 golden."""
    from npu.passes.fold_batchnorm import fold_batchnorm

    module = copy_module(as_module(model))
    with module.context:
        fold_batchnorm(module.operation)
    return module
