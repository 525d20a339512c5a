"""drivers.evaluate: every family's eval script, started before the trainer, waits;
results are kept per test set."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from face_alignment_tf.drivers.evaluate import run_evaluator
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families import family_names, get_family
from tests.conftest import write_afw_faces

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


def test_a_new_test_set_in_an_old_eval_dir_is_scored(smoke_run, bundled_faces, tmp_path):
    """Issue 15 #4: set A, then set B into the same --eval_dir: B is converted and scored
    (it was reported as "already evaluated" with A's results), A's results stay, and A
    again is not scored twice."""
    config, _ = smoke_run("mdm")
    set_b = write_afw_faces(tmp_path / "set_b", count=2, seed=5)

    def evaluate(dataset_path: str, boxes: str) -> int:
        settings = EvaluatorSettings(
            checkpoint_dir=config.train_dir, eval_dir=str(tmp_path / "eval"),
            dataset_path=dataset_path, run_once=True, boxes=boxes,
        )  # fmt: skip
        return run_evaluator(settings, "mdm")

    assert evaluate(bundled_faces, "landmarks") == 1
    assert evaluate(set_b, "detector") == 1
    assert evaluate(bundled_faces, "landmarks") == 0
    results = [json.loads(p.read_text()) for p in (tmp_path / "eval").glob("errors-*.json")]
    scored = sorted(sorted(Path(k).stem for k in r["per_image"]) for r in results)
    bundled = sorted(Path(p).stem for p in Path(bundled_faces).parent.glob("*.pts"))
    assert scored == sorted([bundled, ["face_0", "face_1"]])
    assert {r["evaluated"]["dataset_path"] for r in results} == {bundled_faces, set_b}
