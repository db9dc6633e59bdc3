"""SVG plots of a performance report: per-layer roofline, PE utilization, NoC link load.

* `roofline_svg(report)`: log-log chart of achieved ops/s against arithmetic
  intensity (ops per external byte), the roof `min(peak, intensity * bandwidth)`
  for the model's MAC mix, one dot per layer with MACs (hover: name, cycles,
  ratio to its bound) and a star for the whole model.
* `pe_heatmap_svg(report)`: the mesh, each PE coloured by the fraction of the
  run its matrix unit was busy (label: percent; hover: vector, DMA, stalls).
* `link_heatmap_svg(report)`: the mesh with every directed NoC link drawn as
  an arrow-side bar coloured by the fraction of the run it carried data.

`write_plots(report, directory)` writes roofline.svg, pe_utilization.svg and
link_load.svg and returns their paths.
"""

from __future__ import annotations

from math import floor, inf, log10
from pathlib import Path

from npu.perf.svg import Svg, ramp

__all__ = ["link_heatmap_svg", "pe_heatmap_svg", "roofline_svg", "write_plots"]


def _decades(lo: float, hi: float) -> tuple[float, float]:
    return floor(log10(lo)), floor(log10(hi)) + 1


def roofline_svg(report) -> str:
    W, H, L, R, T, B = 720, 480, 80, 20, 40, 60
    clock = report.clock_hz
    bw = report.peak_ext_bytes_per_cycle * clock
    compute = report.bound.compute_cycles
    peak = 2 * report.macs / (compute / clock) if compute > 0 else 0.0
    pts = []
    for layer in report.layers:
        if layer.macs and layer.cycles > 0:
            x = layer.bound.intensity if layer.ext_bytes else inf
            pts.append((x, 2 * layer.macs / (layer.cycles / clock), layer))
    svg = Svg(W, H)
    svg.text(W / 2, 24, f"Roofline: {report.target} ({len(pts)} layers with MACs)", 16, "middle")
    if peak <= 0 or not pts:
        svg.text(W / 2, H / 2, "no matrix work in this run", 14, "middle")
        return svg.to_string()
    finite = [p[0] for p in pts if p[0] < inf] + [peak / bw]
    x0, x1 = _decades(min(finite) / 2, max(finite) * 4)
    ys = [p[1] for p in pts] + [peak]
    y0, y1 = _decades(min(ys) / 2, peak * 1.5)

    def px(x):
        return L + (log10(min(x, 10 ** x1)) - x0) / (x1 - x0) * (W - L - R)

    def py(y):
        return H - B - (log10(y) - y0) / (y1 - y0) * (H - T - B)

    for d in range(x0, x1 + 1):
        svg.line(px(10 ** d), T, px(10 ** d), H - B, "#ddd")
        svg.text(px(10 ** d), H - B + 18, f"1e{d}", 11, "middle")
    for d in range(y0, y1 + 1):
        svg.line(L, py(10 ** d), W - R, py(10 ** d), "#ddd")
        svg.text(L - 6, py(10 ** d) + 4, f"1e{d}", 11, "end")
    svg.text((L + W - R) / 2, H - 14, "arithmetic intensity (ops per external byte)", 13, "middle")
    svg.text(18, (T + H - B) / 2, "achieved ops/s", 13, "middle", rotate=-90)
    ridge = peak / bw
    roof = [(10 ** x0, bw * 10 ** x0), (ridge, peak), (10 ** x1, peak)]
    svg.polyline([(px(x), py(max(y, 10 ** y0))) for x, y in roof], "#c0392b", 2)
    svg.text(px(10 ** x1) - 4, py(peak) - 6, f"peak {peak / 1e12:.3g} TOPS", 11, "end", "#c0392b")
    for x, y, layer in pts:
        ratio = layer.bound.ratio(layer.cycles)
        svg.circle(px(x), py(y), 4, ramp(ratio),
                   title=f"{layer.name}: {layer.cycles:,.0f} cycles, {layer.bound.kind}-bound, "
                         f"{100 * ratio:.1f}% of its roofline")
    if report.ext_bytes:
        svg.text(px(report.bound.intensity), py(2 * report.macs / report.seconds) - 8, "*", 20, "middle", "#000")
    return svg.to_string()


