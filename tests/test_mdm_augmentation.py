"""Augmentation ops: canvas padding, rotation consistency, colour distortion."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.mdm.augmentation import distort_colour, pad_to_canvas, rotate


def test_padding_offsets_and_noise():
    image = np.full((10, 7, 3), 0.5, np.float32)
    landmarks = np.zeros((68, 2), np.float32) + [2, 3]
    canvas, moved = pad_to_canvas(image, landmarks, (20, 30), seed=[1, 2])
    dy, dx = (20 - 10 - 1) // 2, (30 - 7 - 1) // 2  # SPEC A.3.7
    canvas = canvas.numpy()
    np.testing.assert_array_equal(canvas[dy : dy + 10, dx : dx + 7], image)
    np.testing.assert_allclose(moved.numpy()[0], [2 + dy, 3 + dx])
    outside = np.ones((20, 30), bool)
    outside[dy : dy + 10, dx : dx + 7] = False
    noise = canvas[outside]
    assert (
        0 <= noise.min()
        and noise.max() < 1
        and abs(noise.mean() - 0.5) < 0.05
        and noise.std() > 0.2
    )
    same, _ = pad_to_canvas(image, landmarks, (20, 30), seed=[1, 2])
    np.testing.assert_array_equal(same.numpy(), canvas)  # stateless: same seed, same noise


@pytest.mark.parametrize("degrees", [-25.0, 10.0, 90.0])
def test_rotation_keeps_landmarks_on_their_pixels(degrees):
    rng = np.random.default_rng(0)
    height, width = 80, 90
    image = np.zeros((height, width, 3), np.float32)
    landmarks = rng.integers(25, 55, (68, 2)).astype(np.float32)
    y, x = landmarks[7].astype(int)
    image[y - 1 : y + 2, x - 1 : x + 2] = 1.0  # a 3x3 blob under landmark 7
    centre = tf.reduce_mean(landmarks, axis=0)
    rotated, moved = rotate(image, landmarks, np.deg2rad(degrees), centre)
    ry, rx = np.round(moved.numpy()[7]).astype(int)
    assert rotated.numpy()[ry, rx, 0] > 0.9
    # The centre stays put, distances are preserved.
    np.testing.assert_allclose(tf.reduce_mean(moved, 0).numpy(), centre.numpy(), atol=1e-4)
    np.testing.assert_allclose(
        np.linalg.norm(moved.numpy()[0] - moved.numpy()[1]),
        np.linalg.norm(landmarks[0] - landmarks[1]),
        rtol=1e-5,
    )


def test_positive_angle_is_counter_clockwise_on_screen():
    landmarks = np.array([[10.0, 20.0]] * 68, np.float32)  # right of the centre (10, 10)
    _, moved = rotate(
        np.zeros((30, 30, 1), np.float32), landmarks, np.pi / 2, tf.constant([10.0, 10.0])
    )
    # Counter-clockwise on screen (y down): a point right of the centre moves up.
    np.testing.assert_allclose(moved.numpy()[0], [0.0, 10.0], atol=1e-4)


def test_colour_distortion_stays_in_range_and_is_seeded():
    image = np.random.default_rng(1).random((32, 32, 3)).astype(np.float32)
    a = distort_colour(image, seed=[5, 6]).numpy()
    b = distort_colour(image, seed=[5, 6]).numpy()
    c = distort_colour(image, seed=[5, 7]).numpy()
    assert a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # Gaussian noise sigma 0.1 dominates the pixel-to-pixel change.
    assert 0.05 < np.std(a - image) < 0.5
