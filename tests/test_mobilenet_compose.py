"""face_alignment_tf.mobilenet.compose: the cascade's stage 2 with another run's stage 1, in a
train_dir that loads as any other."""

import json

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.artifacts.checkpoints import checkpoint_path
from face_alignment_tf.artifacts.model_file import read_model_file, write_model_file
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.families import get_family, load_trained_model
from face_alignment_tf.mobilenet.compose import compose_cascade
from tests.conftest import template_shape


def random_run(folder, stages: int, step: int, seed: int, input_sizes=None):
    """A MobileNetV2 train_dir of `stages` stages, one checkpoint of random weights."""
    family = get_family("mobilenet")
    config = {"stages": stages, "num_landmarks": 68, "stage2_crop": "aligned",
              **({"input_sizes": input_sizes} if input_sizes else {})}  # fmt: skip
    folder.mkdir()
    shape = template_shape().tolist()
    write_model_file(folder, "mobilenet", {"config": config, "stage1_dir": "old",
                                           "reference_shape": shape})  # fmt: skip
    (folder / "calibration.json").write_text(json.dumps({"seed": seed}))
    model = family.build_model(config)
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        variable.assign(rng.normal(size=variable.shape).astype(np.float32))
    tf.train.CheckpointManager(family.checkpoint(model), folder, 1).save(checkpoint_number=step)
    return model


def weights(network):
    return [w.numpy() for w in network.weights]


def test_stage_1_from_one_run_stage_2_from_the_other(tmp_path):
    cascade = random_run(tmp_path / "cascade", stages=2, step=30, seed=0)
    first = random_run(tmp_path / "stage1", stages=1, step=7, seed=1)
    prefix = compose_cascade(tmp_path / "cascade", tmp_path / "stage1", tmp_path / "out")
    assert prefix == checkpoint_path(tmp_path / "out", 30)
    composed = load_trained_model(tmp_path / "out").model
    for expected, got in [(first.stage_1, composed.stage_1), (cascade.stage_2, composed.stage_2)]:
        for a, b in zip(weights(expected), weights(got), strict=True):
            np.testing.assert_array_equal(a, b)
    assert json.loads((tmp_path / "out" / "calibration.json").read_text()) == {"seed": 0}
    assert read_model_file(tmp_path / "out")[1]["stage1_dir"] == str(tmp_path / "stage1")


def test_a_stage_1_of_another_size_makes_the_cascade_read_that_size(tmp_path):
    cascade = random_run(tmp_path / "cascade", stages=2, step=30, seed=0, input_sizes=[64, 80])
    small = random_run(tmp_path / "small", stages=1, step=7, seed=1, input_sizes=[48])
    compose_cascade(tmp_path / "cascade", tmp_path / "small", tmp_path / "out")
    composed = load_trained_model(tmp_path / "out").model
    assert composed.input_sizes == (48, 80)
    assert read_model_file(tmp_path / "out")[1]["config"]["input_sizes"] == [48, 80]
    for expected, got in [(small.stage_1, composed.stage_1), (cascade.stage_2, composed.stage_2)]:
        for a, b in zip(weights(expected), weights(got), strict=True):
            np.testing.assert_array_equal(a, b)


def test_an_existing_output_is_refused(tmp_path):
    random_run(tmp_path / "cascade", stages=2, step=30, seed=0)
    random_run(tmp_path / "stage1", stages=1, step=7, seed=1)
    with pytest.raises(DataError, match="already exists"):
        compose_cascade(tmp_path / "cascade", tmp_path / "stage1", tmp_path / "cascade")
