"""Energy of a simulated run, from the target's energy table (`energy.*`).

    dynamic = MACs(dtype) * pj_per_mac.<dtype>
            + SRAM bytes * pj_per_byte.sram        (compute operands read/written, DMA and NoC ends)
            + external bytes * pj_per_byte.external
            + NoC bytes * hops * pj_per_byte.noc_hop (PE-to-PE transfers and DMAs routed to memory ports)
    static  = static_watts * seconds

The target has no per-op energy for the vector unit: vector ops cost only
their SRAM traffic (stated in docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Energy", "dynamic_pj", "run_energy"]


@dataclass(frozen=True)
class Energy:
    """Energy in picojoules by component."""

    mac_pj: float = 0.0
    sram_pj: float = 0.0
    external_pj: float = 0.0
    noc_pj: float = 0.0
    static_pj: float = 0.0

    @property
    def dynamic_pj(self) -> float:
        return self.mac_pj + self.sram_pj + self.external_pj + self.noc_pj

    @property
    def total_pj(self) -> float:
        return self.dynamic_pj + self.static_pj

    @property
    def joules(self) -> float:
        return self.total_pj * 1e-12

    def __add__(self, other: "Energy") -> "Energy":
        return Energy(self.mac_pj + other.mac_pj, self.sram_pj + other.sram_pj,
                      self.external_pj + other.external_pj, self.noc_pj + other.noc_pj,
                      self.static_pj + other.static_pj)

    def to_dict(self) -> dict:
        return {"mac_pj": self.mac_pj, "sram_pj": self.sram_pj, "external_pj": self.external_pj,
                "noc_pj": self.noc_pj, "static_pj": self.static_pj, "total_pj": self.total_pj}


def dynamic_pj(tally, target) -> Energy:
    """Dynamic energy of one layer's tally (npu.perf.machine.LayerTally)."""
    e = target.energy
    mac = sum(n * e.pj_per_mac[dt] for dt, n in tally.macs.items() if dt in e.pj_per_mac.keys())
    return Energy(mac_pj=mac,
                  sram_pj=tally.sram_bytes * e.pj_per_byte.sram,
                  external_pj=(tally.ext_read + tally.ext_write) * e.pj_per_byte.external,
                  noc_pj=tally.noc_byte_hops * e.pj_per_byte.noc_hop)


def run_energy(tallies, cycles: float, target) -> Energy:
    """Whole-run energy: every layer's dynamic energy plus static power over the run's time."""
    total = Energy()
    for tally in tallies:
        total = total + dynamic_pj(tally, target)
    seconds = cycles / target.chip.clock_hz
    return total + Energy(static_pj=target.energy.static_watts * seconds * 1e12)
