"""Reading the array files users hand to the tools (.npz, .npy), with one-line errors.

`read_arrays(path)` returns {name: array} for an .npz and {"": array} for an
.npy. The format is told by the file's magic bytes, not its suffix. Each .npy
header (the file's, or each .npz member's) is checked before numpy reads the
data: numpy allocates the declared shape first, so a corrupt header declaring
2**40 elements would allocate terabytes. Whatever is wrong with the file
(missing, a directory, not an array file, a truncated or corrupt zip, a member
that is not an .npy, a header that does not parse or declares more data than
the file holds, pickled objects) is a NpuError naming the file and, for an
.npz, the member.
"""

from __future__ import annotations

import math
import os
import tokenize
import zipfile
import zlib
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from npu.errors import NpuError

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NPY_MAGIC = b"\x93NUMPY"
# numpy parses an .npy header with tokenize and ast.literal_eval
_HEADER_ERRORS = (ValueError, SyntaxError, tokenize.TokenError, EOFError, OSError)
# and these for bad data after a good header (short reads, bad CRCs, bad deflate streams);
# zipfile says NotImplementedError for zip features it lacks (versions, methods)
_DATA_ERRORS = (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError)


def read_arrays(path: str) -> dict[str, np.ndarray]:
    """Arrays of an .npz keyed by name, or the array of an .npy under the key ''."""
    check_readable(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(len(_NPY_MAGIC))
    except OSError as err:
        raise NpuError(f"cannot read '{path}': {err.strerror}") from None
    if magic.startswith(_NPY_MAGIC):
        return {"": _read_npy(path)}
    if magic[:4] in _ZIP_MAGIC:
        return _read_npz(path)
    raise NpuError(f"'{path}' is not an .npz or .npy file")


def check_readable(path: str) -> None:
    """A one-line error unless `path` is an existing file (checked before slow work)."""
    p = Path(path)
    if not p.exists():
        raise NpuError(f"cannot read '{path}': No such file or directory")
    if p.is_dir():
        raise NpuError(f"cannot read '{path}': Is a directory")


def _check_header(f, size: int, where: str) -> None:
    """Parse the .npy header at `f` (a stream of `size` bytes) and check the data fits."""
    try:
        version = npy_format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = npy_format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = npy_format.read_array_header_2_0(f)
        else:
            raise ValueError(f"unsupported .npy version {version[0]}.{version[1]}")
    except _HEADER_ERRORS as err:
        raise NpuError(f"{where}: bad .npy header: {_why(err)}") from None
    if dtype.hasobject:
        raise NpuError(f"{where}: holds pickled Python objects (not read)")
    need = math.prod(shape) * dtype.itemsize
    have = size - f.tell()
    if need > have:
        raise NpuError(f"{where}: header declares shape {list(shape)} of {dtype} ({need} bytes) but {have} bytes follow")


def _read_npy(path: str) -> np.ndarray:
    with open(path, "rb") as f:
        _check_header(f, os.fstat(f.fileno()).st_size, f"'{path}'")
    try:
        return np.load(path, allow_pickle=False)
    except _DATA_ERRORS as err:
        raise NpuError(f"'{path}': cannot read the .npy array: {_why(err)}") from None


def _read_npz(path: str) -> dict[str, np.ndarray]:
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                where = f"'{path}': member '{info.filename}'"
                if not info.filename.endswith(".npy"):
                    raise NpuError(f"{where} is not an .npy array")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
                    raise NpuError(f"{where} is encrypted or compressed with method {info.compress_type} (numpy writes 0 or 8)")
                with archive.open(info) as f:
                    _check_header(f, info.file_size, where)
    except _DATA_ERRORS as err:
        raise NpuError(f"'{path}': cannot read the .npz archive: {_why(err)}") from None
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as archive:
            for name in archive.files:
                arrays[name] = archive[name]
    except _DATA_ERRORS as err:
        raise NpuError(f"'{path}': cannot read the .npz archive: {_why(err)}") from None
    return arrays


def _why(err: Exception) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__
