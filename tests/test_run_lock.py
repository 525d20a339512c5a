"""training.run_lock: one trainer per train_dir (issue 15 #3; the script-level refusal is in
test_scripts_bad_input.py), and unwritable train_dirs (#13)."""

import json
import os
from pathlib import Path

import pytest

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.drivers.train import train
from face_alignment_tf.families import get_family
from face_alignment_tf.training.run_lock import LOCK_FILE, RunLock


def test_a_held_lock_is_refused_and_names_its_holder(tmp_path):
    with RunLock(tmp_path) as held:
        holder = json.loads(held.path.read_text())
        assert holder["pid"] == os.getpid() and holder["host"] and holder["started"]
        with pytest.raises(DataError, match=rf"another trainer .*pid {os.getpid()} on"):
            RunLock(tmp_path).acquire()
    assert not (tmp_path / LOCK_FILE).exists()
    RunLock(tmp_path).acquire()  # free again


def test_a_lock_whose_process_is_gone_is_taken_over(tmp_path, caplog):
    """A trainer killed with SIGKILL leaves its file but no flock: the next run takes it."""
    (tmp_path / LOCK_FILE).write_text(json.dumps({"pid": 999999, "host": "gone", "started": "x"}))
    lock = RunLock(tmp_path)
    lock.acquire()
    assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == os.getpid()
    assert "took over" in caplog.text and "999999" in caplog.text
    lock.release()


def unwritable_dir(tmp_path: Path) -> Path:
    """An existing directory this process cannot write into (root ignores mode bits)."""
    if os.geteuid() == 0:
        if not os.path.isdir("/sys/kernel") or os.access("/sys/kernel/x", os.F_OK):
            pytest.skip("no unwritable directory for root here")
        return Path("/sys/kernel")
    tmp_path.chmod(0o555)
    return tmp_path


def test_an_unwritable_train_dir_is_one_clear_error(tmp_path, bundled_faces):
    """#13: a read-only --train_dir, and one that cannot be created inside it."""
    family = get_family("mdm")
    readonly = unwritable_dir(tmp_path)
    for train_dir, message in [
        (readonly, f"{readonly}: cannot write here"),
        (readonly / "run", f"{readonly / 'run'}: cannot create --train_dir"),
    ]:
        config = family.config_class(datasets=bundled_faces, train_dir=str(train_dir))
        with pytest.raises(DataError, match=message):
            train(family, config)
