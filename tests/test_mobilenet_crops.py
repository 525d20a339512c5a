"""The demo's crop rule by hand, and the 136-vector decoding (SPEC D.5, E.4 item 4)."""

import numpy as np
import pytest

from mobilenet.crops import crop_matrix, decode_landmarks, encode_landmarks, padded_square


def corners(top, left, bottom, right):
    return np.array([[top, left], [bottom, left], [bottom, right], [top, right]], np.float32)


def demo_box(x1, y1, x2, y2):
    """The original demo's obtain_bbox(., 1) then pad_bbox(., 0.05), as (x1, y1, x2, y2)."""
    w, h = x2 - x1 + 1, y2 - y1 + 1
    pad_h, pad_w = ((w - h) / 2, 0) if w / h >= 1 else (0, (h - w) / 2)
    x1, y1, x2, y2 = x1 - pad_w, y1 - pad_h, x2 + pad_w, y2 + pad_h
    pad_w, pad_h = (x2 - x1) * 0.05, (y2 - y1) * 0.05
    return x1 - pad_w, y1, x2 + pad_w, y2 + 2 * pad_h


@pytest.mark.parametrize("box", [(40, 30, 139, 149), (10, 20, 90, 60), (5, 5, 70, 70)])
def test_padded_square_is_the_demos_box(box):
    x1, y1, x2, y2 = box
    origin, side = padded_square(corners(y1, x1, y2, x2))
    ex1, ey1, ex2, ey2 = demo_box(*box)
    np.testing.assert_allclose(origin.numpy(), [ey1, ex1], rtol=1e-6)
    assert float(side) == pytest.approx(ex2 - ex1, rel=1e-6)


def test_crop_matrix_maps_the_square_onto_the_input():
    box = corners(30, 40, 149, 139)
    (top, left), side = (v.numpy() for v in padded_square(box))
    matrix = crop_matrix(box).numpy()
    points = np.array([[top, left, 1], [top + side, left + side, 1]])
    np.testing.assert_allclose(points @ matrix.T, [[0, 0, 1], [64, 64, 1]], atol=1e-4)


def test_decoding_is_reshape_2_68_transposed_times_64_minus_1():
    outputs = np.random.default_rng(0).uniform(0, 1, (3, 136)).astype(np.float32)
    expected_xy = np.transpose(outputs.reshape(3, 2, 68), (0, 2, 1)) * 64 - 1
    np.testing.assert_allclose(decode_landmarks(outputs).numpy(), expected_xy[..., ::-1], atol=1e-5)
    np.testing.assert_allclose(
        encode_landmarks(decode_landmarks(outputs)).numpy(), outputs, atol=1e-6
    )


def test_numpy_and_tf_compute_the_same_crop():
    boxes = np.random.default_rng(1).uniform(0, 200, (5, 4, 2)).astype(np.float32)
    np.testing.assert_allclose(
        crop_matrix(boxes, xp=np), np.asarray(crop_matrix(boxes)), rtol=1e-6, atol=1e-4
    )
