"""npu-run: execute npu IR on the golden interpreter.

  npu-run model.mlir|model.npubin --input x.npz [--output y.npz] [--compare model.onnx] [--tolerance 1e-4]
          [--target T] [--stats] [--trace t.json] [--plots DIR]

A level-4 module (PE programs, npu_mem globals) runs on the level-4 interpreter
(npu.interp.level4), with `--target` or the module's `npu_pe.target`; `--stats`,
`--trace` and `--plots` run it on the performance model (npu.perf.cli) and print
its report / write a Chrome trace / write SVG plots.

Inputs come from an .npz keyed by graph input name (a single-input model also
accepts a lone array under any key, or a .npy file); numpy stores ml_dtypes arrays
(bfloat16, fp8, int4, ...) as raw bytes, which are read as the input's type, and
writes such outputs the same way (view them as their ml_dtypes type); boolean inputs and outputs are
numpy bool at every level (a level-4 module or .npubin records them with `element = i1`
on their i8 mask globals, npu.interp.level4_io). `--compare` runs
onnxruntime on the same inputs and prints, per output, the max abs error, the
SQNR in dB and the top-1 and top-5 agreement (over the last axis: the share of
rows whose reference argmax is among npu's k largest); the exit code is 1
when an output's max abs error exceeds `--tolerance` times its reference range.
An .onnx file is accepted as the model too (imported first); graph inputs with
symbolic dims (a dynamic batch) are pinned to the shapes of the given arrays.
"""

from __future__ import annotations

import argparse
import io
import sys

import numpy as np

from npu.compare import topk_agreement
from npu.errors import NpuError
from npu.tools.common import read_input, run_main, write_atomically


def load_module(path: str, target=None, input_path: str | None = None):
    """An ir.Module from .mlir text, an .onnx model or a .npubin (checked by npu.binary's loader).

    For an .onnx model, `input_path`'s arrays pin the graph inputs whose dims are symbolic."""
    from npu.binary.loader import is_binary, load
    from npu.ir.context import make_context, parse_module
    from npu.ir.diagnostics import DiagnosticCollector
    from npu.ir.verify import verify_ops

    if is_binary(path):
        return load(path, target).module
    if path.endswith(".onnx"):
        from npu.onnx.importer import import_model

        return import_model(path, input_shapes=symbolic_input_shapes(path, input_path) if input_path else None)
    text = read_input(path)
    ctx = make_context()
    with ctx, DiagnosticCollector(ctx, path) as diags:
        module = parse_module(text, ctx, path)
        if not verify_ops(module.operation):
            raise NpuError(str(diags.errors[0]) if diags.errors else f"'{path}' fails verification")
    return module


def symbolic_input_shapes(onnx_path: str, input_path: str) -> dict[str, list[int]]:
    """{graph input: array shape} for the inputs of `onnx_path` declared with symbolic or unknown dims."""
    import onnx

    from npu.tools.arrays import read_arrays

    try:
        graph = onnx.load(onnx_path, load_external_data=False).graph
    except Exception:  # not loadable: the importer reports it with its own message
        return {}
    initializers = {t.name for t in graph.initializer}
    symbolic = {}
    for value in graph.input:
        if value.name in initializers or not value.type.HasField("tensor_type"):
            continue
        dims = value.type.tensor_type.shape.dim
        if any(not d.HasField("dim_value") for d in dims):
            symbolic[value.name] = len(dims)
    if not symbolic:
        return {}
    arrays = read_arrays(input_path)
    if len(arrays) == 1 and len(symbolic) == 1 and not set(arrays) & set(symbolic):
        arrays = {next(iter(symbolic)): next(iter(arrays.values()))}
    return {name: list(arrays[name].shape) for name in symbolic if name in arrays}


def load_inputs(path: str, expected: list) -> dict[str, np.ndarray]:
    """Arrays keyed by input name from .npz (or .npy for a single input)."""
    from npu.tools.arrays import read_arrays

    arrays = read_arrays(path)
    if list(arrays) == [""]:  # an .npy
        if len(expected) != 1:
            raise NpuError(f"'{path}' holds one array but the model takes {len(expected)} inputs; use an .npz")
        return {expected[0].name: arrays[""]}
    names = {s.name for s in expected}
    if len(expected) == 1 and len(arrays) == 1 and not names & set(arrays):
        arrays = {expected[0].name: next(iter(arrays.values()))}
    return _typed(arrays, expected)


