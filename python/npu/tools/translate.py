"""npu-translate: convert between model formats and npu IR, one mode flag per direction.

Modes (exactly one):
  --import-onnx model.onnx   ONNX -> npu_tensor level-1 MLIR (npu.onnx.importer)
  --to-binary model.mlir     allocated level-4 MLIR -> .npubin (npu.binary, docs/binary-format.md)
  --from-binary model.npubin .npubin -> level-4 MLIR (checked by the hardened loader)

Modes plug into MODES. Output goes to `-o`
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


def to_binary(args: argparse.Namespace) -> bytes:
    from npu.binary.encode import encode_file

    return encode_file(args.input, args.target)


def from_binary(args: argparse.Namespace) -> str:
    from npu.binary.decode import disassemble

    return disassemble(args.input, args.target, debug_info=args.mlir_print_debuginfo)


MODES = {"import_onnx": import_onnx, "to_binary": to_binary, "from_binary": from_binary}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="npu-translate", description="Translate models to and from npu IR.")
    modes = p.add_mutually_exclusive_group(required=True)
    modes.add_argument("--import-onnx", dest="mode", action="store_const", const="import_onnx",
                       help="import an ONNX model into npu_tensor (level 1)")
    modes.add_argument("--to-binary", dest="mode", action="store_const", const="to_binary",
                       help="encode an allocated level-4 module as a .npubin")
    modes.add_argument("--from-binary", dest="mode", action="store_const", const="from_binary",
                       help="decode a .npubin back to level-4 IR")
    p.add_argument("input", help="input file")
    p.add_argument("-o", dest="output", default="-", help="output file ('-' for stdout)")
    p.add_argument("--opset", type=int, help="convert the ONNX model to this opset first")
    p.add_argument("--input-shape", action="append", default=[], metavar="NAME=D0,D1,...",
                   help="pin the shape of a graph input with symbolic dimensions (repeatable)")
    p.add_argument("--mlir-print-debuginfo", action="store_true", help="print locations (ONNX node names)")
    p.add_argument("--target", metavar="PRESET|FILE",
                   help="binary modes: the target (default: the module's npu_pe.target; a binary must match it)")
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
