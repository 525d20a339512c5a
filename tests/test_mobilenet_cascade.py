"""The cascade's crop round trip by hand, and a stage-2 run on a stage-1 run (frozen, saved
with it, resumed, scored as a whole, fine-tuned from)."""

import dataclasses
import json

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.crop import crop_matrix, encode_landmarks
from face_alignment_tf.backbones.mobilenet_v2.network import resized_flatten_kernel
from face_alignment_tf.backbones.mobilenet_v2.pipeline import evaluation_dataset
from face_alignment_tf.data.tfrecords import read_metadata
from face_alignment_tf.drivers.evaluate import run_evaluator
from face_alignment_tf.drivers.train import train
from face_alignment_tf.evaluation.checkpoint_watcher import step_results
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families import open_trained_model
from face_alignment_tf.mobilenet.cascade import MobileNetCascade, landmarks_in_images
from face_alignment_tf.mobilenet.family import FAMILY
from face_alignment_tf.mobilenet.trainer import stage1_points
from tests.conftest import template_shape


def demo_square(top, left, bottom, right):
    """(top, left, side) of the demo's padded square (see test_mobilenet_crops)."""
    w, h = right - left + 1, bottom - top + 1
    pad_h, pad_w = ((w - h) / 2, 0) if w >= h else (0, (h - w) / 2)
    top, left, bottom, right = top - pad_h, left - pad_w, bottom + pad_h, right + pad_w
    pad_w = (right - left) * 0.05
    return top, left - pad_w, right - left + 2 * pad_w


class FixedShape:
    """A stand-in network of input size `input_size`: the same 68 crop points for every
    crop."""

    def __init__(self, points, input_size=64):
        self.outputs = encode_landmarks(points, input_size)[None]
        self.input_size = input_size

    def __call__(self, crops, training=False):
        return tf.repeat(self.outputs, tf.shape(crops)[0], axis=0)


@pytest.mark.parametrize("stage2_size", [64, 96])
def test_a_stage_maps_its_crop_points_back_to_the_image(stage2_size):
    shape = template_shape()
    points = (shape - shape.min(0)) / np.ptp(shape, axis=0).max() * 40 + 12  # inside the crop
    images = np.zeros((2, 300, 260, 3), np.float32)
    boxes = np.array([[[50, 40], [170, 40], [170, 150], [50, 150]],
                      [[10, 100], [90, 100], [90, 230], [10, 230]]], np.float32)  # fmt: skip
    mapped = landmarks_in_images(FixedShape(points), images, crop_matrix(boxes)).numpy()
    for box, result in zip(boxes, mapped, strict=True):
        (top, left), (bottom, right) = box.min(0), box.max(0)
        square_top, square_left, side = demo_square(top, left, bottom, right)
        expected = points * side / 64 + [square_top, square_left]
        np.testing.assert_allclose(result, expected, atol=1e-3)
    # The second stage crops the first one's points again (at its own input size: the
    # points of a 96-px crop are 96ths of the square's side).
    cascade = MobileNetCascade(stages=2, input_sizes=[64, stage2_size])
    cascade.stage_1 = FixedShape(points)
    cascade.stage_2 = FixedShape(points * stage2_size / 64, stage2_size)
    twice = cascade(images, boxes).numpy()
    lo, hi = mapped.min(1), mapped.max(1)
    for result, (top, left), (bottom, right) in zip(twice, lo, hi, strict=True):
        square_top, square_left, side = demo_square(top, left, bottom, right)
        np.testing.assert_allclose(result, points * side / 64 + [square_top, square_left],
                                   atol=1e-3)  # fmt: skip


