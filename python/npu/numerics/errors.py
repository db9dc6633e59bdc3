"""The one error type of npu.numerics.

`NumericsError` is raised when an argument breaks a rule of the TOSA
specification: an `ERROR_IF` (an illegal operator configuration, e.g. a zero
point on an int32 RESCALE input) or a `REQUIRE` (a run-time precondition, e.g. an
apply_scale_32 input outside the range its shift allows). The TOSA reference
model reports the same conditions as "UNPREDICTABLE"/"ERROR"; we refuse them
with a one-line message naming the function and the broken expectation.
"""

from __future__ import annotations

from npu.errors import NpuError


class NumericsError(NpuError):
    """A TOSA ERROR_IF/REQUIRE rule was broken, or a numerics argument is invalid."""
