"""The golden interpreter as it was before its speed work: the oracle of the bit-identity tests.

The speed work on npu.interp (prepared per-op plans, faster conv/pool/normalization
kernels, a leaner executor loop) must not change a single bit of any result. This
package keeps verbatim copies of the files it touched, as they were at commit 21c60af:
executor.py, kernels_nn.py, kernels_elementwise.py and kernels_shape.py. `load()`
imports them under private module names with the registry's `kernel` decorator
pointed at a private table, so they never replace the live kernels, and returns

  * `kernels`: op name -> the old kernel function (only the ops of the copied files);
  * `Program`: the old executor's Program, resolving kernels from that table first
    and from the live registry for every other op (quantized, shape, rnn, ...).

Do not edit the copies: they are the reference the tests compare the live code to.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
FILES = ("kernels_elementwise", "kernels_nn", "kernels_shape", "executor")


@cache
def load() -> SimpleNamespace:
    from npu.interp import registry
    from npu.onnx.importer import load_registries

    load_registries()  # the live kernels first: the copies below must not shadow them
    table: dict = {}

    def collect(*op_names):
        def register(fn):
            for name in op_names:
                table[name] = fn
            return fn

        return register

    saved = registry.kernel
    registry.kernel = collect
    modules = {}
    try:
        for name in FILES:
            spec = importlib.util.spec_from_file_location(f"golden_before_{name}", HERE / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # dataclasses look their module up there
            spec.loader.exec_module(module)
            modules[name] = module
    finally:
        registry.kernel = saved
    executor = modules["executor"]
    live = registry.get_kernel
    executor.get_kernel = lambda op_name: table.get(op_name) or live(op_name)
    return SimpleNamespace(kernels=table, Program=executor.Program, modules=modules)
