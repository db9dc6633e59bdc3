"""The level-4 interpreter on lowered models (the spatial pipeline of npu.spatial).

What test_spatial_lower.py (LOWER) does not: the same lowered module run with
both PE schedules gives the same bits (no order-dependent result), one prepared
machine runs many held-out samples, the unscheduled and scheduled programs
agree, and bugs injected into real lowered programs (a missing wait, an
overlapping allocation, a missing signal, a missing recv wait) are caught at run time.
Expected values come from the golden interpreter on the level-1/2 module.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
from mlir import ir

from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import Level4Machine
from npu.ir.context import make_context
from npu.onnx.importer import import_model
from npu.spatial import LowerOptions, lower_module
from npu.target import load_target

DIGITS = "examples/digits"
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
SAMPLES = 4
FLOAT_RTOL = 1e-5  # of the output's max magnitude; see docs/level4-execution.md for the per-matmul bound


def _samples(model: str, n: int) -> np.ndarray:
    x = np.load(f"{DIGITS}/digits_test.npz")["x"][:n].astype(np.float32)
    return x.reshape(n, 1, 8, 8) if model == "digits_cnn" else x.reshape(n, 1, 8, 8)[:, 0]


def _source(model: str, precision: str) -> ir.Module:
    if precision == "float":
        return import_model(f"{DIGITS}/{model}.onnx")
    import npu.quant as quant

    shape = (1, 1, 8, 8) if model == "digits_cnn" else (1, 8, 8)
    calib = [{"input": x.reshape(shape)} for x in _samples(model, 16)]
    options = {} if model == "digits_cnn" else {"integer_norm": False}
    return quant.quantize(f"{DIGITS}/{model}.onnx", calib, precision, **options)[0]


@functools.lru_cache(maxsize=None)
def lowered(model: str, preset: str, precision: str, schedule: bool = True):
    """(golden outputs per sample, lowered module text, target) for a bundled model."""
    module = _source(model, precision)
    target = load_target(preset)
    with module.context:
        program = Program(module)
        spec = program.inputs[0]
        inputs = [{spec.name: x.reshape(spec.shape)} for x in _samples(model, SAMPLES)]
        gold = [program.run(i) for i in inputs]
        lower_module(module, target, LowerOptions(schedule=schedule))
        text = module.operation.get_asm(large_elements_limit=None)
    return inputs, gold, text, target


_CTX = []


def machine(text: str, target, **kwargs) -> Level4Machine:
    if not _CTX:
        _CTX.append(make_context())
    module = ir.Module.parse(text, _CTX[0])
    return Level4Machine(module, target, **kwargs)


def assert_matches_golden(out: dict, gold: dict, precision: str) -> None:
    for name, g in gold.items():
        if precision == "float":
            err = float(np.abs(out[name].astype(np.float64) - g).max())
            assert err <= FLOAT_RTOL * float(np.abs(g).max()), f"{name}: max error {err}"
        else:
            np.testing.assert_array_equal(out[name], g)


CASES = [(m, p, q) for m in ("digits_cnn",) for p in PRESETS for q in ("float", "int8")]
CASES += [("digits_transformer", "edge-lpddr", "float"), ("digits_transformer", "edge-lpddr", "int8")]
SLOW = [("digits_transformer", p, q) for p in PRESETS[1:] for q in ("float", "int8")]


def _run_both_schedules(model, preset, precision):
    inputs, gold, text, target = lowered(model, preset, precision)
    forward = machine(text, target)
    backward = machine(text, target, schedule="reverse")
    for x, g in zip(inputs, gold):
        a, b = forward.run(x), backward.run(x)
        for name in g:
            assert np.array_equal(a[name].view(np.uint8), b[name].view(np.uint8)), f"{name} depends on the schedule"
        assert_matches_golden(a, g, precision)


@pytest.mark.parametrize("model,preset,precision", CASES)
def test_lowered_model_is_schedule_independent_and_matches_golden(model, preset, precision):
    """Held-out samples through one prepared machine per schedule; int8 bit-identical, float within the bound."""
    _run_both_schedules(model, preset, precision)


@pytest.mark.slow
@pytest.mark.parametrize("model,preset,precision", SLOW)
def test_lowered_transformer_on_the_big_presets(model, preset, precision):
    _run_both_schedules(model, preset, precision)


def test_unscheduled_and_scheduled_programs_agree():
    """npu-schedule reorders DMAs and waits; the interpreter sees the same bits before and after."""
    inputs, gold, text, target = lowered("digits_cnn", "datacenter-hbm", "int8", schedule=False)
    _, _, scheduled, _ = lowered("digits_cnn", "datacenter-hbm", "int8")
    assert text != scheduled
    for x, g in zip(inputs, gold):
        np.testing.assert_array_equal(machine(text, target).run(x)["logits"], g["logits"])
        np.testing.assert_array_equal(machine(scheduled, target).run(x)["logits"], g["logits"])


# ---------------------------------------------------------------- bugs injected into lowered programs

def _program_lines(text: str, pe: str = "pe_0_0") -> tuple[int, int]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if f"func.func @{pe}(" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "return")
    return start, end


def _mutate(text: str, edit) -> str:
    lines = text.split("\n")
    start, end = _program_lines(text)
    edit(lines, start, end)
    return "\n".join(lines)


def _run_mutant(text: str, target):
    inputs, *_ = lowered("digits_cnn", "edge-lpddr", "float")
    return machine(text, target).run(inputs[0])


@pytest.fixture(scope="module")
def cnn_edge():
    _, _, text, target = lowered("digits_cnn", "edge-lpddr", "float")
    return text, target


def test_injected_missing_dma_wait(cnn_edge):
    text, target = cnn_edge

    def drop_first_wait(lines, start, end):
        k = next(i for i in range(start, end) if '"npu_mem.dma_wait"(' in lines[i])
        del lines[k]

    with pytest.raises(NpuError, match=r"on PE \(0, 0\): (reads .* while its bytes are still arriving from the DMA"
                                       r"|ends the program while 'npu_mem.dma_start')"):
        _run_mutant(_mutate(text, drop_first_wait), target)


def test_injected_overlapping_allocation(cnn_edge):
    text, target = cnn_edge

    def alias_second_alloc(lines, start, end):
        allocs = [i for i in range(start, end) if '"npu_mem.alloc"()' in lines[i]]
        first = re.search(r"offset = (\d+)", lines[allocs[0]]).group(1)
        k = next(i for i in allocs[1:] if re.search(r"offset = (\d+)", lines[i]).group(1) != first)
        lines[k] = re.sub(r"offset = \d+", f"offset = {first}", lines[k])

    with pytest.raises(NpuError, match=r"'npu_mem.alloc' .* on PE \(0, 0\): allocates SRAM bytes .* overlapping"):
        _run_mutant(_mutate(text, alias_second_alloc), target)


def test_injected_missing_signal_deadlocks(cnn_edge):
    text, target = cnn_edge
    assert '"npu_noc.sem_signal"' in text

    def drop_first_signal(lines, start, end):
        del lines[next(i for i in range(start, end) if '"npu_noc.sem_signal"' in lines[i])]

    with pytest.raises(NpuError, match=r"^deadlock: .*blocked at 'npu_noc.sem_wait' .*"
                                       r"waits for semaphore \d+ to reach 1 \(holds 0\)"):
        _run_mutant(_mutate(text, drop_first_signal), target)


def test_injected_missing_recv_wait(cnn_edge):
    text, target = cnn_edge
    lines = text.split("\n")
    recv = next(i for i, line in enumerate(lines) if '"npu_noc.recv"(' in line)
    header = next(i for i in range(recv, -1, -1) if "func.func @pe_" in lines[i])
    pe = re.search(r"@(pe_\d+_\d+)", lines[header]).group(1)
    start, end = _program_lines(text, pe)
    k = next(i for i in range(recv, end) if '"npu_noc.wait"(' in lines[i])
    del lines[k]
    with pytest.raises(NpuError, match=r"(reads .* while its bytes are still arriving from the receive "
                                       r"of 'npu_noc.recv'|ends the program while 'npu_noc.recv')"):
        _run_mutant("\n".join(lines), target)
