"""Tests for npu.target: presets, validation messages, derived geometry and rates, docs."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npu.target import (
    DTYPES,
    Target,
    TargetError,
    iter_fields,
    list_presets,
    load_target,
    parse_target,
    render_schema_markdown,
)

REPO = Path(__file__).resolve().parents[2]
PRESETS = ["edge-lpddr", "datacenter-hbm", "large-inference"]


@pytest.fixture(scope="module")
def edge() -> Target:
    return load_target("edge-lpddr")


# ----------------------------------------------------------------------------
# Presets, round trip, fingerprint
# ----------------------------------------------------------------------------

def test_list_presets_has_the_three_shipped_parts():
    assert set(PRESETS) <= set(list_presets())
    assert list_presets() == sorted(list_presets())


@pytest.mark.parametrize("name", PRESETS)
def test_preset_loads_and_round_trips(name):
    target = load_target(name)
    assert isinstance(target, Target)
    assert target.chip.name == name
    again = parse_target(target.to_toml(), source="roundtrip.toml")
    assert again == target
    assert again.fingerprint() == target.fingerprint()
    assert again.to_toml() == target.to_toml()


def test_load_by_path_matches_preset(tmp_path, edge):
    path = tmp_path / "copy.toml"
    path.write_text(edge.to_toml())
    assert load_target(path) == edge
    assert load_target(str(path)) == edge


def test_fingerprint_is_stable_and_sensitive(edge):
    assert edge.fingerprint() == load_target("edge-lpddr").fingerprint()
    assert len(edge.fingerprint()) == 64
    changed = edge.with_overrides({"noc.hop_latency_cycles": edge.noc.hop_latency_cycles + 1})
    assert changed.fingerprint() != edge.fingerprint()
    assert edge.with_overrides({"chip.description": "x"}).fingerprint() != edge.fingerprint()
    fingerprints = {load_target(n).fingerprint() for n in PRESETS}
    assert len(fingerprints) == len(PRESETS)


def test_target_is_frozen_hashable_and_picklable(edge):
    with pytest.raises(AttributeError):
        edge.mesh.rows = 8  # type: ignore[misc]
    assert hash(edge) == hash(load_target("edge-lpddr"))
    assert pickle.loads(pickle.dumps(edge)) == edge


def test_attribute_paths_and_mapping_access(edge):
    assert edge.mesh.rows == 4
    assert edge.pe.sram.bytes == 512 * 1024
    assert edge.noc.link_bytes_per_cycle == 32
    assert edge.pe.matrix.macs_per_cycle["int8"] == edge.pe.matrix.macs_per_cycle.int8 == 128
    assert edge.memory.edges == ("west", "east")
    with pytest.raises(KeyError):
        edge.pe.matrix.macs_per_cycle["int3"]


def test_overrides_revalidate_and_leave_original(edge):
    bigger = edge.with_overrides({"mesh.rows": 8, "pe.matrix.macs_per_cycle.int8": 256})
    assert (bigger.mesh.rows, bigger.pe.matrix.macs_per_cycle.int8) == (8, 256)
    assert edge.mesh.rows == 4
    assert edge.replace(mesh__cols=2).mesh.cols == 2
    assert edge.replace(**{"mesh.cols": 3}).mesh.cols == 3
    with pytest.raises(TargetError, match=r"overrides: field 'mesh.rows': expected a positive integer, got 0"):
        edge.with_overrides({"mesh.rows": 0})
    with pytest.raises(TargetError, match=r"unknown field 'mesh.rowz' \(did you mean 'mesh.rows'\?\)"):
        edge.with_overrides({"mesh.rowz": 4})


# ----------------------------------------------------------------------------
# Malformed input: one TargetError per class, naming the file and the field
# ----------------------------------------------------------------------------

def _edit(edge: Target, old: str, new: str) -> str:
    text = edge.to_toml()
    assert old in text
    return text.replace(old, new, 1)


def _load_text(tmp_path: Path, text: str, name: str = "edge.toml") -> Target:
    path = tmp_path / name
    path.write_text(text)
    return load_target(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("link_bytes_per_cycle = 32", "link_bytes_per_cycle = -1",
         "field 'noc.link_bytes_per_cycle': expected a positive integer, got -1"),
        ("[mesh]\nrows = 4", "[mesh]\nrowz = 4",
         "unknown field 'mesh.rowz' (did you mean 'mesh.rows'?)"),
        ("banks = 8\n", "",
         "field 'pe.sram.banks': required field is missing"),
        ("rows = 4", 'rows = "four"',
         "field 'mesh.rows': expected a positive integer, got \"four\""),
        ("multicast = false", "multicast = 1",
         "field 'noc.multicast': expected a boolean, got 1"),
        ("clock_hz = 1000000000", "clock_hz = 1.0e9",
         "field 'chip.clock_hz': expected a positive integer, got 1000000000.0"),
        ('topology = "mesh2d"', 'topology = "torus"',
         "field 'mesh.topology': expected one of 'mesh2d', got \"torus\""),
        ('kind = "lpddr"', 'kind = "sram"',
         "field 'memory.kind': expected one of 'hbm', 'lpddr', 'gddr', got \"sram\""),
        ('edges = ["west", "east"]', 'edges = ["west", "up"]',
         "field 'memory.edges': expected a non-empty array of distinct values from"),
        ("sram = 1.0", "sram = -1.0",
         "field 'energy.pj_per_byte.sram': expected a non-negative number, got -1.0"),
        ("bytes = 524288", "bytes = 524289",
         "field 'pe.sram.bytes': must be a multiple of pe.sram.banks (8), got 524289"),
        ('int8 = "int32"', 'int8 = "fp32"',
         "field 'pe.matrix.accumulator.int8': expected an integer type at least 8 bits wide, got 'fp32'"),
        ("lanes = 16", "lanes = 4",
         "field 'pe.vector.ops_per_cycle.int8': must be at most lanes * 32 / 8 = 16, got 64"),
        ("int8 = 0.1", "int8 = 0.0",
         "field 'energy.pj_per_mac.int8': must be > 0 because pe.matrix.macs_per_cycle.int8 is non-zero"),
    ],
    ids=["negative", "unknown", "missing", "wrong-type", "bool-type", "float-for-int", "bad-enum",
         "bad-memory-kind", "bad-edge", "negative-float", "sram-banks",
         "accumulator", "vector-rate", "mac-energy"],
)
def test_malformed_input_names_file_and_field(tmp_path, edge, old, new, message):
    with pytest.raises(TargetError) as info:
        _load_text(tmp_path, _edit(edge, old, new))
    text = str(info.value)
    assert text.startswith(str(tmp_path / "edge.toml") + ": ")
    assert message in text
    assert "\n" not in text


def test_missing_section_names_its_first_required_field(edge):
    text = edge.to_toml()
    without_mesh = text.replace('[mesh]\nrows = 4\ncols = 4\ntopology = "mesh2d"\n', "")
    with pytest.raises(TargetError, match=r"x.toml: field 'mesh.rows': required field is missing"):
        parse_target(without_mesh, source="x.toml")


def test_scalar_where_a_table_belongs(edge):
    text = edge.to_toml().replace('[mesh]\nrows = 4\ncols = 4\ntopology = "mesh2d"\n', "")
    with pytest.raises(TargetError, match=r"x.toml: field 'mesh': expected a table, got 3$"):
        parse_target("mesh = 3\n" + text, source="x.toml")


def test_no_supported_matrix_dtype(edge):
    zeros = {f"pe.matrix.macs_per_cycle.{dt}": 0 for dt in DTYPES}
    with pytest.raises(TargetError, match=r"field 'pe.matrix.macs_per_cycle': at least one dtype"):
        edge.with_overrides(zeros)


_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=True),
    st.text(max_size=8), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers()),
)


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from([path for path, _ in iter_fields()]), value=_JUNK)
def test_any_value_in_any_field_gives_a_target_or_a_target_error(edge, field, value):
    try:
        edge.with_overrides({field: value})
    except TargetError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith("overrides: ")


def test_numpy_integers_are_accepted_as_integers(edge):
    np = pytest.importorskip("numpy")
    assert edge.with_overrides({"mesh.rows": np.int64(6)}).mesh.rows == 6


def test_syntax_error_reports_line(tmp_path, edge):
    broken = edge.to_toml().replace("rows = 4", "rows = = 4", 1)
    with pytest.raises(TargetError) as info:
        _load_text(tmp_path, broken)
    line = broken.splitlines().index("rows = = 4") + 1
    assert "TOML syntax error" in str(info.value)
    assert f"line {line}" in str(info.value)


def test_unknown_preset_lists_valid_names():
    with pytest.raises(TargetError) as info:
        load_target("edge-lpdr")
    message = str(info.value)
    assert "unknown target preset 'edge-lpdr'" in message
    assert "did you mean 'edge-lpddr'?" in message
    for name in PRESETS:
        assert name in message


def test_unreadable_inputs_are_target_errors(tmp_path):
    with pytest.raises(TargetError, match="no such file"):
        load_target(tmp_path / "absent.toml")
    with pytest.raises(TargetError, match="cannot read"):
        load_target(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[chip]\nname = "caf\xe9"\n')
    with pytest.raises(TargetError, match="not valid UTF-8"):
        load_target(bad)
    with pytest.raises(TargetError, match="preset name or a path"):
        load_target(42)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------
# Derived figures
# ----------------------------------------------------------------------------

def test_peak_figures_for_edge_preset(edge):
    # edge-lpddr: 4x4 = 16 PEs at 1.0 GHz.
    #   int8: 16 PEs * 128 MACs/cycle * 1e9 Hz = 2.048e12 MACs/s -> * 2 = 4.096e12 ops/s (4.096 TOPS)
    #   bf16: 16 PEs *  32 MACs/cycle * 1e9 Hz = 5.12e11 MACs/s  -> * 2 = 1.024e12 ops/s
    #   fp8 : 0 MACs/cycle -> unsupported, peak 0
    #   external: 8533e6 transfers/s * 4 bytes = 34.132e9 bytes/s; ridge = 4.096e12 / 34.132e9 = 120.0...
    #   link: 32 bytes/cycle * 1e9 = 32e9 bytes/s; SRAM total: 16 * 512 KiB = 8 MiB
    assert edge.num_pes == 16
    assert edge.peak_macs_per_s("int8") == 2_048_000_000_000
    assert edge.peak_ops_per_s("int8") == 4_096_000_000_000
    assert edge.peak_ops_per_s("bf16") == 1_024_000_000_000
    assert edge.peak_ops_per_s("fp8") == 0
    assert edge.supported_matmul_dtypes == ("int8", "int4", "bf16", "fp16")
    assert edge.external_bandwidth_bytes_per_s == 34_132_000_000
    assert edge.ridge_point("int8") == pytest.approx(120.004, abs=1e-3)
    assert edge.link_bandwidth_bytes_per_s == 32_000_000_000
    assert edge.sram_total_bytes == 8 * 2**20
    assert edge.sram_bytes_per_cycle == 8 * 16
    assert edge.accumulator_dtype("int8") == "int32"
    assert edge.accumulator_dtype("bf16") == "fp32"
    with pytest.raises(ValueError, match="unknown dtype"):
        edge.peak_macs_per_s("int3")


def test_large_inference_matches_its_public_sizing():
    t = load_target("large-inference")
    # 256 PEs * 2048 MACs/cycle * 2 * 1.75e9 Hz = 1835.008e12 (Gaudi 3: 1835 TFLOPS bf16/fp8)
    assert t.peak_ops_per_s("bf16") == 1_835_008_000_000_000
    assert t.sram_total_bytes == 96 * 2**20


def test_pe_ids_and_coordinates(edge):
    assert edge.pe_coords()[0] == (0, 0) and len(edge.pe_coords()) == 16
    for pe in range(edge.num_pes):
        assert edge.pe_id(*edge.pe_coord(pe)) == pe
    assert edge.pe_coord(5) == (1, 1)
    assert edge.pe_coord((3, 2)) == (3, 2)
    with pytest.raises(ValueError):
        edge.pe_coord(16)
    with pytest.raises(ValueError):
        edge.pe_id(0, 4)


def test_neighbors_and_memory_ports(edge):
    assert edge.neighbors((0, 0)) == ((0, 1), (1, 0))
    assert edge.neighbors(5) == ((0, 1), (1, 0), (1, 2), (2, 1))
    assert edge.is_adjacent(0, 1) and not edge.is_adjacent(0, 5) and not edge.is_adjacent(0, 0)
    assert edge.memory_port_pes() == tuple((r, c) for r in range(4) for c in (0, 3))
    north = edge.with_overrides({"memory.edges": ["north"]})
    assert north.memory_port_pes() == ((0, 0), (0, 1), (0, 2), (0, 3))


def test_xy_route_goes_along_the_row_first(edge):
    assert edge.xy_route((0, 0), (2, 1)) == [((0, 0), (0, 1)), ((0, 1), (1, 1)), ((1, 1), (2, 1))]
    assert edge.xy_route(3, 3) == []
    assert edge.hops(0, 15) == 6


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_xy_route_properties_on_random_meshes(edge, data):
    rows = data.draw(st.integers(1, 12), label="rows")
    cols = data.draw(st.integers(1, 12), label="cols")
    mesh = edge.with_overrides({"mesh.rows": rows, "mesh.cols": cols})
    pe = st.tuples(st.integers(0, rows - 1), st.integers(0, cols - 1))
    src, dst = data.draw(pe, label="src"), data.draw(pe, label="dst")
    route = mesh.xy_route(src, dst)
    manhattan = abs(src[0] - dst[0]) + abs(src[1] - dst[1])
    assert len(route) == manhattan == mesh.hops(src, dst)
    position = src
    for a, b in route:
        assert a == position and mesh.is_adjacent(a, b) and b in mesh.neighbors(a)
        position = b
    assert position == dst
    # XY: every column move precedes every row move.
    kinds = ["col" if a[0] == b[0] else "row" for a, b in route]
    assert kinds == sorted(kinds)


# ----------------------------------------------------------------------------
# Schema and generated docs
# ----------------------------------------------------------------------------

def test_every_schema_field_is_documented_with_a_unit_or_kind():
    for path, field in iter_fields():
        assert field.doc and field.doc.endswith("."), path
        if field.kind in ("int", "float"):
            assert field.unit, path


def test_committed_docs_match_generated_text():
    committed = (REPO / "docs" / "targets.md").read_text(encoding="utf-8")
    assert committed == render_schema_markdown(), (
        "docs/targets.md is stale: run `PYTHONPATH=python python -m npu.target --write-docs docs/targets.md`")
