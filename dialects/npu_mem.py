"""Python verifiers for npu_mem: buffer, memory-space, address and DMA rules.

IRDL checks that operands are memrefs and attributes have the right kind; this
module checks what the "must" sentences of `npu_mem.irdl.mlir` say: memory
spaces, element types, shapes and byte sizes, DMA access patterns staying
inside their buffers, optional addresses and the target's memory sizes.
"""

from __future__ import annotations

from math import prod

import numpy as np
from mlir import ir

from npu.dialects.level4 import (
    Buffer, buffer, buffer_type, bits, int_attr, int_list, io_element_problem, module_index,
    optional_int_attr, pe_of,
)
from npu.ir.verify import VerifyEnv, verifier

# Exact injectivity check of a DMA target pattern up to this many elements.
_EXACT_CHECK_LIMIT = 1 << 16


def _element_bytes(buf: Buffer) -> int:
    return max(1, bits(buf.dtype) // 8)


@verifier("npu_mem.global")
def _verify_global(op: ir.Operation, env: VerifyEnv) -> None:
    parent = op.parent
    if parent is None or parent.name != "builtin.module":
        env.error(op, "expects to be a direct child of the module")
        return
    type_attr = op.attributes["type"]
    buf, problem = buffer_type(type_attr.value)
    if buf is None:
        env.error(op, f"expects type to have {problem}")
        return
    if buf.space != "ext":
        env.error(op, f'expects type in "ext" memory, got "{buf.space}"')
        return
    _check_value(op, env, buf)
    if "element" in op.attributes:
        _check_element(op, env, buf)
    ok, address = optional_int_attr(op, env, "address", minimum=0)
    if not ok or address is None:
        return
    if address % _element_bytes(buf):
        env.error(op, f"expects address to be a multiple of {_element_bytes(buf)} bytes, got {address}")
    elif env.target is not None and address + buf.nbytes > env.target.memory.bytes:
        env.error(op, f"expects [{address}, {address + buf.nbytes}) to fit in the {env.target.memory.bytes} "
                      f"bytes of external memory of target '{env.target.chip.name}'")


def _check_value(op: ir.Operation, env: VerifyEnv, buf: Buffer) -> None:
    kind = op.attributes["kind"].value
    has_value = "value" in op.attributes
    if kind == "weight" and not has_value:
        env.error(op, "expects a 'value' attribute for a weight")
        return
    if kind != "weight" and has_value:
        env.error(op, f"expects no 'value' attribute for kind '{kind}' (only weights have contents)")
        return
    if not has_value:
        return
    attr = op.attributes["value"]
    if isinstance(attr, ir.DenseElementsAttr):
        vtype = attr.type
    elif str(attr).startswith("dense_resource<"):
        vtype = ir.DenseResourceElementsAttr(attr).type
    else:
        env.error(op, f"expects value to be dense or dense_resource elements, got {attr}")
        return
    if list(vtype.shape) != list(buf.shape) or str(vtype.element_type) != buf.dtype:
        env.error(op, f"expects value of shape {list(buf.shape)} and element type {buf.dtype}, got {vtype}")


def _check_element(op: ir.Operation, env: VerifyEnv, buf: Buffer) -> None:
    attr = op.attributes["element"]
    if not isinstance(attr, ir.TypeAttr):
        env.error(op, f"expects element to be a type, got {attr}")
        return
    why = io_element_problem(str(attr.value), buf.dtype, op.attributes["kind"].value)
    if why:
        env.error(op, f"expects {why}")


@verifier("npu_mem.get_global")
def _verify_get_global(op: ir.Operation, env: VerifyEnv) -> None:
    if pe_of(op, env) is None:
        return
    ref = op.attributes["name"]
    if not isinstance(ref, ir.FlatSymbolRefAttr):
        env.error(op, f"expects name to be a flat symbol reference, got {ref}")
        return
    found = module_index(op, env).globals.get(ref.value)
    if not found:
        env.error(op, f"expects '@{ref.value}' to name an 'npu_mem.global' of the module")
        return
    declared = found[0].attributes["type"].value
    if op.results[0].type != declared:
        env.error(op, f"expects result type {declared} of global '@{ref.value}', got {op.results[0].type}")


@verifier("npu_mem.alloc")
def _verify_alloc(op: ir.Operation, env: VerifyEnv) -> None:
    if pe_of(op, env) is None:
        return
    buf = buffer(op, env, op.results[0], "the result", space="sram")
    if buf is None:
        return
    ok_align, alignment = optional_int_attr(op, env, "alignment", minimum=1, default=1)
    ok_off, offset = optional_int_attr(op, env, "offset", minimum=0)
    if not (ok_align and ok_off):
        return
    if alignment & (alignment - 1):
        env.error(op, f"expects alignment to be a power of two, got {alignment}")
        return
    if offset is not None and offset % alignment:
        env.error(op, f"expects offset to be a multiple of alignment {alignment}, got {offset}")
        return
    if env.target is None:
        return
    sram = env.target.pe.sram.bytes
    end = (offset or 0) + buf.nbytes
    if end > sram:
        where = f"[{offset}, {end})" if offset is not None else f"{buf.nbytes} bytes"
        env.error(op, f"expects the buffer ({where}) to fit in the {sram} bytes of SRAM of target "
                      f"'{env.target.chip.name}'")


@verifier("npu_mem.dealloc")
def _verify_dealloc(op: ir.Operation, env: VerifyEnv) -> None:
    if pe_of(op, env) is None:
        return
    value = op.operands[0]
    index = module_index(op, env)
    if value not in index.allocated:
        env.error(op, "expects a buffer produced by 'npu_mem.alloc'")
    elif index.deallocs[value] > 1:
        env.error(op, f"expects a buffer to be deallocated once, got {index.deallocs[value]} deallocs")


@verifier("npu_mem.view")
def _verify_view(op: ir.Operation, env: VerifyEnv) -> None:
    if pe_of(op, env) is None:
        return
    src = buffer(op, env, op.operands[0], "the source")
    out = buffer(op, env, op.results[0], "the result")
    offset = int_attr(op, env, "byte_offset", minimum=0)
    if src is None or out is None or offset is None:
        return
    if src.space != out.space:
        env.error(op, f'expects the result in the source\'s memory space "{src.space}", got "{out.space}"')
    elif offset % _element_bytes(out):
        env.error(op, f"expects byte_offset to be a multiple of the result element size "
                      f"{_element_bytes(out)}, got {offset}")
    elif offset + out.nbytes > src.nbytes:
        env.error(op, f"expects bytes [{offset}, {offset + out.nbytes}) inside the {src.nbytes}-byte source")


# ---------------------------------------------------------------- DMA

_DMA_SPACES = {("ext", "sram"), ("sram", "ext"), ("sram", "sram")}


@verifier("npu_mem.dma_start")
def _verify_dma_start(op: ir.Operation, env: VerifyEnv) -> None:
    if pe_of(op, env) is None:
        return
    src = buffer(op, env, op.operands[0], "the source")
    dst = buffer(op, env, op.operands[1], "the target")
    if src is None or dst is None:
        return
    if (src.space, dst.space) not in _DMA_SPACES:
        env.error(op, f'expects a copy ext->sram, sram->ext or sram->sram, got {src.space}->{dst.space}')
        return
    if src.dtype != dst.dtype:
        env.error(op, f"expects equal element types (a DMA does not convert), got {src.dtype} and {dst.dtype}")
        return
    src_pattern = _pattern(op, env, "src", src)
    dst_pattern = _pattern(op, env, "dst", dst)
    if src_pattern is None or dst_pattern is None:
        return
    if prod(src_pattern[1]) != prod(dst_pattern[1]):
        env.error(op, f"expects both patterns to move the same number of elements, got "
                      f"{prod(src_pattern[1])} (src_sizes {src_pattern[1]}) and {prod(dst_pattern[1])} "
                      f"(dst_sizes {dst_pattern[1]})")
        return
    if not _writes_once(*dst_pattern):
        env.error(op, f"expects the target pattern to write each element once, got dst_sizes "
                      f"{dst_pattern[1]} and dst_strides {dst_pattern[2]}")
        return
    waits = module_index(op, env).waits.get(op.results[0], 0)
    if waits > 1:
        env.error(op, f"expects its token to be waited for once, got {waits} waits")


def _pattern(op: ir.Operation, env: VerifyEnv, side: str, buf: Buffer):
    """(offset, sizes, strides) of one side, checked against its buffer."""
    offset = int_attr(op, env, f"{side}_offset", minimum=0)
    sizes = int_list(op, env, f"{side}_sizes", minimum=1)
    strides = int_list(op, env, f"{side}_strides", minimum=0)
    if offset is None or sizes is None or strides is None:
        return None
    if not sizes or len(sizes) != len(strides):
        env.error(op, f"expects {side}_sizes and {side}_strides of one non-zero length, got "
                      f"{len(sizes)} and {len(strides)}")
        return None
    last = offset + sum((n - 1) * s for n, s in zip(sizes, strides))
    if last >= buf.numel:
        env.error(op, f"expects the {side} pattern inside its {buf.numel}-element buffer, but it reaches "
                      f"element {last}")
        return None
    per = 8 // bits(buf.dtype) if bits(buf.dtype) < 8 else 1
    if per > 1 and not whole_bytes(offset, sizes, strides, buf.numel, per):
        rule = ("even offset, outer strides and innermost size", "an odd-length buffer") if per == 2 else \
            (f"offset, outer strides and innermost size multiples of {per}", f"a buffer whose length is not a "
                                                                            f"multiple of {per}")
        env.error(op, f"expects the {side} pattern to move whole bytes of {buf.dtype} data ({rule[0]}, innermost "
                      f"stride 1), or one run ending at the last element of {rule[1]}; got offset {offset}, "
                      f"sizes {list(sizes)}, strides {list(strides)} over {buf.numel} elements")
        return None
    return offset, sizes, strides


def whole_bytes(offset: int, sizes, strides, numel: int, per: int) -> bool:
    """Whether a DMA pattern over a sub-byte buffer (`per` elements a byte) of `numel` elements
    moves whole bytes.

    Runs start on a byte (offset and outer strides multiples of `per`, innermost
    stride 1) and cover whole bytes (innermost size a multiple of `per`). The one
    exception is a single run that ends at the last element of a buffer whose last
    byte is partial: it also moves that byte's padding bits, so its size may be any.
    """
    if offset % per or strides[-1] != 1 or any(s % per for n, s in zip(sizes[:-1], strides[:-1]) if n > 1):
        return False
    if sizes[-1] % per == 0:
        return True
    return all(n == 1 for n in sizes[:-1]) and numel % per != 0 and offset + sizes[-1] == numel


def i4_whole_bytes(offset: int, sizes, strides, numel: int) -> bool:
    """whole_bytes for i4 (two elements a byte)."""
    return whole_bytes(offset, sizes, strides, numel, 2)


def _writes_once(offset: int, sizes: list[int], strides: list[int]) -> bool:
    """True when the pattern visits no element twice."""
    dims = sorted((s, n) for n, s in zip(sizes, strides) if n > 1)
    extent = 0  # span of the dims nested inside the current one
    for stride, size in dims:
        if stride <= extent:
            break
        extent += (size - 1) * stride
    else:
        return True
    count = prod(sizes)
    if count > _EXACT_CHECK_LIMIT:
        return False
    index = np.zeros(1, dtype=np.int64)
    for size, stride in zip(sizes, strides):
        index = (index[:, None] + np.arange(size, dtype=np.int64)[None, :] * stride).reshape(-1)
    return np.unique(index).size == count


@verifier("npu_mem.dma_wait")
def _verify_dma_wait(op: ir.Operation, env: VerifyEnv) -> None:
    pe_of(op, env)

