"""Target descriptions: the schema, the loader/validator, presets and their docs.

This module owns everything the compiler knows about *which chip* it compiles
for. It is the one source of truth for the target schema:

* ``SCHEMA`` -- every section and field of a target description, as data:
  name, type, unit, default, constraint and a one-line doc. The loader, the
  frozen ``Target`` classes, the TOML writer and ``docs/targets.md`` are all
  derived from it, so a field is added in exactly one place.
* ``load_target(spec)`` / ``parse_target(text)`` / ``list_presets()`` -- read a
  preset (``npu/targets/<name>.toml``, shipped as package data) or a user file,
  validate it and return a ``Target``; any bad input raises ``TargetError``
  with one line naming the file and the dotted field.
* ``Target`` -- a frozen dataclass tree (``target.mesh.rows``,
  ``target.pe.sram.bytes``, ``target.noc.link_bytes_per_cycle`` ...) with
  derived, read-only properties: mesh geometry, XY routes, peak rates,
  ``fingerprint()``, ``to_toml()`` and ``with_overrides()`` for design-space
  exploration.
* ``render_schema_markdown()`` -- the generated reference, written by
  ``python -m npu.target --write-docs docs/targets.md``.

No other module should hard-code chip constants: read them from a ``Target``.

Conventions: PE ``(row, col)`` coordinates have row 0 on the north edge and
col 0 on the west edge; the linear PE id is row-major (``row * cols + col``).
Rates are per cycle of ``chip.clock_hz`` unless the unit says per second.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import hashlib
import importlib.resources
import inspect
import json
import math
import numbers
import operator
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from npu.errors import NpuError

__all__ = [
    "DTYPES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Target",
    "TargetError",
    "list_presets",
    "load_target",
    "parse_target",
    "render_schema_markdown",
    "target_from_dict",
]

SCHEMA_VERSION = 1
"""Bumped when the meaning of an existing field changes; part of the fingerprint."""


class TargetError(NpuError):
    """A bad target description: one line naming the source and the dotted field."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        super().__init__(message)
        self.source = source
        self.field = field


# --------------------------------------------------------------------------
# Element types
# --------------------------------------------------------------------------

DTYPES: tuple[str, ...] = ("int8", "int4", "fp8", "bf16", "fp16", "fp32")
"""Input element types a target rates its matrix/vector units and energy for."""

ACCUMULATOR_DTYPES: tuple[str, ...] = ("int16", "int32", "fp16", "bf16", "fp32")
"""Types a matrix unit may accumulate in."""

_DTYPE_BITS = {
    "int4": 4, "int8": 8, "int16": 16, "int32": 32,
    "fp8": 8, "bf16": 16, "fp16": 16, "fp32": 32,
}
_DTYPE_DOCS = {
    "int8": "8-bit integer",
    "int4": "4-bit integer",
    "fp8": "8-bit float (E4M3/E5M2)",
    "bf16": "bfloat16",
    "fp16": "IEEE half",
    "fp32": "IEEE single",
}
_DEFAULT_ACCUMULATOR = {
    "int8": "int32", "int4": "int32", "fp8": "fp32",
    "bf16": "fp32", "fp16": "fp32", "fp32": "fp32",
}
_VECTOR_LANE_BITS = 32
"""Width of one vector lane; `pe.vector.lanes` counts lanes of this width."""

MESH_EDGES: tuple[str, ...] = ("north", "south", "west", "east")


def _is_float_dtype(dtype: str) -> bool:
    return dtype.startswith(("fp", "bf"))


# --------------------------------------------------------------------------
# The schema, as data
# --------------------------------------------------------------------------

