"""Error paths of the ONNX front-end, npu-translate and npu-run: one line, exit 1, nothing written.

Each test builds its bad input inline (onnx.helper, numpy) and checks the exact
message or the part of it that names what and where.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from npu.errors import NpuError
from npu.interp.executor import run_module
from npu.onnx.importer import import_model

F = TensorProto.FLOAT


def _vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def _model(nodes, inputs, outputs, inits=(), value_info=(), opset=17, ir_version=None):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits), value_info=list(value_info))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if ir_version is not None:
        model.ir_version = ir_version
    return model


def _tool(module, *args):
    return subprocess.run([sys.executable, "-m", f"npu.tools.{module}", *map(str, args)], capture_output=True, text=True)


def _one_line_error(proc, prog):
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), proc.stderr
    return lines[0]


# ----------------------------------------------------------------------------- opset conversion + pinning


def _paddle_like_softmax():
    """Opset 11 (converted to 13): Softmax(axis=1) over [1, 3, H, W] flattens to 2-D.

    Exported with -1 spatial dims in the input and value_info, as Paddle2ONNX does;
    the version converter used to derive a wrong [1, 3] shape for its Flatten from
    them, which survived shape inference and broke the import of a pinned model.
    """
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu1"),
        helper.make_node("Softmax", ["r"], ["y"], name="softmax1", axis=1),
    ]
    dims = [1, 3, -1, -1]
    return _model(nodes, [_vi("x", dims)], [_vi("y", dims)], value_info=[_vi("r", dims)], opset=11, ir_version=6)


def test_converted_opset_with_pinned_symbolic_dims_imports_and_runs():
    model = _paddle_like_softmax()
    module = import_model(model, input_shapes={"x": [1, 3, 4, 5]})
    x = np.random.default_rng(0).standard_normal((1, 3, 4, 5)).astype(np.float32)
    y = run_module(module, {"x": x})["y"]
    flat = np.maximum(x, 0).reshape(1, -1)
    expected = (np.exp(flat - flat.max()) / np.exp(flat - flat.max()).sum()).reshape(x.shape)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-7)


def test_pinning_a_shape_that_value_info_records_otherwise():
    """value_info from the export (8x8) is stale once the input is pinned to 16x8."""
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu1"),
        helper.make_node("Transpose", ["r"], ["y"], name="t1", perm=[0, 1, 3, 2]),
    ]
    model = _model(nodes, [_vi("x", [1, 3, 8, 8])], [_vi("y", [1, 3, 8, 8])], value_info=[_vi("r", [1, 3, 8, 8])])
    module = import_model(model, input_shapes={"x": [1, 3, 16, 8]})
    assert "tensor<1x3x8x16xf32>" in str(module)
    # the caller's model is left as it was
    assert [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim] == [1, 3, 8, 8]
    assert len(model.graph.value_info) == 1


def test_unpinned_negative_dim_is_a_one_line_error():
    with pytest.raises(NpuError, match=r"graph input 'x' has dynamic dimension \(dim 2\); pin it"):
        import_model(_paddle_like_softmax())


def test_converted_opset_through_npu_translate(tmp_path):
    onnx.save(_paddle_like_softmax(), tmp_path / "m.onnx")
    ok = _tool("translate", "--import-onnx", tmp_path / "m.onnx", "--input-shape", "x=1,3,4,5")
    assert ok.returncode == 0, ok.stderr
    assert '"npu_tensor.softmax"' in ok.stdout and "tensor<1x60xf32>" in ok.stdout
    bad = _tool("translate", "--import-onnx", tmp_path / "m.onnx", "-o", tmp_path / "out.mlir")
    line = _one_line_error(bad, "npu-translate")
    assert "graph input 'x' has dynamic dimension (dim 2)" in line
    assert not (tmp_path / "out.mlir").exists()


def test_imports_do_not_leak_contexts():
    """A long-lived process (fuzzing, a server) imports many models: each context is freed."""
    import gc

    from mlir import ir

    model = _paddle_like_softmax()
    gc.collect()
    before = sum(isinstance(o, ir.Context) for o in gc.get_objects())
    for k in range(10):
        import_model(model, input_shapes={"x": [1, 3, 2, 2]})
        with pytest.raises(NpuError):
            import_model(model)
    gc.collect()
    assert sum(isinstance(o, ir.Context) for o in gc.get_objects()) <= before + 1


# ----------------------------------------------------------------------------- external data


def _external_model(tmp_path, location, offset=None, length=None):
    w = numpy_helper.from_array(np.ones(8, np.float32), "w")
    (tmp_path / "weights.bin").write_bytes(w.raw_data)
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    for key, value in [("location", location), ("offset", offset), ("length", length)]:
        if value is not None:
            entry = w.external_data.add()
            entry.key, entry.value = key, str(value)
    model = _model([helper.make_node("Add", ["x", "w"], ["y"], name="add1")], [_vi("x", [8])], [_vi("y", [8])], [w])
    path = tmp_path / "model.onnx"
    path.write_bytes(model.SerializeToString())
    return path


def test_external_data_is_read_from_the_models_folder(tmp_path):
    module = import_model(_external_model(tmp_path, "weights.bin"))
    out = run_module(module, {"x": np.zeros(8, np.float32)})["y"]
    np.testing.assert_array_equal(out, np.ones(8, np.float32))


@pytest.mark.parametrize(
    "location, offset, length, message",
    [
        ("../weights.bin", None, None, "external data of initializer 'w': '../weights.bin' points outside the model's directory"),
        ("/etc/hostname", None, None, "external data of initializer 'w': '/etc/hostname' points outside the model's directory"),
        ("", None, None, "external data of initializer 'w': no location given"),
        ("nowhere.bin", None, None, "external data file 'nowhere.bin' of initializer 'w' not found"),
        ("weights.bin", -1, None, "external data of initializer 'w': "),
        ("weights.bin", 16, 64, "cannot load external data: External data length (64) exceeds available data"),
        ("weights.bin", 0, 16, "initializer 'w': holds 16 bytes of raw data but dims [8] of FLOAT need 32"),
    ],
)
def test_bad_external_data_is_one_line(tmp_path, location, offset, length, message):
    with pytest.raises(NpuError) as err:
        import_model(_external_model(tmp_path, location, offset, length))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_external_data_needs_the_model_path(tmp_path):
    path = _external_model(tmp_path, "weights.bin")
    with pytest.raises(NpuError, match=r"initializer 'w': external data 'weights.bin' is not loaded \(import the model from its file path\)"):
        import_model(path.read_bytes())


# ----------------------------------------------------------------------------- npu-run inputs


@pytest.fixture(scope="module")
def two_input_model(tmp_path_factory):
    """y = a + b over [2, 3] float32, as .onnx and imported .mlir."""
    folder = tmp_path_factory.mktemp("run")
    nodes = [helper.make_node("Add", ["a", "b"], ["y"], name="add1")]
    model = _model(nodes, [_vi("a", [2, 3]), _vi("b", [2, 3])], [_vi("y", [2, 3])])
    onnx.save(model, folder / "m.onnx")
    (folder / "m.mlir").write_text(str(import_model(model)))
    return folder


def _npu_run(*args) -> tuple[int, str, str]:
    import contextlib
    import io

    from npu.tools import run
    from npu.tools.common import run_main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_main("npu-run", lambda: run.run([str(a) for a in args]))
    return code, out.getvalue(), err.getvalue()


def _write(folder, name, **arrays):
    path = folder / name
    np.savez(path, **arrays)
    return path


A = np.ones((2, 3), np.float32)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: _write(d, "name.npz", a=A, c=A), "unknown input 'c' (the model takes: a, b)"),
        (lambda d: _write(d, "missing.npz", a=A), "missing input 'b' (shape [2, 3] float32)"),
        (lambda d: _write(d, "extra.npz", a=A, b=A, z=A), "unknown input 'z' (the model takes: a, b)"),
        (lambda d: _write(d, "shape.npz", a=A, b=A.T.copy()), "input 'b' expects shape [2, 3] float32, got shape [3, 2] float32"),
        (lambda d: _write(d, "dtype.npz", a=A, b=A.astype(np.float16)), "input 'b' expects shape [2, 3] float32, got shape [2, 3] float16"),
        (lambda d: _write(d, "objects.npz", a=A, b=np.array([None] * 6, dtype=object)), "'{path}': member 'b.npy': holds pickled Python objects (not read)"),
        (lambda d: _bytes(d, "trunc.npz", _npz_bytes()[:200]), "'{path}': cannot read the .npz archive: File is not a zip file"),
        (lambda d: _bytes(d, "text.npz", b"a,b\n1,2\n"), "'{path}' is not an .npz or .npy file"),
        (lambda d: _bytes(d, "huge.npy", _npy_claiming((2**40,))), "'{path}': header declares shape [1099511627776] of float32 (4398046511104 bytes) but 24 bytes follow"),
        (lambda d: _npy(d, "one.npy", A), "'{path}' holds one array but the model takes 2 inputs; use an .npz"),
        (lambda d: d / "nowhere.npz", "cannot read '{path}': No such file or directory"),
        (lambda d: d, "cannot read '{path}': Is a directory"),
    ],
    ids=["wrong-name", "missing", "extra", "shape", "dtype", "objects", "truncated", "not-npz", "huge-header", "npy", "no-file", "directory"],
)
def test_npu_run_bad_inputs(two_input_model, tmp_path, make, message):
    path = make(tmp_path)
    code, stdout, stderr = _npu_run(two_input_model / "m.mlir", "--input", path, "--output", tmp_path / "y.npz")
    assert code == 1 and stdout == ""
    assert stderr == f"npu-run: error: {message.format(path=path)}\n"
    assert not (tmp_path / "y.npz").exists()


def _bytes(folder, name, data):
    path = folder / name
    path.write_bytes(data)
    return path


def _npy(folder, name, array):
    path = folder / name
    np.save(path, array)
    return path


def _npz_bytes():
    import io

    buf = io.BytesIO()
    np.savez(buf, a=A, b=A)
    return buf.getvalue()


def _npy_claiming(shape):
    """An .npy whose header declares `shape` float32 but that holds six values."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f4", "fortran_order": False, "shape": shape})
    return buf.getvalue() + A.tobytes()


