"""Every script failure a user can cause is one `error: <path>: <problem>` line and exit code
2, before anything is written (issue 15 #3, #5, #6, #7, #11, #13)."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from face_alignment_tf.data.pts import read_pts, write_pts
from face_alignment_tf.training.run_lock import RunLock
from tests.conftest import ROOT


def run_script(script: str, *flags: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / script), *flags]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def assert_one_error_line(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: "), last_line
    for fragment in fragments:
        assert fragment in last_line, last_line
    return last_line


def shift_points(root):
    """#6: 5000 added to every x of one face."""
    path = root / "afw/face_001.pts"
    write_pts(path, read_pts(path) + [0.0, 5000.0])
    return "face_001.pts: landmark 1 (x "


def collapse_box(root):
    """#7: a box file with 4 equal points."""
    write_pts(root / "bbs/afw/face_001.pts", np.full((4, 2), 50.0))
    return "bbs/afw/face_001.pts: degenerate box: 0 px high and 0 px wide"


@pytest.mark.parametrize(
    "script, damage", [("train_mdm.py", shift_points), ("train_hourglass.py", collapse_box)]
)
def test_bad_annotations_stop_the_script(make_dataset, tmp_path, script, damage):
    root = make_dataset({"afw": 3})
    message = damage(root)
    result = run_script(script, f"--datasets={root}/afw/*.png", f"--train_dir={tmp_path / 'run'}")
    assert_one_error_line(result, message)
    assert not (tmp_path / "run" / "model.json").exists()


def test_a_bad_flag_is_refused_before_anything_is_written(tmp_path):
    """#11: --per_batch_size=0 (and its kind) crashed in TF after records were written."""
    train_dir = tmp_path / "run"
    result = run_script(
        "train_hourglass.py", f"--datasets={tmp_path}/*.png", f"--train_dir={train_dir}",
        "--per_batch_size=0",
    )  # fmt: skip
    assert_one_error_line(result, "error: --per_batch_size=0: must be at least 1")
    assert not train_dir.exists()


def test_a_train_dir_that_is_a_file(tmp_path):
    """#13."""
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    result = run_script(
        "train_mobilenet.py", f"--datasets={tmp_path}/*.png", f"--train_dir={target}"
    )
    assert_one_error_line(result, f"error: {target}: --train_dir is a file, not a directory")
    assert target.read_text() == "mine"


def test_evaluating_once_before_any_checkpoint(smoke_run, bundled_faces, tmp_path):
    """#13: nothing to evaluate is said before the test faces are converted."""
    config, _ = smoke_run("mdm")
    (tmp_path / "train").mkdir()
    shutil.copy(os.path.join(config.train_dir, "model.json"), tmp_path / "train")
    result = run_script(
        "eval_mdm.py", f"--checkpoint_dir={tmp_path / 'train'}", f"--eval_dir={tmp_path / 'eval'}",
        f"--dataset_path={bundled_faces}", "--run_once",
    )  # fmt: skip
    assert_one_error_line(result, f"{tmp_path / 'train'}: no checkpoint to evaluate yet")
    assert not (tmp_path / "eval" / "records").exists()


def test_a_second_trainer_on_the_same_train_dir_is_refused(tmp_path, bundled_faces):
    """#3: the lock is held (here by this process, as by a running trainer)."""
    train_dir = tmp_path / "run"
    train_dir.mkdir()
    with RunLock(train_dir):
        result = run_script(
            "train_mdm.py", f"--datasets={bundled_faces}", f"--train_dir={train_dir}"
        )
    assert_one_error_line(
        result, f"{train_dir}: another trainer is using this train_dir (pid {os.getpid()} on"
    )
    assert sorted(p.name for p in train_dir.iterdir()) == []  # its lock is gone with it


def test_resuming_with_other_model_settings_is_refused(smoke_run, tmp_path):
    """#5: --patch_size=20 on a run trained with 14: refused, naming the setting, and the
    folder's model.json and checkpoints are left as they were."""
    config, _ = smoke_run("mdm")
    train_dir = tmp_path / "run"
    shutil.copytree(config.train_dir, train_dir)
    before = {p.name: p.read_bytes() for p in train_dir.iterdir() if p.is_file()}
    result = run_script(
        "train_mdm.py", f"--datasets={config.datasets}", f"--train_dir={train_dir}",
        "--batch_size=2", "--patch_size=20",
    )  # fmt: skip
    assert_one_error_line(
        result, f"{train_dir / 'model.json'}:", "config.patch_size: 14 saved, 20 now"
    )
    assert {p.name: p.read_bytes() for p in train_dir.iterdir() if p.is_file()} == before
