"""tf.data pipelines: training batches and evaluation batches (each image once)."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.data.convert import convert
from face_alignment_tf.mdm.pipeline import (
    AugmentationConfig,
    evaluation_dataset,
    training_dataset,
    unmirror_predictions,
)


@pytest.fixture
def converted(make_dataset, tmp_path):
    root = make_dataset({"afw": 5})
    train = convert(f"{root}/afw/*.png", tmp_path / "train", num_shards=2, workers=1)
    convert(
        f"{root}/afw/*.png",
        tmp_path / "eval",
        "eval",
        reference_shape=np.asarray(train["reference_shape"]),
        num_shards=2,
        workers=1,
    )
    return tmp_path / "train", tmp_path / "eval", train


def test_training_batches(converted):
    train, _, metadata = converted
    batch = next(iter(training_dataset(str(train), batch_size=8, seed=1)))
    height, width = metadata["canvas_shape"]
    assert batch["image"].shape == (8, height, width, 3)
    assert batch["landmarks"].shape == (8, 68, 2) and batch["initial"].shape == (8, 68, 2)
    assert 0 <= batch["image"].numpy().min() and batch["image"].numpy().max() <= 1
    # Initialisations sit near the faces: the mean offset is a fraction of the face size.
    offset = np.linalg.norm(batch["initial"].numpy() - batch["landmarks"].numpy(), axis=-1).mean()
    assert offset < 0.3 * np.ptp(batch["landmarks"].numpy(), axis=1).max()
    again = next(iter(training_dataset(str(train), batch_size=8, seed=1)))
    np.testing.assert_array_equal(batch["image"].numpy(), again["image"].numpy())


def test_no_augmentation_gives_the_stored_faces_on_the_canvas(converted):
    train, _, metadata = converted
    config = AugmentationConfig(mirror_probability=0, rotation_probability=0, distort_colours=False)
    batch = next(iter(training_dataset(str(train), batch_size=5, seed=0, config=config)))
    reference = np.asarray(metadata["reference_shape"])
    # Without augmentation every ground truth has the reference size (SPEC A.3.3).
    for landmarks in batch["landmarks"].numpy():
        ratio = np.linalg.norm(landmarks - landmarks.mean(0)) / np.linalg.norm(
            reference - reference.mean(0)
        )
        assert ratio == pytest.approx(1.0, rel=0.01)


def test_evaluation_each_image_once_with_mirrors(converted):
    _, evaluation, _ = converted
    paths, count = [], 0
    for batch in evaluation_dataset(str(evaluation), batch_size=2, include_mirrored=True):
        count += len(batch["path"])
        paths += [p.decode() for p in batch["path"].numpy()]
        shapes = batch["shape"].numpy()
        for i, (height, width) in enumerate(shapes):
            # Zero padding at bottom/right only.
            assert np.all(batch["image"].numpy()[i, height:] == 0)
            assert np.all(batch["image"].numpy()[i, :, width:] == 0)
            np.testing.assert_array_equal(
                batch["mirrored_image"].numpy()[i, :height, :width],
                batch["image"].numpy()[i, :height, ::-1][:, -width:],
            )
        back = unmirror_predictions(batch["mirrored_initial"], batch["shape"])
        np.testing.assert_allclose(back.numpy(), batch["initial"].numpy(), atol=1e-4)
    assert count == 5 and len(set(paths)) == 5


def test_training_set_required(converted):
    _, evaluation, _ = converted
    with pytest.raises(ValueError, match="not a training set"):
        training_dataset(str(evaluation), batch_size=2)
    assert tf.executing_eagerly()
