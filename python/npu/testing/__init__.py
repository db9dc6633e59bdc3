"""npu.testing: helpers for tests that need outside oracles (the TOSA reference model)."""