def pe_heatmap_svg(report) -> str:
    rows, cols = report.mesh
    cell = max(24, min(64, 560 // max(rows, cols)))
    svg = Svg(cols * cell + 120, rows * cell + 70)
    svg.text(10, 22, f"Matrix-unit busy fraction per PE ({report.target})", 14)
    by_pe = {p.pe: p for p in report.pes}
    for r in range(rows):
        for c in range(cols):
            p = by_pe.get((r, c))
            frac = p.matrix_busy / report.cycles if p and report.cycles else 0.0
            x, y = 10 + c * cell, 40 + r * cell
            tip = (f"PE ({r}, {c}): matrix {100 * frac:.1f}%, vector {100 * p.vector_busy / report.cycles:.1f}%, "
                   f"DMA {p.dma_busy:,.0f} engine-cycles, stalls {p.stalls}") if p and report.cycles else f"PE ({r}, {c}): idle"
            svg.rect(x, y, cell - 2, cell - 2, ramp(frac) if p else "#eee", title=tip)
            if cell >= 32:
                svg.text(x + cell / 2 - 1, y + cell / 2 + 4, f"{100 * frac:.0f}", 10, "middle",
                         "#fff" if frac < 0.6 else "#000")
    _legend(svg, cols * cell + 24, 40, rows * cell)
    return svg.to_string()


def link_heatmap_svg(report) -> str:
    rows, cols = report.mesh
    cell = max(28, min(72, 560 // max(rows, cols)))
    svg = Svg(cols * cell + 120, rows * cell + 70)
    svg.text(10, 22, f"NoC link busy fraction ({report.target})", 14)
    ox, oy = 10 + cell / 2, 40 + cell / 2
    for r in range(rows):
        for c in range(cols):
            svg.rect(ox + c * cell - cell / 6, oy + r * cell - cell / 6, cell / 3, cell / 3, "#bbb",
                     title=f"PE ({r}, {c})")
    for link in report.links:
        (r0, c0), (r1, c1) = link.src, link.dst
        frac = link.busy / report.cycles if report.cycles else 0.0
        dx, dy = c1 - c0, r1 - r0
        off = cell / 10
        sx, sy = -dy * off, dx * off  # each direction on its own side of the centre line
        x0, y0 = ox + c0 * cell + dx * cell / 6 + sx, oy + r0 * cell + dy * cell / 6 + sy
        x1, y1 = ox + c1 * cell - dx * cell / 6 + sx, oy + r1 * cell - dy * cell / 6 + sy
        svg.line(x0, y0, x1, y1, ramp(frac), max(2.0, cell / 12),
                 title=f"{link.src}->{link.dst}: {link.bytes:,.0f} bytes, busy {100 * frac:.1f}%")
    _legend(svg, cols * cell + 24, 40, rows * cell)
    return svg.to_string()


def _legend(svg: Svg, x: float, y: float, h: float) -> None:
    steps = 20
    for i in range(steps):
        v = 1 - i / (steps - 1)
        svg.rect(x, y + i * h / steps, 16, h / steps + 0.5, ramp(v))
    svg.text(x + 22, y + 10, "100%", 10)
    svg.text(x + 22, y + h, "0%", 10)


def write_plots(report, directory: str | Path) -> list[Path]:
    """Write the three SVGs into `directory` (created if needed); their paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    files = {"roofline.svg": roofline_svg(report), "pe_utilization.svg": pe_heatmap_svg(report),
             "link_load.svg": link_heatmap_svg(report)}
    paths = []
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        paths.append(out / name)
    return paths
