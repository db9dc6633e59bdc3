"""npu.quant: level 2 of the toolchain, quantization (placeholder, filled in below)."""
