"""evaluation.evaluator through every family's eval script: started before the trainer,
they wait."""

import subprocess
import sys
from pathlib import Path

import pytest

from families import family_names, get_family

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("script", [get_family(name).eval_script for name in family_names()])
def test_evaluators_wait_for_a_missing_training_directory(tmp_path, script):
    command = [
        sys.executable, str(ROOT / script), f"--checkpoint_dir={tmp_path / 'missing'}",
        f"--eval_dir={tmp_path / 'eval'}", f"--dataset_path={tmp_path}/*.png",
        "--eval_interval_secs=0.2", "--timeout_secs=1",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"waiting for {tmp_path / 'missing' / 'model.json'}" in result.stderr
