"""Hourglass training and evaluation: SDU's schedule, the loss, a tiny run, eval_hourglass."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.artifacts.model_file import read_model_file
from face_alignment_tf.data.mat_annotations import read_pt3d_68
from face_alignment_tf.drivers.evaluate import run_evaluator
from face_alignment_tf.drivers.train import train
from face_alignment_tf.evaluation.checkpoint_watcher import step_results
from face_alignment_tf.evaluation.metrics import normalising_distance
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families import open_trained_model
from face_alignment_tf.hourglass.family import FAMILY
from face_alignment_tf.hourglass.trainer import (
    HourglassTrainingConfig,
    epoch_schedule,
    heatmap_loss,
)
from face_alignment_tf.training.logged_scalars import read_scalars
from tests.conftest import template_shape, write_aflw_face

ROOT = Path(__file__).resolve().parents[1]


def sdu_learning_rates(lr, epochs, factor, batch, records, steps):
    """SDU's train.py callback, literally: after each batch, float epoch = batches * batch /
    records; lower the rate once when it reaches each step epoch."""
    rates, pending = [], list(epochs)
    for batches in range(1, steps + 1):
        rates.append(lr)
        if pending and batches * batch / records >= pending[0]:
            lr *= factor
            pending.pop(0)
    return rates


@pytest.mark.parametrize("records, batch", [(100, 16), (2012, 16), (64, 16)])
def test_epoch_schedule_matches_sdu(records, batch):
    config = HourglassTrainingConfig(
        datasets="faces/*.png", train_dir="run", lr_epoch_step=(2, 3, 5)
    )
    schedule, max_steps = epoch_schedule(config, records)
    assert max_steps == int(np.ceil(5 * records / batch))
    expected = sdu_learning_rates(1e-4, [2, 3], 0.2, batch, records, max_steps)
    actual = [float(schedule(step)) for step in range(max_steps)]
    np.testing.assert_allclose(actual, expected, rtol=1e-6)


def test_heatmap_loss_is_the_mean_squared_error_per_stack():
    rng = np.random.default_rng(0)
    target = rng.normal(size=(2, 4, 4, 3)).astype(np.float32)
    stacks = [rng.normal(size=target.shape).astype(np.float32) for _ in range(2)]
    expected = [np.mean((stack - target) ** 2) for stack in stacks]
    np.testing.assert_allclose(heatmap_loss(stacks, target).numpy(), expected, rtol=1e-6)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A small network (resnet blocks, depth 1) on synthetic faces, then a resumed run."""
    from tests.conftest import write_afw_faces

    root = tmp_path_factory.mktemp("faces")
    datasets = write_afw_faces(root, seed=1)
    config = HourglassTrainingConfig(
        datasets=datasets,
        train_dir=str(root / "train"),
        block="resnet",
        depth=1,
        lr=1e-3,
        per_batch_size=2,
        lr_epoch_step=(6, 10),  # 4 faces, batch 2: 2 steps an epoch, stop at 20
        log_every=1,
        image_every=10,
        max_checkpoints=1,
    )
    first = train(FAMILY, config)
    resumed = train(
        FAMILY, HourglassTrainingConfig(**{**config.__dict__, "lr_epoch_step": (6, 11)})
    )
    return config, first, resumed, root


def test_tiny_run_lowers_the_loss_and_logs(trained):
    config, first, _, _ = trained
    logged = read_scalars(Path(config.train_dir))
    total = np.array([value for _, value in logged["loss/total"]][:20])
    assert first["step"] == 20
    assert total[-4:].mean() < 0.5 * total[:2].mean()
    stacks = np.array([value for _, value in logged["loss/stack_1"]][:20]) + np.array(
        [value for _, value in logged["loss/stack_2"]][:20]
    )
    np.testing.assert_allclose(stacks, total, rtol=1e-5)
    rates = dict(logged["learning_rate"])
    assert rates[12] == pytest.approx(1e-3) and rates[13] == pytest.approx(2e-4)
    for tag in ["train/crop_nme", "examples_per_sec"]:
        assert tag in logged
    assert {"training_samples", "heatmaps/target", "heatmaps/predicted"} <= set(logged["_tags"])


