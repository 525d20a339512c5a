"""Multi-worker training: two local worker processes, one model."""

import json
import os
import socket
import subprocess

import numpy as np
import tensorflow as tf

from face_alignment_tf.families import open_trained_model
from face_alignment_tf.hourglass.family import FAMILY
from face_alignment_tf.training.logged_scalars import read_scalars
from tests.conftest import ROOT, small_hourglass_command, write_afw_faces


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_workers_hold_identical_weights(tmp_path):
    datasets = write_afw_faces(tmp_path, seed=3)
    train_dir = tmp_path / "train"
    cluster = {"worker": [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]}
    # 4 faces, 2 workers x batch 2: one step an epoch, 3 steps.
    command = small_hourglass_command(
        datasets, train_dir, "--lr_epoch_step=3", "--strategy=multi_worker"
    )
    workers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env={
                **os.environ,
                "TF_CONFIG": json.dumps(
                    {"cluster": cluster, "task": {"type": "worker", "index": index}}
                ),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for index in range(2)
    ]
    outputs = [worker.communicate(timeout=600)[0] for worker in workers]
    for worker, output in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, output[-3000:]
    assert "(2 replicas)" in outputs[0]

    chief = tf.train.latest_checkpoint(str(train_dir))
    other = tf.train.latest_checkpoint(str(train_dir / "workers" / "worker_1"))
    assert chief.endswith("ckpt-3") and other.endswith("ckpt-3")
    chief_reader, other_reader = tf.train.load_checkpoint(chief), tf.train.load_checkpoint(other)
    names = [name for name, _ in tf.train.list_variables(chief) if name.startswith("weights/")]
    assert len(names) > 50
    for name in names:
        np.testing.assert_array_equal(
            chief_reader.get_tensor(name), other_reader.get_tensor(name), err_msg=name
        )
    # The chief's checkpoint restores into a fresh network; only the chief logged.
    model = open_trained_model(train_dir).model
    FAMILY.checkpoint(model).restore(chief).assert_existing_objects_matched()
    assert [step for step, _ in read_scalars(train_dir)["loss/total"]] == [1, 2, 3]
    assert not list((train_dir / "workers").rglob("events.out.tfevents*"))