def test_stage_2_trains_on_a_frozen_stage_1_and_scores_the_cascade(
    smoke_run, bundled_faces, tmp_path
):
    stage1_config, _ = smoke_run("mobilenet")
    stage1 = open_trained_model(stage1_config.train_dir).restore()
    config = FAMILY.config_class(
        datasets=bundled_faces, train_dir=str(tmp_path / "stage2"), stage=2,
        stage1_dir=stage1_config.train_dir, batch_size=2, max_steps=2, loss="wing",
        batch_norm_batches=2, stage2_crop="aligned",
    )  # fmt: skip
    assert train(FAMILY, config)["step"] == 2
    resumed = FAMILY.config_class(**{**config.__dict__, "max_steps": 3})
    assert train(FAMILY, resumed)["step"] == 3  # resumes from ckpt-2
    description = json.loads((tmp_path / "stage2" / "model.json").read_text())
    assert description["config"]["stages"] == 2 and description["loss"] == "wing"
    assert description["config"]["stage2_crop"] == "aligned"
    cascade = open_trained_model(config.train_dir).restore()
    pairs = zip(cascade.model.stage_1.weights, stage1.model.stage_1.weights, strict=True)
    for ours, theirs in pairs:  # stage 1 came along, untouched
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=ours.path)
    fresh = FAMILY.build_model({"stages": 2}).stage_2
    changed = [
        not np.array_equal(a.numpy(), b.numpy())
        for a, b in zip(
            cascade.model.stage_2.trainable_weights, fresh.trainable_weights, strict=True
        )
    ]
    assert all(changed)  # trained (and not the fresh random init)
    records = tmp_path / "stage2" / "records"
    metadata = read_metadata(records)
    for init, starts_as_stage1 in (("stage1", True), ("random", False)):
        start = FAMILY.training_parts(
            dataclasses.replace(config, stage2_init=init), records, metadata, 1
        ).model
        same = [
            np.array_equal(a.numpy(), b.numpy())
            for a, b in zip(start.stage_1.weights, start.stage_2.weights, strict=True)
        ]
        assert all(same) if starts_as_stage1 else not any(same), init
    # A fine-tune starts stage 2 from the trained cascade's stage 2, whatever stage2_init says.
    fine_tune = FAMILY.training_parts(
        dataclasses.replace(config, stage2_init="random", init_from=config.train_dir),
        records, metadata, 1,
    ).model  # fmt: skip
    for ours, theirs in zip(fine_tune.stage_2.weights, cascade.model.stage_2.weights, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=ours.path)
    # A sharper stage 2 (96 px) fine-tuned from the 64-px one: fc1 resized, the rest copied.
    sharper = dataclasses.replace(
        config, train_dir=str(tmp_path / "stage2-96"), input_size=96, max_steps=1,
        init_from=config.train_dir,
    )  # fmt: skip
    start = FAMILY.training_parts(sharper, records, metadata, 1).model
    assert start.input_sizes == (64, 96) and start.stage_2.input_size == 96
    for ours, theirs in zip(start.stage_2.weights, cascade.model.stage_2.weights, strict=True):
        expected = theirs.numpy()
        if ours.path.endswith("fc1/kernel"):
            expected = resized_flatten_kernel(expected, 6)
        np.testing.assert_array_equal(ours.numpy(), expected, err_msg=ours.path)
    assert train(FAMILY, sharper)["step"] == 1
    description = json.loads((tmp_path / "stage2-96" / "model.json").read_text())
    assert description["config"]["input_sizes"] == [64, 96]
    sharp = open_trained_model(sharper.train_dir).restore().model
    assert sharp.stage_2.input_size == 96
    batch = next(iter(evaluation_dataset(str(records), 4)))
    assert sharp(batch["image"], batch["box"]).shape == (len(batch["path"]), 68, 2)
    with pytest.raises(ValueError, match="--init_from=.*has no stage 2"):
        FAMILY.training_parts(
            dataclasses.replace(config, init_from=stage1_config.train_dir), records, metadata, 1
        )
    # Stage 2's crops come from stage 1 alone, also when --stage1_dir holds a cascade.
    points = stage1_points(cascade.model.stage_1, records)
    for batch in evaluation_dataset(str(records), 4):
        np.testing.assert_allclose(
            np.stack([points[path.decode()] for path in batch["path"].numpy()]),
            stage1.model(batch["image"], batch["box"]), atol=1e-3,
        )  # fmt: skip
    settings = EvaluatorSettings(checkpoint_dir=config.train_dir, eval_dir=str(tmp_path / "eval"),
                                 dataset_path=bundled_faces, run_once=True)  # fmt: skip
    assert run_evaluator(settings, "mobilenet") == 1
    assert json.loads(step_results(tmp_path / "eval", 3)[0].read_text())["per_image"]
