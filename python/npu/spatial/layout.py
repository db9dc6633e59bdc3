"""Where a tensor lives in external memory, and the DMA access patterns that move boxes of it.

A `View` is a strided window over the flat element array of one
`npu_mem.global`: element `i` (a logical index tuple) is at flat index
`offset + sum(i[d] * strides[d])`. Layout-only ops become views of their
operand instead of copies:

    transpose(x, perm)   -> strides permuted            (View.permute)
    reshape(x)           -> new strides when the old ones allow it (View.reshape,
                            numpy's no-copy rule), else a materializing copy
    broadcast dims       -> stride 0 (only on the source side of a DMA)

`box_pattern(view, lo, sizes, order)` is the access pattern visiting the box
`[lo, lo + sizes)` of a view with the buffer's dimensions in `order` (outermost
first): this is how a tile is gathered into an SRAM buffer whose dimension
order differs from the tensor's (an NCHW tensor into an H x W x C buffer, a
weight [OC, C, KH, KW] into a [KH*KW*C, OC] matrix). `Pattern.simplified`
drops unit dimensions and merges dimensions that are contiguous on both sides,
so most DMAs end up with one to three dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod


def row_major_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= d
    return tuple(reversed(strides))


@dataclass(frozen=True)
class View:
    """A strided view over the flat elements of the global `symbol`."""

    symbol: str
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    offset: int = 0

    @classmethod
    def dense(cls, symbol: str, shape: tuple[int, ...], perm: tuple[int, ...] | None = None) -> "View":
        """A view of a whole global stored with its dimensions in `perm` order (row-major by default)."""
        if perm is None:
            return cls(symbol, tuple(shape), row_major_strides(tuple(shape)))
        phys = tuple(shape[p] for p in perm)
        phys_strides = row_major_strides(phys)
        strides = [0] * len(shape)
        for k, p in enumerate(perm):
            strides[p] = phys_strides[k]
        return cls(symbol, tuple(shape), tuple(strides))

    @property
    def is_row_major(self) -> bool:
        return self.offset == 0 and _same_ignoring_units(self.shape, self.strides, row_major_strides(self.shape))

    def physical_order(self) -> tuple[int, ...]:
        """Logical dims from the largest stride to the smallest (the order the bytes are stored in)."""
        return tuple(sorted(range(len(self.shape)), key=lambda d: (-self.strides[d], d)))

    def permute(self, perm: tuple[int, ...]) -> "View":
        """transpose: out.shape[d] = shape[perm[d]]."""
        return View(self.symbol, tuple(self.shape[p] for p in perm), tuple(self.strides[p] for p in perm), self.offset)

    def reshape(self, shape: tuple[int, ...]) -> "View | None":
        """The same elements with a new shape (row-major element order), or None when a copy is needed."""
        strides = _reshape_strides(self.shape, self.strides, tuple(shape))
        return None if strides is None else View(self.symbol, tuple(shape), strides, self.offset)

    def broadcast_to(self, shape: tuple[int, ...]) -> "View":
        """numpy broadcasting: new leading dims and size-1 dims get stride 0."""
        lead = len(shape) - len(self.shape)
        strides = [0] * lead + [0 if s == 1 and n != 1 else st
                                for s, st, n in zip(self.shape, self.strides, shape[lead:])]
        return View(self.symbol, tuple(shape), tuple(strides), self.offset)


def _same_ignoring_units(shape, a, b) -> bool:
    return all(x == y for n, x, y in zip(shape, a, b) if n != 1)


def _reshape_strides(old_shape, old_strides, new_shape) -> tuple[int, ...] | None:
    """Strides for `new_shape` over the same elements, as numpy's no-copy reshape."""
    if prod(old_shape) != prod(new_shape):
        return None
    old = [(n, s) for n, s in zip(old_shape, old_strides) if n != 1]
    new_dims = [n for n in new_shape if n != 1]
    out: list[int] = []
    i = j = 0
    while i < len(old) and j < len(new_dims):
        np_, op_ = new_dims[j], old[i][0]
        i1, j1 = i + 1, j + 1
        while np_ != op_:
            if np_ < op_:
                np_ *= new_dims[j1]
                j1 += 1
            else:
                op_ *= old[i1][0]
                i1 += 1
        for k in range(i, i1 - 1):  # the old dims of this group must be contiguous among themselves
            if old[k][1] != old[k + 1][0] * old[k + 1][1]:
                return None
        stride = old[i1 - 1][1]
        group = []
        for k in range(j1 - 1, j - 1, -1):
            group.append(stride)
            stride *= new_dims[k]
        out.extend(reversed(group))
        i, j = i1, j1
    strides, k = [], 0
    for n in new_shape:
        if n == 1:
            strides.append(0)
        else:
            strides.append(out[k])
            k += 1
    # unit dims get the stride of what follows (any value is valid); keep them 0-free for DMA rules
    for d in range(len(new_shape) - 1, -1, -1):
        if new_shape[d] == 1:
            strides[d] = strides[d + 1] * new_shape[d + 1] if d + 1 < len(new_shape) else 1
    return tuple(strides)


@dataclass(frozen=True)
class Pattern:
    """One side of a DMA: offset, sizes and strides in elements, outermost first."""

    offset: int
    sizes: tuple[int, ...]
    strides: tuple[int, ...]

    @property
    def count(self) -> int:
        return prod(self.sizes)

    @classmethod
    def contiguous(cls, count: int, offset: int = 0) -> "Pattern":
        return cls(offset, (count,), (1,))


def box_pattern(view: View, lo: tuple[int, ...], sizes: tuple[int, ...], order: tuple[int, ...]) -> Pattern:
    """The pattern visiting box [lo, lo+sizes) of `view`, buffer dims in `order` (outermost first)."""
    offset = view.offset + sum(l * s for l, s in zip(lo, view.strides))
    return simplify(Pattern(offset, tuple(sizes[d] for d in order), tuple(view.strides[d] for d in order)))


def simplify(p: Pattern) -> Pattern:
    """Drop unit dims and merge neighbours that are contiguous (outer stride = inner size * stride)."""
    dims = [(n, s) for n, s in zip(p.sizes, p.strides) if n != 1]
    if not dims:
        return Pattern(p.offset, (1,), (1,))
    merged = [dims[0]]
    for n, s in dims[1:]:
        on, os = merged[-1]
        if os == n * s:
            merged[-1] = (on * n, s)
        else:
            merged.append((n, s))
    return Pattern(p.offset, tuple(n for n, _ in merged), tuple(s for _, s in merged))