def test_npu_run_missing_model_and_compare_files(two_input_model, tmp_path):
    inputs = _write(tmp_path, "x.npz", a=A, b=A)
    code, _, err = _npu_run(tmp_path / "nope.mlir", "--input", inputs)
    assert code == 1 and err == f"npu-run: error: cannot read '{tmp_path / 'nope.mlir'}': No such file or directory\n"
    # --compare is checked before the run: nothing printed, nothing written
    code, out, err = _npu_run(two_input_model / "m.mlir", "--input", inputs, "--output", tmp_path / "y.npz", "--compare", tmp_path / "nope.onnx")
    assert code == 1 and out == "" and not (tmp_path / "y.npz").exists()
    assert err == f"npu-run: error: cannot read '{tmp_path / 'nope.onnx'}': No such file or directory\n"
    code, _, err = _npu_run(two_input_model / "m.mlir", "--input", inputs, "--output", tmp_path / "no" / "dir" / "y.npz")
    assert code == 1 and err == f"npu-run: error: cannot write '{tmp_path / 'no' / 'dir' / 'y.npz'}': No such file or directory\n"


def test_npu_run_good_inputs_still_run(two_input_model, tmp_path):
    inputs = _write(tmp_path, "x.npz", a=A, b=2 * A)
    code, out, err = _npu_run(two_input_model / "m.mlir", "--input", inputs, "--output", tmp_path / "y.npz", "--compare", two_input_model / "m.onnx")
    assert code == 0 and err == "" and "y: max abs error 0" in out
    np.testing.assert_array_equal(np.load(tmp_path / "y.npz")["y"], 3 * A)


