"""npu: an MLIR-based compiler toolchain for a virtual AI accelerator.

The package root re-exports the user-facing Python API lazily so that
`import npu` stays cheap for tools that need only part of it.
"""

__version__ = "0.1.0"
