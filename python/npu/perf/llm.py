"""Memory-bound decode estimate of a decoder-only transformer on a target (the LLM sizing check).

`DecoderShape` is a GPT-style decoder (layers, d_model, heads, d_ff, vocab,
bytes per weight and per KV element). `decode_step(shape, target, context)`
lists the ops of one decoding step at batch 1 (every op a GEMV: M = 1) with
their MACs and external bytes, and bounds each with the roofline of
npu.perf.roofline:

    per layer: QKV (d x 3d), attention scores and values over `context` cached
    keys/values (2 x context x d MACs, 2 x context x d KV bytes), output
    projection (d x d), MLP up (d x d_ff) and down (d_ff x d);
    then the output head (d x vocab). Embedding lookup reads one row.

Batch-1 decode has ~2 ops per weight byte, far left of every preset's ridge
point, so each op is bandwidth-bound and a token costs (weight bytes + KV
bytes) / bandwidth; `required_bandwidth(shape, tokens_per_s, context)` inverts
that. `GPT3_175B` is GPT-3's published shape (96 layers, d_model 12288,
96 heads, d_ff 4 x d_model, vocab 50257, context 2048).
"""

from __future__ import annotations

from dataclasses import dataclass

from npu.perf.roofline import Bound, bound_for

__all__ = ["GPT3_175B", "DecodeOp", "DecoderShape", "decode_step", "required_bandwidth", "tokens_per_second"]


@dataclass(frozen=True)
class DecoderShape:
    layers: int
    d_model: int
    heads: int
    d_ff: int
    vocab: int
    max_context: int
    weight_bytes: float = 1.0   # int8 weights
    kv_bytes: float = 1.0       # int8 KV cache
    dtype: str = "int8"         # the target dtype whose MAC rate applies

    @property
    def params(self) -> int:
        """Weights of the matmuls (attention 4 d^2 + MLP 2 d d_ff per layer, plus the output head)."""
        d = self.d_model
        return self.layers * (4 * d * d + 2 * d * self.d_ff) + d * self.vocab


GPT3_175B = DecoderShape(layers=96, d_model=12288, heads=96, d_ff=4 * 12288, vocab=50257, max_context=2048)


@dataclass(frozen=True)
class DecodeOp:
    name: str
    macs: int
    ext_bytes: float
    bound: Bound


def decode_step(shape: DecoderShape, target, context: int = 0) -> list[DecodeOp]:
    """The ops of one batch-1 decode step with `context` cached tokens, each with its roofline bound."""
    d, f = shape.d_model, shape.d_ff
    rate = target.pe.matrix.macs_per_cycle[shape.dtype]

    def op(name: str, k: int, n: int, extra_bytes: float = 0.0) -> DecodeOp:
        macs = k * n
        ext = k * n * shape.weight_bytes + extra_bytes
        return DecodeOp(name, macs, ext, bound_for(macs / rate, macs, int(round(ext)), target))

    ops: list[DecodeOp] = []
    for i in range(shape.layers):
        ops.append(op(f"layer{i}.qkv", d, 3 * d))
        kv = 2 * context * d * shape.kv_bytes
        ops.append(DecodeOp(f"layer{i}.attention", 2 * context * d, kv,
                            bound_for(2 * context * d / rate, 2 * context * d, int(round(kv)), target)))
        ops.append(op(f"layer{i}.proj", d, d))
        ops.append(op(f"layer{i}.mlp_up", d, f))
        ops.append(op(f"layer{i}.mlp_down", f, d))
    ops.append(op("lm_head", d, shape.vocab, extra_bytes=d * shape.weight_bytes))  # + the embedding row
    return ops


def tokens_per_second(shape: DecoderShape, target, context: int = 0) -> float:
    """Decode rate when every op runs at its roofline bound, one after another."""
    cycles = sum(o.bound.cycles for o in decode_step(shape, target, context))
    return target.chip.clock_hz / cycles


def required_bandwidth(shape: DecoderShape, tokens_per_s: float, context: int = 0) -> float:
    """External bytes/s to decode `tokens_per_s` when decode is bandwidth-bound (bytes per token x rate)."""
    d = shape.d_model
    per_token = shape.params * shape.weight_bytes + d * shape.weight_bytes
    per_token += shape.layers * 2 * context * d * shape.kv_bytes
    return per_token * tokens_per_s