def _typed(arrays: dict[str, np.ndarray], expected: list) -> dict[str, np.ndarray]:
    """numpy saves ml_dtypes arrays (bfloat16, fp8, int4, ...) as raw bytes (void dtype): such an array
    whose element size is the input's is read as the input's dtype (np.save keeps the bytes)."""
    wanted = {s.name: np.dtype(s.dtype) for s in expected}
    out = {}
    for name, value in arrays.items():
        want = wanted.get(name)
        if want is not None and value.dtype.kind == "V" and value.dtype.names is None \
                and value.dtype.itemsize == want.itemsize and want.kind == "V":
            value = value.view(want)
        out[name] = value
    return out


def compare_with_onnxruntime(onnx_path: str, inputs: dict, outputs: dict, tolerance: float) -> bool:
    from npu.compare import compare

    reference = onnxruntime_run(onnx_path, inputs)
    ok = True
    for name, actual in outputs.items():
        if name not in reference:
            raise NpuError(f"onnxruntime gives no output named '{name}'")
        ref = reference[name]
        fig = compare(name, ref, actual)
        line = f"{name}: max abs error {fig.max_abs:.3g}, SQNR {fig.sqnr_db:.1f} dB"
        if ref.ndim >= 1 and ref.shape[-1] > 1 and np.issubdtype(ref.dtype, np.floating):
            for k in (1, 5) if ref.shape[-1] > 5 else (1,):
                line += f", top-{k} agreement {100 * topk_agreement(ref, actual, k):.1f}%"
        span = float(np.max(ref) - np.min(ref)) if ref.size else 0.0
        bad = fig.max_abs > tolerance * max(span, 1.0)
        ok &= not bad
        print(line + (" (exceeds tolerance)" if bad else ""))
    return ok


def onnxruntime_run(onnx_path: str, inputs: dict) -> dict:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    try:
        sess = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])
    except Exception as err:
        raise NpuError(f"onnxruntime cannot load '{onnx_path}': {str(err).splitlines()[0]}") from None
    wanted = {i.name for i in sess.get_inputs()}
    if wanted != set(inputs):
        raise NpuError(
            f"'{onnx_path}' takes inputs {', '.join(sorted(wanted))}; the model run takes {', '.join(sorted(inputs))}"
        )
    names = [o.name for o in sess.get_outputs()]
    try:
        return dict(zip(names, sess.run(names, inputs)))
    except (ort.capi.onnxruntime_pybind11_state.InvalidArgument, ort.capi.onnxruntime_pybind11_state.Fail) as err:
        raise NpuError(f"onnxruntime cannot run '{onnx_path}' on these inputs: {str(err).splitlines()[0]}") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="npu-run", description="Run npu IR on the golden interpreter.")
    p.add_argument("model", help="model .mlir (level 1-4), .onnx or .npubin")
    p.add_argument("--input", required=True, help="inputs .npz keyed by input name (or .npy for one input)")
    p.add_argument("--output", help="write the outputs to this .npz")
    p.add_argument("--compare", metavar="MODEL.onnx", help="compare the outputs with onnxruntime on this model")
    p.add_argument("--target", help="level-4 modules: target preset or TOML file (default: the module's npu_pe.target)")
    p.add_argument("--tolerance", type=float, default=1e-4,
                   help="max abs error allowed by --compare, relative to the output's range (default 1e-4)")
    p.add_argument("--stats", action="store_true", help="level-4 modules: time the run and print the performance report")
    p.add_argument("--trace", metavar="T.json", help="level-4 modules: write a Chrome/Perfetto trace of the timed run")
    p.add_argument("--plots", metavar="DIR", help="level-4 modules: write roofline, PE-utilization and link-load SVGs")
    return p


def run(argv: list[str] | None = None) -> int:
    from npu.interp.executor import Program
    from npu.interp.level4 import Level4Machine, is_level4

    from npu.tools.arrays import check_readable

    args = build_parser().parse_args(argv)
    for path in (args.input, args.compare):  # before the (slow) model load and run
        if path:
            check_readable(path)
    module = load_module(args.model, args.target, args.input)
    timed = args.stats or args.trace or args.plots
    with module.context:
        if timed:
            from npu.perf.cli import timed_machine

            program = timed_machine(module, args.target)
        else:
            program = Level4Machine(module, args.target) if is_level4(module) else Program(module)
        inputs = load_inputs(args.input, program.inputs)
        outputs = program.run(inputs)
    if timed:
        from npu.perf.cli import emit

        emit(program, stats=args.stats, trace=args.trace, plots=args.plots)
    if args.output:
        buf = io.BytesIO()
        np.savez(buf, **outputs)
        write_atomically(args.output, buf.getvalue())
    else:
        for name, value in outputs.items():
            print(f"{name}: shape {list(value.shape)} {value.dtype}")
    if args.compare:
        return 0 if compare_with_onnxruntime(args.compare, inputs, outputs, args.tolerance) else 1
    return 0


def main() -> None:
    sys.exit(run_main("npu-run", run))


if __name__ == "__main__":
    main()
