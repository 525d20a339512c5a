"""face_alignment_tf.checkpoint_averaging: the mean of the chosen checkpoints, variable by variable
(numpy reference), in a train_dir that loads as any other."""

import json

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.artifacts.checkpoints import checkpoint_path
from face_alignment_tf.artifacts.model_file import write_model_file
from face_alignment_tf.artifacts.model_weights import model_weights
from face_alignment_tf.checkpoint_averaging import average_checkpoints
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.families import get_family, load_trained_model
from tests.conftest import template_shape

CONFIG = {"stages": 1, "num_landmarks": 68, "stage2_crop": "box"}


@pytest.fixture
def run_with_checkpoints(tmp_path):
    """A MobileNetV2 train_dir with checkpoints at steps 10, 20, 30 of random values; the
    values of each step, variable by variable."""
    family = get_family("mobilenet")
    train_dir = tmp_path / "run"
    train_dir.mkdir()
    write_model_file(
        train_dir, "mobilenet", {"config": CONFIG, "reference_shape": template_shape().tolist()}
    )
    (train_dir / "calibration.json").write_text(json.dumps({"kept": True}))
    checkpoint = family.checkpoint(family.build_model(CONFIG))
    manager = tf.train.CheckpointManager(checkpoint, train_dir, max_to_keep=5)
    rng, values = np.random.default_rng(0), {}
    for step in (10, 20, 30):
        for variable in checkpoint.weights.values():
            variable.assign(rng.normal(size=variable.shape).astype(np.float32))
        values[step] = {path: v.numpy() for path, v in checkpoint.weights.items()}
        manager.save(checkpoint_number=step)
    return train_dir, values


def test_the_average_of_the_checkpoints_from_a_step_on(run_with_checkpoints, tmp_path):
    train_dir, values = run_with_checkpoints
    output = tmp_path / "average"
    prefix = average_checkpoints(train_dir, first_step=20, output_dir=output)
    assert prefix == checkpoint_path(output, 30)
    assert json.loads((output / "calibration.json").read_text()) == {"kept": True}
    trained = load_trained_model(output)
    averaged = model_weights(trained.model)
    assert averaged.keys() == values[20].keys()
    for path, variable in averaged.items():
        expected = (values[20][path] + values[30][path]) / 2
        np.testing.assert_allclose(variable.numpy(), expected, rtol=1e-6, atol=1e-6, err_msg=path)


def test_nothing_to_average_or_an_existing_output_is_refused(run_with_checkpoints, tmp_path):
    train_dir, _ = run_with_checkpoints
    with pytest.raises(DataError, match="no checkpoint at or after step 31"):
        average_checkpoints(train_dir, first_step=31, output_dir=tmp_path / "new")
    with pytest.raises(DataError, match="already exists"):
        average_checkpoints(train_dir, first_step=0, output_dir=train_dir)