class _Required:
    """Sentinel default: the field must be given."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()


@dataclass(frozen=True)
class Field:
    """One leaf of the schema.

    kind is one of "int", "float", "bool", "str", "enum", "enum_list".
    For "int"/"float", ``min`` is an inclusive lower bound; for "str" it is a
    minimum length. ``choices`` lists the values of an enum (or enum_list).
    """

    name: str
    kind: str
    doc: str
    unit: str = ""
    default: Any = REQUIRED
    min: int | float | None = None
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class Section:
    """A TOML table of the schema: fields and nested sections, in order."""

    name: str
    doc: str
    members: tuple["Field | Section", ...]

    def member(self, name: str) -> "Field | Section | None":
        return next((m for m in self.members if m.name == name), None)


def _int(name: str, doc: str, unit: str = "", *, min: int | None = 1, default: Any = REQUIRED) -> Field:
    return Field(name, "int", doc, unit, default, min)


def _num(name: str, doc: str, unit: str = "", *, min: float | None = 0.0, default: Any = REQUIRED) -> Field:
    return Field(name, "float", doc, unit, default, min)


def _per_dtype(name: str, doc: str, make) -> Section:
    """A table keyed by input dtype; make(dtype) builds each field."""
    return Section(name, doc, tuple(make(dt) for dt in DTYPES))


SCHEMA = Section("", "A target description.", (
    Section("chip", "Identity and clock of the chip.", (
        Field("name", "str", "Short identifier of the target (used in diagnostics and the binary header).", min=1),
        Field("description", "str", "Free-form description, e.g. what public figures it is sized from.", default=""),
        _int("clock_hz", "Clock frequency of the PEs and the on-chip network.", "Hz"),
    )),
    Section("mesh", "The 2-D array of processing elements (PEs).", (
        _int("rows", "Number of PE rows (north to south).", "PEs"),
        _int("cols", "Number of PE columns (west to east).", "PEs"),
        Field("topology", "enum", "Interconnect topology of the PE array.", default="mesh2d", choices=("mesh2d",)),
    )),
    Section("pe", "One processing element; every PE of the mesh is identical.", (
        Section("sram", "PE-local scratchpad SRAM.", (
            _int("bytes", "Capacity of one PE's SRAM.", "bytes"),
            _int("banks", "Number of independently addressable banks.", "banks"),
            _int("bank_bytes_per_cycle", "Read or write bandwidth of one bank.", "bytes/cycle"),
        )),
        Section("matrix", "The matrix (systolic) unit of a PE.", (
            _int("rows", "Rows of the MAC array (the M extent of one tile step).", "MACs"),
            _int("cols", "Columns of the MAC array (the N extent of one tile step).", "MACs"),
            _per_dtype(
                "macs_per_cycle",
                "Multiply-accumulates per cycle per PE for each input dtype; 0 = unsupported.",
                lambda dt: _int(dt, f"MAC rate for {_DTYPE_DOCS[dt]} inputs.", "MACs/cycle", min=0, default=0),
            ),
            _per_dtype(
                "accumulator",
                "Accumulation precision for each input dtype (a documented target property).",
                lambda dt: Field(dt, "enum", f"Accumulator type for {_DTYPE_DOCS[dt]} inputs.",
                                 default=_DEFAULT_ACCUMULATOR[dt], choices=ACCUMULATOR_DTYPES),
            ),
        )),
        Section("vector", "The SIMD vector unit of a PE (elementwise ops, reductions, activations).", (
            _int("lanes", f"Number of {_VECTOR_LANE_BITS}-bit SIMD lanes.", "lanes"),
            _per_dtype(
                "ops_per_cycle",
                "Elementwise operations per cycle per PE for each dtype; 0 = unsupported.",
                lambda dt: _int(dt, f"Vector op rate for {_DTYPE_DOCS[dt]}.", "ops/cycle", min=0, default=0),
            ),
        )),
        Section("dma", "DMA engines moving data between SRAM, the NoC and external memory.", (
            _int("engines", "Number of DMA engines per PE that can run concurrently.", "engines"),
            _int("bytes_per_cycle", "Bandwidth of one DMA engine.", "bytes/cycle"),
        )),
    )),
    Section("noc", "The on-chip network connecting neighbouring PEs.", (
        _int("link_bytes_per_cycle", "Bandwidth of one link, per direction.", "bytes/cycle"),
        _int("hop_latency_cycles", "Latency to traverse one router and link.", "cycles", min=0),
        Field("multicast", "bool", "Whether routers can replicate a packet to several destinations.", default=False),
        Field("routing", "enum", "Routing algorithm (dimension-ordered: columns first, then rows).",
              default="xy", choices=("xy",)),
    )),
    Section("memory", "External memory shared by all PEs.", (
        Field("kind", "enum", "Memory technology.", choices=("hbm", "lpddr", "gddr")),
        _int("bytes", "Capacity.", "bytes"),
        _int("bandwidth_bytes_per_s", "Peak bandwidth summed over all channels.", "bytes/s"),
        _int("channels", "Number of independent channels.", "channels"),
        _int("latency_cycles", "Unloaded read latency seen by a PE.", "cycles", min=0),
        Field("edges", "enum_list", "Mesh edges whose PEs have a port to external memory.",
              default=("west", "east"), choices=MESH_EDGES),
    )),
    Section("energy", "Energy model used by cost models and design-space exploration.", (
        _per_dtype(
            "pj_per_mac",
            "Energy of one multiply-accumulate in the matrix unit, per input dtype.",
            lambda dt: _num(dt, f"Energy per {_DTYPE_DOCS[dt]} MAC.", "pJ", default=0.0),
        ),
        Section("pj_per_byte", "Energy to move one byte at each level of the hierarchy.", (
            _num("sram", "Read or write of one byte of PE SRAM.", "pJ/byte"),
            _num("external", "Transfer of one byte to or from external memory.", "pJ/byte"),
            _num("noc_hop", "Moving one byte across one NoC hop (router + link).", "pJ/byte"),
        )),
        _num("static_watts", "Static (leakage) power of the whole chip.", "W", default=0.0),
    )),
))


def iter_fields(section: Section = SCHEMA, prefix: str = "") -> Iterator[tuple[str, Field]]:
    """Yield (dotted path, Field) for every leaf of ``section``, in schema order."""
    for member in section.members:
        path = _join(prefix, member.name)
        if isinstance(member, Section):
            yield from iter_fields(member, path)
        else:
            yield path, member


def iter_sections(section: Section = SCHEMA, prefix: str = "") -> Iterator[tuple[str, Section]]:
    """Yield (dotted path, Section) for every section, parents before children."""
    for member in section.members:
        if isinstance(member, Section):
            path = _join(prefix, member.name)
            yield path, member
            yield from iter_sections(member, path)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _expectation(field: Field) -> str:
    """What a valid value looks like, phrased for error messages and docs."""
    if field.kind == "int":
        if field.min == 1:
            return "a positive integer"
        if field.min == 0:
            return "a non-negative integer"
        return "an integer" if field.min is None else f"an integer >= {field.min}"
    if field.kind == "float":
        if field.min == 0:
            return "a non-negative number"
        return "a number" if field.min is None else f"a number >= {field.min}"
    if field.kind == "bool":
        return "a boolean"
    if field.kind == "str":
        return "a non-empty string" if field.min else "a string"
    choices = ", ".join(repr(c) for c in field.choices)
    if field.kind == "enum":
        return f"one of {choices}"
    return f"a non-empty array of distinct values from {choices}"


# --------------------------------------------------------------------------
# Value checking
# --------------------------------------------------------------------------

def _describe(value: Any) -> str:
    """A short rendering of a bad value for an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (list, tuple)):
        text = "[" + ", ".join(_describe(v) for v in value) + "]"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (int, float)):
        text = repr(value)
    else:
        text = f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _check_value(field: Field, value: Any) -> Any:
    """Return the normalised value, or raise ValueError(expected-phrase)."""
    checker = _CHECKERS[field.kind]
    result = checker(field, value)
    if result is _INVALID:
        raise ValueError(f"expected {_expectation(field)}, got {_describe(value)}")
    return result


