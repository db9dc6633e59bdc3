"""Write corrupted variants of a .npubin for errors.test: mutate.py IN PREFIX.

Each variant PREFIX.<name> breaks one thing; edits inside the file are followed
by a recomputed checksum (npu.binary.container.reseal) so that the loader's
deeper checks are reached.
"""
import struct
import sys

from npu.binary import container as C
from npu.binary.loader import read

src, prefix = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
binary = read(data)
pe0 = binary.programs[0].instrs
alloc = next(i for i in pe0 if i.op.name == "npu_mem.alloc")
send = next(i for i in pe0 if i.op.name == "npu_noc.send")


def edit(at, raw):
    return C.reseal(data[:at] + raw + data[at + len(raw):])


variants = {
    "magic": b"GIF89a" + data[6:],
    "truncated": data[:1000],
    "flipped": data[:2000] + bytes([data[2000] ^ 4]) + data[2001:],
    "version": edit(8, struct.pack("<H", 2)),
    "opcode": edit(pe0[0].offset, b"\xee"),
    "sram": edit(alloc.offset + 8, struct.pack("<I", 524280)),
    "address": edit(binary.symbols[0].offset + 16, struct.pack("<Q", 1 << 32)),
    "length": edit(pe0[0].offset + 2, struct.pack("<H", 12)),
    "program": edit(send.offset + 12, struct.pack("<I", 9)),
}
for name, blob in variants.items():
    with open(f"{prefix}.{name}", "wb") as out:
        out.write(blob)
