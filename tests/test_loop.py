"""training.loop on a one-weight regression: step and time limits, checkpoints, logs."""

import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.training.logged_scalars import read_scalars
from face_alignment_tf.training.loop import LoopSettings, _anyone_stops, run_training_loop


def train_line(
    train_dir, max_steps=100, max_seconds=None, seconds_per_batch=0.0, finish=None
) -> dict:
    """Fits y = 3x with SGD through run_training_loop; returns its result and the weight."""
    model = keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")
    model.build((None, 1))
    optimizer = keras.optimizers.SGD(0.1)
    optimizer.build(model.trainable_variables)

    def replica_step(batch):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(batch["x"]) - batch["y"]) ** 2)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss, tf.stack([loss]), {}

    def slow(x):
        time.sleep(seconds_per_batch)
        return x

    def make_dataset(first_step):
        del first_step
        x = tf.constant([[1.0], [2.0]])
        batches = tf.data.Dataset.from_tensors({"x": x, "y": 3 * x}).repeat()
        if seconds_per_batch:
            batches = batches.map(
                lambda b: (
                    b | {"x": tf.ensure_shape(tf.py_function(slow, [b["x"]], tf.float32), [2, 1])}
                )  # fmt: skip
            )
        return batches

    settings = LoopSettings(str(train_dir), 2, max_steps, max_seconds, 1, 100, 600.0, 3)
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer)
    result = run_training_loop(
        settings, tf.distribute.get_strategy(), checkpoint, optimizer, replica_step,
        make_dataset, ["mse"], finish=finish and (lambda: finish(model)),
    )  # fmt: skip
    return result | {"weight": float(model.kernel.numpy()[0, 0])}


def test_max_steps_trains_and_logs_each_step(tmp_path):
    result = train_line(tmp_path, max_steps=30)
    assert result["step"] == 30
    assert result["weight"] == pytest.approx(3.0, abs=1e-3)
    losses = read_scalars(tmp_path)["loss/total"]
    assert [step for step, _ in losses] == list(range(1, 31))
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("ckpt-30")


def test_max_seconds_stops_early_and_checkpoints_the_last_step(tmp_path):
    result = train_line(tmp_path, max_steps=1000, max_seconds=1.0, seconds_per_batch=0.25)
    assert 2 <= result["step"] <= 8
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith(f"ckpt-{result['step']}")
    resumed = train_line(tmp_path, max_steps=result["step"] + 2)
    assert resumed["step"] == result["step"] + 2


def test_zero_seconds_stops_before_any_update(tmp_path):
    result = train_line(tmp_path, max_steps=10, max_seconds=0.0)
    assert result["step"] == 0 and result["weight"] == 0.0
    assert np.isnan(result["loss"])


def test_finish_runs_once_after_the_last_step_and_is_saved(tmp_path):
    calls = []

    def finish(model):
        calls.append(int(tf.train.latest_checkpoint(str(tmp_path)) is not None))
        model.kernel.assign([[7.0]])

    train_line(tmp_path, max_steps=5)
    # A resumed run with nothing left to train still finishes, and its change is saved.
    assert train_line(tmp_path, max_steps=5, max_seconds=0.0, finish=finish)["weight"] == 7.0
    assert calls == [1]
    assert train_line(tmp_path, max_steps=5)["weight"] == 7.0  # restored from ckpt-5


@pytest.mark.parametrize("local", [True, False])
def test_anyone_stops_passes_a_single_vote(local):
    assert _anyone_stops(tf.distribute.get_strategy(), local) is local