_INVALID = object()


def _check_int(field: Field, value: Any) -> Any:
    if isinstance(value, (bool, float, str)) or not hasattr(value, "__index__"):
        return _INVALID
    value = operator.index(value)  # numpy integers from design-space sweeps become int
    if field.min is not None and value < field.min:
        return _INVALID
    return value


def _check_float(field: Field, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return _INVALID
    value = float(value)
    if not math.isfinite(value) or (field.min is not None and value < field.min):
        return _INVALID
    return value


def _check_bool(field: Field, value: Any) -> Any:
    return value if isinstance(value, bool) else _INVALID


def _check_str(field: Field, value: Any) -> Any:
    if not isinstance(value, str) or len(value) < (field.min or 0):
        return _INVALID
    return value


def _check_enum(field: Field, value: Any) -> Any:
    return value if isinstance(value, str) and value in field.choices else _INVALID


def _check_enum_list(field: Field, value: Any) -> Any:
    if not isinstance(value, (list, tuple)) or not value:
        return _INVALID
    if any(not isinstance(v, str) or v not in field.choices for v in value):
        return _INVALID
    if len(set(value)) != len(value):
        return _INVALID
    return tuple(value)


_CHECKERS = {
    "int": _check_int,
    "float": _check_float,
    "bool": _check_bool,
    "str": _check_str,
    "enum": _check_enum,
    "enum_list": _check_enum_list,
}

_PYTHON_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "enum": str, "enum_list": tuple}


# --------------------------------------------------------------------------
# Frozen dataclasses generated from the schema
# --------------------------------------------------------------------------

