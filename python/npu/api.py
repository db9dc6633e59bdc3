"""The end-to-end Python API: ONNX model -> .npubin artifact -> run.

    import npu
    art = npu.compile("model.onnx", target="edge-lpddr")                  # float
    art = npu.compile("model.onnx", target="edge-lpddr", quant="int8", calibration="calib/")
    art.save("model.npubin")
    outputs = art.run({"input": x})        # decoded and run on the level-4 interpreter
    art.report                             # what was built (see `Artifact.report`)
    art = npu.load("model.npubin")         # checked by the hardened loader

The pipeline (`build`, shared with `npu-compile`) is a flat ladder of stages;
`emit` stops after one of them:

  import    npu.onnx.importer.import_model                -> level 1 (npu_tensor)
  quantize  npu.quant.quantize (only with `quant`)        -> level 2
  lower     npu.spatial.lower_module (tile, place, lower to PE programs,
            allocate SRAM and external memory, schedule, check races) -> level 4
  predict   npu.perf.simulate (when present): cycles, time, energy of the level-4 program
  encode    npu.binary.encode                              -> .npubin bytes

Errors at any stage are one-line NpuErrors. The report holds only counted
figures and the performance model's predictions (nothing when it is absent).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from npu.errors import NpuError

EMITS = ("level1", "level2", "level4", "binary")
STAGES = ("import", "quantize", "lower", "predict", "encode")
_LAST_STAGE = {"level1": "import", "level2": "quantize", "level4": "lower", "binary": "encode"}

OnStage = Callable[[str, str], None]  # (stage, one-line detail) after each stage


@dataclass(frozen=True)
class IOSpec:
    """An input or output of a binary, from its symbol table."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    quant: object | None = None  # npu.binary.container.Quant for quantized I/O

    def describe(self) -> str:
        return f"{list(self.shape)} {self.dtype}"


