"""shapenet.pipeline and shapenet.crops: the original's crop (SPEC C.4) as one affine, points
that move with the pixels, the held-out split."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.shapenet.crops import GREY_WEIGHTS, grey_pixels, square_crop_matrix
from face_alignment_tf.shapenet.pipeline import (
    AugmentationConfig,
    augmented_crop_matrix,
    is_held_out,
    is_training,
    validation_paths,
)


def test_the_square_crop_by_hand():
    box = np.array([[10.0, 20.0], [110.0, 20.0], [110.0, 80.0], [10.0, 80.0]])  # 100 x 60
    matrix = np.asarray(square_crop_matrix(box, xp=np))
    side = 1.1 * 100  # 1.1 x the longer extent, centred on (60, 50)
    top_left = np.array([60.0, 50.0]) - side / 2
    np.testing.assert_allclose(matrix[:2, :2], np.eye(2) * 224 / side, rtol=1e-6)
    np.testing.assert_allclose(matrix @ [*top_left, 1.0], [0.0, 0.0, 1.0], atol=1e-4)


def test_no_augmentation_is_the_box_crop():
    face = {
        "image": tf.zeros([200, 180, 3]),
        "box": tf.constant([[30.0, 40.0], [150.0, 40.0], [150.0, 140.0], [30.0, 140.0]]),
        "landmarks": tf.zeros([68, 2]),
    }
    still = AugmentationConfig(rotation_degrees=0, offset=0)
    matrix = augmented_crop_matrix(face, tf.constant([1, 2]), still)
    np.testing.assert_allclose(matrix, square_crop_matrix(face["box"]), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("crop_source", ["box", "landmarks"])
def test_points_move_with_the_pixels(crop_source):
    """A bright dot under one landmark lands, after the augmented warp, where that landmark
    is mapped (rotation up to 90 degrees, offsets, either crop source)."""
    rng = np.random.default_rng(3)
    image = np.zeros((240, 220, 3), np.float32)
    landmarks = rng.uniform(60, 160, (68, 2)).astype(np.float32)
    y, x = np.round(landmarks[30]).astype(int)
    landmarks[30] = [y, x]
    image[y - 1 : y + 2, x - 1 : x + 2] = 1.0
    lo, hi = landmarks.min(0), landmarks.max(0)
    face = {
        "image": tf.constant(image),
        "landmarks": tf.constant(landmarks),
        "box": tf.constant([lo, [hi[0], lo[1]], hi, [lo[0], hi[1]]], tf.float32),
    }
    config = AugmentationConfig(crop_source=crop_source)
    checked = 0
    for seed in range(6):
        matrix = augmented_crop_matrix(face, tf.constant([seed, 7]), config)
        expected = apply_affine(matrix, face["landmarks"]).numpy()[30]
        if not np.all((expected > 4) & (expected < 219)):
            continue  # rotated out of the crop (a box crop turns the face in a fixed square)
        checked += 1
        crop = warp_affine(face["image"], matrix, [224, 224]).numpy()
        weights = crop[..., 0] / crop[..., 0].sum()
        rows, cols = np.indices(weights.shape)
        centre = [np.sum(rows * weights), np.sum(cols * weights)]  # of the magnified dot
        assert np.linalg.norm(np.array(centre) - expected) < 0.5
    assert checked >= 3


def test_original_clamping_gives_the_unpadded_window_near_a_border():
    """The window crosses the bottom edge: clamped to the image, it is 60.5 x 66 pixels and
    resized anisotropically; unclamped, it is the 66 x 66 square, zero-padded."""
    face = {
        "image": tf.zeros([100, 300, 3]),
        "box": tf.constant([[50.0, 20.0], [95.0, 20.0], [95.0, 80.0], [50.0, 80.0]]),
        "landmarks": tf.zeros([68, 2]),
    }
    config = AugmentationConfig(rotation_degrees=0, offset=0, original_clamping=True)
    matrix = augmented_crop_matrix(face, tf.constant([0, 0]), config).numpy()
    side = 1.1 * 60  # centred on (72.5, 50): rows 39.5..105.5, clamped to 39.5..100
    np.testing.assert_allclose(np.diag(matrix)[:2], [224 / (100 - 39.5), 224 / side], rtol=1e-5)
    square = AugmentationConfig(rotation_degrees=0, offset=0)
    matrix = augmented_crop_matrix(face, tf.constant([0, 0]), square).numpy()
    np.testing.assert_allclose(np.diag(matrix)[:2], [224 / side] * 2, rtol=1e-5)


def test_grey_weights():
    rgb = tf.constant([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])
    np.testing.assert_allclose(grey_pixels(rgb)[..., 0], [GREY_WEIGHTS], rtol=1e-6)


def test_the_validation_split_is_stable_disjoint_and_never_empty():
    paths = [f"faces/{i}.jpg" for i in range(2000)]
    held_out = validation_paths(paths, 0.1)
    assert len(held_out) == 200 and validation_paths(paths[::-1], 0.1) == held_out
    faces = {"path": tf.constant(paths)}
    held, kept = is_held_out(held_out)(faces).numpy(), is_training(held_out)(faces).numpy()
    assert held.sum() == 200 and not np.any(held & kept) and np.all(held | kept)
    assert len(validation_paths(paths[:4], 0.01)) == 1  # at least one
    assert len(validation_paths(paths[:2], 0.9)) == 1  # never all
    with pytest.raises(ValueError, match="at least 2"):
        validation_paths(paths[:1], 0.1)