class _SectionBase:
    """Behaviour shared by every generated section class.

    A section can also be indexed like a read-only mapping:
    ``target.pe.matrix.macs_per_cycle["int8"]`` equals ``...macs_per_cycle.int8``.
    """

    _schema: Section
    _path: str

    def keys(self) -> tuple[str, ...]:
        """Field and sub-section names, in schema order."""
        return tuple(m.name for m in self._schema.members)

    def __getitem__(self, key: str) -> Any:
        if key not in self.keys():
            where = self._path or "target"
            raise KeyError(f"{where} has no field {key!r}; fields: {', '.join(self.keys())}")
        return getattr(self, key)

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (tuples become lists), as it would appear in TOML."""
        out: dict[str, Any] = {}
        for name in self.keys():
            value = getattr(self, name)
            if isinstance(value, _SectionBase):
                out[name] = value.to_dict()
            else:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


def _class_name(path: str) -> str:
    parts = path.replace(".", "_").split("_")
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _section_doc(path: str, section: Section) -> str:
    lines = [f"[{path}] {section.doc}", ""]
    for member in section.members:
        if isinstance(member, Section):
            lines.append(f"{member.name}: [{_join(path, member.name)}] {member.doc}")
        else:
            unit = f" ({member.unit})" if member.unit else ""
            lines.append(f"{member.name}: {member.doc}{unit}")
    return "\n".join(lines)


def _make_section_class(section: Section, path: str, classes: dict[str, type]) -> type:
    """Create (recursively) the frozen dataclass for ``section``."""
    fields = []
    for member in section.members:
        if isinstance(member, Section):
            sub = _make_section_class(member, _join(path, member.name), classes)
            fields.append((member.name, sub))
        else:
            fields.append((member.name, _PYTHON_TYPES[member.kind]))
    name = _class_name(path)
    cls = dataclasses.make_dataclass(
        name, fields, bases=(_SectionBase,), frozen=True, repr=True,
        namespace={"_schema": section, "_path": path, "__doc__": _section_doc(path, section)},
    )
    cls.__module__ = __name__
    classes[path] = cls
    return cls


_SECTION_CLASSES: dict[str, type] = {}
"""Dotted section path -> generated frozen dataclass (e.g. "pe.sram" -> PeSram)."""
for _member in SCHEMA.members:
    _make_section_class(_member, _member.name, _SECTION_CLASSES)
for _cls in _SECTION_CLASSES.values():
    assert _cls.__name__ not in globals(), f"section class name {_cls.__name__} clashes"
    globals()[_cls.__name__] = _cls  # module-level names keep Targets picklable
del _member, _cls


# --------------------------------------------------------------------------
# Target: the root dataclass and its derived properties
# --------------------------------------------------------------------------

Coord = tuple[int, int]
"""A PE position (row, col)."""


class _TargetMethods(_SectionBase):
    """Derived, read-only properties of a target (computed from its fields)."""

    _schema = SCHEMA
    _path = ""

    def __repr__(self) -> str:
        return (f"Target({self.chip.name!r}, {self.mesh.rows}x{self.mesh.cols} PEs, "
                f"fingerprint={self.fingerprint()[:12]})")

    # ----- mesh geometry ---------------------------------------------------

    @property
    def num_pes(self) -> int:
        """Number of PEs in the mesh (rows * cols)."""
        return self.mesh.rows * self.mesh.cols

    @property
    def shape(self) -> Coord:
        """Mesh shape as (rows, cols)."""
        return (self.mesh.rows, self.mesh.cols)

    def pe_id(self, row: int, col: int) -> int:
        """Linear (row-major) id of the PE at (row, col)."""
        r, c = self._coord((row, col))
        return r * self.mesh.cols + c

    def pe_coord(self, pe: int | Coord) -> Coord:
        """(row, col) of a PE given its linear id (or its coordinates)."""
        return self._coord(pe)

    def pe_coords(self) -> tuple[Coord, ...]:
        """All PE coordinates in linear-id order."""
        return tuple((r, c) for r in range(self.mesh.rows) for c in range(self.mesh.cols))

    def neighbors(self, pe: int | Coord) -> tuple[Coord, ...]:
        """Mesh neighbours of a PE (north, west, east, south order = increasing id)."""
        r, c = self._coord(pe)
        candidates = ((r - 1, c), (r, c - 1), (r, c + 1), (r + 1, c))
        return tuple(p for p in candidates if self._in_mesh(p))

    def is_adjacent(self, a: int | Coord, b: int | Coord) -> bool:
        """True when two PEs are joined by one NoC link."""
        return self.hops(a, b) == 1

    def hops(self, src: int | Coord, dst: int | Coord) -> int:
        """Number of NoC hops between two PEs (Manhattan distance on the mesh)."""
        (r0, c0), (r1, c1) = self._coord(src), self._coord(dst)
        return abs(r0 - r1) + abs(c0 - c1)

    def xy_route(self, src: int | Coord, dst: int | Coord) -> list[tuple[Coord, Coord]]:
        """Dimension-ordered route: hops (from, to) along the row to dst's column, then along the column."""
        (r, c), (r1, c1) = self._coord(src), self._coord(dst)
        route: list[tuple[Coord, Coord]] = []
        while c != c1:
            step = c + (1 if c1 > c else -1)
            route.append(((r, c), (r, step)))
            c = step
        while r != r1:
            step = r + (1 if r1 > r else -1)
            route.append(((r, c), (step, c)))
            r = step
        return route

    def memory_port_pes(self) -> tuple[Coord, ...]:
        """PEs with a port to external memory (those on `memory.edges`), in id order."""
        rows, cols = self.shape
        on_edge = {
            "north": lambda r, c: r == 0,
            "south": lambda r, c: r == rows - 1,
            "west": lambda r, c: c == 0,
            "east": lambda r, c: c == cols - 1,
        }
        tests = [on_edge[e] for e in self.memory.edges]
        return tuple(p for p in self.pe_coords() if any(t(*p) for t in tests))

    # ----- capacities and rates ------------------------------------------

    @property
    def sram_total_bytes(self) -> int:
        """SRAM summed over all PEs."""
        return self.num_pes * self.pe.sram.bytes

    @property
    def sram_bytes_per_cycle(self) -> int:
        """Peak SRAM bandwidth of one PE (banks * bank_bytes_per_cycle)."""
        return self.pe.sram.banks * self.pe.sram.bank_bytes_per_cycle

    @property
    def external_bandwidth_bytes_per_s(self) -> int:
        """Peak external-memory bandwidth of the chip."""
        return self.memory.bandwidth_bytes_per_s

    @property
    def external_bytes_per_cycle(self) -> float:
        """Peak external-memory bandwidth per chip clock cycle."""
        return self.memory.bandwidth_bytes_per_s / self.chip.clock_hz

    @property
    def link_bandwidth_bytes_per_s(self) -> int:
        """Bandwidth of one NoC link per direction."""
        return self.noc.link_bytes_per_cycle * self.chip.clock_hz

    @property
    def supported_matmul_dtypes(self) -> tuple[str, ...]:
        """Input dtypes the matrix unit supports (non-zero MAC rate)."""
        return tuple(dt for dt in DTYPES if self.pe.matrix.macs_per_cycle[dt] > 0)

    def peak_macs_per_s(self, dtype: str) -> int:
        """Whole-chip peak matrix MACs/s for an input dtype (0 if unsupported)."""
        return self.num_pes * self.pe.matrix.macs_per_cycle[_dtype(dtype)] * self.chip.clock_hz

    def peak_ops_per_s(self, dtype: str) -> int:
        """Whole-chip peak matrix ops/s (2 ops per MAC), i.e. TOPS/TFLOPS * 1e12."""
        return 2 * self.peak_macs_per_s(dtype)

    def ridge_point(self, dtype: str) -> float:
        """Roofline ridge point: peak ops/s over external bytes/s (ops per byte)."""
        return self.peak_ops_per_s(dtype) / self.external_bandwidth_bytes_per_s

    def accumulator_dtype(self, dtype: str) -> str:
        """Type the matrix unit accumulates in for an input dtype."""
        return self.pe.matrix.accumulator[_dtype(dtype)]

    # ----- identity, serialisation, overrides ----------------------------

    def fingerprint(self) -> str:
        """Stable sha256 hex digest of the canonical serialisation (schema version + all fields)."""
        canonical = json.dumps(
            {"schema_version": SCHEMA_VERSION, "target": self.to_dict()},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def to_toml(self) -> str:
        """Canonical TOML text; `parse_target(t.to_toml()) == t`."""
        return _to_toml(self)

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Target":
        """A new validated Target with dotted fields replaced, e.g. {"mesh.rows": 4}."""
        data = self.to_dict()
        for dotted, value in overrides.items():
            _set_dotted(data, dotted, value)
        return target_from_dict(data, source="overrides")

    def replace(self, **overrides: Any) -> "Target":
        """Like with_overrides; keys are dotted paths (`**{"mesh.rows": 4}`) or use `__` (`mesh__rows=4`)."""
        return self.with_overrides({k.replace("__", "."): v for k, v in overrides.items()})

    # ----- helpers ----------------------------------------------------------

    def _in_mesh(self, p: Coord) -> bool:
        return 0 <= p[0] < self.mesh.rows and 0 <= p[1] < self.mesh.cols

    def _coord(self, pe: int | Coord) -> Coord:
        """Normalise a PE given as a linear id or (row, col); ValueError if outside the mesh."""
        if isinstance(pe, tuple) and len(pe) == 2:
            coord = (operator.index(pe[0]), operator.index(pe[1]))
        else:
            try:
                index = operator.index(pe)
            except TypeError:
                raise ValueError(f"a PE is a linear id or a (row, col) pair, got {pe!r}") from None
            if not 0 <= index < self.num_pes:
                raise ValueError(f"PE id {index} is outside the {self.mesh.rows}x{self.mesh.cols} mesh")
            coord = divmod(index, self.mesh.cols)
        if not self._in_mesh(coord):
            raise ValueError(f"PE {coord} is outside the {self.mesh.rows}x{self.mesh.cols} mesh")
        return coord


def _dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; expected one of {', '.join(DTYPES)}")
    return dtype


Target = dataclasses.make_dataclass(
    "Target",
    [(m.name, _SECTION_CLASSES[m.name]) for m in SCHEMA.members],
    bases=(_TargetMethods,), frozen=True, repr=False,
    namespace={"__doc__": "A validated target description (frozen). "
                          "Build one with load_target(), parse_target() or Target.with_overrides()."},
)
Target.__module__ = __name__


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    """Set data[a][b][c] = value for dotted 'a.b.c' (mapping values merge into tables)."""
    keys = dotted.split(".")
    node = data
    for depth, key in enumerate(keys[:-1]):
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            where = ".".join(keys[: depth + 1])
            raise TargetError(f"overrides: field '{where}': is not a table, cannot set {dotted!r}",
                              source="overrides", field=where)
        node = child
    last = keys[-1]
    if isinstance(value, Mapping) and isinstance(node.get(last), dict):
        for key, sub in value.items():
            _set_dotted(node[last], key, sub)
    else:
        node[last] = dict(value) if isinstance(value, Mapping) else value


# --------------------------------------------------------------------------
# Cross-field invariants (each docstring is rendered into docs/targets.md)
# --------------------------------------------------------------------------

def _inv_sram_banks(t: Target) -> tuple[str, str] | None:
    """`pe.sram.bytes` is a multiple of `pe.sram.banks` (banks are equal-sized)."""
    if t.pe.sram.bytes % t.pe.sram.banks:
        return "pe.sram.bytes", (f"must be a multiple of pe.sram.banks ({t.pe.sram.banks}), "
                                 f"got {t.pe.sram.bytes}")
    return None


def _inv_matrix_dtype(t: Target) -> tuple[str, str] | None:
    """At least one `pe.matrix.macs_per_cycle` entry is non-zero."""
    if not t.supported_matmul_dtypes:
        return "pe.matrix.macs_per_cycle", "at least one dtype must have a non-zero MAC rate"
    return None


def _inv_accumulator(t: Target) -> tuple[str, str] | None:
    """Integer inputs accumulate in an integer type and float inputs in a float type, at least as wide as the input."""
    for dt in DTYPES:
        acc = t.pe.matrix.accumulator[dt]
        if _is_float_dtype(acc) != _is_float_dtype(dt) or _DTYPE_BITS[acc] < _DTYPE_BITS[dt]:
            kind = "a float" if _is_float_dtype(dt) else "an integer"
            return (f"pe.matrix.accumulator.{dt}",
                    f"expected {kind} type at least {_DTYPE_BITS[dt]} bits wide, got {acc!r}")
    return None


def _inv_vector_rate(t: Target) -> tuple[str, str] | None:
    """`pe.vector.ops_per_cycle.<dtype>` is at most `lanes * 32 / bits(dtype)` (elements that fit in the lanes)."""
    for dt in DTYPES:
        limit = t.pe.vector.lanes * _VECTOR_LANE_BITS // _DTYPE_BITS[dt]
        if t.pe.vector.ops_per_cycle[dt] > limit:
            return (f"pe.vector.ops_per_cycle.{dt}",
                    f"must be at most lanes * {_VECTOR_LANE_BITS} / {_DTYPE_BITS[dt]} = {limit}, "
                    f"got {t.pe.vector.ops_per_cycle[dt]}")
    return None


def _inv_mac_energy(t: Target) -> tuple[str, str] | None:
    """Every dtype the matrix unit supports has a non-zero `energy.pj_per_mac` entry."""
    for dt in t.supported_matmul_dtypes:
        if t.energy.pj_per_mac[dt] <= 0:
            return (f"energy.pj_per_mac.{dt}",
                    f"must be > 0 because pe.matrix.macs_per_cycle.{dt} is non-zero")
    return None


_INVARIANTS = (_inv_sram_banks, _inv_matrix_dtype, _inv_accumulator, _inv_vector_rate, _inv_mac_energy)


# --------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------

def _error(source: str, field: str, message: str) -> TargetError:
    return TargetError(f"{source}: field '{field}': {message}", source=source, field=field)


def _unknown_field(source: str, path: str, key: str, known: list[str]) -> TargetError:
    dotted = _join(path, key)
    match = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{_join(path, match[0])}'?)" if match else ""
    return TargetError(f"{source}: unknown field '{dotted}'{hint}", source=source, field=dotted)


def _build_section(section: Section, path: str, data: Any, source: str) -> Any:
    """Validate ``data`` against ``section`` and build its frozen dataclass."""
    if not isinstance(data, dict):
        raise _error(source, path, f"expected a table, got {_describe(data)}")
    known = [m.name for m in section.members]
    for key in data:
        if key not in known:
            raise _unknown_field(source, path, key, known)
    values = {}
    for member in section.members:
        dotted = _join(path, member.name)
        if isinstance(member, Section):
            values[member.name] = _build_section(member, dotted, data.get(member.name, {}), source)
        elif member.name in data:
            try:
                values[member.name] = _check_value(member, data[member.name])
            except ValueError as exc:
                raise _error(source, dotted, str(exc)) from None
        elif member.required:
            raise _error(source, dotted, "required field is missing")
        else:
            values[member.name] = member.default
    cls = _SECTION_CLASSES[path] if path else Target
    return cls(**values)


def target_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Target:
    """Validate a nested dict (as parsed from TOML) and return a Target."""
    if not isinstance(data, Mapping):
        raise TargetError(f"{source}: expected a table at the top level, got {_describe(data)}", source=source)
    target = _build_section(SCHEMA, "", dict(data), source)
    for invariant in _INVARIANTS:
        problem = invariant(target)
        if problem:
            raise _error(source, *problem)
    return target


def parse_target(text: str, source: str = "<string>") -> Target:
    """Parse TOML text into a validated Target; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetError(f"{source}: TOML syntax error: {exc}", source=source) from None
    return target_from_dict(data, source)


_PRESET_PACKAGE = "npu.targets"


def _preset_files() -> dict[str, Any]:
    root = importlib.resources.files(_PRESET_PACKAGE)
    return {f.name[: -len(".toml")]: f for f in root.iterdir() if f.name.endswith(".toml")}


def list_presets() -> list[str]:
    """Names of the shipped target presets, sorted."""
    return sorted(_preset_files())


def load_target(spec: str | os.PathLike) -> Target:
    """Load a target from a preset name (see list_presets()) or a path to a .toml file."""
    if isinstance(spec, os.PathLike):
        return _load_file(Path(spec))
    if not isinstance(spec, str):
        raise TargetError(f"target spec must be a preset name or a path, got {_describe(spec)}")
    presets = _preset_files()
    if spec in presets:
        return parse_target(presets[spec].read_text(encoding="utf-8"), source=f"{spec}.toml")
    if spec.endswith(".toml") or "/" in spec or os.sep in spec:
        return _load_file(Path(spec))
    match = difflib.get_close_matches(spec, list(presets), n=1)
    hint = f" (did you mean '{match[0]}'?)" if match else ""
    raise TargetError(f"unknown target preset {spec!r}{hint}; valid presets: {', '.join(sorted(presets))}",
                      source=spec)


def _load_file(path: Path) -> Target:
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TargetError(f"{source}: no such file", source=source) from None
    except OSError as exc:
        raise TargetError(f"{source}: cannot read: {exc.strerror or exc}", source=source) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TargetError(f"{source}: not valid UTF-8 (byte {exc.start})", source=source) from None
    return parse_target(text, source)


# --------------------------------------------------------------------------
# TOML writer (the schema is small and flat enough not to need a library)
# --------------------------------------------------------------------------

def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


def _to_toml(target: Target) -> str:
    lines = [f"# npu target description (schema version {SCHEMA_VERSION}); see docs/targets.md."]
    for path, section in iter_sections():
        node = target
        for key in path.split("."):
            node = getattr(node, key)
        leaves = [m for m in section.members if isinstance(m, Field)]
        if not leaves:
            continue
        lines += ["", f"# {section.doc}", f"[{path}]"]
        lines += [f"{f.name} = {_toml_value(getattr(node, f.name))}" for f in leaves]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Generated documentation
# --------------------------------------------------------------------------

def _doc_default(field: Field) -> str:
    if field.required:
        return "required"
    return f"`{_toml_value(field.default)}`"


def _doc_type(field: Field) -> str:
    text = _expectation(field)
    return text.replace("'", "`")


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _render_sections() -> list[str]:
    out: list[str] = []
    for path, section in iter_sections():
        leaves = [m for m in section.members if isinstance(m, Field)]
        subs = [m for m in section.members if isinstance(m, Section)]
        out += [f"### `[{path}]`", "", section.doc, ""]
        if subs:
            out += ["Sub-tables: " + ", ".join(f"`[{_join(path, s.name)}]`" for s in subs) + ".", ""]
        if leaves:
            out += ["| field | type | unit | default | description |",
                    "| --- | --- | --- | --- | --- |"]
            for f in leaves:
                out.append(f"| `{_join(path, f.name)}` | {_doc_type(f)} | {f.unit or '-'} "
                           f"| {_doc_default(f)} | {_md_escape(f.doc)} |")
            out.append("")
    return out


def _first_line(obj: Any) -> str:
    return (inspect.getdoc(obj) or "").splitlines()[0]


def _render_derived() -> list[str]:
    out = ["| member | description |", "| --- | --- |"]
    for name, member in vars(_TargetMethods).items():
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            label = f"`{name}`"
        else:
            params = str(inspect.signature(member)).replace("(self, ", "(").replace("(self)", "()")
            params = params.replace("'", "").replace('"', "")
            label = f"`{name}{params}`"
        out.append(f"| {_md_escape(label)} | {_md_escape(_first_line(member))} |")
    return out


def _fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def _fmt_bytes(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} B"


def _render_presets() -> list[str]:
    out = ["| preset | PEs | clock | SRAM total | int8 TOPS | bf16 TFLOPS | external memory "
           "| ridge int8 (ops/B) | ridge bf16 (flop/B) |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    notes = []
    presets = sorted(((load_target(n), n) for n in list_presets()), key=lambda tn: (tn[0].num_pes, tn[1]))
    for t, name in presets:
        memory = (f"{_fmt(t.external_bandwidth_bytes_per_s / 1e9)} GB/s "
                  f"{t.memory.kind}, {_fmt_bytes(t.memory.bytes)}")
        out.append(
            f"| `{name}` | {t.mesh.rows}x{t.mesh.cols} = {t.num_pes} | {t.chip.clock_hz / 1e9:g} GHz "
            f"| {_fmt_bytes(t.sram_total_bytes)} | {_fmt(t.peak_ops_per_s('int8') / 1e12)} "
            f"| {_fmt(t.peak_ops_per_s('bf16') / 1e12)} | {memory} "
            f"| {_fmt(t.ridge_point('int8'))} | {_fmt(t.ridge_point('bf16'))} |")
        notes.append(f"- `{name}`: {_md_escape(t.chip.description)}")
    return out + [""] + notes


_DOCS_HEADER = """\
<!-- GENERATED by `python -m npu.target --write-docs docs/targets.md` from the
     schema in python/npu/target.py. Do not edit by hand. -->

# Target descriptions

A target description is a TOML file that tells the compiler which chip it
compiles for: the PE mesh, each PE's SRAM, matrix, vector and DMA units, the
on-chip network, external memory and an energy model. Load one with

```python
from npu.target import load_target, list_presets
t = load_target("edge-lpddr")          # a preset name, or a path to a .toml file
t.mesh.rows, t.pe.sram.bytes, t.noc.link_bytes_per_cycle
t.peak_ops_per_s("int8"), t.xy_route((0, 0), (2, 3))
t2 = t.with_overrides({"mesh.rows": 8})  # validated copy, for design-space exploration
```

Any problem in a description raises `npu.target.TargetError` with one line
naming the file and the dotted field, e.g.
`edge.toml: field 'noc.link_bytes_per_cycle': expected a positive integer, got -1`.
Unknown fields are errors (with a suggestion), so typos never pass silently.

Conventions: PE `(row, col)` has row 0 on the north edge and col 0 on the west
edge; the linear PE id is row-major. Rates are per cycle of `chip.clock_hz`
unless the unit says per second. One MAC counts as two ops in TOPS/TFLOPS.
Input dtypes: {dtypes}.
"""


def render_schema_markdown() -> str:
    """The full text of docs/targets.md, generated from SCHEMA, the invariants and the presets."""
    lines = [_DOCS_HEADER.replace("{dtypes}", ", ".join(f"`{d}`" for d in DTYPES)).rstrip("\n"), ""]
    lines += ["## Presets", "",
              "Headline figures derived from each shipped preset "
              "(peak = PEs x MACs/cycle x 2 x clock; ridge point = peak ops/s / external bytes/s).", ""]
    lines += _render_presets() + [""]
    lines += ["## Schema", ""] + _render_sections()
    lines += ["## Cross-field rules", ""]
    lines += [f"- {_first_line(inv)}" for inv in _INVARIANTS] + [""]
    lines += ["## Derived properties of `Target`", ""] + _render_derived() + [""]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Command line: python -m npu.target
# --------------------------------------------------------------------------

def _summary(t: Target) -> str:
    return (f"{t.chip.name}: {t.mesh.rows}x{t.mesh.cols} PEs @ {t.chip.clock_hz / 1e9:g} GHz, "
            f"SRAM {_fmt_bytes(t.sram_total_bytes)}, int8 {_fmt(t.peak_ops_per_s('int8') / 1e12)} TOPS, "
            f"bf16 {_fmt(t.peak_ops_per_s('bf16') / 1e12)} TFLOPS, "
            f"{t.memory.kind} {_fmt(t.external_bandwidth_bytes_per_s / 1e9)} GB/s, "
            f"fingerprint {t.fingerprint()[:16]}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m npu.target`."""
    parser = argparse.ArgumentParser(prog="python -m npu.target", description="Inspect npu target descriptions.")
    parser.add_argument("specs", nargs="*", help="preset names or .toml paths to validate and summarise")
    parser.add_argument("--list", action="store_true", help="list the shipped presets")
    parser.add_argument("--toml", action="store_true", help="print the canonical TOML of each spec")
    parser.add_argument("--write-docs", metavar="PATH", help="regenerate the schema reference at PATH")
    parser.add_argument("--check-docs", metavar="PATH", help="exit 1 if PATH differs from the generated reference")
    args = parser.parse_args(argv)
    try:
        if args.list:
            print("\n".join(list_presets()))
        for spec in args.specs:
            target = load_target(spec)
            print(target.to_toml() if args.toml else _summary(target))
        if args.write_docs:
            Path(args.write_docs).write_text(render_schema_markdown(), encoding="utf-8")
        if args.check_docs:
            current = Path(args.check_docs).read_text(encoding="utf-8") if Path(args.check_docs).exists() else ""
            if current != render_schema_markdown():
                print(f"npu.target: error: {args.check_docs} is stale; run "
                      f"python -m npu.target --write-docs {args.check_docs}", file=sys.stderr)
                return 1
    except NpuError as exc:
        print(f"npu.target: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
