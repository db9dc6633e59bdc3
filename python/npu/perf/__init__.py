"""Performance and energy model of level-4 programs (issue 7).

    from npu.perf import simulate
    outputs, report = simulate(module, {"x": x}, target="datacenter-hbm")
    print(report.format())

Owns: the timed machine (npu.perf.machine: a clock per PE, in-order matrix and
vector units, DMA engines, NoC links and the external memory as shared
bandwidth with contention, semaphore and barrier waits), per-op costs from the
target (npu.perf.costs), energy (npu.perf.energy), the roofline bound
(npu.perf.roofline), the report (npu.perf.report), Chrome/Perfetto traces
(npu.perf.trace), SVG plots (npu.perf.plots over npu.perf.svg), the plan cost
hook for the tiler and placer (npu.perf.estimate) and the LLM decode sizing
estimate (npu.perf.llm). Every chip figure comes from the `Target`.
See docs/performance.md.
"""

from __future__ import annotations

from npu.perf.machine import PerfConfig, PerfMachine
from npu.perf.report import Report, build_report

__all__ = ["PerfConfig", "PerfMachine", "Report", "build_report", "simulate"]


def simulate(module, inputs: dict, target=None, *, config: PerfConfig | None = None, check: bool = True,
             layer_names: list[str] | None = None):
    """Run a level-4 module in timing mode: (outputs, Report).

    `target` is a Target, a preset name or a TOML path (None: the module's
    `npu_pe.target`). The outputs are those of npu.interp.level4.run_level4.
    `layer_names` name the barrier-separated phases (npu.perf.models).
    """
    machine = PerfMachine(module, target, config=config, check=check, layer_names=layer_names)
    with module.context:
        outputs = machine.run(inputs)
    return outputs, build_report(machine)