class Artifact:
    """A compiled model: the .npubin bytes, what they hold and the build report."""

    def __init__(self, data: bytes, report: dict | None = None, source: str = "<artifact>", target=None):
        from npu.binary.loader import load

        self.data = bytes(data)
        self._loaded = load(self.data, target=target)
        self._loaded.source = source
        self.report = dict(report or {})
        self.report.setdefault("binary", binary_summary(self._loaded, len(self.data)))
        self._machine = None

    # ------------------------------------------------------------ contents

    @property
    def target(self):
        return self._loaded.target

    @property
    def module(self):
        """The level-4 module the binary decodes to."""
        return self._loaded.module

    @property
    def inputs(self) -> list[IOSpec]:
        return [_spec(s) for s in self._loaded.inputs]

    @property
    def outputs(self) -> list[IOSpec]:
        return [_spec(s) for s in self._loaded.outputs]

    def disassemble(self, debug_info: bool = False) -> str:
        return self.module.operation.get_asm(enable_debug_info=debug_info, assume_verified=True) + "\n"

    # ------------------------------------------------------------ use

    def save(self, path: str | Path) -> None:
        """Write the .npubin (atomically: nothing is left behind on failure)."""
        from npu.tools.common import write_atomically

        write_atomically(str(path), self.data)

    def check_inputs(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """`inputs` checked against the symbol table: names, shapes and dtypes must match exactly."""
        expected = {s.name: s for s in self.inputs}
        unknown = sorted(set(inputs) - set(expected))
        if unknown:
            raise NpuError(f"unknown input '{unknown[0]}': the binary takes {', '.join(expected) or 'no inputs'}")
        out = {}
        for name, spec in expected.items():
            if name not in inputs:
                raise NpuError(f"missing input '{name}' ({spec.describe()})")
            value = np.asarray(inputs[name])
            if value.shape != spec.shape or value.dtype != spec.dtype:
                raise NpuError(f"input '{name}' expects {spec.describe()} (the binary's symbol table), "
                               f"got {list(value.shape)} {value.dtype}")
            out[name] = value
        return out

    def run(self, inputs: dict[str, np.ndarray], on_op=None) -> dict[str, np.ndarray]:
        """Run the binary on the level-4 interpreter; outputs keyed by name."""
        from npu.interp.level4 import Level4Machine, run_level4

        checked = self.check_inputs(inputs)
        if on_op is not None:
            return run_level4(self.module, checked, target=self.target, on_op=on_op)
        if self._machine is None:  # built once: its programs are decoded once for many runs
            self._machine = Level4Machine(self.module, self.target)
        with self.module.context:
            return self._machine.run(checked)


def _spec(sym) -> IOSpec:
    from npu.interp.level4_io import api_dtype_of

    return IOSpec(sym.name, tuple(sym.type.shape), api_dtype_of(sym.type.dtype, sym.element), sym.quant)


def load(path: str | Path, target=None) -> Artifact:
    """The artifact of a .npubin file, checked by the hardened loader (and against `target` if given)."""
    from npu.binary.loader import read_file

    return Artifact(read_file(path), {"source": str(path)}, source=str(path), target=target)


# ---------------------------------------------------------------- the pipeline

def compile(model, target="edge-lpddr", quant: str | None = None, calibration=None, *,
            on_stage: OnStage | None = None, lower_options=None) -> Artifact:
    """Compile an ONNX model (path, bytes or ModelProto) to a .npubin artifact for `target`."""
    from npu.target import Target, load_target

    tgt = target if isinstance(target, Target) else load_target(target)
    data, report = build(model, tgt, quant=quant, calibration=calibration, emit="binary",
                         on_stage=on_stage, lower_options=lower_options)
    return Artifact(data, report, target=tgt)


def build(model, target, *, quant: str | None = None, calibration=None, emit: str = "binary",
          on_stage: OnStage | None = None, lower_options=None):
    """Run the stages up to `emit`: (level-1/2/4 module or .npubin bytes, report dict)."""
    from npu.target import Target, load_target

    if emit not in EMITS:
        raise NpuError(f"unknown emit stage '{emit}'; expected one of {', '.join(EMITS)}")
    if emit == "level2" and not quant:
        raise NpuError("emitting level 2 needs quantization (--quant SCHEME)")
    if quant and calibration is None:
        raise NpuError(f"quantization '{quant}' needs calibration data (--calib DIR)")
    tgt = target if isinstance(target, Target) else load_target(target)
    report: dict = {"model": _model_name(model), "target": tgt.chip.name, "target_fingerprint": tgt.fingerprint(),
                    "quant": quant, "stages": []}
    last = _LAST_STAGE[emit]

    def stage(name: str, fn):
        start = time.perf_counter()
        result, detail = fn()
        seconds = time.perf_counter() - start
        report["stages"].append({"stage": name, "seconds": round(seconds, 4), "detail": detail})
        if on_stage is not None:
            on_stage(name, f"{detail} ({seconds:.2f} s)")
        return result

    module = stage("import", lambda: _import(model, report))
    if quant:
        module = stage("quantize", lambda: _quantize(module, model, quant, calibration, tgt, report))
    elif last != "import" and on_stage is not None:
        on_stage("quantize", "skipped (no quantization: the float model is lowered)")
    if last in ("import", "quantize"):
        return module, report
    module = stage("lower", lambda: _lower(module, tgt, lower_options, report))
    if _has_performance_model():
        stage("predict", lambda: _predict(module, tgt, report))
    if last == "lower":
        return module, report
    return stage("encode", lambda: _encode(module, tgt, report)), report


def _model_name(model) -> str:
    return str(model) if isinstance(model, (str, Path)) else type(model).__name__


def _graph_ops(module) -> int:
    from npu.interp.executor import find_main

    return sum(1 for op in find_main(module).regions[0].blocks[0].operations
               if op.operation.name != "func.return")


def _import(model, report: dict):
    from npu.onnx.importer import import_model

    if isinstance(model, (str, Path)) and not Path(model).is_file():
        raise NpuError(f"cannot read '{model}': No such file or directory")
    module = import_model(model)
    report["graph_ops"] = _graph_ops(module)
    return module, f"level 1: {report['graph_ops']} ops"


def _quantize(module, model, scheme: str, calibration, tgt, report: dict):
    from npu.quant import quantize

    qmodule, qreport = quantize(module, calibration, scheme, target=tgt)
    report["quantized_ops"] = _graph_ops(qmodule)
    counts = getattr(qreport, "op_counts", None)
    if counts:
        report["level2_op_counts"] = dict(counts)
    return qmodule, f"level 2 ({scheme}): {report['quantized_ops']} ops"


def _lower(module, tgt, options, report: dict):
    try:
        from npu.spatial import lower_module_stats
    except ImportError:
        raise NpuError("spatial lowering (npu.spatial.lower_module) is not available in this build") from None
    module, stats = lower_module_stats(module, tgt, options, count_ops=True)
    report["passes"] = [s.as_dict() for s in stats]
    programs = [op for op in module.body.operations if op.operation.name == "func.func"]
    return module, f"level 4: {len(programs)} PE programs ({', '.join(s.name for s in stats)})"


def _has_performance_model() -> bool:
    try:
        import npu.perf  # noqa: F401
    except ImportError:
        return False
    return True


def _predict(module, tgt, report: dict):
    """Cycles, time and energy from the performance model (npu.perf); timing does not depend on values,
    so the program runs on zero inputs. A model failure is reported, not fatal."""
    from npu.interp.level4_memory import api_dtype
    from npu.perf import simulate

    inputs = {}
    for op in module.body.operations:
        op = op.operation
        if op.name == "npu_mem.global" and op.attributes["kind"].value == "input":
            t = op.attributes["type"].value
            inputs[op.attributes["sym_name"].value] = np.zeros(list(t.shape), api_dtype(str(t.element_type)))
    try:
        _, perf = simulate(module, inputs, tgt)
    except NpuError as err:
        report["performance"] = {"error": str(err)}
        return None, f"performance model failed: {err}"
    report["performance"] = {"cycles": perf.cycles, "seconds": perf.seconds, "energy_uj": perf.energy.total_pj / 1e6,
                             "macs": perf.macs, "matrix_utilization": perf.matrix_utilization,
                             "roofline_ratio": perf.roofline_ratio, "bound": perf.bound.to_dict()}
    return None, (f"{perf.cycles:,.0f} cycles ({perf.seconds * 1e6:.1f} us at {tgt.chip.clock_hz / 1e9:g} GHz), "
                  f"{perf.energy.total_pj / 1e6:.2f} uJ")


def _encode(module, tgt, report: dict):
    from npu.binary.encode import encode

    data = encode(module, tgt)
    return data, f".npubin: {len(data)} bytes"


def binary_summary(loaded, nbytes: int) -> dict:
    """Counted figures of a loaded binary: sizes, PEs used, instructions, SRAM and external peaks."""
    b = loaded.binary
    sram_peak, peak_pe = 0, None
    instructions = 0
    for prog in b.programs:
        instructions += len(prog.instrs)
        for ins in prog.instrs:
            if ins.op.name == "npu_mem.alloc":
                end = ins.values["offset"] + ins.values["type"].nbytes
                if end > sram_peak:
                    sram_peak, peak_pe = end, prog.pe
    ext_end = max((s.address + s.type.nbytes for s in b.symbols), default=0)
    return {
        "bytes": nbytes,
        "pes_used": len(b.programs),
        "pes_total": loaded.target.mesh.rows * loaded.target.mesh.cols,
        "instructions": instructions,
        "sram_peak_bytes": sram_peak,
        "sram_peak_pe": list(peak_pe) if peak_pe else None,
        "sram_bytes_per_pe": loaded.target.pe.sram.bytes,
        "weights_bytes": sum(len(s.data) for s in b.symbols if s.data is not None),
        "external_bytes": ext_end,
        "inputs": [{"name": s.name, "shape": list(s.type.shape), "dtype": s.type.dtype} for s in loaded.inputs],
        "outputs": [{"name": s.name, "shape": list(s.type.shape), "dtype": s.type.dtype} for s in loaded.outputs],
    }
