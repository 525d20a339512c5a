"""bench.learning_curve reads an evaluator's results: one test set, steps in order."""

import os

import pytest

from bench.learning_curve import curve, save_plot
from face_alignment_tf.evaluation.checkpoint_watcher import results_path
from face_alignment_tf.evaluation.report import summarise, write_json


def write_result(eval_dir, step, key, errors, age):
    path = results_path(eval_dir, step, key)
    write_json(path, f"ckpt-{step}", step, summarise(errors), {})
    os.utime(path, (age, age))


def test_curve_follows_the_newest_test_set_by_step(tmp_path):
    write_result(tmp_path, 300, "aaaa", [0.10, 0.20], 1000)
    write_result(tmp_path, 100, "bbbb", [0.08, 0.06], 2000)
    write_result(tmp_path, 50, "bbbb", [0.09, 0.07], 2500)
    write_result(tmp_path, 200, "bbbb", [0.05, 0.03], 3000)
    points = curve(tmp_path)
    assert [step for step, _, _ in points] == [50, 100, 200]
    assert points[1][1] == pytest.approx(0.07) and points[1][2] == pytest.approx(0.0)
    assert points[0][2] == pytest.approx(0.5)  # 0.09 > 0.08 fails
    save_plot({"run": points}, tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 1000


def test_no_results_is_an_error_naming_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        curve(tmp_path)
