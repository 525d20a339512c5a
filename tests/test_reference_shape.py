"""Reference shape and both initialisation rules against menpo/menpofit and hand formulas."""

import numpy as np
import pytest

from face_alignment_tf.data.reference_shape import align_reference_to_box, build_reference_shape


def test_matches_menpofit_and_has_diagonal_200():
    from menpo.shape import PointCloud
    from menpofit.builder import compute_reference_shape

    rng = np.random.default_rng(0)
    shapes = rng.random((5, 68, 2)) * [120, 90] + rng.random((5, 1, 2)) * 300
    ours = build_reference_shape(shapes)
    theirs = compute_reference_shape([PointCloud(s) for s in shapes], 200, verbose=False).points
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    extent = ours.max(0) - ours.min(0)
    assert np.hypot(*extent) == pytest.approx(200, abs=1e-4)


def test_diagonal_alignment_by_hand():
    reference = np.array([[0, 0], [10, 0], [10, 20], [0, 20]] + [[5, 10]] * 64, np.float32)
    box = np.array([[100, 200], [130, 200], [130, 260], [100, 260]], np.float32)
    # refbox half-diagonal norm: corners at (+-5, +-10) -> sqrt(4 * 125); box: (+-15, +-30).
    ratio = np.sqrt(4 * (15**2 + 30**2)) / np.sqrt(4 * (5**2 + 10**2))
    expected = (reference - [5, 10]) * ratio + [115, 230]
    np.testing.assert_allclose(align_reference_to_box(reference, box).numpy(), expected, rtol=1e-6)
    batched = align_reference_to_box(reference, np.stack([box, box + 1]))
    np.testing.assert_allclose(batched.numpy()[1], expected + 1, rtol=1e-6)


def test_alignment_is_menpofits_bounding_box_alignment():
    # The original evaluation initialisation (SPEC A.8.3) called menpofit; its
    # Procrustes scale is the ratio of centred norms, so it equals our rule
    # (not the least-squares scale (h1 h2 + w1 w2) / (h1^2 + w1^2)).
    from menpo.shape import PointCloud
    from menpofit.fitter import align_shape_with_bounding_box

    rng = np.random.default_rng(1)
    reference = rng.random((68, 2)) * [150, 110]
    box = PointCloud(np.array([[40, 30], [210, 30], [210, 90], [40, 90]], np.float64))
    expected = align_shape_with_bounding_box(PointCloud(reference), box.bounding_box()).points
    np.testing.assert_allclose(
        align_reference_to_box(reference, box.points).numpy(), expected, rtol=1e-5
    )
    half1 = (reference.max(0) - reference.min(0)) / 2
    least_squares = np.dot(half1, [85, 30]) / np.dot(half1, half1)
    got = np.ptp(align_reference_to_box(reference, box.points).numpy(), axis=0) / (2 * half1)
    assert abs(got[0] - least_squares) > 0.03


def random_similarity(shape, rng):
    angle = rng.uniform(-0.5, 0.5)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return rng.uniform(0.3, 3.0) * shape @ rotation + rng.uniform(-500, 500, 2)


def test_procrustes_mean_ignores_position_scale_and_rotation():
    from tests.conftest import template_shape

    rng = np.random.default_rng(3)
    base = template_shape()
    shapes = np.stack([base + rng.normal(0, 1.0, base.shape) for _ in range(6)])
    moved = np.stack([random_similarity(shape, rng) for shape in shapes])
    plain = build_reference_shape(shapes, alignment="procrustes")
    again = build_reference_shape(moved, alignment="procrustes")
    # Same shape up to a similarity; both have diagonal 200.
    from face_alignment_tf.data.reference_shape import _align

    np.testing.assert_allclose(_align(again, plain), plain, atol=0.05)
    assert np.hypot(*np.ptp(again, axis=0)) == pytest.approx(200, abs=1e-3)
    # menpo's generalised Procrustes analysis finds the same mean shape.
    from menpo.shape import PointCloud
    from menpo.transform import GeneralizedProcrustesAnalysis

    menpo_mean = GeneralizedProcrustesAnalysis([PointCloud(m) for m in moved]).mean_aligned_shape()
    np.testing.assert_allclose(_align(menpo_mean.points, plain), plain, atol=0.05)
    # The unaligned mean of the moved shapes is distorted; the Procrustes mean is not.
    unaligned = build_reference_shape(moved, alignment="none")
    assert np.abs(_align(unaligned, plain) - plain).max() > 1.0


def test_unknown_alignment():
    with pytest.raises(ValueError, match="alignment"):
        build_reference_shape(np.zeros((2, 68, 2)) + np.arange(2)[:, None, None], alignment="gpa")
