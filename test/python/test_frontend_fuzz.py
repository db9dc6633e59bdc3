"""Fuzzing the ONNX front-end over mutated models (bounded, runs in CI).

Seeds are the bundled digits models and small onnx.helper graphs
(test/python/onnx_mutations.py); each example applies one to three
protobuf-level mutations (truncation, bit flips, dropped / renamed / resized /
corrupted initializers, dims set to -1 / 0 / huge, rank changes, removed
value_info, unknown op types, broken attribute types and values, extreme
integer constants, wrong opset imports, external data pointing at missing
files, cycles, duplicate outputs, rewired inputs, dropped nodes, changed graph
inputs / outputs). Every mutated input must

  * import into a module that verifies, or
  * raise NpuError with a one-line message (no newline),

never another exception, and never take longer than TIME_LIMIT seconds. The
same holds for `npu-translate --import-onnx` (exit 0 with the output written,
or exit 1 with one stderr line and no output file), checked in process for
many inputs and as a subprocess for a few. The counts are printed at the end
(`pytest -s`) and asserted non-trivial. NPU_FUZZ_SCALE=20 runs 20x the
examples; NPU_FUZZ_RANDOM=1 draws fresh ones instead of the reproducible set.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npu.errors import NpuError
from npu.ir.verify import verify_ops
from npu.onnx.importer import import_model
from npu.tools import translate
from npu.tools.common import run_main

sys.path.insert(0, str(Path(__file__).parent))
import onnx_mutations as M  # noqa: E402

TIME_LIMIT = 10.0
SCALE = max(1, int(os.environ.get("NPU_FUZZ_SCALE", "1")))
RANDOM = os.environ.get("NPU_FUZZ_RANDOM") == "1"
TALLY: Counter = Counter()
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=not RANDOM, database=None)


@contextmanager
def time_limit(seconds: float):
    def on_alarm(signum, frame):
        raise TimeoutError(f"import took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_NAMES = st.lists(st.sampled_from(sorted(M.MUTATIONS)), min_size=1, max_size=3)


def _draw_mutant(data) -> tuple[str, bytes, list[str]]:
    seed = data.draw(st.sampled_from(sorted(M.SEEDS)))
    names = data.draw(_NAMES)
    blob, applied = M.mutate(seed, lambda n: data.draw(st.integers(0, n - 1)) if n > 1 else 0, names)
    return seed, blob, applied


def check_import(seed: str, blob: bytes, applied: list[str]) -> None:
    """The front-end contract for one mutated model (see the module docstring)."""
    TALLY["tried"] += 1
    for name in applied:
        TALLY[f"tried {name}"] += 1
    try:
        with time_limit(TIME_LIMIT):
            module = import_model(blob, input_shapes=M.INPUT_SHAPES.get(seed))
    except NpuError as err:
        TALLY["rejected"] += 1
        message = str(err)
        assert message and "\n" not in message, f"{seed} {applied}: multi-line error {message!r}"
        return
    TALLY["imported"] += 1
    with module.context:
        module.operation.verify()
        assert verify_ops(module.operation), f"{seed} {applied}: imported module fails npu's verifiers"


@settings(FUZZ, max_examples=1500 * SCALE)
@given(st.data())
def test_mutated_models_import_or_fail_on_one_line(data):
    check_import(*_draw_mutant(data))


def _translate_in_process(model: Path, out: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), time_limit(TIME_LIMIT):
        code = run_main("npu-translate", lambda: translate.run(["--import-onnx", str(model), "-o", str(out)]))
    return code, err.getvalue()


@settings(FUZZ, max_examples=150 * SCALE)
@given(data=st.data())
def test_npu_translate_on_mutated_models(tmp_path_factory, data):
    seed, blob, applied = _draw_mutant(data)
    if seed in M.INPUT_SHAPES:  # the command line pins no shapes here
        return
    folder = tmp_path_factory.mktemp("m")
    model, out = folder / "model.onnx", folder / "out.mlir"
    model.write_bytes(blob)
    code, stderr = _translate_in_process(model, out)
    TALLY["translate tried"] += 1
    assert code in (0, 1), f"{seed} {applied}: exit {code}: {stderr}"
    if code == 0:
        TALLY["translate imported"] += 1
        assert out.is_file() and out.read_text().startswith("module"), f"{seed} {applied}"
        assert stderr == ""
    else:
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("npu-translate: error: "), f"{seed} {applied}: {stderr!r}"
        assert not out.exists(), f"{seed} {applied}: output written on error"
        assert not [p for p in folder.iterdir() if p.name.startswith(".out.mlir")], "temporary file left behind"


SUBPROCESS_CASES = [
    ("digits_cnn", [("truncate", 1000)]),
    ("digits_transformer", [("flip_bits", 0)]),
    ("conv_net", [("change_op_type", 2)]),
    ("shape_subgraph", [("external_data", 0)]),
    ("control_flow", [("make_cycle", 1)]),
]


@pytest.mark.parametrize("seed, steps", SUBPROCESS_CASES, ids=[s for s, _ in SUBPROCESS_CASES])
def test_npu_translate_exit_code_and_stderr(seed, steps, tmp_path):
    import random

    rng = random.Random(steps[0][1])
    model = M.SEEDS[seed]()
    blob = M.MUTATIONS[steps[0][0]](model, lambda n: rng.randrange(n) if n > 1 else 0)
    (tmp_path / "model.onnx").write_bytes(blob)
    proc = subprocess.run(
        [sys.executable, "-m", "npu.tools.translate", "--import-onnx", tmp_path / "model.onnx", "-o", tmp_path / "out.mlir"],
        capture_output=True, text=True, timeout=120,
    )
    TALLY["subprocess tried"] += 1
    if proc.returncode == 0:
        assert (tmp_path / "out.mlir").is_file()
        return
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("npu-translate: error: "), proc.stderr
    assert not (tmp_path / "out.mlir").exists()
    TALLY["subprocess rejected"] += 1


# ----------------------------------------------------------------------------- npu-run input files


def _array_files() -> list[bytes]:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)).astype(np.float32), np.arange(6, dtype=np.int64)
    out = []
    for save in (np.savez, np.savez_compressed):
        buf = io.BytesIO()
        save(buf, a=a, b=b)
        out.append(buf.getvalue())
    buf = io.BytesIO()
    np.save(buf, a)
    out.append(buf.getvalue())
    return out


@settings(FUZZ, max_examples=400 * SCALE)
@given(data=st.data())
def test_mutated_input_files_read_or_fail_on_one_line(tmp_path_factory, data):
    """npu-run's reader of .npz/.npy inputs (npu.tools.arrays) on truncated and bit-flipped files."""
    from npu.tools.arrays import read_arrays

    blob = bytearray(data.draw(st.sampled_from(_array_files())))
    if data.draw(st.booleans()):
        blob = blob[: data.draw(st.integers(0, len(blob)))]
    else:
        for _ in range(data.draw(st.integers(1, 4))):
            bit = data.draw(st.integers(0, 8 * len(blob) - 1))
            blob[bit // 8] ^= 1 << (bit % 8)
    path = tmp_path_factory.mktemp("a") / "inputs.npz"
    path.write_bytes(bytes(blob))
    TALLY["arrays tried"] += 1
    try:
        with time_limit(TIME_LIMIT):
            arrays = read_arrays(str(path))
    except NpuError as err:
        TALLY["arrays rejected"] += 1
        assert "\n" not in str(err) and str(path) in str(err)
        return
    assert all(isinstance(v, np.ndarray) for v in arrays.values())


def test_fuzz_tally():
    """Runs last in this file: the counts, printed and asserted non-trivial."""
    print(f"\nONNX front-end fuzz: {dict(sorted(TALLY.items()))}")
    assert TALLY["tried"] >= 1500 * SCALE
    assert TALLY["rejected"] > 0 and TALLY["imported"] > 0
    assert all(TALLY[f"tried {m}"] > 0 for m in M.MUTATIONS), "a mutation was never drawn"
    assert TALLY["translate tried"] >= 100 and TALLY["subprocess rejected"] >= 3
    assert TALLY["arrays tried"] >= 400 * SCALE and 0 < TALLY["arrays rejected"] < TALLY["arrays tried"]
