"""Traces (Trace Event Format), SVG plots and the npu-run flags of the performance model."""

from __future__ import annotations

import json
import xml.dom.minidom
from pathlib import Path

import numpy as np
import pytest

from npu.perf import PerfMachine, build_report
from npu.perf.plots import write_plots
from npu.perf.svg import Svg, ramp
from npu.perf.trace import trace_events, validate_trace, write_trace
from npu.tools.run import load_module, run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "test" / "dialects" / "npu_pe_program.mlir"


@pytest.fixture(scope="module")
def timed():
    module = load_module(str(EXAMPLE))
    machine = PerfMachine(module, None)
    x = np.random.default_rng(0).integers(-5, 5, (32, 64)).astype(np.int8)
    with module.context:
        machine.run({"x": x})
    return machine


def test_trace_is_valid_trace_event_json(timed, tmp_path):
    path = tmp_path / "t.json"
    write_trace(timed, path)
    obj = json.loads(path.read_text())
    assert validate_trace(obj) == []
    events = obj["traceEvents"]
    threads = {(e["pid"], e["args"]["name"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    processes = {e["args"]["name"]: e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    # PE (0, 0) multiplies, adds/rescales, loads with its DMA engines; PE (0, 3) receives and stores
    pe00 = processes["PE (0, 0)"]
    assert {(pe00, "matrix"), (pe00, "vector"), (pe00, "dma 0"), (pe00, "stall")} <= threads
    assert processes["NoC"] and any(pid == processes["NoC"] and name == "(0, 0)->(0, 1)" for pid, name in threads)
    complete = [e for e in events if e["ph"] == "X"]
    assert sum(1 for e in complete if e["name"] == "matmul") == 2
    # timestamps in microseconds at the 1 GHz clock: the last event ends at the run's end
    end = max(e["ts"] + e["dur"] for e in complete)
    assert end == pytest.approx(timed.cycles / 1e3, rel=1e-9)
    assert any(e["ph"] == "C" for e in events)


def test_trace_checker_rejects_malformed_events():
    good = {"name": "x", "ph": "X", "ts": 0.0, "dur": 1.0, "pid": 1, "tid": 1}
    assert validate_trace({"traceEvents": [good]}) == []
    assert validate_trace([good])  # not the object form
    assert validate_trace({"traceEvents": [dict(good, ph="Q")]})
    assert validate_trace({"traceEvents": [dict(good, dur=-1.0)]})
    assert validate_trace({"traceEvents": [{k: v for k, v in good.items() if k != "ts"}]})
    overlapping = [good, dict(good, ts=0.5, dur=1.0)]  # same thread, neither nests in the other
    assert validate_trace({"traceEvents": overlapping})
    nested = [good, dict(good, ts=0.25, dur=0.5)]
    assert validate_trace({"traceEvents": nested}) == []
    assert validate_trace({"traceEvents": [{"name": "thread_name", "ph": "M", "pid": 1, "args": {}}]})


def test_overlapping_link_flows_get_separate_lanes(timed):
    from npu.perf.machine import Activity
    from npu.perf.trace import _lanes

    acts = [Activity(("NoC", "l"), "a", "x", 0, 10), Activity(("NoC", "l"), "b", "x", 5, 15),
            Activity(("NoC", "l"), "c", "x", 10, 12)]
    assert _lanes(acts) == [0, 1, 0]


def test_plots_are_well_formed_svg(timed, tmp_path):
    report = build_report(timed)
    paths = write_plots(report, tmp_path / "plots")
    assert sorted(p.name for p in paths) == ["link_load.svg", "pe_utilization.svg", "roofline.svg"]
    for p in paths:
        doc = xml.dom.minidom.parse(str(p))
        assert doc.documentElement.tagName == "svg"
    heat = (tmp_path / "plots" / "pe_utilization.svg").read_text()
    assert heat.count("<rect") >= report.num_pes  # one cell per PE (plus background and legend)
    links = (tmp_path / "plots" / "link_load.svg").read_text()
    assert links.count("<line") == len(report.links) == 3


def test_svg_writer_escapes_text_and_ramp_ends():
    s = Svg(10, 10)
    s.text(1, 2, "a<b & c")
    assert "a&lt;b &amp; c" in s.to_string()
    xml.dom.minidom.parseString(s.to_string())
    assert ramp(0.0) == "#440154" and ramp(1.0) == "#fde725" and ramp(2.0) == ramp(1.0)


def test_npu_run_stats_trace_plots(tmp_path, capsys):
    x = tmp_path / "x.npz"
    np.savez(x, x=np.ones((32, 64), np.int8))
    trace = tmp_path / "t.json"
    rc = run([str(EXAMPLE), "--input", str(x), "--stats", "--trace", str(trace), "--plots", str(tmp_path / "p")])
    assert rc == 0
    out = capsys.readouterr().out
    assert "roofline bound" in out and "TOPS/W" in out and "phase 0" in out
    assert validate_trace(json.loads(trace.read_text())) == []
    assert (tmp_path / "p" / "roofline.svg").is_file()


def test_npu_run_stats_needs_level4(tmp_path):
    from npu.errors import NpuError

    x = tmp_path / "x.npz"
    np.savez(x, x=np.zeros((1, 1, 8, 8), np.float32))
    with pytest.raises(NpuError, match="time level-4 modules"):
        run([str(ROOT / "examples" / "digits" / "digits_cnn.onnx"), "--input", str(x), "--stats"])
