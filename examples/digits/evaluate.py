#!/usr/bin/env python3
"""Measure held-out top-1 accuracy of the committed digits ONNX models.

Runs onnxruntime (CPU) over the committed test splits one sample at a time
(the models have a fixed batch of 1), prints the figures and writes them to
``accuracy.json`` next to this file. Needs only numpy + onnxruntime.

Usage: python examples/digits/evaluate.py [--no-write]
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

MODELS = {
    "digits_cnn": ("digits_cnn.onnx", "digits_test.npz"),
    "digits_transformer": ("digits_transformer.onnx", "digits_test_seq.npz"),
}


def evaluate(model_file: str, data_file: str) -> dict:
    import onnxruntime as ort

    sess = ort.InferenceSession(
        os.path.join(HERE, model_file), providers=["CPUExecutionProvider"]
    )
    data = np.load(os.path.join(HERE, data_file))
    x, y = data["x"], data["y"]
    preds = np.array(
        [int(sess.run(["logits"], {"input": x[i : i + 1]})[0].argmax()) for i in range(len(x))]
    )
    correct = int((preds == y).sum())
    return {
        "model": model_file,
        "test_split": data_file,
        "num_test": int(len(y)),
        "correct": correct,
        "top1_accuracy": round(correct / len(y), 4),
    }


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    import onnxruntime as ort

    results = {name: evaluate(*files) for name, files in MODELS.items()}
    for name, r in results.items():
        print(f"{name:20s} top-1 {r['top1_accuracy']:.4f}  ({r['correct']}/{r['num_test']})")
    if "--no-write" not in argv:
        out = {"evaluator": "onnxruntime " + ort.__version__ + " CPUExecutionProvider",
               "models": results}
        with open(os.path.join(HERE, "accuracy.json"), "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
        print("wrote", os.path.join(HERE, "accuracy.json"))


if __name__ == "__main__":
    main()
