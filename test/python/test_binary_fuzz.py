"""Fuzzing the .npubin loader over mutated real binaries (bounded, runs in CI).

Every mutated input must be either
  * rejected with a BinaryError (an NpuError) naming a byte offset inside the
    input, on one line, or
  * accepted and mean exactly its bytes: re-encoding the loaded module gives
    the input back (with the checksum left alone, only the unmutated bytes can
    be accepted);
never another exception, and never slower than TIME_LIMIT seconds per load.

Mutations: truncation at every section, table-entry and instruction boundary
(and one byte either side) plus random lengths; random bit flips; random
little-endian field edits (u8/u16/u32/u64) at header, section-table, table-entry
and instruction-field offsets; each with the checksum recomputed (to reach
the deeper checks) and, for flips, also left as is. The counts tried /
rejected / accepted are printed at the end (`pytest -s`) and asserted
non-trivial.
"""

from __future__ import annotations

import functools
import os
import signal
import struct
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npu.binary import container as C
from npu.binary.encode import encode
from npu.binary.loader import BinaryError, load, read
from npu.errors import NpuError
from npu.ir.context import make_context, parse_module

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "test" / "dialects" / "npu_pe_program.mlir", ROOT / "test" / "binary" / "Inputs" / "all_ops.mlir",
           ROOT / "test" / "binary" / "Inputs" / "bool_io.mlir"]  # bool I/O: the 1.4 element field
TIME_LIMIT = 10.0
# NPU_FUZZ_SCALE=20 runs 20x the examples (a longer local campaign); CI runs the default.
SCALE = max(1, int(os.environ.get("NPU_FUZZ_SCALE", "1")))
RANDOM = os.environ.get("NPU_FUZZ_RANDOM") == "1"  # fresh seeds instead of the reproducible default
TALLY: Counter = Counter()


@contextmanager
def time_limit(seconds: float):
    def on_alarm(signum, frame):
        raise TimeoutError(f"load took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _boundaries(data: bytes) -> list[int]:
    """Offsets where structure changes: sections, table entries, instructions, symbols."""
    binary = read(data)
    points = {0, 8, 12, 16, 24, 56, 60, 64, len(data) - C.CHECKSUM_BYTES, len(data)}
    for i in range(len(C.SECTIONS)):
        entry = C.FILE_HEADER_BYTES + i * C.SECTION_ENTRY_BYTES
        offset, size = struct.unpack_from("<QQ", data, entry + 8)
        points |= {entry, offset, offset + size}
    points |= {s.offset for s in binary.symbols} | {p.offset for p in binary.programs}
    points |= {s.offset + C.SYMBOL_BYTES_1_3 for s in binary.symbols}  # the 1.4 tail (element, reserved)
    points |= {i.offset for p in binary.programs for i in p.instrs}
    return sorted(points)


@functools.cache
def _context():
    """One MLIR context for every load (a context per load costs 40 ms; the corpus has no
    dense_resource weights, whose blob names would have to be new to the context)."""
    return make_context()


@functools.cache
def _corpus():
    out = []
    for path in SOURCES:
        data = encode(parse_module(path.read_text(), make_context()))
        out.append((data, _boundaries(data)))
    return out


@pytest.fixture
def corpus():
    return _corpus()


def check(mutated: bytes, original: bytes, resealed: bool, kind: str) -> None:
    """The loader contract for one mutated input (see the module docstring)."""
    TALLY["tried"] += 1
    TALLY[f"tried {kind}"] += 1
    try:
        with time_limit(TIME_LIMIT):
            loaded = load(mutated, context=_context())
    except BinaryError as err:
        TALLY["rejected"] += 1
        assert 0 <= err.offset <= len(mutated), str(err)
        assert "\n" not in str(err) and f"at byte {err.offset}: " in str(err)
        return
    except NpuError as err:  # other one-line errors (e.g. from the target parser) must still name a byte
        raise AssertionError(f"{kind}: NpuError without a byte offset: {err}") from None
    TALLY["accepted"] += 1
    if not resealed:
        assert mutated == original, f"{kind}: a corrupt file passed the checksum"
    with time_limit(TIME_LIMIT):
        again = encode(loaded.module, loaded.target)
    assert again == mutated, f"{kind}: accepted bytes that do not re-encode to themselves"


def test_truncation_at_every_boundary(corpus):
    for data, points in corpus:
        for p in points:
            for cut in {p - 1, p, p + 1}:
                if 0 <= cut < len(data):
                    check(data[:cut], data, False, "truncate")
                    if cut >= C.CHECKSUM_BYTES:
                        check(C.reseal(data[:cut]), data, True, "truncate+reseal")


@settings(max_examples=400 * SCALE, deadline=None, suppress_health_check=list(HealthCheck), derandomize=not RANDOM)
@given(st.data())
def test_random_truncation_and_bit_flips(data):
    corpus = _corpus()
    blob, _ = corpus[data.draw(st.integers(0, len(corpus) - 1))]
    cut = data.draw(st.integers(0, len(blob) - 1))
    check(blob[:cut], blob, False, "truncate")
    flipped = bytearray(blob)
    for _ in range(data.draw(st.integers(1, 3))):
        bit = data.draw(st.integers(0, 8 * len(blob) - 1))
        flipped[bit // 8] ^= 1 << (bit % 8)
    check(bytes(flipped), blob, False, "flip")
    check(C.reseal(bytes(flipped)), blob, True, "flip+reseal")


_FIELD = st.sampled_from([("<B", 1), ("<H", 2), ("<I", 4), ("<Q", 8)])
_VALUES = st.one_of(st.sampled_from([0, 1, 2, 3, 4, 7, 8, 15, 16, 63, 64, 255, 256, 0xFFFF, 0xFFFFFFFF,
                                     1 << 32, 1 << 63, (1 << 64) - 1]), st.integers(0, (1 << 64) - 1))


@settings(max_examples=1000 * SCALE, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not RANDOM)
@given(st.data())
def test_field_edits_at_structure_offsets(data):
    corpus = _corpus()
    blob, points = corpus[data.draw(st.integers(0, len(corpus) - 1))]
    base = data.draw(st.sampled_from(points[:-2]))
    at = base + data.draw(st.integers(0, 24))
    fmt, size = data.draw(_FIELD)
    value = data.draw(_VALUES) & ((1 << (8 * size)) - 1)
    if at + size > len(blob) - C.CHECKSUM_BYTES:
        return
    mutated = blob[:at] + struct.pack(fmt, value) + blob[at + size:]
    check(C.reseal(mutated), blob, True, "edit+reseal")


def test_fuzz_tally():
    """Runs last in this file: the counts, printed and asserted non-trivial."""
    print(f"\nnpubin loader fuzz: {dict(sorted(TALLY.items()))}")
    assert TALLY["tried"] >= 3000
    assert TALLY["rejected"] > 0 and TALLY["accepted"] > 0
