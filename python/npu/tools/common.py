"""What every npu tool shares: the error contract and safe output.

`run_main(prog, fn)` turns a `NpuError` (or a MemoryError) into
`prog: error: <one line>` with exit code 1, and any other exception into one
`prog: internal error: ...` line with exit code 2; never a traceback (set
NPU_DEBUG=1 to see one for an internal error). `write_atomically` writes an
output file only once it is complete, so a failing tool leaves nothing
half-written.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Callable

from npu.errors import NpuError


def run_main(prog: str, fn: Callable[[], int | None]) -> int:
    """Call `fn` and map failures to one-line messages and exit codes."""
    try:
        return int(fn() or 0)
    except NpuError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except MemoryError:  # a model or input too large for this machine, not a bug
        print(f"{prog}: error: out of memory", file=sys.stderr)
        return 1
    except Exception as err:  # a bug in npu, reported on one line
        if os.environ.get("NPU_DEBUG"):
            traceback.print_exc()
        where = traceback.extract_tb(err.__traceback__)[-1]
        print(
            f"{prog}: internal error: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''} "
            f"(at {Path(where.filename).name}:{where.lineno}; set NPU_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 2


def read_input(path: str) -> str:
    """Text of `path`, or of stdin for '-'."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        return data.decode("utf-8")
    except OSError as err:
        raise NpuError(f"cannot read '{path}': {err.strerror}") from None
    except UnicodeDecodeError as err:  # a binary file given where text IR is expected
        raise NpuError(f"cannot read '{path}': not UTF-8 text (byte {err.start})") from None


def write_atomically(path: str, data: str | bytes) -> None:
    """Write `data` to `path` (stdout for '-') only after it is complete.

    A file is written to a temporary beside it and renamed into place; on any
    failure (disk full, target is a directory) the temporary is removed, so
    nothing half-written is left.
    """
    if path == "-":
        try:
            if isinstance(data, bytes):
                sys.stdout.buffer.write(data)
            else:
                sys.stdout.write(data)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise NpuError(f"cannot write to stdout: {err.strerror}") from None
        return
    target = Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
        with os.fdopen(fd, mode) as out:
            out.write(data)
        os.replace(tmp, target)
    except OSError as err:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise NpuError(f"cannot write '{path}': {err.strerror}") from None
