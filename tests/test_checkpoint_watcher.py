"""evaluation.checkpoint_watcher: each checkpoint once per test set, waiting, deleted,
half-written and corrupted ones."""

import json
import threading

import pytest
import tensorflow as tf

from face_alignment_tf.artifacts.checkpoints import checkpoint_step
from face_alignment_tf.artifacts.model_file import write_model_file
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.evaluation.checkpoint_watcher import (
    results_path,
    wait_for_training,
    watch,
)
from face_alignment_tf.evaluation.report import write_json


def save_checkpoints(directory, steps):
    variable = tf.Variable(1.0)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=variable), directory, 10)
    for step in steps:
        manager.save(checkpoint_number=step)


def test_checkpoint_step():
    assert checkpoint_step("/a/b/ckpt-1200") == 1200
    with pytest.raises(ValueError):
        checkpoint_step("/a/b/model")


def test_watch_evaluates_each_checkpoint_once_per_key(tmp_path):
    save_checkpoints(tmp_path / "train", [5, 10])
    seen = []

    def evaluator(key):
        def evaluate(path, step):
            seen.append((step, key))
            write_json(results_path(tmp_path / "eval", step, key), path, step, {}, {})

        return evaluate

    train, eval_dir = str(tmp_path / "train"), str(tmp_path / "eval")
    assert watch(train, eval_dir, evaluator("setA"), run_once=True, key="setA") == 1
    assert watch(train, eval_dir, evaluator("setA"), run_once=True, key="setA") == 0
    # Issue 15 #4: another test set (another key) in the same eval_dir is scored.
    assert watch(train, eval_dir, evaluator("setB"), run_once=True, key="setB") == 1
    assert seen == [(10, "setA"), (10, "setB")]
    stored = json.loads(results_path(tmp_path / "eval", 10, "setA").read_text())
    assert stored["checkpoint"].endswith("ckpt-10") and stored["step"] == 10
    # Continuous mode: the latest is already done; it waits, then gives up at the timeout.
    assert watch(train, eval_dir, evaluator("setA"), 0.1, timeout_secs=0.5, key="setA") == 0


def test_watch_run_once_without_checkpoints(tmp_path):
    with pytest.raises(DataError, match="missing: no checkpoint to evaluate"):
        watch(str(tmp_path / "missing"), str(tmp_path / "eval"), lambda p, s: None, run_once=True)


def test_run_once_falls_back_from_a_corrupted_newest_checkpoint(tmp_path):
    save_checkpoints(tmp_path / "train", [5, 10])
    index = tmp_path / "train" / "ckpt-10.index"
    data = bytearray(index.read_bytes())
    data[:100] = b"\xff" * 100
    index.write_bytes(bytes(data))
    seen = []
    watch(str(tmp_path / "train"), str(tmp_path / "eval"), lambda p, s: seen.append(s),
          run_once=True)  # fmt: skip
    assert seen == [5]


def test_watch_skips_a_checkpoint_deleted_while_read(tmp_path):
    save_checkpoints(tmp_path / "train", [5])
    variable = tf.Variable(0.0)

    def evaluate(path, step):
        for name in tf.io.gfile.glob(f"{path}.*"):
            tf.io.gfile.remove(name)  # the trainer's retention policy strikes
        tf.train.Checkpoint(v=variable).restore(path)

    assert watch(str(tmp_path / "train"), str(tmp_path / "eval"), evaluate, run_once=True) == 0


def test_watch_reraises_other_missing_files(tmp_path):
    save_checkpoints(tmp_path / "train", [5])

    def evaluate(path, step):
        raise tf.errors.NotFoundError(None, None, "records/metadata.json not found")

    with pytest.raises(tf.errors.NotFoundError):
        watch(str(tmp_path / "train"), str(tmp_path / "eval"), evaluate, run_once=True)


def test_wait_for_training(tmp_path):
    train_dir = tmp_path / "not_yet"
    assert not wait_for_training(str(train_dir), interval_secs=0.05, timeout_secs=0.2)
    timer = threading.Timer(0.3, lambda: write_model_file(train_dir, "mdm", {}))
    train_dir.mkdir()
    timer.start()
    assert wait_for_training(str(train_dir), interval_secs=0.05, timeout_secs=10)
    timer.join()


def test_a_half_written_checkpoint_is_never_picked_up(tmp_path):
    """A save killed part way leaves shard files that the state file (`checkpoint`, replaced
    atomically after the files are complete) does not name: nobody reads them."""
    save_checkpoints(tmp_path / "train", [5])
    (tmp_path / "train" / "ckpt-10_temp").mkdir()
    (tmp_path / "train" / "ckpt-10_temp" / "part-00000-of-00001.data-00000-of-00001").write_bytes(
        b"\0" * 100
    )
    (tmp_path / "train" / "ckpt-10.index").write_bytes(b"truncat")
    assert tf.train.latest_checkpoint(str(tmp_path / "train")).endswith("ckpt-5")
    seen = []
    watch(str(tmp_path / "train"), str(tmp_path / "eval"), lambda p, s: seen.append(s), 0.1,
          timeout_secs=0.3)  # fmt: skip
    assert seen == [5]
