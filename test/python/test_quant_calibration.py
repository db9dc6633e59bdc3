"""Calibration: input formats, bad input (one-line errors), the statistics cache and range methods."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from npu.errors import NpuError
from npu.quant import quantize
from npu.quant.calib import BINS, TensorStats, collect_stats, load_calibration
from npu.quant.ranges import tensor_range

ROOT = Path(__file__).resolve().parents[2]
CNN = ROOT / "examples" / "digits" / "digits_cnn.onnx"
CALIB = ROOT / "examples" / "digits" / "calib"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NPU_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _samples(n=3, shape=(1, 1, 8, 8)):
    return [np.random.default_rng(i).uniform(0, 1, shape).astype(np.float32) for i in range(n)]


# ----------------------------------------------------------------------------- bad input


def test_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.txt").write_text("not data")
    with pytest.raises(NpuError, match=r"calibration directory '.*empty' holds no \.npz or \.npy files"):
        quantize(CNN, tmp_path / "empty")


def test_missing_directory(tmp_path):
    with pytest.raises(NpuError, match="does not exist"):
        quantize(CNN, tmp_path / "nope")


def test_malformed_file(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(NpuError, match=r"calibration file '.*bad\.npz': cannot read it as \.npz"):
        quantize(CNN, tmp_path)


def test_pickled_file_is_refused_not_loaded(tmp_path):
    np.savez(tmp_path / "p.npz", input=np.array([{"a": 1}], dtype=object))
    with pytest.raises(NpuError, match=r"calibration file '.*p\.npz': cannot read it as \.npz: .*pickled"):
        quantize(CNN, tmp_path)


def test_wrong_shape(tmp_path):
    np.savez(tmp_path / "a.npz", input=np.zeros((8, 8), np.float32))
    with pytest.raises(NpuError, match=r"'.*a\.npz': input 'input' expects shape \[1, 1, 8, 8\], got \[8, 8\]"):
        quantize(CNN, tmp_path)


def test_unknown_and_missing_inputs(tmp_path):
    np.savez(tmp_path / "a.npz", image=np.zeros((1, 1, 8, 8), np.float32))
    with pytest.raises(NpuError, match="unknown input 'image' \\(the model takes: input\\)"):
        quantize(CNN, tmp_path)
    with pytest.raises(NpuError, match="wrong|expects dtype float32, got int64"):
        quantize(CNN, [np.zeros((1, 1, 8, 8), np.int64)])


def test_override_naming_no_layer_lists_close_names():
    with pytest.raises(NpuError, match="override names no layer 'conv_1'; did you mean conv1"):
        quantize(CNN, _samples(), overrides={"conv_1": "fp16"})


def test_unknown_scheme_and_method():
    with pytest.raises(NpuError, match="unknown precision 'int7'"):
        quantize(CNN, _samples(), "int7")
    with pytest.raises(NpuError, match="unknown calibration method 'kl2'"):
        quantize(CNN, _samples(), method="kl2")


def test_cli_reports_one_line_and_exit_1(tmp_path):
    (tmp_path / "c").mkdir()
    proc = subprocess.run([sys.executable, "-m", "npu.quant", str(CNN), "--calib", str(tmp_path / "c")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("npu-quant: error: calibration directory"), proc.stderr


# ----------------------------------------------------------------------------- formats


def test_npy_and_npz_and_arrays_agree(tmp_path):
    xs = _samples(2)
    (tmp_path / "npy").mkdir()
    (tmp_path / "npz").mkdir()
    for i, x in enumerate(xs):
        np.save(tmp_path / "npy" / f"{i}.npy", x.astype(np.float64))  # float64 is cast to the input's float32
        np.savez(tmp_path / "npz" / f"{i}.npz", input=x)
    from npu.interp.executor import IOSpec

    spec = [IOSpec("input", (1, 1, 8, 8), np.dtype(np.float32))]
    a, _ = load_calibration(tmp_path / "npy", spec)
    b, _ = load_calibration(tmp_path / "npz", spec)
    c, _ = load_calibration(xs, spec)
    for s in (a, b):
        assert all(np.array_equal(p["input"], q["input"]) for p, q in zip(s, c))


# ----------------------------------------------------------------------------- cache


def test_second_compile_reads_the_cache(cache_dir):
    m1, r1 = quantize(CNN, CALIB)
    assert r1.calibration["cached"] is False and any(cache_dir.glob("calib-*.npz"))
    m2, r2 = quantize(CNN, CALIB, method="entropy")  # statistics do not depend on the method
    assert r2.calibration["cached"] is True
    m3, r3 = quantize(CNN, CALIB)
    assert r3.calibration["cached"] is True and str(m3) == str(m1)
    m4, r4 = quantize(CNN, _samples(2))  # other data: computed again
    assert r4.calibration["cached"] is False


def test_corrupt_cache_entry_is_recomputed(cache_dir):
    _, r1 = quantize(CNN, CALIB)
    for f in cache_dir.glob("calib-*.npz"):
        f.write_bytes(b"garbage")
    _, r2 = quantize(CNN, CALIB)
    assert r2.calibration["cached"] is False


# ----------------------------------------------------------------------------- methods


def _stats(values: np.ndarray) -> TensorStats:
    a = float(np.abs(values).max())
    hist, _ = np.histogram(values, bins=BINS, range=(-a, a))
    return TensorStats("k", "t", float(values.min()), float(values.max()), hist, values.size)


def test_methods_clip_outliers_that_minmax_keeps():
    rng = np.random.default_rng(0)
    v = np.concatenate([rng.normal(0, 1, 100_000), [40.0, -35.0]])
    st = _stats(v)
    assert tensor_range(st, "minmax") == (st.min, st.max)
    for method in ("percentile", "entropy"):
        lo, hi = tensor_range(st, method)
        assert st.min <= lo < 0 < hi <= st.max
        assert hi < 20.0 and lo > -20.0, (method, lo, hi)  # the outliers are clipped
    lo, hi = tensor_range(st, "percentile", percentile=99.0)
    assert 2.0 < hi < 3.0  # the 99th percentile of N(0, 1) is 2.33


def _mse(v: np.ndarray, lo: float, hi: float) -> float:
    from npu.numerics import dequantize_affine, qparams_from_range, quantize_affine

    s, z = qparams_from_range(lo, hi, "int8")
    return float(np.mean((dequantize_affine(quantize_affine(v, s, z, "int8"), s, z) - v) ** 2))


@pytest.mark.parametrize("tail", [2, 200, 2000])
def test_mse_range_beats_minmax_on_the_data(tail):
    rng = np.random.default_rng(tail)
    v = np.concatenate([rng.normal(0, 1, 100_000), rng.uniform(-40, 40, tail)])
    st = _stats(v)
    lo, hi = tensor_range(st, "mse")
    assert st.min <= lo < 0 < hi <= st.max
    assert _mse(v, lo, hi) <= _mse(v, st.min, st.max) * 1.001
    if tail == 2:
        assert _mse(v, lo, hi) < _mse(v, -4.0, 4.0)  # two outliers cost more clipped than kept


def test_methods_on_a_tight_uniform_keep_the_range():
    v = np.random.default_rng(1).uniform(0, 6, 50_000)
    st = _stats(v)
    for method in ("percentile", "entropy", "mse"):
        lo, hi = tensor_range(st, method)
        assert hi > 5.0, (method, hi)


def test_collect_stats_sees_every_float_tensor():
    from npu.quant.api import reference_module

    module = reference_module(CNN)
    res = collect_stats(module, [{"input": x} for x in _samples(2)], cache=False)
    names = {s.name for s in res.stats.values()}
    assert {"input", "conv1", "relu1", "conv2", "pool1", "fc"} <= names
    relu = next(s for s in res.stats.values() if s.name == "relu1")
    assert relu.min >= 0.0 and relu.hist.sum() == 2 * 8 * 8 * 8
