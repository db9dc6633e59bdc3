"""npu-translate: convert between model formats and npu IR, one mode flag per direction.

Modes (exactly one):
  --import-onnx model.onnx   ONNX -> npu_tensor level-1 MLIR (npu.onnx.importer)

Later modes (--to-binary, --from-binary) plug into MODES. Output goes to `-o`
(stdout by default) and is written only once complete.
"""

from __future__ import annotations

import argparse
import sys

from npu.errors import NpuError
from npu.tools.common import run_main, write_atomically


def parse_shape_specs(specs: list[str]) -> dict[str, list[int]]:
    """`name=1,3,224,224` flags -> {name: [1, 3, 224, 224]}."""
    shapes = {}
    for spec in specs:
        name, sep, dims = spec.rpartition("=")
        try:
            if not sep or not name:
                raise ValueError
            shapes[name] = [int(d) for d in dims.replace("x", ",").split(",") if d]
        except ValueError:
            raise NpuError(f"bad --input-shape '{spec}' (expected name=d0,d1,...)") from None
    return shapes


def import_onnx(args: argparse.Namespace) -> str:
    from npu.onnx.importer import import_model

    module = import_model(args.input, opset=args.opset, input_shapes=parse_shape_specs(args.input_shape))
    return module.operation.get_asm(enable_debug_info=args.mlir_print_debuginfo, assume_verified=True) + "\n"


MODES = {"import_onnx": import_onnx}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="npu-translate", description="Translate models to and from npu IR.")
    modes = p.add_mutually_exclusive_group(required=True)
    modes.add_argument("--import-onnx", dest="mode", action="store_const", const="import_onnx",
                       help="import an ONNX model into npu_tensor (level 1)")
    p.add_argument("input", help="input file")
    p.add_argument("-o", dest="output", default="-", help="output file ('-' for stdout)")
    p.add_argument("--opset", type=int, help="convert the ONNX model to this opset first")
    p.add_argument("--input-shape", action="append", default=[], metavar="NAME=D0,D1,...",
                   help="pin the shape of a graph input with symbolic dimensions (repeatable)")
    p.add_argument("--mlir-print-debuginfo", action="store_true", help="print locations (ONNX node names)")
    return p


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    text = MODES[args.mode](args)
    write_atomically(args.output, text)
    return 0


def main() -> None:
    sys.exit(run_main("npu-translate", run))


if __name__ == "__main__":
    main()
