"""The TOSA reference model as an outside, bit-exact oracle for npu.numerics.

`tosa-tools` (PyPI) ships `tosa-opt` (MLIR -> TOSA flatbuffer) and
`tosa_reference_model` (runs a flatbuffer graph on .npy inputs). It pins its own
numpy/ml-dtypes, so it lives in a separate venv (the Makefile's `.venv-tosa`)
and is only ever called as a subprocess:

    tosa-opt case.mlir --tosa-serialize --tosa-flatbuffer-filename=case.tosa
    tosa_reference_model --tosa_file case.tosa --operator_fbs <site-packages>/bin/tosa.fbs
        --ifm_name TosaInput_0,... --ifm_file in0.npy,... --ofm_name TosaOutput_0 --ofm_file out0.npy

A case is one `func.func @main` in the upstream `tosa` dialect: its arguments are
the graph inputs (serialized as TosaInput_N), its results the outputs
(TosaOutput_N); parameters (multipliers, tables, zero points) are `tosa.const`.
The `*_case` functions below write such functions for single operators.

Locating the venv: $NPU_TOSA_VENV, else `.venv-tosa` in the current directory or the
repository root.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

ENV_VAR = "NPU_TOSA_VENV"
_REPO = Path(__file__).resolve().parents[3]


class TosaOracleUnavailable(RuntimeError):
    """The tosa-tools venv or one of its binaries is missing (the reason is the message)."""


class TosaOracleError(RuntimeError):
    """tosa-opt or the reference model rejected a case (stderr is in the message)."""


@dataclass(frozen=True)
class TosaOracle:
    venv: Path

    @property
    def tosa_opt(self) -> Path:
        return self.venv / "bin" / "tosa-opt"

    @property
    def reference_model(self) -> Path:
        return self.venv / "bin" / "tosa_reference_model"

    @property
    def schema(self) -> Path:
        hits = sorted(self.venv.glob("lib/python3*/site-packages/bin/tosa.fbs"))
        return hits[0] if hits else self.venv / "lib" / "python3.11" / "site-packages" / "bin" / "tosa.fbs"

    @classmethod
    def locate(cls, venv: str | os.PathLike | None = None) -> "TosaOracle":
        """Find the venv: `venv`, else $NPU_TOSA_VENV, else the first of ./.venv-tosa and
        <repo>/.venv-tosa that exists. Raise TosaOracleUnavailable saying why not."""
        explicit = venv or os.environ.get(ENV_VAR)
        if explicit:
            where = Path(explicit)
        else:
            found = [p for p in (Path.cwd() / ".venv-tosa", _REPO / ".venv-tosa") if p.is_dir()]
            where = found[0] if found else _REPO / ".venv-tosa"
        oracle = cls(where)
        for path, what in ((oracle.tosa_opt, "tosa-opt"), (oracle.reference_model, "tosa_reference_model"),
                           (oracle.schema, "tosa.fbs schema")):
            if not path.exists():
                raise TosaOracleUnavailable(f"{what} not found at {path} (install with `make .venv-tosa/.installed` "
                                            f"or set {ENV_VAR})")
        return oracle

    def run(self, mlir: str, inputs: Sequence[np.ndarray], n_outputs: int = 1,
            timeout: float = 120) -> list[np.ndarray]:
        """Serialize `mlir`, run it on `inputs`, return the outputs (numpy arrays as the model wrote them)."""
        with tempfile.TemporaryDirectory(prefix="npu-tosa-") as tmp:
            d = Path(tmp)
            (d / "case.mlir").write_text(mlir)
            self._call([str(self.tosa_opt), str(d / "case.mlir"), "--tosa-serialize",
                        f"--tosa-flatbuffer-filename={d / 'case.tosa'}", "-o", os.devnull], timeout)
            names, files = [], []
            for i, arr in enumerate(inputs):
                np.save(d / f"in{i}.npy", np.ascontiguousarray(arr))
                names.append(f"TosaInput_{i}")
                files.append(str(d / f"in{i}.npy"))
            outs = [str(d / f"out{i}.npy") for i in range(n_outputs)]
            cmd = [str(self.reference_model), "--tosa_file", str(d / "case.tosa"), "--operator_fbs", str(self.schema),
                   "--ofm_name", ",".join(f"TosaOutput_{i}" for i in range(n_outputs)), "--ofm_file", ",".join(outs)]
            if names:
                cmd += ["--ifm_name", ",".join(names), "--ifm_file", ",".join(files)]
            self._call(cmd, timeout)
            return [np.load(o) for o in outs]

    @staticmethod
    def _call(cmd: list[str], timeout: float) -> None:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if res.returncode != 0:
            tail = (res.stderr.strip() or res.stdout.strip()).splitlines()[-4:]
            raise TosaOracleError(f"{Path(cmd[0]).name} failed ({res.returncode}): " + " | ".join(tail))


# --------------------------------------------------------------------------------------------
# MLIR text for single-operator cases
# --------------------------------------------------------------------------------------------

_ELT = {"int4": "i4", "int8": "i8", "uint8": "i8", "int16": "i16", "uint16": "i16", "int32": "i32", "int48": "i48"}


def tensor_type(shape: Sequence[int], elt: str) -> str:
    """`tensor<2x3xi8>` from a shape and an MLIR element type (`i8`) or a type name (`int8`)."""
    e = _ELT.get(elt, elt)
    return "tensor<" + "".join(f"{int(d)}x" for d in shape) + e + ">"


def _dense(values: np.ndarray, elt: str) -> str:
    v = np.asarray(values).reshape(-1)
    if elt.startswith("i") and np.asarray(values).dtype.kind in "u":
        # signless storage: print the two's complement bit pattern as a signed value
        bits = int(elt[1:])
        v = v.astype(np.int64)
        v = np.where(v >= (1 << (bits - 1)), v - (1 << bits), v)
    body = ", ".join(str(int(x)) if elt.startswith("i") else repr(float(x)) for x in v)
    return f"dense<[{body}]>"


class _Func:
    """Accumulates the body of `func.func @main`."""

    def __init__(self, arg_types: Sequence[str]):
        self.args = list(arg_types)
        self.lines: list[str] = []
        self.n = 0

    def const(self, values, shape: Sequence[int], elt: str) -> str:
        e = _ELT.get(elt, elt)
        t = tensor_type(shape, e)
        name = f"%c{self.n}"
        self.n += 1
        self.lines.append(f'  {name} = "tosa.const"() {{values = {_dense(values, e)} : {t}}} : () -> {t}')
        return name

    def text(self, result: str, result_type: str) -> str:
        sig = ", ".join(f"%arg{i}: {t}" for i, t in enumerate(self.args))
        body = "\n".join(self.lines)
        return (f"func.func @main({sig}) -> {result_type} {{\n{body}\n"
                f"  return {result} : {result_type}\n}}\n")


def rescale_case(shape, in_type: str, out_type: str, multiplier, shift, input_zp: int, output_zp: int, *,
                 scale32: bool = True, rounding_mode: str = "SINGLE_ROUND", per_channel: bool = False) -> str:
    """tosa.rescale of one input of `shape` (types named as npu.numerics: int8, uint8, int16, ...)."""
    f = _Func([tensor_type(shape, in_type)])
    m = np.asarray(multiplier).reshape(-1)
    s = np.asarray(shift).reshape(-1)
    cm = f.const(m, [m.size], "i32" if scale32 else "i16")
    cs = f.const(s, [s.size], "i8")
    ciz = f.const([input_zp], [1], _ELT[in_type])
    coz = f.const([output_zp], [1], _ELT[out_type])
    rt = tensor_type(shape, out_type)
    uns = lambda t: "true" if t.startswith("u") else "false"  # noqa: E731
    f.lines.append(
        f"  %r = tosa.rescale %arg0, {cm}, {cs}, {ciz}, {coz} {{input_unsigned = {uns(in_type)}, "
        f"output_unsigned = {uns(out_type)}, per_channel = {str(per_channel).lower()}, "
        f"rounding_mode = {rounding_mode}, scale32 = {str(scale32).lower()}}} : "
        f"({f.args[0]}, tensor<{m.size}x{'i32' if scale32 else 'i16'}>, tensor<{s.size}xi8>, "
        f"tensor<1x{_ELT[in_type]}>, tensor<1x{_ELT[out_type]}>) -> {rt}")
    return f.text("%r", rt)


def table_case(shape, in_type: str, table) -> str:
    """tosa.table: int8 input with a 256-entry int8 table, or int16 with 513 int16 entries -> int32."""
    e = _ELT[in_type]
    out_e = "i8" if in_type == "int8" else "i32"
    t = np.asarray(table)
    f = _Func([tensor_type(shape, e)])
    ct = f.const(t, [t.size], e)
    rt = tensor_type(shape, out_e)
    f.lines.append(f"  %r = tosa.table %arg0, {ct} : ({f.args[0]}, tensor<{t.size}x{e}>) -> {rt}")
    return f.text("%r", rt)


def matmul_case(a_shape, b_shape, a_zp: int, b_zp: int) -> str:
    """tosa.matmul int8 [N,H,C] x [N,C,W] -> int32, both operands graph inputs."""
    n, h, _ = a_shape
    w = b_shape[2]
    f = _Func([tensor_type(a_shape, "i8"), tensor_type(b_shape, "i8")])
    za = f.const([a_zp], [1], "i8")
    zb = f.const([b_zp], [1], "i8")
    rt = tensor_type([n, h, w], "i32")
    f.lines.append(f"  %r = tosa.matmul %arg0, %arg1, {za}, {zb} : ({f.args[0]}, {f.args[1]}, "
                   f"tensor<1xi8>, tensor<1xi8>) -> {rt}")
    return f.text("%r", rt)


def conv2d_case(x_shape, w_shape, bias, x_zp: int, w_zp: int, stride, pad, dilation) -> str:
    """tosa.conv2d int8 NHWC x OHWI (+ int32 bias const) -> int32, input and weight as graph inputs."""
    n, ih, iw, _ = x_shape
    oc, kh, kw, _ = w_shape
    oh = (ih - 1 + pad[0] + pad[1] - (kh - 1) * dilation[0]) // stride[0] + 1
    ow = (iw - 1 + pad[2] + pad[3] - (kw - 1) * dilation[1]) // stride[1] + 1
    f = _Func([tensor_type(x_shape, "i8"), tensor_type(w_shape, "i8")])
    b = np.asarray(bias).reshape(-1)
    cb = f.const(b, [b.size], "i32")
    zx = f.const([x_zp], [1], "i8")
    zw = f.const([w_zp], [1], "i8")
    rt = tensor_type([n, oh, ow, oc], "i32")
    arr = lambda v: "array<i64: " + ", ".join(str(int(i)) for i in v) + ">"  # noqa: E731
    f.lines.append(
        f"  %r = tosa.conv2d %arg0, %arg1, {cb}, {zx}, {zw} {{acc_type = i32, dilation = {arr(dilation)}, "
        f"pad = {arr(pad)}, stride = {arr(stride)}}} : ({f.args[0]}, {f.args[1]}, tensor<{b.size}xi32>, "
        f"tensor<1xi8>, tensor<1xi8>) -> {rt}")
    return f.text("%r", rt)


def clamp_case(shape, elt: str, min_val, max_val) -> str:
    """tosa.clamp with integer bounds on an integer tensor (elt: int8/int16/int32)."""
    e = _ELT[elt]
    t = tensor_type(shape, e)
    f = _Func([t])
    f.lines.append(f"  %r = tosa.clamp %arg0 {{max_val = {int(max_val)} : {e}, min_val = {int(min_val)} : {e}}} "
                   f": ({t}) -> {t}")
    return f.text("%r", t)


def depthwise_conv2d_case(x_shape, w_shape, bias, x_zp: int, w_zp: int, stride, pad, dilation) -> str:
    """tosa.depthwise_conv2d int8 NHWC x [KH, KW, C, M] (+ int32 bias const) -> int32 [N, OH, OW, C*M]."""
    n, ih, iw, c = x_shape
    kh, kw, _, mult = w_shape
    oh = (ih - 1 + pad[0] + pad[1] - (kh - 1) * dilation[0]) // stride[0] + 1
    ow = (iw - 1 + pad[2] + pad[3] - (kw - 1) * dilation[1]) // stride[1] + 1
    f = _Func([tensor_type(x_shape, "i8"), tensor_type(w_shape, "i8")])
    b = np.asarray(bias).reshape(-1)
    cb = f.const(b, [b.size], "i32")
    zx = f.const([x_zp], [1], "i8")
    zw = f.const([w_zp], [1], "i8")
    rt = tensor_type([n, oh, ow, c * mult], "i32")
    arr = lambda v: "array<i64: " + ", ".join(str(int(i)) for i in v) + ">"  # noqa: E731
    f.lines.append(
        f"  %r = tosa.depthwise_conv2d %arg0, %arg1, {cb}, {zx}, {zw} {{acc_type = i32, "
        f"dilation = {arr(dilation)}, pad = {arr(pad)}, stride = {arr(stride)}}} : ({f.args[0]}, {f.args[1]}, "
        f"tensor<{b.size}xi32>, tensor<1xi8>, tensor<1xi8>) -> {rt}")
    return f.text("%r", rt)


def binary_case(op: str, shape, elt: str, *, shift: int | None = None, round: bool | None = None) -> str:
    """Elementwise binary integer op on two graph inputs of `shape`: tosa.mul (with `shift`),
    tosa.arithmetic_right_shift (with `round`), tosa.intdiv, ... (result type = input type,
    int32 for mul)."""
    e = _ELT[elt]
    t = tensor_type(shape, e)
    f = _Func([t, t])
    rt = tensor_type(shape, "i32") if op == "mul" else t
    if op == "mul":
        cs = f.const([shift or 0], [1], "i8")
        f.lines.append(f"  %r = tosa.mul %arg0, %arg1, {cs} : ({t}, {t}, tensor<1xi8>) -> {rt}")
    else:
        attrs = f" {{round = {str(bool(round)).lower()}}}" if round is not None else ""
        f.lines.append(f"  %r = tosa.{op} %arg0, %arg1{attrs} : ({t}, {t}) -> {rt}")
    return f.text("%r", rt)


def unary_case(op: str, shape, elt: str, out_elt: str | None = None) -> str:
    """Elementwise unary op on one graph input: tosa.clz (int32), tosa.cast (elt -> out_elt), ..."""
    t = tensor_type(shape, _ELT[elt])
    rt = tensor_type(shape, _ELT[out_elt or elt])
    f = _Func([t])
    f.lines.append(f"  %r = tosa.{op} %arg0 : ({t}) -> {rt}")
    return f.text("%r", rt)


def reduce_case(op: str, shape, elt: str, axis: int) -> str:
    """tosa.reduce_sum / reduce_max along `axis` (the reduced dim kept as 1)."""
    t = tensor_type(shape, _ELT[elt])
    out = list(shape)
    out[axis] = 1
    rt = tensor_type(out, _ELT[elt])
    f = _Func([t])
    f.lines.append(f"  %r = tosa.{op} %arg0 {{axis = {int(axis)} : i32}} : ({t}) -> {rt}")
    return f.text("%r", rt)
