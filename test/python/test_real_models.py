"""The bundled digits models (examples/digits/) through import + the golden interpreter vs onnxruntime.

Over the first 100 held-out samples: max abs error on the logits < 1e-4 and the
same top-1 class as onnxruntime for every sample.
"""

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from npu.interp.executor import Program
from npu.onnx.importer import import_model

DIGITS = Path(__file__).resolve().parents[2] / "examples" / "digits"
SAMPLES = 100


def _onnxruntime(path: Path):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


@pytest.mark.parametrize(
    "model, data",
    [("digits_cnn.onnx", "digits_test.npz"), ("digits_transformer.onnx", "digits_test_seq.npz")],
)
def test_digits_model_matches_onnxruntime(model, data):
    module = import_model(DIGITS / model)
    sess = _onnxruntime(DIGITS / model)
    xs = np.load(DIGITS / data)["x"][:SAMPLES]
    with module.context:
        program = Program(module)
        ours = np.concatenate([program.run({"input": x[None]})["logits"] for x in xs])
    ref = np.concatenate([sess.run(["logits"], {"input": x[None]})[0] for x in xs])
    err = float(np.max(np.abs(ours - ref)))
    print(f"\n{model}: max abs error {err:.3g} over {SAMPLES} samples")
    assert err < 1e-4
    assert np.array_equal(ours.argmax(1), ref.argmax(1))


from npu.onnx import conformance  # noqa: E402

@pytest.mark.parametrize("name", conformance.ARCHITECTURES)
def test_architecture_graph_matches_its_reference(name):
    result = conformance.run_architecture(name)
    assert result.status == conformance.PASS, result.message
