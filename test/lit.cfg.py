# lit configuration for npu: FileCheck tests over npu-opt and friends.
import os
import sys
from pathlib import Path

import lit.formats
import llvm

config.name = "npu"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "python", "lit.cfg.py"]
config.test_source_root = os.path.dirname(__file__)

llvm_bin = Path(llvm.__file__).parent / "bin"
venv_bin = Path(sys.executable).parent
config.environment["PATH"] = os.pathsep.join([str(venv_bin), str(llvm_bin), config.environment.get("PATH", "")])
config.substitutions.append(("%PYTHON", sys.executable))
config.substitutions.append(("%npu_root", str(Path(__file__).parent.parent)))
# Round-trip: print, re-parse, print again.
config.substitutions.append(("%roundtrip", "npu-opt %s | npu-opt"))
