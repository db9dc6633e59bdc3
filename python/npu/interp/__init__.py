"""The golden interpreter: runs npu IR with numpy, the source of truth for every level."""
