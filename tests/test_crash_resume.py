"""A training process killed with SIGKILL resumes from its last complete checkpoint."""

import re
import signal
import subprocess
import time

import tensorflow as tf

from tests.conftest import ROOT, small_hourglass_command, write_afw_faces
from training.logged_scalars import read_scalars


def latest_step(train_dir) -> int:
    latest = tf.train.latest_checkpoint(str(train_dir))
    return int(latest.rsplit("-", 1)[1]) if latest else 0


def test_kill_9_and_rerun_the_same_command(tmp_path):
    datasets = write_afw_faces(tmp_path, seed=2)
    train_dir = tmp_path / "train"
    # 4 faces, batch 2: 2 steps an epoch, 16 steps in all; a checkpoint every step.
    command = small_hourglass_command(
        datasets, train_dir, "--lr_epoch_step=8", "--save_every_secs=0"
    )
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 300
    while latest_step(train_dir) < 3 and process.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    if process.poll() is not None:
        raise AssertionError(process.stdout.read().decode()[-3000:])
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = latest_step(train_dir)
    assert 3 <= killed_at < 16, "the run should have been killed part way"
    # The newest checkpoint the state file names is complete: it restores, at its own step.
    reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(str(train_dir)))
    assert reader.get_tensor("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE") == killed_at

    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(rf"resumed from \S+ckpt-{killed_at}\b", result.stderr)
    assert f"training from step {killed_at} to 16" in result.stderr
    assert latest_step(train_dir) == 16
    # One loss curve: the second run logs only the steps after the checkpoint, and starts
    # from the trained weights (its first loss is far below the untrained one).
    logged = {}
    for step, value in read_scalars(train_dir)["loss/total"]:
        logged.setdefault(step, []).append(value)
    assert sorted(logged) == list(range(1, 17))
    resumed_first = logged[killed_at + 1][-1]
    assert resumed_first < 0.8 * logged[1][0]
