"""Calibration: load calibration inputs, run the golden interpreter, collect and cache statistics.

Calibration inputs (docs/quantization.md, "Calibration data"):
- a directory of `.npz` / `.npy` files, read in sorted file-name order. An
  `.npz` holds one array per model input, keyed by the input's name; a `.npy`
  holds the single input of a one-input model. Each file is one sample with the
  exact input shape; float arrays are cast to the input's float type, other
  dtypes must match. Files with other suffixes are ignored.
- a single `.npz` / `.npy` file (one sample), or, from Python, a list of dicts
  (input name -> array) or of arrays (one-input models).
Errors (empty or missing directory, unreadable file, missing/unknown input,
wrong shape or dtype) are one-line NpuErrors naming the file and the input.

Statistics (`collect_stats`): the float module runs once per sample with the
interpreter's `on_result` hook; every float32 tensor (graph inputs and op
results) gets min, max and a histogram of BINS bins over [-absmax, absmax]
(a second pass, once absmax is known). Tensors are keyed "arg:<i>" or
"<op step>:<result>" (npu.quant.graph.value_key). Statistics do not depend on
the range method, so the cache key is the hash of (module text with its
resources, every sample's names/dtypes/shapes/bytes, BINS, format version):
a second compile with the same model and data, any method, reads
$NPU_CACHE_DIR (default ~/.cache/npu)/calib-<hash>.npz instead of running.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mlir import ir

from npu.errors import NpuError
from npu.tools.arrays import read_arrays
from npu.interp.executor import IOSpec, Program
from npu.quant.progress import Progress

BINS = 2048
_VERSION = b"npu-calib-v1"

Sample = dict[str, np.ndarray]


# ----------------------------------------------------------------------------- loading


def _fit(value: np.ndarray, spec: IOSpec, where: str) -> np.ndarray:
    value = np.asarray(value)
    if tuple(value.shape) != tuple(spec.shape):
        raise NpuError(f"{where}: input '{spec.name}' expects shape {list(spec.shape)}, got {list(value.shape)}")
    if value.dtype != spec.dtype:
        if value.dtype.kind == "f" and np.dtype(spec.dtype).kind == "f":
            return value.astype(spec.dtype)
        raise NpuError(f"{where}: input '{spec.name}' expects dtype {np.dtype(spec.dtype).name}, got {value.dtype.name}")
    return value


def _sample_from(arrays: dict[str, np.ndarray], specs: list[IOSpec], where: str) -> Sample:
    names = [s.name for s in specs]
    unknown = sorted(set(arrays) - set(names))
    if unknown:
        raise NpuError(f"{where}: unknown input '{unknown[0]}' (the model takes: {', '.join(names)})")
    missing = [n for n in names if n not in arrays]
    if missing:
        raise NpuError(f"{where}: missing input '{missing[0]}' (the model takes: {', '.join(names)})")
    return {s.name: _fit(arrays[s.name], s, where) for s in specs}


def _read_file(path: Path, specs: list[IOSpec]) -> Sample:
    where = f"calibration file '{path}'"
    try:
        arrays = read_arrays(str(path))  # the hardened reader npu-run uses (no pickles, sizes checked)
    except NpuError as err:
        raise NpuError(f"{where}: cannot read it as {path.suffix}: {str(err).split(': ', 1)[-1]}") from None
    if "" in arrays:
        if len(specs) != 1:
            raise NpuError(f"{where}: a .npy file holds one array but the model takes {len(specs)} inputs "
                           f"({', '.join(s.name for s in specs)}); use .npz files keyed by input name")
        arrays = {specs[0].name: arrays[""]}
    return _sample_from(arrays, specs, where)


def load_calibration(source, specs: list[IOSpec]) -> tuple[list[Sample], list[str]]:
    """(samples, labels) from a directory, a file, or a list of dicts/arrays (see the module docstring)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_file():
            files = [path]
        elif path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in (".npz", ".npy") and p.is_file())
            if not files:
                raise NpuError(f"calibration directory '{path}' holds no .npz or .npy files")
        else:
            raise NpuError(f"calibration data '{path}' does not exist")
        if any(p.suffix not in (".npz", ".npy") for p in files):
            raise NpuError(f"calibration file '{files[0]}' is not a .npz or .npy file")
        return [_read_file(p, specs) for p in files], [str(p) for p in files]
    items = list(source)
    if not items:
        raise NpuError("calibration data is empty: give at least one sample")
    samples = []
    for i, item in enumerate(items):
        where = f"calibration sample {i}"
        if isinstance(item, dict):
            samples.append(_sample_from(item, specs, where))
        elif len(specs) == 1:
            samples.append(_sample_from({specs[0].name: np.asarray(item)}, specs, where))
        else:
            raise NpuError(f"{where}: the model takes {len(specs)} inputs; give a dict keyed by input name")
    return samples, [f"sample {i}" for i in range(len(samples))]


# ----------------------------------------------------------------------------- statistics


