"""Target presets (TOML files) shipped with npu; loaded by npu.target."""
