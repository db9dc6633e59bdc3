"""A dependency-free progress bar on stderr for long quantization stages.

Draws `label [#####.....] 5/16` in place when stderr is a terminal (or when
forced); otherwise stays silent until `close()`, which prints one summary line
only if `enabled` was forced. Used by calibration and the sensitivity search.
"""

from __future__ import annotations

import sys
import time


class Progress:
    """`with Progress(total, "calibrating") as bar: ... bar.advance()`."""

    def __init__(self, total: int, label: str, *, enabled: bool | None = None, width: int = 30, stream=None):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = tty if enabled is None else bool(enabled)
        self.live = self.enabled and tty
        self.width = width
        self.done = 0
        self.start = time.perf_counter()

    def __enter__(self) -> "Progress":
        self._draw()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        self._draw()

    def _draw(self) -> None:
        if not self.live:
            return
        filled = self.width * self.done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.start
        prefix = "\r" if self.live else ""
        self.stream.write(f"{prefix}{self.label}: {self.done}/{self.total} done in {elapsed:.2f} s{' ' * 10}\n")
        self.stream.flush()
        self.enabled = False
