"""A minimal SVG writer for the performance plots (no plotting library needed).

`Svg(width, height)` collects shapes (`rect`, `line`, `polyline`, `circle`,
`text`), each with an optional tooltip `title`; `to_string()` gives a
standalone SVG 1.1 document. `ramp(v)` maps [0, 1] to a perceptually ordered
colour ramp (dark blue -> teal -> yellow) for heatmaps.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Svg", "ramp"]

_RAMP = ((0.0, (68, 1, 84)), (0.25, (59, 82, 139)), (0.5, (33, 145, 140)), (0.75, (94, 201, 98)),
         (1.0, (253, 231, 37)))


def ramp(v: float) -> str:
    """Colour of a value in [0, 1] (clamped) as #rrggbb."""
    v = min(1.0, max(0.0, float(v)))
    for (a, ca), (b, cb) in zip(_RAMP, _RAMP[1:]):
        if v <= b:
            f = (v - a) / (b - a)
            rgb = [round(x + (y - x) * f) for x, y in zip(ca, cb)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*_RAMP[-1][1])


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


class Svg:
    """An SVG document built shape by shape."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.items: list[str] = []

    def _add(self, tag: str, attrs: dict, body: str = "", title: str | None = None) -> None:
        text = " ".join(f"{k.replace('_', '-')}={quoteattr(_num(v) if isinstance(v, float) else str(v))}"
                        for k, v in attrs.items() if v is not None)
        inner = (f"<title>{escape(title)}</title>" if title else "") + body
        self.items.append(f"<{tag} {text}>{inner}</{tag}>" if inner else f"<{tag} {text}/>")

    def rect(self, x, y, w, h, fill, stroke=None, title=None) -> None:
        self._add("rect", {"x": float(x), "y": float(y), "width": float(w), "height": float(h), "fill": fill,
                           "stroke": stroke}, title=title)

    def line(self, x1, y1, x2, y2, stroke="#333", width=1.0, dash=None, title=None) -> None:
        self._add("line", {"x1": float(x1), "y1": float(y1), "x2": float(x2), "y2": float(y2), "stroke": stroke,
                           "stroke_width": float(width), "stroke_dasharray": dash}, title=title)

    def polyline(self, points, stroke="#333", width=1.0) -> None:
        pts = " ".join(f"{_num(float(x))},{_num(float(y))}" for x, y in points)
        self._add("polyline", {"points": pts, "fill": "none", "stroke": stroke, "stroke_width": float(width)})

    def circle(self, cx, cy, r, fill, title=None) -> None:
        self._add("circle", {"cx": float(cx), "cy": float(cy), "r": float(r), "fill": fill}, title=title)

    def text(self, x, y, s, size=12, anchor="start", fill="#222", rotate=None) -> None:
        transform = f"rotate({rotate} {_num(float(x))} {_num(float(y))})" if rotate is not None else None
        self._add("text", {"x": float(x), "y": float(y), "font_size": size, "text_anchor": anchor, "fill": fill,
                           "font_family": "sans-serif", "transform": transform}, body=escape(str(s)))

    def to_string(self) -> str:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(self.width)}" '
                f'height="{_num(self.height)}" viewBox="0 0 {_num(self.width)} {_num(self.height)}">')
        return "\n".join([head, f'<rect width="100%" height="100%" fill="white"/>', *self.items, "</svg>"]) + "\n"

    def write(self, path: str | Path) -> None:
        Path(path).write_text(self.to_string(), encoding="utf-8")
