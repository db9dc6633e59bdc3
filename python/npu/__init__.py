"""npu: an MLIR-based compiler toolchain for a virtual AI accelerator.

The package root re-exports the user-facing Python API lazily so that
`import npu` stays cheap for tools that need only part of it.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    """Lazy public API: `npu.import_onnx(model)`, `npu.run(module, inputs)`, `npu.compile(model, target=...)`,
    `npu.load(path)`."""
    if name == "import_onnx":
        from npu.onnx.importer import import_model

        return import_model
    if name == "run":
        from npu.interp.executor import run_module

        return run_module
    if name in ("compile", "load", "Artifact"):
        from npu import api

        return getattr(api, name)
    raise AttributeError(f"module 'npu' has no attribute {name!r}")
