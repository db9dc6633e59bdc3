"""npu.quant: level 2 of the toolchain, quantization.

Public API (what `npu-compile --quant` and other tools call):

    module2, report = npu.quant.quantize(model, calibration, scheme="int8", per_channel=True,
                                         symmetric=False, method="minmax", overrides={...}, target=...)
    module2, report = npu.quant.search(model, calibration, "sqnr>=30", low="int8", high="fp16")
    npu.quant.measure(report, npu.quant.reference_module(model), module2, xs, labels,
                      onnx_model="model.onnx", calibration=samples)   # accuracy, per-layer, ORT
    report.write("out.json")                                           # JSON + text (+ plot)

`model` is a level-1 module, an ONNX path or a ModelProto; `calibration` a
directory of .npz/.npy files, one file, or a list of samples. Modules:
qtypes (QParams <-> !quant.uniform), calib, ranges, scheme, graph, lower,
layers, api, evaluate, ort_baseline, mixed (search), report, progress. Semantics and
formats: docs/quantization.md.
"""

from __future__ import annotations

_EXPORTS = {
    "quantize": "npu.quant.api", "reference_module": "npu.quant.api", "Scheme": "npu.quant.scheme",
    "PRECISIONS": "npu.quant.scheme", "search": "npu.quant.mixed", "Target": "npu.quant.mixed",
    "measure": "npu.quant.evaluate", "compare_layers": "npu.quant.evaluate", "QuantReport": "npu.quant.report",
    "QParams": "npu.quant.qtypes", "load_calibration": "npu.quant.calib",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    # lazy: the interpreter imports npu.quant.qtypes while loading kernels, before the rest can import
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'npu.quant' has no attribute '{name}'")
