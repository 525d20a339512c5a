"""The demo's crop rule by hand, and the 136-vector decoding (SPEC D.5, E.4 item 4)."""

import numpy as np
import pytest

from face_alignment_tf.backbones.mobilenet_v2.crop import (
    crop_matrix,
    decode_landmarks,
    encode_landmarks,
    padded_square,
)
from face_alignment_tf.mobilenet.crops import (
    face_crop_matrix,
    stage2_crop_matrix,
    stage_crop_matrix,
    tilt_angle,
)


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


def turned(points: np.ndarray, degrees: float, centre) -> np.ndarray:
    """Points turned counter-clockwise as displayed (y down) by `degrees` about `centre`."""
    angle = np.radians(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return (points - centre) @ rotation.T + centre


def level_shape() -> np.ndarray:
    from tests.conftest import template_shape

    shape = template_shape()
    return turned(shape, np.degrees(float(tilt_angle(shape, xp=np))), shape.mean(0))


def test_tilt_is_the_eye_lines_angle():
    points = np.zeros((68, 2), np.float32)
    points[36:42] = [100, 50]  # image-left eye centre (y, x)
    points[42:48] = [110, 60]  # the other, 10 px lower and 10 px further right
    assert float(tilt_angle(points, xp=np)) == pytest.approx(np.pi / 4)
    points[42:48] = [100, 80]
    assert float(tilt_angle(points, xp=np)) == pytest.approx(0.0)
    # Turning a face counter-clockwise (as displayed) by 30 degrees tilts it by -30.
    shape = level_shape()
    assert float(tilt_angle(shape, xp=np)) == pytest.approx(0.0, abs=1e-5)
    again = turned(shape, 30, shape.mean(0))
    assert float(tilt_angle(again, xp=np)) == pytest.approx(-np.pi / 6, abs=1e-5)


def test_aligned_crop_of_a_level_face_is_the_box_crop():
    shape = level_shape().astype(np.float32)
    np.testing.assert_allclose(
        stage2_crop_matrix(shape, "aligned", xp=np), crop_matrix(shape, xp=np), atol=1e-3
    )


@pytest.mark.parametrize("degrees", [-50, -20, 35, 70])
def test_aligned_crop_sees_a_turned_face_as_the_level_one(degrees):
    shape = level_shape()
    moved = turned(shape, degrees, [140.0, 90.0]) + [30.0, -12.0]
    level = stage2_crop_matrix(shape.astype(np.float32), "aligned", xp=np)
    tilted = stage2_crop_matrix(moved.astype(np.float32), "aligned", xp=np)
    in_level = shape @ level[:2, :2].T + level[:2, 2]
    in_tilted = moved @ tilted[:2, :2].T + tilted[:2, 2]
    np.testing.assert_allclose(in_tilted, in_level, atol=1e-2)
    # The box rule does not: the turned face's crop is another picture.
    boxed = crop_matrix(moved.astype(np.float32), xp=np)
    assert np.abs(moved @ boxed[:2, :2].T + boxed[:2, 2] - in_level).max() > 3
    # Numpy and TF agree.
    np.testing.assert_allclose(
        np.asarray(stage2_crop_matrix(moved.astype(np.float32), "aligned")), tilted, atol=1e-3
    )


@pytest.mark.parametrize("stage, rule", [(1, "box"), (2, "box"), (2, "aligned")])
def test_one_faces_matrix_on_floats_is_the_array_codes(stage, rule):
    rng = np.random.default_rng(2)
    shape = level_shape()
    for degrees in (-60, -15, 0, 25, 80):
        points = turned(shape, degrees, shape.mean(0)) * rng.uniform(0.5, 3) + rng.uniform(
            0, 300, 2
        )
        region = corners(*points.min(0), *points.max(0)) if stage == 1 else points
        expected = stage_crop_matrix(stage, region.astype(np.float32), rule, 80, xp=np)
        matrix = face_crop_matrix(stage, region, rule, 80)
        assert matrix.dtype == np.float64
        np.testing.assert_allclose(matrix, expected, rtol=1e-5, atol=1e-4)
    # Coinciding eye centres give no turn, as in the array code.
    points = shape.copy()
    points[36:48] = points[36:48].mean(0)
    np.testing.assert_allclose(
        face_crop_matrix(2, points, "aligned", 64),
        stage_crop_matrix(2, points.astype(np.float32), "aligned", 64, xp=np),
        rtol=1e-5,
        atol=1e-4,
    )
    with pytest.raises(ValueError, match="stage-2 crop"):
        face_crop_matrix(2, points, "tilted")
