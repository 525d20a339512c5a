"""bench.small_faces's canvas: the photo's pixels moved whole, the landmarks and box with
them, the face box the asked fraction of the canvas's width, the same seed the same place."""

import numpy as np

from bench.small_faces import CANVAS_ASPECT, CANVAS_GREY, zoomed_out
from face_alignment_tf.detectors import corner_array


def photo_with_a_dot():
    image = np.zeros((60, 80, 3), np.uint8)
    image[25, 41] = 255
    landmarks = np.full((68, 2), 10.0)
    landmarks[30] = [25, 41]
    return image, landmarks, corner_array(10, 20, 50, 60)  # a 40-px box


def test_the_photo_moves_whole_onto_a_grey_canvas():
    image, landmarks, box = photo_with_a_dot()
    canvas, moved, moved_box = zoomed_out(image, landmarks, box, 0.1, np.random.default_rng(3))
    assert canvas.shape == (round(400 * CANVAS_ASPECT), 400, 3)  # 40 px / 0.1
    ((top, left),) = np.argwhere(canvas[..., 0] == 255) - [25, 41]
    np.testing.assert_array_equal(canvas[top : top + 60, left : left + 80], image)
    np.testing.assert_allclose(moved - landmarks, np.tile([top, left], (68, 1)))
    np.testing.assert_allclose(moved_box - box, np.tile([top, left], (4, 1)))
    assert canvas[tuple(moved[30].astype(int))][0] == 255
    outside = np.ones(canvas.shape[:2], bool)
    outside[top : top + 60, left : left + 80] = False
    assert np.all(canvas[outside] == CANVAS_GREY)
    again, *_ = zoomed_out(image, landmarks, box, 0.1, np.random.default_rng(3))
    np.testing.assert_array_equal(again, canvas)


def test_a_photo_wide_enough_already_is_left_as_it_is():
    image, landmarks, box = photo_with_a_dot()
    canvas, moved, moved_box = zoomed_out(image, landmarks, box, 0.5, np.random.default_rng(0))
    assert canvas is image and moved is landmarks and moved_box is box
