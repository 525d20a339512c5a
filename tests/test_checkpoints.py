"""artifacts.checkpoints and the resume path of the shared loop: a run never loses or clobbers
its work (issue 15 #1, #2 and the repeated kill test)."""

import json
import re
import subprocess
import sys

import pytest
import tensorflow as tf

from face_alignment_tf.artifacts.checkpoints import (
    checkpoint_problem,
    indexed_steps,
    newest_good_checkpoint,
    recover_checkpoints,
)
from tests.conftest import ROOT, write_afw_faces

KILLS = 7  # the harness damages the checkpoints before runs 4 and 7


def save_steps(directory, steps, max_to_keep=5):
    variable = tf.Variable(0.0)
    checkpoint = tf.train.Checkpoint(v=variable)
    manager = tf.train.CheckpointManager(checkpoint, str(directory), max_to_keep)
    for step in steps:
        variable.assign(float(step))
        manager.save(checkpoint_number=step)
    return variable


def restored_value(path) -> float:
    return float(tf.train.load_checkpoint(path).get_tensor("v/.ATTRIBUTES/VARIABLE_VALUE"))


def test_a_deleted_index_falls_back_and_the_orphan_goes(tmp_path):
    """#1: ckpt-3's .index deleted (the state file still names it): ckpt-2 is resumed, the
    orphaned data shard is removed and the state file lists what is left."""
    save_steps(tmp_path, [1, 2, 3])
    (tmp_path / "ckpt-3.index").unlink()
    newest = recover_checkpoints(tmp_path)
    assert newest.endswith("ckpt-2") and restored_value(newest) == 2.0
    assert not list(tmp_path.glob("ckpt-3*"))
    assert tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == [
        str(tmp_path / "ckpt-1"), str(tmp_path / "ckpt-2"),
    ]  # fmt: skip
    # Retention counts from the good ones: three more saves keep the newest three only.
    save_steps(tmp_path, [4, 5, 6], max_to_keep=3)
    assert indexed_steps(tmp_path) == [6, 5, 4]


def test_a_corrupted_index_falls_back(tmp_path):
    """#2: 100 bytes of the newest .index overwritten ("block checksum mismatch")."""
    save_steps(tmp_path, [1, 2])
    index = tmp_path / "ckpt-2.index"
    content = bytearray(index.read_bytes())
    content[:100] = bytes(100)
    index.write_bytes(bytes(content))
    assert checkpoint_problem(str(tmp_path / "ckpt-2")) is not None
    assert newest_good_checkpoint(tmp_path).endswith("ckpt-1")  # only looks
    assert index.exists()
    assert recover_checkpoints(tmp_path).endswith("ckpt-1")
    assert indexed_steps(tmp_path) == [1]


def test_corrupted_data_and_interrupted_saves(tmp_path):
    save_steps(tmp_path, [1, 2])
    data = tmp_path / "ckpt-2.data-00000-of-00001"
    data.write_bytes(data.read_bytes()[:-4] + b"\xff\xff\xff\xff")
    (tmp_path / "ckpt-3_temp").mkdir()  # a save killed before its merge
    (tmp_path / "ckpt-3_temp" / "part-00000-of-00001.index").write_bytes(b"x")
    (tmp_path / "checkpoint.tmp5f3a").write_text("half")  # a state file never renamed
    assert recover_checkpoints(tmp_path).endswith("ckpt-1")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "checkpoint", "ckpt-1.data-00000-of-00001", "ckpt-1.index",
    ]  # fmt: skip


def test_nothing_good_means_a_fresh_start(tmp_path):
    save_steps(tmp_path, [1])
    (tmp_path / "ckpt-1.index").write_bytes(b"garbage")
    assert recover_checkpoints(tmp_path) is None
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def killed_run(tmp_path_factory):
    """tests/kill_harness.py: a tiny MDM trainer killed with SIGKILL at 10 random moments
    (half of them counted from the start of training; the newest checkpoint deleted before
    one rerun and corrupted before another), then run to its end."""
    root = tmp_path_factory.mktemp("killed")
    datasets = write_afw_faces(root, seed=3)
    command = [
        sys.executable, "-m", "tests.kill_harness", f"--datasets={datasets}",
        f"--train_dir={root / 'train'}", f"--report={root / 'report.json'}", f"--kills={KILLS}",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((root / "report.json").read_text())
    logs = [open(run["log"]).read() for run in [*report["runs"], report["final"]]]
    return root / "train", report, logs


def test_every_rerun_resumes_from_the_newest_good_checkpoint(killed_run):
    train_dir, report, logs = killed_run
    runs = [*report["runs"], report["final"]]
    assert all(run["killed"] for run in report["runs"])
    started = 0
    for run, log in zip(runs, logs, strict=True):
        found = re.findall(r"training from step (\d+) to", log)
        assert len(found) <= 1
        assert found or run.get("clock") != "training", run  # killed after it started
        if found:  # killed later than the start of training
            started += 1
            assert int(found[0]) == run["expected_step"], run
            if run["expected_step"]:
                assert re.search(rf"resumed from \S+ckpt-{run['expected_step']}\n", log)
        assert "Traceback" not in log
    assert started >= KILLS // 2, "most kills should land after the start of training"
    # The damaged checkpoints were passed over for the one before them, and removed.
    kinds = ("delete_index", "corrupt_index")
    deleted, corrupted = (next(r for r in runs if r.get("damage") == kind) for kind in kinds)
    for run in (deleted, corrupted):
        damaged_step = int(re.search(r"ckpt-(\d+)", run["damaged"]).group(1))
        assert run["expected_step"] < damaged_step
    assert "checkpoint data without its index" in logs[runs.index(deleted)]
    assert "the checkpoint cannot be restored" in logs[runs.index(corrupted)]


def test_the_finished_run_leaves_its_checkpoints_logs_and_nothing_else(killed_run):
    train_dir, report, logs = killed_run
    final = report["final"]
    assert final["exit_code"] == 0
    last = final["max_steps"]
    expected = {"checkpoint", "model.json", "records"} | {
        f"ckpt-{step}.{suffix}"
        for step in range(last - 2, last + 1)
        for suffix in ("index", "data-00000-of-00001")
    }
    names = {path.name for path in train_dir.iterdir()}
    assert {n for n in names if not n.startswith("events.out.tfevents.")} == expected
    assert tf.train.latest_checkpoint(str(train_dir)).endswith(f"ckpt-{last}")


def test_the_loss_curve_holds_each_step_once(killed_run):
    """Read raw (TensorBoard's own reader would hide repeats by purging them)."""
    train_dir, report, _ = killed_run
    steps = [
        event.step
        for path in sorted(train_dir.glob("events.out.tfevents.*"))
        for event in tf.compat.v1.train.summary_iterator(str(path))
        for value in event.summary.value
        if value.tag == "loss/total"
    ]
    assert sorted(steps) == list(range(1, report["final"]["max_steps"] + 1))
