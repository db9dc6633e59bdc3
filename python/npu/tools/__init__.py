"""Command-line tools (npu-opt, npu-translate, npu-run, npu-compile): thin mains over the package."""
