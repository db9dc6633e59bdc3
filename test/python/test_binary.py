"""The .npubin format: ISA table vs dialects and docs, round trips, loader errors, storage packing."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from npu.binary import container as C
from npu.binary import isa
from npu.binary.decode import unpack_storage
from npu.binary.encode import encode, pack_storage
from npu.binary.loader import BinaryError, load, read
from npu.errors import NpuError
from npu.ir.context import make_context, parse_module

sys.path.insert(0, str(Path(__file__).parent))
from binary_gen import level4_modules  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "test" / "dialects" / "npu_pe_program.mlir"
ALL_OPS = ROOT / "test" / "binary" / "Inputs" / "all_ops.mlir"


def parse(path_or_text) -> object:
    text = path_or_text.read_text() if isinstance(path_or_text, Path) else path_or_text
    return parse_module(text, make_context())


def roundtrip(module, target=None):
    """(bytes, loaded) after checking both round-trip properties."""
    data = encode(module, target)
    loaded = load(data)
    assert str(loaded.module) == str(module)  # printer renumbers SSA values: equal modulo names
    assert encode(loaded.module, loaded.target) == data
    return data, loaded


# ---------------------------------------------------------------- the ISA table

def test_isa_doc_is_generated_from_the_table():
    assert (ROOT / "docs" / "isa.md").read_text() == isa.render_markdown()


def test_isa_covers_every_level4_op_with_its_irdl_operands_and_attributes():
    from npu.ir.dialect_docs import dialect_docs

    # attributes IRDL cannot declare (optional in the IR); the binary requires `offset`
    extra_attrs = {"npu_mem.alloc": {"offset", "alignment"}, "npu_pe.matmul": {"a_zp", "b_zp", "unit"}}
    optional_attrs = {"npu_mem.alloc": {"alignment"}, "npu_pe.matmul": {"a_zp", "b_zp", "unit"}}
    irdl_ops = set()
    for dialect in ("npu_mem", "npu_noc", "npu_pe"):
        for d in dialect_docs(dialect).of_kind("operation"):
            name = d.full_name
            if name == "npu_mem.global":  # module-level: the symbol table, not an instruction
                continue
            irdl_ops.add(name)
            assert name in isa.OPS, f"{name} has no instruction"
            op = isa.OPS[name]
            operands = [f.name for f in d.fields if f.role == "operand"]
            assert [f.name for f in op.operand_fields] == operands, name
            variadic = {f.name for f in d.fields if f.role == "operand" and f.variadicity == "variadic"}
            assert {f.name for f in op.operand_fields if f.kind == "refs"} == variadic, name
            attrs = {f.name for f in d.fields if f.role == "attribute"}
            assert {f.name for f in op.attr_fields} == attrs | extra_attrs.get(name, set()), name
            assert {f.name for f in op.optional_fields} == optional_attrs.get(name, set()), name
            results = [f for f in d.fields if f.role == "result"]
            assert (op.result is not None) == bool(results), name
    assert set(isa.OPS) - irdl_ops == {"func.return"}


def test_all_ops_input_uses_every_instruction():
    text = ALL_OPS.read_text()
    assert all(f'"{name}"' in text for name in isa.OPS if name != "func.return")


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("path", [PROGRAM, ALL_OPS], ids=lambda p: p.name)
def test_handwritten_modules_round_trip(path):
    data, loaded = roundtrip(parse(path))
    assert data[:8] == C.MAGIC
    assert loaded.target.chip.name in path.read_text()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(level4_modules())
def test_random_level4_modules_round_trip(case):
    text, target = case
    roundtrip(parse(text), target)


def test_debug_locations_survive():
    module = parse(PROGRAM)
    loaded = load(encode(module))
    with_locs = loaded.module.operation.get_asm(enable_debug_info=True)
    assert with_locs == module.operation.get_asm(enable_debug_info=True)
    assert with_locs.count(":19:") >= 1 and with_locs.count("loc(") > 40  # file:line:col of every op


def test_decoded_binaries_run_like_their_level4_modules():
    import ml_dtypes

    from npu.interp.level4 import run_level4

    rng = np.random.default_rng(7)
    cases = [(PROGRAM, {"x": rng.integers(-128, 128, (32, 64)).astype(np.int8)}),
             (ALL_OPS, {"x": (rng.standard_normal((4, 8))).astype(ml_dtypes.bfloat16)})]
    for path, inputs in cases:
        module = parse(path)
        _, loaded = roundtrip(module)
        want, got = run_level4(module, inputs), run_level4(loaded.module, inputs)
        assert want.keys() == got.keys()
        for name in want:
            np.testing.assert_array_equal(got[name], want[name])


# ---------------------------------------------------------------- encoder errors

def test_unallocated_modules_are_rejected_naming_the_allocator():
    text = PROGRAM.read_text()
    with pytest.raises(NpuError, match=r"'npu_mem.alloc' op has no SRAM offset: run .*npu-alloc-sram"):
        encode(parse(text.replace("{offset = 0, alignment = 64}", "{alignment = 64}", 1)))
    with pytest.raises(NpuError, match=r"'npu_mem.global' op 'x' has no address: run .*npu-alloc-ext"):
        encode(parse(text.replace(', address = 0}', '}', 1)))


def test_encoder_errors_are_located_one_liners():
    text = PROGRAM.read_text()
    with pytest.raises(NpuError, match=r"npu_pe_program|<module>:\d+:\d+: 'npu_noc.send' op expects attribute "
                                       r"'tag' to be an i64 integer"):
        encode(parse(text.replace("tag = 0}", "tag = 0 : i32}", 1)))
    with pytest.raises(NpuError, match="does not fit its u32 field"):
        encode(parse(text.replace("tag = 0}", "tag = 4294967296}").replace("tag = 0}", "tag = 4294967296}")))
    with pytest.raises(NpuError, match="cannot encode an invalid module"):
        encode(parse(text), "datacenter-hbm")  # module says edge-lpddr


def test_discardable_attributes_are_dropped_inherent_ones_rejected():
    text = PROGRAM.read_text()
    data = encode(parse(text.replace("{kind = \"relu\"}", "{kind = \"relu\", npu.layer = \"relu1\"}", 1)))
    assert data == encode(parse(text))
    with pytest.raises(NpuError, match="has attribute 'extra' that its instruction cannot hold"):
        encode(parse(text.replace("{kind = \"relu\"}", "{kind = \"relu\", extra = 1}", 1)))


# ---------------------------------------------------------------- loader errors

@pytest.fixture(scope="module")
def good():
    data = encode(parse(ALL_OPS))
    return data, read(data)


def _edit(data: bytes, offset: int, new: bytes, seal: bool = True) -> bytes:
    out = data[:offset] + new + data[offset + len(new):]
    return C.reseal(out) if seal else out


def _rejects(data: bytes, offset: int, reason: str, **kw) -> BinaryError:
    with pytest.raises(BinaryError) as info:
        load(data, **kw)
    err = info.value
    assert err.offset == offset, str(err)
    assert reason in err.reason, str(err)
    assert "\n" not in str(err) and f"at byte {offset}:" in str(err)
    return err


def test_loader_rejects_header_problems(good):
    data, _ = good
    _rejects(b"PK\x03\x04" + data[4:], 0, "bad magic")
    _rejects(data[:40], 40, "truncated")
    _rejects(data[:-100], len(data) - 100, "truncated: the header gives")
    _rejects(data + b"\0", len(data), "1 bytes after the end")
    major, minor = C.VERSION
    _rejects(_edit(data, 8, struct.pack("<H", major + 1)), 8, f"format version {major + 1}.{minor}, this loader reads 1.x")
    _rejects(_edit(data, 10, struct.pack("<H", minor + 1)), 10, f"format version 1.{minor + 1} is newer")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x10
    _rejects(bytes(flipped), len(data) - 32, "checksum mismatch")


def test_loader_rejects_another_target(good):
    data, _ = good
    _rejects(data, 24, "built for target 'datacenter-hbm'", target="edge-lpddr")
    assert load(data, target="datacenter-hbm").target.chip.name == "datacenter-hbm"
    _rejects(_edit(data, 24, b"\0" * 4), 24, "does not match the embedded target")


def test_loader_rejects_bad_instructions(good):
    data, binary = good
    prog = binary.programs[0]
    first = prog.instrs[0].offset
    _rejects(_edit(data, first, b"\x7f"), first, "unknown opcode 0x7F")
    _rejects(_edit(data, first + 2, struct.pack("<H", 6)), first + 2, "inconsistent sizes")
    alloc = next(i for i in prog.instrs if i.op.name == "npu_mem.alloc")
    sram = load(data).target.pe.sram.bytes
    _rejects(_edit(data, alloc.offset + 8, struct.pack("<I", sram - 4)), alloc.offset + 8,
             "out-of-range SRAM address")
    wait = next(i for i in prog.instrs if i.op.name == "npu_mem.dma_wait")
    _rejects(_edit(data, wait.offset + 6, struct.pack("<I", 0)), wait.offset + 6,
             "names instruction 0, which defines buffer, expected a mem_token")
    _rejects(_edit(data, wait.offset + 6, struct.pack("<I", 10**6)), wait.offset + 6, "not an earlier one")


def test_loader_rejects_out_of_range_external_addresses(good):
    data, binary = good
    sym = binary.symbols[0]
    _rejects(_edit(data, sym.offset + 16, struct.pack("<Q", 1 << 40)), sym.offset + 16,
             "out-of-range external memory address")


def test_loader_names_the_instruction_a_verifier_rejects(good):
    data, binary = good
    send = next(i for p in binary.programs for i in p.instrs if i.op.name == "npu_noc.send")
    tag_at = send.offset + 4 + 4 + 4  # header, buffer ref, dst coord
    err = _rejects(_edit(data, tag_at, struct.pack("<I", 99)), send.offset, "invalid program")
    assert "matching 'npu_noc.recv'" in err.reason


def test_loader_rejects_non_canonical_padding(good):
    data, _ = good
    target_at, target_size = struct.unpack_from("<QQ", data, 64 + 8)  # first section entry: TARGET
    pad = target_at + target_size
    assert pad % C.SECTION_ALIGN  # zero padding up to the next 64-byte boundary follows
    _rejects(_edit(data, pad, b"\x01"), pad, "non-canonical encoding")


# ---------------------------------------------------------------- storage

def test_int4_storage_is_packed_low_nibble_first():
    import ml_dtypes

    values = np.array([[1, -2, 7], [-8, 0, 3]], dtype=ml_dtypes.int4)
    packed = pack_storage(values, "i4")
    assert packed == bytes([0xE1, 0x87, 0x30])  # nibbles 1, -2=E, 7, -8=8, 0, 3
    back = unpack_storage(packed, C.TypeEntry("i4", "ext", (2, 3)))
    np.testing.assert_array_equal(back.astype(np.int8), values.astype(np.int8))


def test_weights_are_aligned_in_the_const_section(good):
    data, binary = good
    weights = [s for s in binary.symbols if s.kind == "weight"]
    assert weights
    const_at = struct.unpack_from("<Q", data, 64 + 8 * 24 + 8)[0]
    assert const_at % C.CONST_ALIGN == 0
    for sym in weights:
        start = data.find(sym.data, const_at)
        assert start >= 0 and (start - const_at) % C.CONST_ALIGN == 0


# ---------------------------------------------------------------- real lowered modules

@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["digits_cnn", "digits_transformer"]), st.sampled_from(["edge-lpddr", "datacenter-hbm"]),
       st.integers(2, 4), st.integers(2, 4), st.sampled_from([1, 2, 4]))
def test_lowered_models_round_trip_on_random_meshes(model, preset, rows, cols, sram_divisor):
    """Real modules from the spatial pipeline (LOWER, ALLOC) on random mesh sizes and SRAM budgets."""
    from npu.onnx.importer import import_model
    from npu.spatial import lower_module
    from npu.target import load_target

    base = load_target(preset)
    target = base.with_overrides({"mesh.rows": rows, "mesh.cols": cols,
                                  "pe.sram.bytes": base.pe.sram.bytes // sram_divisor})
    module = import_model(ROOT / "examples" / "digits" / f"{model}.onnx")
    try:
        lower_module(module, target)
    except NpuError as err:  # a budget the lowering refuses (one-line error) is not a binary case
        assert "\n" not in str(err)
        event("lowering refused")
        return
    event("lowered")
    data, loaded = roundtrip(module, target)
    assert loaded.target.fingerprint() == target.fingerprint()


QUANT_IO = """module attributes {npu_pe.target = "edge-lpddr"} {
  "npu_mem.global"() {sym_name = "x", kind = "input", type = memref<2x3xi8, "ext">, address = 0,
                      npu.quant = !quant.uniform<i8:f32, 0.25:-5>} : () -> ()
  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<2x3xi8, "ext">, address = 64,
                      npu.quant = !quant.uniform<i8<-127:127>:f32:1, {0.5:1, 0.125:2, 2.0}>} : () -> ()
  func.func @pe_0_0() attributes {npu_pe.pe = array<i64: 0, 0>} {
    %x = "npu_mem.get_global"() {name = @x} : () -> memref<2x3xi8, "ext">
    %y = "npu_mem.get_global"() {name = @y} : () -> memref<2x3xi8, "ext">
    %a = "npu_mem.alloc"() {offset = 0} : () -> memref<2x3xi8, "sram">
    %t = "npu_mem.dma_start"(%x, %a) {src_offset = 0, src_sizes = array<i64: 6>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 6>, dst_strides = array<i64: 1>} : (memref<2x3xi8, "ext">, memref<2x3xi8, "sram">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()
    %u = "npu_mem.dma_start"(%a, %y) {src_offset = 0, src_sizes = array<i64: 6>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: 6>, dst_strides = array<i64: 1>} : (memref<2x3xi8, "sram">, memref<2x3xi8, "ext">) -> !npu_mem.token
    "npu_mem.dma_wait"(%u) : (!npu_mem.token) -> ()
    return
  }
}
"""


def test_io_quantization_parameters_are_in_the_symbol_table():
    data, loaded = roundtrip(parse(QUANT_IO))
    x, y = loaded.inputs[0].quant, loaded.outputs[0].quant
    assert (x.axis, x.scales, x.zero_points, x.storage_min, x.storage_max) == (-1, (0.25,), (-5,), -128, 127)
    assert (y.axis, y.scales, y.zero_points, y.storage_min) == (1, (0.5, 0.125, 2.0), (1, 2, 0), -127)
    with pytest.raises(NpuError, match="expects the npu.quant storage type to be the element type i8, got i16"):
        encode(parse(QUANT_IO.replace("<i8:f32, 0.25:-5>", "<i16:f32, 0.25:-5>")))


def test_matmul_unit_field_needs_format_1_4():
    """npu_pe.matmul's `unit` exists since 1.4: a writer asked for 1.3 refuses it, a 1.3 file holding it
    (present-mask bit set) is refused at that byte; a 1.3 file with the matrix-unit matmul loads."""
    from npu.binary.encode import module_to_binary

    module = parse_module((ROOT / "test" / "binary" / "Inputs" / "all_ops.mlir").read_text(), make_context())
    with module.context:
        binary = module_to_binary(module)
    data_14 = C.write(binary)
    prog, i, instr = next((p, i, x) for p in read(data_14).programs for i, x in enumerate(p.instrs)
                          if x.op.name == "npu_pe.matmul" and x.values.get("unit") == "vector")
    binary.version = (1, 3)
    with pytest.raises(NpuError, match=rf"PE \({prog.pe[0]}, {prog.pe[1]}\) instruction {i}: format 1.3 has no field "
                                       r"'unit' of 'npu_pe.matmul'; 1.4 does"):
        C.write(binary)
    target = next(p for p in binary.programs if p.pe == prog.pe).instrs[i]
    target.values["unit"] = None
    data_13 = C.write(binary)
    at = next(p for p in read(data_13).programs if p.pe == prog.pe).instrs[i].offset
    size = struct.unpack_from("<H", data_14, instr.offset + 2)[0]
    patched = C.reseal(data_13[:at] + data_14[instr.offset:instr.offset + size] + data_13[at + size:])
    with pytest.raises(BinaryError, match=rf"at byte {at + 1}: PE \({prog.pe[0]}, {prog.pe[1]}\) instruction {i}: "
                                          r"'npu_pe.matmul' field 'unit' is present in a format 1.3 file \(since 1.4\)"):
        read(patched)
