"""The npu-decompose rule registry: every rule module is loaded whatever was imported first."""

from __future__ import annotations

import subprocess
import sys


def test_importing_one_rule_module_first_does_not_hide_the_others():
    # a fresh interpreter: in this one, other tests may already have loaded every module
    code = ("import npu.decompose.conv\n"
            "from npu.decompose import RULE_MODULES, rule_for\n"
            "for op in ('npu_tensor.conv_transpose', 'npu_tensor.pad', 'npu_tensor.elu', 'npu_tensor.gru'):\n"
            "    assert rule_for(op) is not None, op\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_rule_module_registers_rules():
    import importlib

    from npu.decompose import RULE_MODULES, _RULES, rule_names

    names = rule_names()
    for module in RULE_MODULES:
        mod = importlib.import_module(f"npu.decompose.{module}")
        own = [op for op, fn in _RULES.items() if fn.__module__ == mod.__name__]
        assert own, f"npu.decompose.{module} registers no rule"
    assert len(names) == len(set(names))
