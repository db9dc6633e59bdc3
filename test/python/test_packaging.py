"""Packaging: the explicit package list in pyproject matches the tree, and a built
wheel carries the dialects (IRDL files), the passes and the target presets."""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_directory_is_listed():
    setup = _pyproject()["tool"]["setuptools"]
    listed = set(setup["packages"])
    found = {"npu.passes", "npu.dialects"}
    for init in (ROOT / "python" / "npu").rglob("__init__.py"):
        rel = init.parent.relative_to(ROOT / "python")
        found.add(".".join(rel.parts))
    assert found == listed, f"pyproject packages differ from the tree: missing {found - listed}, stale {listed - found}"


def test_wheel_ships_dialects_passes_and_targets(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("npu-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for dialect in ("npu_tensor", "npu_mem", "npu_noc", "npu_pe"):
        if (ROOT / "dialects" / f"{dialect}.irdl.mlir").exists():
            assert f"npu/dialects/{dialect}.irdl.mlir" in names
    for module in (ROOT / "passes").glob("*.py"):
        assert f"npu/passes/{module.name}" in names
    for preset in (ROOT / "python" / "npu" / "targets").glob("*.toml"):
        assert f"npu/targets/{preset.name}" in names
