"""MDM training: schedule, EMA, a tiny end-to-end run, resume, evaluation tags."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.drivers.train import train
from face_alignment_tf.evaluation.checkpoint_watcher import step_results
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.mdm.family import FAMILY
from face_alignment_tf.mdm.moving_average import ExponentialMovingAverage
from face_alignment_tf.mdm.pipeline import AugmentationConfig, evaluation_dataset
from face_alignment_tf.mdm.trainer import MdmTrainingConfig, learning_rate_schedule
from face_alignment_tf.training.logged_scalars import read_scalars

ROOT = Path(__file__).resolve().parents[1]
NO_AUGMENTATION = AugmentationConfig(
    mirror_probability=0, rotation_probability=0, distort_colours=False
)


def test_learning_rate_schedule():
    schedule = learning_rate_schedule(MdmTrainingConfig(datasets="faces/*.png", train_dir="run"))
    for step, expected in [(0, 1e-3), (14999, 1e-3), (15000, 1e-4), (29999, 1e-4), (30000, 1e-5)]:
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-6)


def test_ema_decay_and_update():
    variable = tf.Variable([0.0, 10.0])
    ema = ExponentialMovingAverage({"v": variable})
    assert float(ema.decay(0)) == pytest.approx(0.1)
    assert float(ema.decay(10**6)) == pytest.approx(0.9999)
    variable.assign([1.0, 20.0])
    ema.apply([variable], step=0)  # decay 0.1: shadow = 0.1 * old + 0.9 * new
    np.testing.assert_allclose(ema.shadows["v"].numpy(), [0.9, 19.0])
    with ema.averaged_weights([variable]):
        np.testing.assert_allclose(variable.numpy(), [0.9, 19.0])
    np.testing.assert_allclose(variable.numpy(), [1.0, 20.0])


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny run on synthetic faces, then a resumed continuation (14 px patches: 9 M
    parameters instead of 80 M; the schedule, EMA and loop are the full model's)."""
    from tests.conftest import write_afw_faces

    root = tmp_path_factory.mktemp("faces")
    datasets = write_afw_faces(root, seed=0)
    config = MdmTrainingConfig(
        datasets=datasets,
        train_dir=str(root / "train"),
        batch_size=4,
        max_steps=24,
        patch_size=14,
        initial_learning_rate=1e-4,
        log_every=1,
        image_every=12,
        augmentation=NO_AUGMENTATION,
        max_checkpoints=1,
    )
    first = train(FAMILY, config)
    resumed = train(FAMILY, MdmTrainingConfig(**{**config.__dict__, "max_steps": 26}))
    return config, first, resumed, root


def test_tiny_run_lowers_the_loss_and_logs(trained):
    config, first, _, _ = trained
    logged = read_scalars(Path(config.train_dir))
    # The random initial boxes make single losses noisy; what training must
    # create is refinement: untrained, every step returns its input (ratio 1);
    # trained, step 4 improves on step 1 within the same batch.
    first_step = np.array([value for _, value in logged["loss/step_1"]][:24])
    last_step = np.array([value for _, value in logged["loss/step_4"]][:24])
    ratio = last_step / first_step
    assert ratio[:2].mean() > 0.99
    assert ratio[-6:].mean() < 0.95
    for tag in ["loss/step_1", "loss/step_4", "learning_rate", "examples_per_sec"]:
        assert tag in logged
    assert {"delta/step_1", "delta/step_4", "training_samples"} <= set(logged["_tags"])
    assert first["step"] == 24
    model_json = json.loads((Path(config.train_dir) / "model.json").read_text())
    assert model_json["family"] == "mdm" and model_json["config"]["patch_size"] == 14
    assert model_json["config"]["hidden_units"] == 512 and len(model_json["reference_shape"]) == 68


def test_resume_continues_the_step_count(trained):
    config, _, resumed, _ = trained
    assert resumed["step"] == 26
    assert tf.train.latest_checkpoint(config.train_dir).endswith("ckpt-26")


def test_other_datasets_in_the_same_train_dir_are_refused(trained):
    config, _, _, root = trained
    with pytest.raises(ValueError, match="use a new --train_dir"):
        train(
            FAMILY, MdmTrainingConfig(**{**config.__dict__, "datasets": f"{root}/afw/face_0.png"})
        )
    with pytest.raises(ValueError, match="reference_alignment=none"):
        train(FAMILY, MdmTrainingConfig(**{**config.__dict__, "reference_alignment": "procrustes"}))


def test_evaluator_writes_tags_and_json_and_runs_each_checkpoint_once(trained):
    config, _, _, root = trained
    eval_dir = root / "eval"
    command = [
        sys.executable, str(ROOT / "eval_mdm.py"), f"--checkpoint_dir={config.train_dir}",
        f"--eval_dir={eval_dir}", f"--dataset_path={root}/afw/*.png", "--run_once",
    ]  # fmt: skip
    for _ in range(2):
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, result.stderr[-3000:]
    assert "already evaluated" in result.stderr
    logged = read_scalars(eval_dir)
    for tag in ["eval/mean_nme", "eval/median_nme", "eval/failure_rate_0.08", "eval/auc_0.08"]:
        assert [step for step, _ in logged[tag]] == [26]
    assert "eval/ced" in logged["_tags"]
    results = json.loads(step_results(eval_dir, 26)[0].read_text())
    assert len(results["per_image"]) == 4
    # The trained model (EMA weights, mirrored averaging) beats its initialisation.
    initial_errors = [
        float(normalised_mean_error(batch["initial"], batch["landmarks"]).numpy().mean())
        for batch in evaluation_dataset(str(eval_dir / "records"), batch_size=4)
    ]
    assert results["summary"]["mean_nme"] < 0.97 * initial_errors[0]
    assert results["summary"]["mean_nme"] == pytest.approx(
        np.mean(list(results["per_image"].values()))
    )


def test_nan_loss_stops_with_the_step(trained, monkeypatch):
    import face_alignment_tf.mdm.trainer as trainer

    config, _, _, root = trained
    original = trainer.step_losses
    monkeypatch.setattr(trainer, "step_losses", lambda steps, gt: original(steps, gt) + np.nan)
    with pytest.raises(FloatingPointError, match="at step 27"):
        train(FAMILY, MdmTrainingConfig(**{**config.__dict__, "max_steps": 30}))


def test_pretrained_weights_start_a_new_run(trained, tmp_path):
    config, _, _, _ = trained
    pretrained = tf.train.latest_checkpoint(config.train_dir)
    new_run = MdmTrainingConfig(
        **{
            **config.__dict__,
            "train_dir": str(tmp_path / "finetune"),
            "pretrained_model_checkpoint_path": pretrained,
            "initial_learning_rate": 0.0,  # weights stay put: what was loaded is what is saved
            "max_steps": 1,
        }
    )
    assert train(FAMILY, new_run)["step"] == 1

    def restored(path):
        model = FAMILY.build_model({"patch_size": 14})
        FAMILY.checkpoint(model).restore(path).expect_partial()
        return model.prediction.kernel.numpy()

    saved = tf.train.latest_checkpoint(new_run.train_dir)
    np.testing.assert_array_equal(restored(saved), restored(pretrained))
    assert np.abs(restored(saved)).max() > 0
