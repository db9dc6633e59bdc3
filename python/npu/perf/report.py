"""The performance report of a timed run: totals, roofline, energy, per layer, per PE, per link.

`build_report(machine)` reads a finished `PerfMachine`; `Report.format()` is
the text `npu-run --stats` prints and `Report.to_dict()` the JSON the benches
write. Figures:

* cycles (the last PE to finish) and the time at `chip.clock_hz`;
* matrix-unit utilization: MACs / (PEs * peak MACs per cycle * cycles);
* external traffic and achieved vs peak bandwidth;
* the roofline bound (npu.perf.roofline) with the program's own external
  traffic and with the compulsory traffic, and the ratio bound / cycles;
* energy by component (npu.perf.energy), achieved TOPS and TOPS/W (2 ops per MAC);
* per layer (keyed by the ONNX node name of the op locations): its span in
  cycles, MACs, external bytes, its own roofline bound and ratio, energy;
* per PE: busy cycles of each unit and stall cycles by cause; per NoC link:
  bytes and busy cycles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from npu.perf.energy import Energy, dynamic_pj, run_energy
from npu.perf.roofline import Bound, bound_for, ideal_bytes

__all__ = ["LayerReport", "LinkReport", "PEReport", "Report", "build_report"]


@dataclass(frozen=True)
class LayerReport:
    name: str
    first: float
    last: float
    ops: int
    macs: int
    vector_ops: int
    ext_bytes: int
    noc_bytes: int
    matrix_busy: float
    vector_busy: float
    bound: Bound
    energy: Energy

    @property
    def cycles(self) -> float:
        return max(0.0, self.last - self.first)

    def to_dict(self) -> dict:
        return {"name": self.name, "cycles": self.cycles, "start": self.first, "end": self.last, "ops": self.ops,
                "macs": self.macs, "vector_ops": self.vector_ops, "ext_bytes": self.ext_bytes,
                "noc_bytes": self.noc_bytes, "matrix_busy": self.matrix_busy, "vector_busy": self.vector_busy,
                "roofline": self.bound.to_dict(), "roofline_ratio": self.bound.ratio(self.cycles),
                "energy_pj": self.energy.total_pj}


@dataclass(frozen=True)
class PEReport:
    pe: tuple[int, int]
    finish: float
    matrix_busy: float
    vector_busy: float
    dma_busy: float
    stalls: dict

    def to_dict(self) -> dict:
        return {"pe": list(self.pe), "finish": self.finish, "matrix_busy": self.matrix_busy,
                "vector_busy": self.vector_busy, "dma_busy": self.dma_busy, "stalls": dict(self.stalls)}


@dataclass(frozen=True)
class LinkReport:
    src: tuple[int, int]
    dst: tuple[int, int]
    bytes: float
    busy: float

    def to_dict(self) -> dict:
        return {"src": list(self.src), "dst": list(self.dst), "bytes": self.bytes, "busy_cycles": self.busy}


@dataclass(frozen=True)
class Report:
    target: str
    clock_hz: int
    num_pes: int
    cycles: float
    macs: int
    ext_read: int
    ext_write: int
    peak_ext_bytes_per_cycle: float
    link_bytes_per_cycle: float
    matrix_utilization: float
    bound: Bound
    ideal_bound: Bound
    energy: Energy
    layers: list[LayerReport] = field(default_factory=list)
    pes: list[PEReport] = field(default_factory=list)
    links: list[LinkReport] = field(default_factory=list)
    mesh: tuple[int, int] = (1, 1)

    @property
    def seconds(self) -> float:
        return self.cycles / self.clock_hz

    @property
    def ext_bytes(self) -> int:
        return self.ext_read + self.ext_write

    @property
    def ext_bandwidth_fraction(self) -> float:
        """Achieved / peak external bandwidth over the whole run."""
        return self.ext_bytes / (self.peak_ext_bytes_per_cycle * self.cycles) if self.cycles else 0.0

    @property
    def roofline_ratio(self) -> float:
        return self.bound.ratio(self.cycles)

    @property
    def tops(self) -> float:
        return 2 * self.macs / self.seconds / 1e12 if self.cycles else 0.0

    @property
    def tops_per_watt(self) -> float:
        return 2 * self.macs / self.energy.joules / 1e12 if self.energy.total_pj else 0.0

    def to_dict(self) -> dict:
        return {
            "target": self.target, "clock_hz": self.clock_hz, "num_pes": self.num_pes, "cycles": self.cycles,
            "seconds": self.seconds, "macs": self.macs, "ext_read_bytes": self.ext_read,
            "ext_write_bytes": self.ext_write, "ext_bandwidth_fraction": self.ext_bandwidth_fraction,
            "matrix_utilization": self.matrix_utilization, "roofline": self.bound.to_dict(),
            "roofline_ratio": self.roofline_ratio, "ideal_roofline": self.ideal_bound.to_dict(),
            "ideal_roofline_ratio": self.ideal_bound.ratio(self.cycles), "energy": self.energy.to_dict(),
            "tops": self.tops, "tops_per_watt": self.tops_per_watt,
            "layers": [layer.to_dict() for layer in self.layers], "pes": [p.to_dict() for p in self.pes],
            "links": [link.to_dict() for link in self.links],
        }

    def format(self) -> str:
        """The human-readable report (`npu-run --stats`)."""
        us = self.seconds * 1e6
        peak_gbs = self.peak_ext_bytes_per_cycle * self.clock_hz / 1e9
        got_gbs = self.ext_bytes / self.seconds / 1e9 if self.cycles else 0.0
        e = self.energy
        lines = [
            f"target {self.target}: {self.num_pes} PEs at {self.clock_hz / 1e9:g} GHz",
            f"total: {self.cycles:,.0f} cycles = {us:,.3f} us",
            f"roofline bound: {self.bound.cycles:,.0f} cycles ({self.bound.kind}-bound: compute "
            f"{self.bound.compute_cycles:,.0f}, memory {self.bound.memory_cycles:,.0f}); "
            f"achieved {100 * self.roofline_ratio:.1f}% of it",
            f"ideal roofline (compulsory traffic {_bytes(self.ideal_bound.ext_bytes)}): "
            f"{self.ideal_bound.cycles:,.0f} cycles, {100 * self.ideal_bound.ratio(self.cycles):.1f}% achieved",
            f"matrix-unit utilization {100 * self.matrix_utilization:.1f}% ({self.macs:,} MACs)",
            f"external memory: {_bytes(self.ext_read)} read, {_bytes(self.ext_write)} written; "
            f"{got_gbs:,.1f} GB/s of {peak_gbs:,.1f} GB/s peak ({100 * self.ext_bandwidth_fraction:.1f}%)",
            f"energy: {e.total_pj / 1e6:,.3f} uJ (MAC {e.mac_pj / 1e6:,.3f}, SRAM {e.sram_pj / 1e6:,.3f}, "
            f"external {e.external_pj / 1e6:,.3f}, NoC {e.noc_pj / 1e6:,.3f}, static {e.static_pj / 1e6:,.3f}); "
            f"{self.tops:,.3f} TOPS, {self.tops_per_watt:,.3f} TOPS/W",
        ]
        stalls: dict[str, float] = {}
        for p in self.pes:
            for cause, c in p.stalls.items():
                stalls[cause] = stalls.get(cause, 0.0) + c
        if stalls:
            lines.append("stalls (summed over PEs): " + ", ".join(f"{k} {v:,.0f}" for k, v in sorted(stalls.items())))
        if self.links:
            busiest = max(self.links, key=lambda link: link.busy)
            lines.append(f"NoC: {len(self.links)} links used; busiest {busiest.src}->{busiest.dst} "
                         f"{_bytes(busiest.bytes)}, busy {100 * busiest.busy / max(self.cycles, 1e-30):.1f}%")
        if self.layers:
            width = max(12, min(40, max(len(layer.name) for layer in self.layers)))
            lines.append("")
            lines.append(f"{'layer':<{width}} {'cycles':>12} {'MACs':>14} {'ext bytes':>11} {'bound':>12} "
                         f"{'kind':>9} {'ratio':>6} {'energy uJ':>10}")
            for layer in self.layers:
                lines.append(f"{layer.name[:width]:<{width}} {layer.cycles:>12,.0f} {layer.macs:>14,} "
                             f"{_bytes(layer.ext_bytes):>11} {layer.bound.cycles:>12,.0f} {layer.bound.kind:>9} "
                             f"{100 * layer.bound.ratio(layer.cycles):>5.1f}% {layer.energy.total_pj / 1e6:>10.3f}")
        return "\n".join(lines)


def _bytes(n: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n:.0f} B"


def build_report(machine) -> Report:
    """The report of a PerfMachine after `run()`."""
    t = machine.target
    cycles = machine.cycles
    tallies = sorted(machine.layers.values(), key=lambda x: (x.first, x.name))
    layers = []
    for x in tallies:
        ext = x.ext_read + x.ext_write
        layers.append(LayerReport(x.name, x.first if x.ops else 0.0, x.last, x.ops, sum(x.macs.values()),
                                  x.vector_ops, ext, x.noc_bytes, x.matrix_busy, x.vector_busy,
                                  bound_for(x.mac_cycles, sum(x.macs.values()), ext, t), dynamic_pj(x, t)))
    macs = sum(layer.macs for layer in layers)
    mac_cycles = sum(x.mac_cycles for x in tallies)
    ext_read = sum(x.ext_read for x in tallies)
    ext_write = sum(x.ext_write for x in tallies)
    pes = [PEReport(pt.pe, pt.finish, pt.matrix.busy, pt.vector.busy, pt.dma_busy, dict(pt.stalls))
           for pt in machine.timing.values()]
    links = [LinkReport(a, b, cap.bytes, cap.busy_cycles()) for (a, b), cap in sorted(machine.links.items())]
    return Report(
        target=t.chip.name, clock_hz=t.chip.clock_hz, num_pes=t.num_pes, cycles=cycles, macs=macs,
        ext_read=ext_read, ext_write=ext_write, peak_ext_bytes_per_cycle=machine.costs.ext_rate,
        link_bytes_per_cycle=machine.costs.link_rate,
        matrix_utilization=mac_cycles / (t.num_pes * cycles) if cycles else 0.0,
        bound=bound_for(mac_cycles, macs, ext_read + ext_write, t),
        ideal_bound=bound_for(mac_cycles, macs, ideal_bytes(machine), t),
        energy=run_energy(tallies, cycles, t), layers=layers, pes=pes, links=links, mesh=t.shape,
    )
