"""Heatmap-network pipelines over converted records."""

import numpy as np
import pytest

from face_alignment_tf.data.convert import convert
from face_alignment_tf.hourglass.heatmaps import decode_argmax
from face_alignment_tf.hourglass.pipeline import evaluation_dataset, training_dataset


@pytest.fixture
def converted(make_dataset, tmp_path):
    root = make_dataset({"afw": 6})
    train = convert(f"{root}/afw/*.png", tmp_path / "train", num_shards=2, workers=1)
    reference = np.asarray(train["reference_shape"])
    convert(f"{root}/afw/*.png", tmp_path / "eval", "eval", reference_shape=reference, workers=1)
    return tmp_path / "train", tmp_path / "eval"


def test_training_batches_have_consistent_targets(converted):
    train, _ = converted
    batch = next(iter(training_dataset(str(train), batch_size=4, seed=1)))
    assert batch["image"].shape == (4, 128, 128, 3) and batch["heatmaps"].shape == (4, 64, 64, 68)
    landmarks = batch["landmarks"].numpy()
    assert np.all((landmarks >= 0) & (landmarks < 128))
    assert 0 <= batch["image"].numpy().min() and batch["image"].numpy().max() <= 255.0
    assert batch["image"].numpy().max() > 1.0  # 0..255 as the SDU networks expect
    # The targets decode back to within a heatmap cell of the landmarks.
    decoded = decode_argmax(batch["heatmaps"]).numpy()
    assert np.abs(decoded - landmarks).max() <= 2.0


@pytest.mark.parametrize("crop", ["box", "oracle"])
def test_evaluation_crops(converted, crop):
    _, evaluation = converted
    batches = list(evaluation_dataset(str(evaluation), batch_size=4, crop=crop))
    landmarks = np.concatenate([b["landmarks"].numpy() for b in batches])
    assert len(landmarks) == 6
    # The face fills a good part of the crop and sits near its centre.
    extent = np.ptp(landmarks, axis=1).max(axis=1)
    assert np.all((extent > 50) & (extent < 128))
    assert np.all(np.abs(landmarks.mean(axis=1) - 64) < 25)


def test_unknown_crop(converted):
    with pytest.raises(ValueError, match="crop"):
        evaluation_dataset(str(converted[1]), crop="gt")
