"""npu.binary: the .npubin format (level 5) -- ISA table, encoder, loader, decoder.

    from npu.binary import encode, load, decode, disassemble

`isa` holds the one instruction table; `container` the file model and writer;
`encode` turns a level-4 module into bytes; `loader` checks bytes and rebuilds
the module; `decode` builds MLIR from a checked binary. See
docs/binary-format.md and docs/isa.md.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name == "encode":
        from npu.binary.encode import encode

        return encode
    if name in ("load", "read", "BinaryError"):
        from npu.binary import loader

        return getattr(loader, name)
    if name in ("decode", "disassemble"):
        from npu.binary import decode as _decode

        return getattr(_decode, name)
    raise AttributeError(f"module 'npu.binary' has no attribute {name!r}")
