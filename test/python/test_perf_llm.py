"""The LLM decode sizing estimate (npu.perf.llm) against figures derived by hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from npu.perf.llm import GPT3_175B, DecoderShape, decode_step, required_bandwidth, tokens_per_second
from npu.target import load_target

ROOT = Path(__file__).resolve().parents[2]


def test_gpt3_weight_count():
    # 96 layers x (4 d^2 attention + 2 d (4d) MLP) = 96 x 12 x 12288^2 = 173,946,175,488
    # plus the output head 12288 x 50257 = 617,558,016
    assert GPT3_175B.params == 96 * 12 * 12288**2 + 12288 * 50257 == 174_563_733_504


def test_tiny_decoder_bound_by_hand():
    # 1 layer, d = 64, d_ff = 256, vocab 100, int8, context 10, on edge-lpddr
    # (34.132e9 B/s at 1 GHz = 34.132 B/cycle; 16 PEs x 128 int8 MACs/cycle = 2048 MACs/cycle):
    # weights 4*64^2 + 2*64*256 + 64*100 = 16384 + 32768 + 6400 = 55552 B, the embedding row 64 B,
    # KV 2 * 10 * 64 = 1280 B -> 56896 B per token; every op is bandwidth-bound (1 MAC per byte).
    shape = DecoderShape(layers=1, d_model=64, heads=1, d_ff=256, vocab=100, max_context=16)
    t = load_target("edge-lpddr")
    ops = decode_step(shape, t, context=10)
    assert sum(o.ext_bytes for o in ops) == 56896
    assert all(o.bound.kind == "bandwidth" for o in ops if o.ext_bytes)
    cycles = sum(o.bound.cycles for o in ops)
    assert cycles == pytest.approx(56896 / 34.132, rel=1e-9)
    assert tokens_per_second(shape, t, 10) == pytest.approx(1e9 / cycles, rel=1e-12)
    assert required_bandwidth(shape, 50.0, 10) == 56896 * 50.0


def test_gpt3_at_50_tokens_per_second_needs_about_8_5_tb_per_s():
    spec = importlib.util.spec_from_file_location("llm_sizing", ROOT / "bench" / "llm_sizing.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    target = bench.describe_target()
    for context in (0, 1024, 2048):
        tps = tokens_per_second(GPT3_175B, target, context)
        needed = target.memory.bandwidth_bytes_per_s * 50 / tps
        assert abs(needed / 8.5e12 - 1) <= 0.10
        assert needed == pytest.approx(required_bandwidth(GPT3_175B, 50, context), rel=1e-9)
