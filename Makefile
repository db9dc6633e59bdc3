# One entry point for newcomers and CI. Every target bootstraps the project venv.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The TOSA reference model (bit-exact oracle for npu.numerics) pins its own numpy: own venv.
TOSA_VENV  := .venv-tosa
TOSA_STAMP := $(TOSA_VENV)/.installed

.PHONY: test lit pytest demo venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

## Run every test: lit (FileCheck) then pytest.
test: lit pytest

lit: $(STAMP)
	$(VENV)/bin/lit -sv test

pytest: $(STAMP) $(TOSA_STAMP)
	$(PY) -m pytest -q -x -p no:cacheprovider

## The main job: the bundled model through the toolchain, compared with onnxruntime.
demo: $(STAMP)
	$(PY) -m npu.demo

clean:
	rm -rf $(VENV) build

## TOSA reference model (tosa-tools pins numpy<2.2, ml-dtypes==0.5.3): its own venv, called as subprocesses.
$(TOSA_STAMP):
	$(PYTHON) -m venv $(TOSA_VENV)
	$(TOSA_VENV)/bin/pip install -q tosa-tools==2026.8.0
	touch $(TOSA_STAMP)
