"""Chrome / Perfetto trace-event JSON of a timed run, and a checker of the format.

`trace_events(machine)` returns the JSON object format of the Trace Event
Format (`{"traceEvents": [...], "displayTimeUnit": "ns"}`):

* one process per PE (`PE (r, c)`, pid = 1 + row-major id) with a thread per
  unit: `matrix`, `vector`, `dma 0` .. `dma E-1`, and `stall` (clock jumps of
  the instruction stream, named by cause);
* a process `NoC` with a thread per busy link (`(r, c)->(r', c')`, per
  direction), and `external memory` with its flows; flows that overlap in time
  on one link are spread over lanes (`... #2`) so every thread's complete
  events nest, as the viewers require;
* a counter `external bandwidth` (GB/s in use) from the reservation profile;
* every busy interval is a complete event (`ph: "X"`, `ts`/`dur` in
  microseconds), its category the layer name, its args the bytes or shape;
  names of processes and threads are metadata events (`ph: "M"`).

`validate_trace(obj)` lists violations of the format (required fields per
phase, types, non-negative durations, nesting per thread); the tests load
the written JSON and require an empty list.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

__all__ = ["trace_events", "validate_trace", "write_trace"]

_UNIT_ORDER = {"matrix": 0, "vector": 1, "stall": 1000}


def _thread_key(name: str) -> tuple:
    if name.startswith("dma "):
        return (2, int(name.split()[1]))
    return (_UNIT_ORDER.get(name, 500), name)


def _lanes(intervals: list) -> list[int]:
    """First-fit lane per interval (sorted by start) so intervals of one lane never overlap."""
    ends: list[float] = []
    lanes = []
    for a in intervals:
        for i, end in enumerate(ends):
            if end <= a.start:
                ends[i] = a.end
                lanes.append(i)
                break
        else:
            ends.append(a.end)
            lanes.append(len(ends) - 1)
    return lanes


def trace_events(machine) -> dict:
    """The trace of a finished PerfMachine (run with PerfConfig(record=True), the default)."""
    t = machine.target
    us = 1e6 / t.chip.clock_hz
    by_track: dict[tuple[str, str], list] = defaultdict(list)
    for a in machine.activities:
        by_track[a.track].append(a)
    pids: dict[str, int] = {}
    for pe in t.pe_coords():
        pids[f"PE ({pe[0]}, {pe[1]})"] = 1 + t.pe_id(*pe)
    pids["NoC"] = t.num_pes + 1
    pids["external memory"] = t.num_pes + 2
    events: list[dict] = []
    used_pids = sorted({pids[p] for p, _ in by_track} | ({pids["external memory"]} if machine.ext_pool.bytes else set()))
    for name, pid in pids.items():
        if pid in used_pids:
            events.append({"name": "process_name", "ph": "M", "pid": pid, "tid": 0, "args": {"name": name}})
            events.append({"name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0, "args": {"sort_index": pid}})
    tids: dict[int, int] = defaultdict(int)
    for (process, thread) in sorted(by_track, key=lambda k: (pids[k[0]], _thread_key(k[1]))):
        acts = sorted(by_track[(process, thread)], key=lambda a: (a.start, -a.end))
        pid = pids[process]
        lanes = _lanes(acts)
        lane_tid = {}
        for lane in sorted(set(lanes)):
            tids[pid] += 1
            lane_tid[lane] = tids[pid]
            label = thread if lane == 0 else f"{thread} #{lane + 1}"
            events.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tids[pid], "args": {"name": label}})
        for a, lane in zip(acts, lanes):
            events.append({"name": a.name, "cat": a.layer, "ph": "X", "ts": a.start * us,
                           "dur": (a.end - a.start) * us, "pid": pid, "tid": lane_tid[lane], "args": dict(a.args)})
    pool = machine.ext_pool
    if pool.bytes:
        pid = pids["external memory"]
        for time, used in zip(pool.times, pool.used):
            events.append({"name": "external bandwidth", "ph": "C", "ts": time * us, "pid": pid, "tid": 0,
                           "args": {"GB/s": used * t.chip.clock_hz / 1e9}})
    return {"traceEvents": events, "displayTimeUnit": "ns",
            "otherData": {"target": t.chip.name, "clock_hz": t.chip.clock_hz, "cycles": machine.cycles}}


def write_trace(machine, path: str | Path) -> None:
    """Write the trace JSON (open it in ui.perfetto.dev or chrome://tracing)."""
    text = json.dumps(trace_events(machine), separators=(",", ":"))
    Path(path).write_text(text, encoding="utf-8")


_REQUIRED = {
    "X": {"name": str, "ph": str, "ts": (int, float), "dur": (int, float), "pid": int, "tid": int},
    "M": {"name": str, "ph": str, "pid": int, "args": dict},
    "C": {"name": str, "ph": str, "ts": (int, float), "pid": int, "args": dict},
}
_METADATA = {"process_name", "process_sort_index", "thread_name", "thread_sort_index", "process_labels"}


def validate_trace(obj) -> list[str]:
    """Problems of a trace object against the Trace Event Format (empty when valid)."""
    problems: list[str] = []
    if not isinstance(obj, dict) or not isinstance(obj.get("traceEvents"), list):
        return ["expects an object with a 'traceEvents' list"]
    if obj.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        problems.append("displayTimeUnit must be 'ms' or 'ns'")
    spans: dict[tuple, list] = defaultdict(list)
    for i, ev in enumerate(obj["traceEvents"]):
        ph = ev.get("ph") if isinstance(ev, dict) else None
        if ph not in _REQUIRED:
            problems.append(f"event {i}: unsupported or missing phase {ph!r}")
            continue
        for key, types in _REQUIRED[ph].items():
            if not isinstance(ev.get(key), types) or isinstance(ev.get(key), bool):
                problems.append(f"event {i}: field '{key}' missing or not {types}")
        if ph == "M" and ev.get("name") not in _METADATA:
            problems.append(f"event {i}: unknown metadata event {ev.get('name')!r}")
        if ph == "M" and ev.get("name", "").endswith("_name") and not isinstance(ev.get("args", {}).get("name"), str):
            problems.append(f"event {i}: metadata needs args.name")
        if ph == "C" and not all(isinstance(v, (int, float)) for v in ev.get("args", {}).values()):
            problems.append(f"event {i}: counter args must be numbers")
        if ph == "X" and isinstance(ev.get("dur"), (int, float)):
            if ev["dur"] < 0 or ev.get("ts", 0) < 0:
                problems.append(f"event {i}: negative ts or dur")
            spans[(ev.get("pid"), ev.get("tid"))].append((ev.get("ts", 0), ev["dur"], i))
    for (pid, tid), items in spans.items():
        items.sort(key=lambda x: (x[0], -x[1]))
        stack: list[float] = []
        for ts, dur, i in items:
            while stack and stack[-1] <= ts + 1e-9 * max(1.0, abs(ts)):
                stack.pop()
            end = ts + dur
            if stack and end > stack[-1] + 1e-9 * max(1.0, abs(end)):
                problems.append(f"event {i}: overlaps an event of pid {pid} tid {tid} without nesting")
                break
            stack.append(end)
    return problems
