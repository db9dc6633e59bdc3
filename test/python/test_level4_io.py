"""Graph inputs and outputs through level 4 and the binary: boolean I/O, outputs no op writes.

* bool graph inputs/outputs: the level-4 globals are i8 masks recording `element = i1`; the
  level-4 interpreter, a .npubin (format 1.4 symbol entries) loaded and run, `npu.load` and
  npu-run take and return numpy bool, equal to golden;
* outputs that are a constant, a graph input, or a value returned twice are copies, bit-identical
  to golden (also when the copy spans several SRAM-sized chunks);
* the binary's element field: written from 1.4 on, refused in a 1.3 file, checked by the loader
  (one-line errors at the byte), and 1.3 files without it still load.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto as TP
from onnx import helper

from npu.binary import container as C
from npu.binary.encode import encode
from npu.binary.loader import BinaryError, load, read
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import Level4Machine
from npu.ir.context import make_context, parse_module
from npu.onnx.importer import import_model
from npu.spatial import lower_module
from npu.spatial.io_copy import chunk_elements
from npu.target import load_target

ROOT = Path(__file__).resolve().parents[2]
BOOL_IO = ROOT / "test" / "binary" / "Inputs" / "bool_io.mlir"
PRESETS = ("edge-lpddr", "datacenter-hbm")


def _model(path: Path, big: int = 0) -> Path:
    """x f32 [4, 5], m bool [4, 5] -> g = (x > 0) and m (bool), g again as g2, the constant c,
    x itself as i, not(m) as n; with `big`, also a constant of `big` floats as k."""
    x = helper.make_tensor_value_info("x", TP.FLOAT, [4, 5])
    m = helper.make_tensor_value_info("m", TP.BOOL, [4, 5])
    outs = [helper.make_tensor_value_info("g", TP.BOOL, [4, 5]), helper.make_tensor_value_info("g2", TP.BOOL, [4, 5]),
            helper.make_tensor_value_info("c", TP.FLOAT, [3]), helper.make_tensor_value_info("i", TP.FLOAT, [4, 5]),
            helper.make_tensor_value_info("n", TP.BOOL, [4, 5])]
    nodes = [helper.make_node("Constant", [], ["zero"], value=helper.make_tensor("z", TP.FLOAT, [], [0.0])),
             helper.make_node("Greater", ["x", "zero"], ["gt"]), helper.make_node("And", ["gt", "m"], ["g"]),
             helper.make_node("Identity", ["g"], ["g2"]),
             helper.make_node("Constant", [], ["c"], value=helper.make_tensor("cv", TP.FLOAT, [3], [1.5, -2.0, 3.25])),
             helper.make_node("Identity", ["x"], ["i"]), helper.make_node("Not", ["m"], ["n"])]
    if big:
        values = np.arange(big, dtype=np.float32) * 0.25 - 7.0
        outs.append(helper.make_tensor_value_info("k", TP.FLOAT, [big]))
        nodes.append(helper.make_node("Constant", [], ["k"], value=helper.make_tensor("kv", TP.FLOAT, [big], values)))
    graph = helper.make_graph(nodes, "io", [x, m], outs)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


def _inputs():
    rng = np.random.default_rng(7)
    return {"x": rng.standard_normal((4, 5)).astype(np.float32), "m": rng.integers(0, 2, (4, 5)).astype(bool)}


def _golden(path: Path, inputs):
    module = import_model(str(path))
    with module.context:
        return Program(module).run(inputs)


def _same(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for name, value in want.items():
        assert got[name].dtype == value.dtype, name
        assert got[name].shape == value.shape, name
        assert got[name].tobytes() == value.tobytes(), name  # bit-identical


@pytest.mark.parametrize("preset", PRESETS)
def test_bool_and_uncomputed_outputs_match_golden_on_level4_and_the_binary(tmp_path, preset):
    path = _model(tmp_path / "io.onnx")
    inputs = _inputs()
    want = _golden(path, inputs)
    assert want["g"].dtype == np.bool_ and want["c"].dtype == np.float32
    target = load_target(preset)
    lowered = lower_module(import_model(str(path)), target)
    with lowered.context:
        elements = {op.attributes["sym_name"].value: str(op.attributes["element"].value)
                    for op in lowered.body.operations
                    if op.operation.name == "npu_mem.global" and "element" in op.attributes}
        machine = Level4Machine(lowered, target)
        assert {s.name: s.dtype for s in machine.inputs} == {"x": np.float32, "m": np.bool_}
        assert [s.name for s in machine.outputs] == list(want) == ["g", "g2", "c", "i", "n"]  # result order
        _same(machine.run(inputs), want)
        data = encode(lowered, target)
    assert elements == {"m": "i1", "g": "i1", "g2": "i1", "n": "i1"}
    loaded = load(data)
    assert loaded.binary.version == C.VERSION >= (1, 4)
    assert {s.name: s.element for s in loaded.binary.symbols if s.element} == elements
    assert C.write(loaded.binary) == data  # the element field round-trips byte for byte
    with loaded.module.context:
        _same(Level4Machine(loaded.module, target).run(inputs), want)


def test_npu_load_and_npu_run_speak_bool(tmp_path):
    from npu import api
    from npu.tools.run import run

    path = _model(tmp_path / "io.onnx")
    inputs = _inputs()
    want = _golden(path, inputs)
    artifact = api.compile(str(path), "edge-lpddr")
    artifact.save(tmp_path / "io.npubin")
    loaded = api.load(tmp_path / "io.npubin")
    assert {s.name: s.dtype for s in loaded.inputs}["m"] == np.bool_
    assert {s.name: s.dtype for s in loaded.outputs}["g"] == np.bool_
    _same(loaded.run(inputs), want)
    with pytest.raises(NpuError, match=r"input 'm' expects \[4, 5\] bool"):
        loaded.run({**inputs, "m": inputs["m"].astype(np.float32)})
    np.savez(tmp_path / "in.npz", **inputs)
    assert run([str(tmp_path / "io.npubin"), "--input", str(tmp_path / "in.npz"),
                "--output", str(tmp_path / "out.npz")]) == 0
    with np.load(tmp_path / "out.npz") as out:
        _same({k: out[k] for k in out.files}, want)


def test_a_constant_output_larger_than_sram_is_copied_in_chunks(tmp_path):
    target = load_target("edge-lpddr")
    big = target.pe.sram.bytes // 4 + 1000  # f32: one and a bit SRAMs, over two chunks of half an SRAM
    path = _model(tmp_path / "big.onnx", big=big)
    inputs = _inputs()
    want = _golden(path, inputs)
    lowered = lower_module(import_model(str(path)), target)
    with lowered.context:
        text = str(lowered)
        _same(Level4Machine(lowered, target).run(inputs), want)
    per = chunk_elements(big, "f32", target.pe.sram.bytes)
    assert per * 4 <= target.pe.sram.bytes // 2 and -(-big // per) >= 3
    assert text.count(f'memref<{per}xf32, "sram">') >= 2


@pytest.mark.parametrize("count, dtype, sram, want", [
    (10, "f32", 1 << 20, 10),  # fits: one chunk of the whole tensor
    (11, "i4", 1 << 20, 12),  # i4: an even chunk (whole bytes), the last DMA stops at the tensor's end
    (1000, "f32", 1024, 128),  # half of 1 KiB holds 128 floats
    (1000, "i4", 64, 64),  # half of 64 bytes holds 64 i4 values
    (5, "f64", 8, 1),  # never below one element
    (11, "i2", 1 << 20, 12),  # i2: four a byte, the last DMA stops at the tensor's end
    (8195, "i2", 4096, 8192),  # half of 4 KiB: 8192 i2 values; chunks start on a byte (8190 did not)
    (3, "i2", 2, 4),  # never below one byte's worth
])
def test_chunk_elements(count, dtype, sram, want):
    assert chunk_elements(count, dtype, sram) == want


@pytest.mark.parametrize("dtype", ["i2", "ui4"])
def test_sub_byte_input_returned_as_output_in_chunks(dtype):
    """A packed graph input returned as an output, copied in several chunks (4 KiB SRAM): every chunk
    moves whole bytes (an even i2 chunk used to start mid-byte and fail verification)."""
    import ml_dtypes

    n = 8195
    text = (f'func.func @main(%x: tensor<{n}x{dtype}> {{npu.name = "x"}}) -> (tensor<{n}x{dtype}> {{npu.name = "y"}}) '
            f"{{\n  return %x : tensor<{n}x{dtype}>\n}}")
    target = load_target(ROOT / "test" / "passes" / "Inputs" / "tiny-sram.toml")
    lowered = lower_module(parse_module(text, make_context()), target)
    x = (np.arange(n) * 7 % 4).astype({"i2": ml_dtypes.int2, "ui4": ml_dtypes.uint4}[dtype])
    with lowered.context:
        out = Level4Machine(lowered, target).run({"x": x})["y"]
    assert out.dtype == x.dtype and np.array_equal(out.astype(np.int64), x.astype(np.int64))
    assert str(lowered).count('"npu_mem.dma_start"') >= 4  # two chunks or more, in and out


def test_graph_output_named_like_an_input_is_a_located_error(tmp_path):
    text = ('func.func @main(%x: tensor<4xf32> {npu.name = "x"}) -> (tensor<4xf32> {npu.name = "x"}) {\n'
            "  return %x : tensor<4xf32>\n}")
    module = parse_module(text, make_context())
    with pytest.raises(NpuError, match="expects graph outputs named apart from the graph inputs and each other, "
                                       "got 'x' twice") as err:
        lower_module(module, load_target("edge-lpddr"))
    assert "\n" not in str(err.value)


# ---------------------------------------------------------------- the binary's element field

def _bool_io_binary() -> bytes:
    return encode(parse_module(BOOL_IO.read_text(), make_context()))


def _symbol_entry(data: bytes, name: str) -> int:
    return next(s.offset for s in read(data).symbols if s.name == name)


def test_bool_io_module_round_trips_and_runs_with_bool():
    data = _bool_io_binary()
    loaded = load(data)
    x = np.array([[1, 0, 1, 1, 0, 0, 1, 0], [0, 0, 0, 1, 1, 1, 1, 0]], dtype=bool)
    with loaded.module.context:
        out = Level4Machine(loaded.module).run({"x": x})["y"]
    assert out.dtype == np.bool_ and np.array_equal(out, ~x)
    assert "element = i1" in str(loaded.module)


def test_loader_checks_the_element_field():
    data = _bool_io_binary()
    x_at, w_at = _symbol_entry(data, "x"), _symbol_entry(data, "ones")
    i1 = struct.unpack_from("<I", data, x_at + 64)[0]
    assert i1 != C.NONE and struct.unpack_from("<I", data, w_at + 64)[0] == C.NONE

    def edited(at: int, value: int) -> bytes:
        return C.reseal(data[:at] + struct.pack("<I", value) + data[at + 4:])

    with pytest.raises(BinaryError, match=rf"at byte {w_at + 64}: symbol 'ones' expects no element type on a "
                                          rf"global of kind 'weight'"):
        read(edited(w_at + 64, i1))
    name_ref = struct.unpack_from("<I", data, x_at)[0]  # the string "x": not a graph element type
    with pytest.raises(BinaryError, match=rf"at byte {x_at + 64}: symbol 'x' expects element type in i1 .*got x"):
        read(edited(x_at + 64, name_ref))
    with pytest.raises(BinaryError, match=rf"at byte {x_at + 68}: reserved field of symbol 'x' is 5, expected 0"):
        read(edited(x_at + 68, 5))
    with pytest.raises(BinaryError, match=rf"at byte {x_at + 64}: element type of symbol 'x' names string 99999"):
        read(edited(x_at + 64, 99999))


def test_format_1_3_files_load_without_the_field_and_cannot_carry_it():
    module = parse_module((ROOT / "test" / "dialects" / "npu_pe_program.mlir").read_text(), make_context())
    from npu.binary.encode import module_to_binary

    with module.context:
        binary = module_to_binary(module)
    binary.version = (1, 3)
    old = C.write(binary)
    assert struct.unpack_from("<HH", old, 8) == (1, 3)
    again = read(old)
    assert again.version == (1, 3) and all(s.element is None for s in again.symbols)
    assert C.write(again) == old
    with module.context:
        assert len(C.write(module_to_binary(module))) >= len(old)  # 1.4 entries are 8 bytes longer each
    bool_binary = read(_bool_io_binary())
    bool_binary.version = (1, 3)
    with pytest.raises(NpuError, match=r"symbol 'x': format 1.3 has no graph element type \(element = i1\)"):
        C.write(bool_binary)



def test_npu_run_reads_ml_dtypes_inputs_saved_by_numpy(tmp_path):
    """np.savez stores int4 / bfloat16 arrays as raw bytes (void dtype); npu-run reads them as the inputs'
    types (it used to refuse them: "expects int4, got |V1") on golden and on level 4."""
    import ml_dtypes

    from npu.tools.run import run

    text = ('func.func @main(%x: tensor<2x4xi4> {npu.name = "x"}, %h: tensor<3xbf16> {npu.name = "h"}) -> '
            '(tensor<2x4xi8> {npu.name = "y"}, tensor<3xf32> {npu.name = "f"}) {\n'
            '  %0 = "npu_tensor.cast"(%x) {saturate = 1 : i64, round_mode = "up"} : (tensor<2x4xi4>) -> tensor<2x4xi8>\n'
            '  %1 = "npu_tensor.cast"(%h) {saturate = 1 : i64, round_mode = "up"} : (tensor<3xbf16>) -> tensor<3xf32>\n'
            "  return %0, %1 : tensor<2x4xi8>, tensor<3xf32>\n}")
    x = np.array([[-8, -1, 0, 7], [1, 2, -3, 4]])
    h = np.array([1.5, -2.0, 2.0 ** 100])
    np.savez(tmp_path / "in.npz", x=x.astype(ml_dtypes.int4), h=h.astype(ml_dtypes.bfloat16))
    assert np.load(tmp_path / "in.npz")["x"].dtype.kind == "V"  # what numpy writes
    (tmp_path / "m.mlir").write_text(text)
    lowered = lower_module(parse_module(text, make_context()), load_target("edge-lpddr"))
    (tmp_path / "m4.mlir").write_text(str(lowered))
    for model in ("m.mlir", "m4.mlir"):
        assert run([str(tmp_path / model), "--input", str(tmp_path / "in.npz"),
                    "--output", str(tmp_path / "out.npz")]) == 0
        out = np.load(tmp_path / "out.npz")
        assert out["y"].tolist() == x.tolist() and out["f"].tolist() == h.tolist(), model
