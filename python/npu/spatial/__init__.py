"""Spatial lowering (level 3 -> level 4): tiling, placement, PE programs, memory allocation, scheduling and the race/deadlock verifier."""


def __getattr__(name: str):
    """`npu.spatial.lower_module` and friends (npu.spatial.pipeline), imported on first use."""
    if name in ("lower_module", "lower_module_stats", "LowerOptions", "PassStat"):
        from npu.spatial import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'npu.spatial' has no attribute '{name}'")
