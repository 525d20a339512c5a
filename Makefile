# Two commands on a fresh machine: `make demo` and `make test`.
# Both create (or reuse) .venv, install the pinned dependencies, and build the op.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TF_PACKAGE ?= $(if $(shell command -v nvidia-smi 2>/dev/null),tensorflow[and-cuda],tensorflow-cpu)
INSTALLED := $(VENV)/.installed
OP_LIBRARY := custom_ops/_extract_patches_ops.so
DEMO_DIR := build/demo
export TF_CPP_MIN_LOG_LEVEL ?= 1

.PHONY: install build test demo lint bench clean

$(INSTALLED): setup.py pyproject.toml requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet "$(TF_PACKAGE)==2.21.0" -r requirements.txt
	TF_PACKAGE="$(TF_PACKAGE)" $(PY) -m pip install --quiet --no-build-isolation -e ".[dev]"
	touch $@

install: $(INSTALLED)

$(OP_LIBRARY): custom_ops/extract_patches.cc custom_ops/patch_geometry.h custom_ops/build.py | $(INSTALLED)
	$(PY) custom_ops/build.py $@

build: $(OP_LIBRARY)

test: build
	REQUIRE_COMPILED_OP=1 $(PY) -m pytest -q tests

lint: $(INSTALLED)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

demo: build
	$(PY) -m data.builtin --output_dir=$(DEMO_DIR)/faces
	$(PY) -m data.convert --datasets='$(DEMO_DIR)/faces/faces/*' \
	    --output_dir=$(DEMO_DIR)/records/train --split=train --num_shards=1
	$(PY) -m data.convert --datasets='$(DEMO_DIR)/faces/faces/*' \
	    --output_dir=$(DEMO_DIR)/records/eval --split=eval --num_shards=1 \
	    --reference_from=$(DEMO_DIR)/records/train
	$(PY) -m data.preview --records=$(DEMO_DIR)/records/train --logdir=$(DEMO_DIR)/logs/preview
	@echo "TensorBoard logs: tensorboard --logdir=$(DEMO_DIR)/logs"

bench: build
	$(PY) bench/patches.py

clean:
	rm -rf build $(OP_LIBRARY) *.egg-info