@dataclass
class TensorStats:
    """Range statistics of one float tensor over the calibration set."""

    key: str
    name: str
    min: float
    max: float
    hist: np.ndarray  # BINS counts over [-absmax, absmax]
    count: int

    @property
    def absmax(self) -> float:
        return max(abs(self.min), abs(self.max))

    def edges(self) -> np.ndarray:
        a = self.absmax if self.absmax > 0 else 1.0
        return np.linspace(-a, a, len(self.hist) + 1)


def cache_dir() -> Path:
    """$NPU_CACHE_DIR, else $XDG_CACHE_HOME/npu, else ~/.cache/npu."""
    env = os.environ.get("NPU_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "npu"


def stats_key(module: ir.Module, samples: list[Sample]) -> str:
    h = hashlib.sha256(_VERSION)
    h.update(str(BINS).encode())
    h.update(module.operation.get_asm(binary=False, large_elements_limit=None, enable_debug_info=True).encode())
    for s in samples:
        for name in sorted(s):
            a = np.ascontiguousarray(s[name])
            h.update(f"{name}|{a.dtype.str}|{a.shape}".encode())
            h.update(a.tobytes())
    return h.hexdigest()


def _value_names(program: Program) -> dict[int, list[tuple[str, str]]]:
    """id(op) -> [(key, layer name)] for each float32 result of each step."""
    from npu.quant.graph import layer_name

    out = {}
    for i, step in enumerate(program.steps):
        keys = []
        for r, spec in enumerate(step.specs):
            if spec.dtype == np.float32:
                keys.append((f"{i}:{r}", layer_name(step.op, f"op{i}")))
            else:
                keys.append((None, None))
        out[id(step.op)] = keys
    return out


def _run_all(program: Program, samples: list[Sample], visit, bar: Progress) -> None:
    names = _value_names(program)

    def on_result(op, values):
        for (key, name), v in zip(names[id(op)], values):
            if key is not None:
                visit(key, name, v)

    for s in samples:
        for k, spec in enumerate(program.inputs):
            if np.dtype(spec.dtype) == np.float32:
                visit(f"arg:{k}", spec.name, s[spec.name])
        program.run(s, on_result=on_result)
        bar.advance()


def _compute(module: ir.Module, samples: list[Sample], progress: bool | None) -> dict[str, TensorStats]:
    with module.context:
        program = Program(module)
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    names: dict[str, str] = {}
    counts: dict[str, int] = {}

    def ranges(key, name, v):
        v = np.asarray(v, dtype=np.float64)
        finite = v[np.isfinite(v)]
        if finite.size:
            lo[key] = min(lo.get(key, np.inf), float(finite.min()))
            hi[key] = max(hi.get(key, -np.inf), float(finite.max()))
        names[key] = name
        counts[key] = counts.get(key, 0) + v.size

    hists: dict[str, np.ndarray] = {}

    def histograms(key, name, v):
        a = max(abs(lo.get(key, 0.0)), abs(hi.get(key, 0.0))) or 1.0
        v = np.asarray(v, dtype=np.float64).reshape(-1)
        h, _ = np.histogram(v[np.isfinite(v)], bins=BINS, range=(-a, a))
        hists[key] = hists.get(key, 0) + h

    with Progress(2 * len(samples), "calibrating", enabled=progress) as bar:
        _run_all(program, samples, ranges, bar)
        _run_all(program, samples, histograms, bar)
    out = {}
    for key in names:
        out[key] = TensorStats(key, names[key], lo.get(key, 0.0), hi.get(key, 0.0),
                               np.asarray(hists.get(key, np.zeros(BINS)), dtype=np.int64), counts[key])
    return out


def _save(path: Path, stats: dict[str, TensorStats]) -> None:
    keys = sorted(stats)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(keys), names=np.array([stats[k].name for k in keys]),
             mins=np.array([stats[k].min for k in keys]), maxs=np.array([stats[k].max for k in keys]),
             hists=np.stack([stats[k].hist for k in keys]) if keys else np.zeros((0, BINS), np.int64),
             counts=np.array([stats[k].count for k in keys], dtype=np.int64))
    os.replace(tmp, path)


def _load(path: Path) -> dict[str, TensorStats] | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {str(k): TensorStats(str(k), str(n), float(a), float(b), h.astype(np.int64), int(c))
                    for k, n, a, b, h, c in zip(z["keys"], z["names"], z["mins"], z["maxs"], z["hists"], z["counts"])}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # a corrupt cache entry is recomputed


@dataclass
class CalibrationResult:
    stats: dict[str, TensorStats]
    key: str
    cached: bool
    num_samples: int


def collect_stats(module: ir.Module, samples: list[Sample], *, cache: bool = True,
                  progress: bool | None = None) -> CalibrationResult:
    """Statistics of every float32 tensor of `module` over `samples`, from the cache when possible."""
    key = stats_key(module, samples)
    path = cache_dir() / f"calib-{key[:40]}.npz"
    if cache and path.is_file():
        stats = _load(path)
        if stats is not None:
            return CalibrationResult(stats, key, True, len(samples))
    stats = _compute(module, samples, progress)
    if cache:
        try:
            _save(path, stats)
        except OSError:
            pass  # an unwritable cache only costs time
    return CalibrationResult(stats, key, False, len(samples))
