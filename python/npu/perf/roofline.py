"""The roofline lower bound of a layer or a whole model, in cycles of the target clock.

    compute = MACs / (PEs * macs_per_cycle.<dtype>)        (summed over dtypes)
    memory  = external bytes / (memory.bandwidth_bytes_per_s / chip.clock_hz)
    bound   = max(compute, memory)   -> "compute-bound" or "bandwidth-bound"

No schedule on the target can beat it: the matrix units cannot do more MACs
per cycle, the external memory cannot move more bytes. `bound_for(...)`
takes the MACs as "PE-cycles at peak" (MACs / per-PE rate, which is how the
simulator tallies them, so mixed dtypes add up) and the bytes the program
actually moves; `ideal_bytes(machine)` gives the compulsory traffic instead
(every input and weight read once, every output written once).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Bound", "bound_for", "ideal_bytes"]


@dataclass(frozen=True)
class Bound:
    compute_cycles: float
    memory_cycles: float
    macs: int
    ext_bytes: int

    @property
    def cycles(self) -> float:
        return max(self.compute_cycles, self.memory_cycles)

    @property
    def kind(self) -> str:
        return "compute" if self.compute_cycles >= self.memory_cycles else "bandwidth"

    @property
    def intensity(self) -> float:
        """Arithmetic intensity: ops (2 per MAC) per external byte (inf without traffic)."""
        return 2 * self.macs / self.ext_bytes if self.ext_bytes else float("inf")

    def ratio(self, cycles: float) -> float:
        """Fraction of the bound achieved by a run of `cycles` (1.0 = at the roofline)."""
        return self.cycles / cycles if cycles > 0 else 1.0

    def to_dict(self) -> dict:
        return {"compute_cycles": self.compute_cycles, "memory_cycles": self.memory_cycles,
                "bound_cycles": self.cycles, "kind": self.kind, "macs": self.macs, "ext_bytes": self.ext_bytes}


def bound_for(mac_pe_cycles: float, macs: int, ext_bytes: int, target) -> Bound:
    """The bound of work worth `mac_pe_cycles` PE-cycles at peak and `ext_bytes` of external traffic."""
    ext_per_cycle = target.memory.bandwidth_bytes_per_s / target.chip.clock_hz
    return Bound(mac_pe_cycles / target.num_pes, ext_bytes / ext_per_cycle, macs, ext_bytes)


def ideal_bytes(machine) -> int:
    """Compulsory external traffic of a level-4 module: its input, weight and output globals once."""
    return sum(g.nbytes for g in machine.globals.values() if g.kind in ("input", "weight", "output"))
