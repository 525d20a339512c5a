"""SDU crop augmentation: the SPEC E.2.6 invariants and warp consistency."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.data.landmarks import mirror_landmarks
from face_alignment_tf.hourglass.augmentation import (
    augment_crop,
    crop_matrix,
    sample_crop_parameters,
)
from tests.conftest import template_shape


def test_parameter_ranges():
    angles, sides = zip(*[sample_crop_parameters([0, i]) for i in range(2000)], strict=True)
    angles, sides = np.array(angles), np.array(sides)
    assert angles.dtype.kind == "i" and angles.min() == -40 and angles.max() == 39
    assert sides.min() == 204 and sides.max() == 307  # int(256 * [0.8, 1.2])
    assert np.mean(sides == 204) > 0.1  # the clip at 0.8 holds ~16 % of the draws


def test_matrix_by_hand():
    matrix = crop_matrix(0, 256, tf.constant([192.0, 192.0])).numpy()
    # No rotation: scale 1/2 about (192, 192), then centred on (64, 64).
    np.testing.assert_allclose(matrix, [[0.5, 0, -32], [0, 0.5, -32], [0, 0, 1]], atol=1e-5)
    rotated = apply_affine(
        crop_matrix(90, 128, tf.constant([0.0, 0.0])), tf.constant([[0.0, 10.0]])
    )
    # (y, x) = (0, 10) is x = 10 on the x axis; skimage's +90 degrees sends it to y = 10.
    np.testing.assert_allclose(rotated.numpy(), [[64 + 10, 64]], atol=1e-4)


def face_record(seed=0):
    """A 384x384 'record' with a face shape centred, landmark 30 marked by a blob."""
    shape = template_shape()
    shape = (shape - shape.mean(0)) * (160 / np.ptp(shape, axis=0).max()) + 192
    image = np.zeros((384, 384, 3), np.float32)
    y, x = np.round(shape[30]).astype(int)
    image[y - 2 : y + 3, x - 2 : x + 3] = 255.0
    return image, shape.astype(np.float32)


def test_accepted_samples_are_inside_and_consistent():
    image, shape = face_record()
    accepted = 0
    for i in range(40):
        crop, points, valid = augment_crop(image, shape, seed=[1, i], flip_probability=0.0)
        if not valid:
            continue
        accepted += 1
        points = points.numpy()
        assert np.all((points >= 0) & (points < 128))
        y, x = np.round(points[30]).astype(int)
        assert crop.numpy()[y, x, 0] > 100  # the blob moved with its landmark
    assert accepted > 30


def test_flip_uses_the_shared_permutation():
    image, shape = face_record()
    for i in range(20):
        plain = augment_crop(image, shape, seed=[2, i], flip_probability=0.0)
        maybe = augment_crop(image, shape, seed=[2, i], flip_probability=1.0)
        np.testing.assert_allclose(
            maybe[1].numpy(), mirror_landmarks(plain[1], 128).numpy(), atol=1e-4
        )
        np.testing.assert_array_equal(maybe[0].numpy(), plain[0].numpy()[:, ::-1])


def test_hopeless_samples_are_invalid():
    image, shape = face_record()
    spread = (shape - 192) * 3 + 192  # far wider than any crop
    assert not bool(augment_crop(image, spread.astype(np.float32), seed=[3, 0])[2])


@pytest.mark.parametrize("angle", [0, 25])
def test_warp_matches_point_transform(angle):
    image = np.zeros((384, 384, 3), np.float32)
    image[100:104, 250:254] = 1.0
    matrix = crop_matrix(angle, 256, tf.constant([192.0, 192.0]))
    crop = warp_affine(tf.constant(image), matrix, [128, 128]).numpy()
    y, x = np.round(apply_affine(matrix, tf.constant([[101.5, 251.5]])).numpy()[0]).astype(int)
    assert crop[y, x, 0] > 0.5
