"""`python -m npu.quant model.onnx --quant int8 --calib DIR --report out.json [-o out.mlir]`.

Quantizes a model (ONNX or level-1 .mlir) to level 2, optionally searches a
mixed precision for an accuracy target, measures it on an evaluation set
(`--eval data.npz`: arrays `x` [N, ...] and optionally `y` labels; each row is
reshaped to the model input) against the float module and, with `--ort`,
against onnxruntime's own static quantization, and writes the report (JSON,
text next to it, and a per-layer SQNR plot when matplotlib is installed).
Errors are one line on stderr with exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from npu.errors import NpuError
from npu.tools.common import run_main, write_atomically


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m npu.quant", description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="ONNX model or level-1 .mlir")
    p.add_argument("--quant", default="int8", help="int8 (default), fp8e4m3, fp8e5m2, int4, bf16, fp16, fp32")
    p.add_argument("--calib", required=True, help="calibration directory of .npz/.npy files (or one file)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--per-channel", dest="per_channel", action="store_true", default=True)
    g.add_argument("--per-tensor", dest="per_channel", action="store_false")
    p.add_argument("--symmetric", action="store_true", help="symmetric int8 activations (zero point 0)")
    p.add_argument("--method", default="minmax", help="minmax, percentile, entropy, mse")
    p.add_argument("--percentile", type=float, default=99.99)
    p.add_argument("--group-size", type=int, default=32, help="int4 weight-only group size")
    p.add_argument("--rounding", default="single", help="RESCALE rounding: single (default) or double")
    p.add_argument("--float-norm", action="store_true",
                   help="keep Softmax and LayerNormalization in float (default: integer softmax_int / layer_norm_int)")
    p.add_argument("--override", action="append", default=[], metavar="LAYER=PRECISION",
                   help="per-layer precision (repeatable; comma-separated lists too)")
    p.add_argument("--search", metavar="TARGET", help="mixed precision for an accuracy target: 'sqnr>=30' or 'top1_drop<=0.5'")
    p.add_argument("--high", default="fp16", help="precision of the layers the search keeps high (default fp16)")
    p.add_argument("--target", help="target preset or TOML (accumulator types; default edge-lpddr)")
    p.add_argument("--eval", metavar="NPZ", help="evaluation set: x [N, ...] and optionally y")
    p.add_argument("--eval-limit", type=int, default=0, help="use only the first N evaluation samples")
    p.add_argument("--ort", action="store_true", help="also run onnxruntime's quantize_static and compare")
    p.add_argument("--report", help="write the report here (.json; .txt and .png next to it)")
    p.add_argument("-o", dest="output", help="write the level-2 MLIR here ('-' for stdout)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write cached calibration statistics")
    p.add_argument("--no-progress", action="store_true")
    return p


def _eval_set(path: str, limit: int):
    try:
        with np.load(path, allow_pickle=False) as z:
            if "x" not in z.files:
                raise NpuError(f"evaluation file '{path}' has no array 'x' (it has: {', '.join(z.files)})")
            xs, ys = z["x"], (z["y"] if "y" in z.files else None)
    except (OSError, ValueError) as err:
        raise NpuError(f"cannot read evaluation file '{path}': {str(err).splitlines()[0]}") from None
    if limit:
        xs, ys = xs[:limit], (None if ys is None else ys[:limit])
    return list(xs), ys


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def run() -> int:
        from npu.quant import api, mixed
        from npu.quant.calib import load_calibration
        from npu.quant.evaluate import measure

        progress = False if args.no_progress else None
        overrides = ",".join(args.override)
        options = dict(per_channel=args.per_channel, symmetric=args.symmetric, method=args.method,
                       percentile=args.percentile, group_size=args.group_size, rounding=args.rounding,
                       integer_norm=not args.float_norm)
        evals = _eval_set(args.eval, args.eval_limit) if args.eval else (None, None)
        if args.search:
            module, report = mixed.search(args.model, args.calib, args.search, low=args.quant, high=args.high,
                                               eval_samples=evals[0], eval_labels=evals[1], target_hw=args.target,
                                               progress=progress, overrides=overrides, **options)
        else:
            module, report = api.quantize(args.model, args.calib, args.quant, overrides=overrides, target=args.target,
                                          cache=not args.no_cache, progress=progress, **options)
        if evals[0] is not None:
            reference = api.reference_module(args.model)
            from npu.interp.executor import Program

            with reference.context:
                specs = Program(reference).inputs
            calib, _ = load_calibration(args.calib, specs) if args.ort else (None, None)
            onnx_model = args.model if args.ort and str(args.model).endswith(".onnx") else None
            if args.ort and onnx_model is None:
                raise NpuError("--ort needs an .onnx model")
            measure(report, reference, module, evals[0], evals[1], onnx_model=onnx_model, calibration=calib)
        if args.output:
            write_atomically(args.output, str(module) + "\n")
        if args.report:
            report.write(args.report)
        print(report.to_text(), file=sys.stderr if args.output == "-" else sys.stdout)
        return 0

    return run_main("npu-quant", run)


if __name__ == "__main__":
    sys.exit(main())