def test_npu_run_exit_code_as_a_process(two_input_model, tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 truncated")
    proc = _tool("run", two_input_model / "m.mlir", "--input", tmp_path / "bad.npz")
    line = _one_line_error(proc, "npu-run")
    assert "cannot read the .npz archive" in line


# ----------------------------------------------------------------------------- run-time data


def _run_one(node, inputs, outputs, feed, inits=()):
    module = import_model(_model([node], inputs, outputs, inits))
    return run_module(module, feed)


@pytest.mark.parametrize(
    "node, inputs, outputs, feed, message",
    [
        (
            helper.make_node("GatherND", ["x", "i"], ["y"], name="g1"),
            [_vi("x", [3, 2]), _vi("i", [2, 1], TensorProto.INT64)], [_vi("y", [2, 2])],
            {"x": np.ones((3, 2), np.float32), "i": np.array([[0], [9]], np.int64)},
            r"'npu_tensor.gather_nd' at g1\(GatherND\): index 9 at \[1, 0\] out of range \[-3, 2\]",
        ),
        (
            helper.make_node("ScatterND", ["x", "i", "u"], ["y"], name="s1"),
            [_vi("x", [3, 2]), _vi("i", [1, 1], TensorProto.INT64), _vi("u", [1, 2])], [_vi("y", [3, 2])],
            {"x": np.ones((3, 2), np.float32), "i": np.array([[-4]], np.int64), "u": np.ones((1, 2), np.float32)},
            r"'npu_tensor.scatter_nd' at s1\(ScatterND\): index -4 at \[0, 0\] out of range \[-3, 2\]",
        ),
        (
            helper.make_node("MaxUnpool", ["x", "i"], ["y"], name="u1", kernel_shape=[2, 2], strides=[2, 2]),
            [_vi("x", [1, 1, 1, 1]), _vi("i", [1, 1, 1, 1], TensorProto.INT64)], [_vi("y", [1, 1, 2, 2])],
            {"x": np.ones((1, 1, 1, 1), np.float32), "i": np.full((1, 1, 1, 1), 4, np.int64)},
            r"'npu_tensor.max_unpool' at u1\(MaxUnpool\): unpool index 4 out of range \[0, 3\]",
        ),
    ],
    ids=["gather_nd", "scatter_nd", "max_unpool"],
)
def test_out_of_range_run_time_indices_are_located_errors(node, inputs, outputs, feed, message):
    with pytest.raises(NpuError, match=message):
        _run_one(node, inputs, outputs, feed)


def test_unknown_rnn_activation_is_a_node_error():
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((1, 12, 2)).astype(np.float32), "W")
    r = numpy_helper.from_array(rng.standard_normal((1, 12, 3)).astype(np.float32), "R")
    node = helper.make_node("LSTM", ["x", "W", "R"], ["y"], name="lstm1", hidden_size=3, activations=["Foo", "Tanh", "Tanh"])
    model = _model([node], [_vi("x", [4, 1, 2])], [_vi("y", [4, 1, 1, 3])], [w, r])
    with pytest.raises(NpuError, match=r"node 'lstm1' \(op type 'LSTM', opset 17\): unsupported activation 'Foo' \(supported: "):
        import_model(model)


