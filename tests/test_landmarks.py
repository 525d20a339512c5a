"""The shared 68-point mirror permutation, mirroring rules and box corners."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.data.landmarks import (
    MIRROR_PERMUTATION_68,
    bounding_box_corners,
    mirror,
    mirror_landmarks,
)


def test_permutation_is_the_spec_involution():
    p = MIRROR_PERMUTATION_68
    assert sorted(p) == list(range(68))
    np.testing.assert_array_equal(p[p], np.arange(68))
    for a, b in [(36, 45), (39, 42), (48, 54), (0, 16), (17, 26), (31, 35), (60, 64)]:
        assert p[a] == b and p[b] == a
    fixed = [i for i in range(68) if p[i] == i]
    assert fixed == [8, 27, 28, 29, 30, 33, 51, 57, 62, 66]


@pytest.mark.parametrize("rule", ["corrected", "original"])
def test_mirror_twice_is_identity(rule):
    points = np.random.default_rng(0).uniform(0, 80, (3, 68, 2)).astype(np.float32)
    twice = mirror_landmarks(mirror_landmarks(points, 90, rule), 90, rule)
    np.testing.assert_allclose(twice.numpy(), points, atol=1e-5)


def test_corrected_rule_keeps_landmarks_on_their_pixels_and_original_is_one_pixel_off():
    height, width = 20, 31
    image = np.zeros((height, width, 1), np.float32)
    points = np.zeros((68, 2), np.float32)
    rng = np.random.default_rng(1)
    for index in range(68):
        y, x = rng.integers(0, height), rng.integers(0, width)
        points[index] = y, x
    image[points[36, 0].astype(int), points[36, 1].astype(int)] = 1.0
    flipped, mirrored = mirror(image, points)
    # Point 36 of the original becomes point 45 of the mirror and sits on the marked pixel.
    y, x = mirrored.numpy()[45].astype(int)
    assert flipped.numpy()[y, x, 0] == 1.0
    original = mirror_landmarks(points, width, "original").numpy()
    np.testing.assert_allclose(original[:, 1] - mirrored.numpy()[:, 1], 1.0)


def test_mirror_with_per_image_widths():
    points = np.full((2, 68, 2), 3.0, np.float32)
    mirrored = mirror_landmarks(points, tf.constant([10, 20]))
    np.testing.assert_allclose(mirrored.numpy()[:, 0, 1], [6.0, 16.0])


def test_unknown_rule():
    with pytest.raises(ValueError, match="rule"):
        mirror_landmarks(np.zeros((68, 2)), 5, "absolute")


def test_bounding_box_corners_in_menpo_order():
    from menpo.shape import PointCloud

    points = np.random.default_rng(2).random((68, 2)) * 50
    expected = PointCloud(points).bounding_box().points
    np.testing.assert_allclose(bounding_box_corners(points).numpy(), expected)
