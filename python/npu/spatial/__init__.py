"""Spatial lowering (level 3 -> level 4): tiling, placement, PE programs, memory allocation, scheduling and the race/deadlock verifier."""