# ----------------------------------------------------------------------------- command-line values


def _translate(*args) -> tuple[int, str, str]:
    import contextlib
    import io

    from npu.tools import translate
    from npu.tools.common import run_main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_main("npu-translate", lambda: translate.run([str(a) for a in args]))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--opset", "0"], "cannot convert to opset 0: onnx {v} knows opsets 1 to {n}"),
        (["--opset", "999"], "cannot convert to opset 999: onnx {v} knows opsets 1 to {n}"),
        (["--input-shape", "x=-1,3,4,4"], "cannot pin graph input 'x' to [-1, 3, 4, 4]: negative dimension"),
        (["--input-shape", "x=1,3"], "cannot pin graph input 'x' to [1, 3]: it has rank 4"),
        (["--input-shape", f"x={2**70},3,4,4"], f"cannot pin graph input 'x' to [{2**70}, 3, 4, 4]: more elements than an int64 counts"),
        (["--input-shape", "z=1"], "no graph input named 'z' to pin (inputs: x)"),
    ],
)
def test_bad_import_flags_are_one_line(tmp_path, flags, message):
    path = tmp_path / "m.onnx"
    onnx.save(_paddle_like_softmax(), path)
    code, out, err = _translate("--import-onnx", path, "-o", tmp_path / "out.mlir", *flags)
    expected = message.format(v=onnx.__version__, n=onnx.defs.onnx_opset_version())
    assert (code, out, err) == (1, "", f"npu-translate: error: '{path}': {expected}\n")
    assert not (tmp_path / "out.mlir").exists()


