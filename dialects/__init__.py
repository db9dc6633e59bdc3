"""npu's dialects: one IRDL file each (`<name>.irdl.mlir`), plus `<name>.py` with
the Python verifiers for rules IRDL cannot express. Loaded by npu.ir.context."""
