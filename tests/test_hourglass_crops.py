"""SDU crop transforms: template alignment and box crops (SPEC B.2, B.6)."""

import numpy as np
import pytest

from face_alignment_tf.data.geometry import similarity_matrix
from face_alignment_tf.hourglass.crops import (
    arcface_template,
    box_crop,
    five_points,
    oracle_box,
    template_alignment,
)
from tests.conftest import template_shape


def apply(matrix, points):
    return np.asarray(points) @ matrix[:2, :2].T + matrix[:2, 2]


def test_template_in_the_384_frame():
    template = arcface_template()
    np.testing.assert_allclose(template[0], [41.6963 * 2 + 80, 38.2946 * 2 + 80])  # (y, x)
    assert template[0, 1] < template[1, 1]  # left eye left of the right eye


def test_similarity_matrix_recovers_a_known_similarity():
    rng = np.random.default_rng(0)
    points = rng.uniform(0, 100, (10, 2))
    angle, scale, shift = 0.4, 1.7, np.array([12.0, -30.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = scale * points @ rotation.T + shift
    np.testing.assert_allclose(apply(similarity_matrix(points, moved), points), moved, atol=1e-9)
    # A reflection is never used: mirrored targets give a proper rotation.
    mirrored = moved * [1, -1]
    assert np.linalg.det(similarity_matrix(points, mirrored)[:2, :2]) > 0


def test_template_alignment_puts_the_five_points_near_the_template():
    face = template_shape() * 0.7 + [300, 120]
    aligned = apply(template_alignment(face), five_points(face))
    assert np.abs(aligned - arcface_template()).max() < 15  # a real face, not the template
    centre = apply(template_alignment(face), face).mean(0)
    assert np.all(np.abs(centre - 192) < 40)


def test_box_crop_by_hand():
    box = np.array([[10, 20], [110, 20], [110, 80], [10, 80]], np.float64)  # 100 x 60
    matrix = box_crop(box)
    scale = 128 / (1.2 * 100)
    np.testing.assert_allclose(matrix[:2, :2], np.eye(2) * scale)
    np.testing.assert_allclose(apply(matrix, [[60, 50]]), [[64, 64]])
    corners = apply(matrix, box)
    assert corners.min() > 0 and corners.max() < 128


@pytest.mark.parametrize("landmark_type, raise_px", [("2d", 36), ("3d", 30)])
def test_oracle_box_raises_the_top(landmark_type, raise_px):
    points = np.array([[100.0, 50.0], [200.0, 150.0]])
    np.testing.assert_allclose(
        oracle_box(points, landmark_type), [[100 - raise_px, 50], [200, 150]]
    )
    np.testing.assert_allclose(oracle_box(points - [90, 0], landmark_type)[0, 0], 0.0)