def test_resume_and_model_description(trained):
    config, _, resumed, _ = trained
    assert resumed["step"] == 22
    assert tf.train.latest_checkpoint(config.train_dir).endswith("ckpt-22")
    trained = open_trained_model(config.train_dir)
    model, landmark_type = trained.model, trained.description["landmark_type"]
    assert (model.block, model.depth, model.stacks, landmark_type) == ("resnet", 1, 2, "2d")
    assert trained.family is FAMILY and trained.reference_shape.shape == (68, 2)
    with pytest.raises(ValueError, match="a 'hourglass' model, not 'mdm'"):
        read_model_file(config.train_dir, "mdm")


def evaluate_in_process(train_dir, datasets, eval_dir, step, **settings) -> dict:
    """The shared evaluator run once in this process (the script's other flags' defaults)."""
    flags = {"boxes": settings.pop("boxes", "detector"), "normaliser": settings.pop("normaliser")}
    assert (
        run_evaluator(
            EvaluatorSettings(
                checkpoint_dir=str(train_dir),
                eval_dir=str(eval_dir),
                dataset_path=datasets,
                run_once=True,
                **flags,
            ),
            "hourglass",
        )
        == 1
    )
    return json.loads(step_results(eval_dir, step)[0].read_text())


def run_evaluator_script(train_dir, datasets, eval_dir, *extra, step=22):
    command = [
        sys.executable, str(ROOT / "eval_hourglass.py"), f"--checkpoint_dir={train_dir}",
        f"--eval_dir={eval_dir}", f"--dataset_path={datasets}", "--run_once", *extra,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(step_results(eval_dir, step)[0].read_text())


def test_evaluator_tags_and_normalisers(trained):
    config, _, _, root = trained
    eye_centre = run_evaluator_script(config.train_dir, config.datasets, root / "eval")
    logged = read_scalars(root / "eval")
    for tag in ["eval/mean_nme", "eval/median_nme", "eval/failure_rate_0.08", "eval/auc_0.08"]:
        assert [step for step, _ in logged[tag]] == [22]
    assert "eval/ced" in logged["_tags"]
    assert len(eye_centre["per_image"]) == 4
    # Same predictions, other normaliser: error x distance is the same mean point error.
    inter_ocular = evaluate_in_process(
        config.train_dir, config.datasets, root / "eval_io", 22, normaliser="inter_ocular"
    )
    from face_alignment_tf.data.pts import read_pts

    for path, error in eye_centre["per_image"].items():
        truth = read_pts(Path(path).with_suffix(".pts"), 68)
        ratio = float(normalising_distance(truth, "eye_centre")) / float(
            normalising_distance(truth, "inter_ocular")
        )
        assert inter_ocular["per_image"][path] == pytest.approx(error * ratio, rel=1e-4)


def test_3d_mode_from_mat_annotations(tmp_path):
    """AFLW2000-3D style data end to end: .mat landmarks, ground-truth boxes, a 3D model whose
    evaluator normalises by sqrt(w h) of the ground truth's box."""
    shape = template_shape()
    for index in range(4):
        offset = np.random.default_rng(index).normal(0, 2, 2)
        write_aflw_face(tmp_path / "AFLW2000", f"image{index:05d}", (shape - shape.mean(0)) * 0.8
                        + np.array([80.0, 70.0]) + offset)  # fmt: skip
    datasets = f"{tmp_path}/AFLW2000/*.jpg"
    config = HourglassTrainingConfig(
        datasets=datasets, train_dir=str(tmp_path / "train"), boxes="landmarks",
        landmark_type="3d", block="resnet", depth=1, stacks=1, per_batch_size=2,
        lr_epoch_step=(1,),
    )  # fmt: skip
    assert train(FAMILY, config)["step"] == 2
    assert open_trained_model(config.train_dir).description["landmark_type"] == "3d"
    by_box = run_evaluator_script(
        config.train_dir, datasets, tmp_path / "eval", "--boxes=landmarks", step=2
    )
    by_eyes = evaluate_in_process(
        config.train_dir, datasets, tmp_path / "eval_io", 2, boxes="landmarks",
        normaliser="inter_ocular",
    )  # fmt: skip
    for path, error in by_box["per_image"].items():
        truth = read_pt3d_68(Path(path).with_suffix(".mat"))
        extent = np.ptp(truth, axis=0)
        ratio = np.sqrt(extent[0] * extent[1]) / float(normalising_distance(truth, "inter_ocular"))
        # Not exact: menpo rounds the rescaled image to whole pixels and scales each axis by
        # its own rounded ratio, so the frame is a similarity only to about 1e-3.
        assert by_eyes["per_image"][path] == pytest.approx(error * ratio, rel=2e-3)
