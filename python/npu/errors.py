"""User-facing error type shared by every tool.

A `NpuError` carries one line that names what went wrong and where (an MLIR
location, an ONNX node, a byte offset, a target field). Tools print it as
`<tool>: error: <message>` and exit 1; nothing else should reach the user as a
traceback.
"""


class NpuError(Exception):
    """A one-line, user-facing error (bad input, not a bug in npu)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