def test_binary_file_as_text_ir_is_one_line(tmp_path):
    path = tmp_path / "model.mlir"
    path.write_bytes(b"\x00\xa3\xff binary")
    code, _, err = _npu_run(path, "--input", _write(tmp_path, "x.npz", a=A, b=A))
    assert code == 1 and err == f"npu-run: error: cannot read '{path}': not UTF-8 text (byte 1)\n"
    proc = subprocess.run([sys.executable, "-m", "npu.tools.opt", "-"], input=b"\xa3\xff", capture_output=True)
    assert proc.returncode == 1 and proc.stderr == b"npu-opt: error: cannot read '-': not UTF-8 text (byte 0)\n"


def test_npu_run_compare_with_an_incompatible_model(two_input_model, tmp_path):
    inputs = _write(tmp_path, "x.npz", a=A, b=A)
    other = tmp_path / "other.onnx"
    onnx.save(_model([helper.make_node("Relu", ["x"], ["y"])], [_vi("x", [2, 3])], [_vi("y", [2, 3])]), other)
    code, _, err = _npu_run(two_input_model / "m.mlir", "--input", inputs, "--compare", other)
    assert code == 1 and err == f"npu-run: error: '{other}' takes inputs x; the model run takes a, b\n"
    bigger = tmp_path / "bigger.onnx"
    onnx.save(_model([helper.make_node("Add", ["a", "b"], ["y"])], [_vi("a", [3, 3]), _vi("b", [3, 3])], [_vi("y", [3, 3])]), bigger)
    code, _, err = _npu_run(two_input_model / "m.mlir", "--input", inputs, "--compare", bigger)
    assert code == 1 and err.startswith(f"npu-run: error: onnxruntime cannot run '{bigger}' on these inputs: ") and err.count("\n") == 1


def test_run_main_contract():
    import contextlib
    import io

    from npu.tools.common import run_main

    def fail(exc):
        def fn():
            raise exc
        return fn

    cases = [
        (fail(NpuError("bad thing at x")), 1, "tool: error: bad thing at x\n"),
        (fail(MemoryError()), 1, "tool: error: out of memory\n"),
        (fail(KeyError("k")), 2, None),
        (lambda: 0, 0, ""),
    ]
    for fn, code, message in cases:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            assert run_main("tool", fn) == code
        if message is not None:
            assert err.getvalue() == message
        else:
            line = err.getvalue()
            assert line.startswith("tool: internal error: KeyError: 'k' (at test_frontend_errors.py:") and line.count("\n") == 1


def test_failed_writes_leave_nothing(tmp_path):
    path = tmp_path / "m.onnx"
    onnx.save(_paddle_like_softmax(), path)
    target = tmp_path / "taken"
    target.mkdir()
    code, _, err = _translate("--import-onnx", path, "--input-shape", "x=1,3,2,2", "-o", target)
    assert (code, err) == (1, f"npu-translate: error: cannot write '{target}': Is a directory\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.onnx", "taken"]  # no temporary left


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_write_failure_is_one_line(tmp_path):
    path = tmp_path / "m.onnx"
    onnx.save(_paddle_like_softmax(), path)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "npu.tools.translate", "--import-onnx", str(path), "--input-shape", "x=1,3,2,2"],
            stdout=full, stderr=subprocess.PIPE, text=True,
        )
    assert proc.returncode == 1 and proc.stderr == "npu-translate: error: cannot write to stdout: No space left on device\n"
