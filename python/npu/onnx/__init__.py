"""The ONNX front-end: import ONNX models into npu_tensor (level 1)."""
