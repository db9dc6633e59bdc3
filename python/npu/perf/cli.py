"""The performance model behind `npu-run --stats / --trace T.json / --plots DIR`.

npu-run (npu.tools.run) calls `timed_machine(module, target)` instead of the
functional Level4Machine when one of the flags is given, runs it as usual,
then `emit(machine, stats=, trace=, plots=)` prints the report and writes the
trace and the plots (each file written whole or not at all).
"""

from __future__ import annotations

import json
from pathlib import Path

from npu.errors import NpuError

__all__ = ["emit", "timed_machine"]


def timed_machine(module, target):
    """A PerfMachine for a level-4 module (NpuError for any other level)."""
    from npu.interp.level4 import is_level4
    from npu.perf.machine import PerfMachine

    if not is_level4(module):
        raise NpuError("--stats, --trace and --plots time level-4 modules (PE programs); this module is not one "
                       "(lower it with npu-tile, npu-place, npu-lower-to-pe first)")
    return PerfMachine(module, target)


def emit(machine, *, stats: bool = False, trace: str | None = None, plots: str | None = None) -> None:
    """Print the report and write the trace / plots of a finished timed run."""
    from npu.perf.plots import link_heatmap_svg, pe_heatmap_svg, roofline_svg
    from npu.perf.report import build_report
    from npu.perf.trace import trace_events
    from npu.tools.common import write_atomically

    report = build_report(machine)
    if trace:
        write_atomically(trace, json.dumps(trace_events(machine), separators=(",", ":")))
    if plots:
        out = Path(plots)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise NpuError(f"cannot create the plot directory '{plots}': {err.strerror or err}") from None
        for name, svg in (("roofline.svg", roofline_svg(report)), ("pe_utilization.svg", pe_heatmap_svg(report)),
                          ("link_load.svg", link_heatmap_svg(report))):
            write_atomically(str(out / name), svg)
    if stats:
        print(report.format())
