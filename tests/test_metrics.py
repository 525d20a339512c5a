"""NME, CED, failure rate and AUC against hand computations."""

import numpy as np
import pytest

from face_alignment_tf.evaluation.metrics import (
    area_under_ced,
    cumulative_error_distribution,
    failure_rate,
    normalised_mean_error,
    normalising_distance,
)


def face_with_eyes():
    gt = np.zeros((68, 2), np.float32)
    gt[36], gt[39], gt[42], gt[45] = [10, 10], [10, 20], [10, 40], [10, 50]
    return gt


def test_nme_by_hand():
    gt = face_with_eyes()
    prediction = gt.copy()
    prediction[0] += [3, 4]  # one point 5 px off
    prediction[1] += [0, 2]  # one point 2 px off
    expected = (5 + 2) / 68 / 40.0  # outer corners 40 px apart
    assert normalised_mean_error(prediction, gt).numpy() == pytest.approx(expected)
    batch = normalised_mean_error(np.stack([prediction, gt]), np.stack([gt, gt])).numpy()
    np.testing.assert_allclose(batch, [expected, 0.0])


def test_normalisers():
    gt = face_with_eyes()
    gt[0], gt[1] = [0, 0], [30, 60]  # bbox 30 x 60
    assert normalising_distance(gt, "inter_ocular").numpy() == pytest.approx(40)
    assert normalising_distance(gt, "eye_centre").numpy() == pytest.approx(30)
    assert normalising_distance(gt, "bbox").numpy() == pytest.approx(np.sqrt(30 * 60))
    with pytest.raises(ValueError):
        normalising_distance(gt, "pupils")


def test_ced_failure_and_auc():
    errors = np.array([0.01, 0.05, 0.08, 0.1])
    np.testing.assert_allclose(
        cumulative_error_distribution(errors, [0.0, 0.05, 0.08]), [0, 0.5, 0.75]
    )
    assert failure_rate(errors) == 0.25  # strictly above 0.08
    # All errors zero -> CED = 1 everywhere -> AUC 1.
    assert area_under_ced(np.zeros(5)) == pytest.approx(1.0)
    # Uniform errors on [0, 0.08]: CED(x) = x / 0.08, AUC = 1/2.
    assert area_under_ced(np.linspace(0, 0.08, 100001)[1:]) == pytest.approx(0.5, abs=1e-4)
    # One error at 0.02005: CED steps from 0 to 1 at grid point 201 of 0..800 (h = 1e-4).
    # Composite Simpson weights h/3 * [1, 4, 2, 4, ..., 2, 4, 1], summed from 201 on.
    weights = np.array([1] + [4, 2] * 399 + [4, 1], np.float64) * 1e-4 / 3
    assert area_under_ced([0.02005]) == pytest.approx(weights[201:].sum() / 0.08, abs=1e-12)
    assert area_under_ced([0.02005]) == pytest.approx(0.75, abs=1e-3)  # the exact area, nearly


def test_point_errors_are_distances_over_the_inter_ocular_distance():
    from face_alignment_tf.evaluation.metrics import normalised_point_errors

    rng = np.random.default_rng(3)
    truth = rng.uniform(0, 100, (2, 68, 2))
    prediction = truth + rng.normal(0, 2, truth.shape)
    expected = (
        np.linalg.norm(prediction - truth, axis=-1)
        / np.linalg.norm(truth[:, 36] - truth[:, 45], axis=-1)[:, None]
    )
    errors = normalised_point_errors(prediction, truth).numpy()
    np.testing.assert_allclose(errors, expected, rtol=1e-5, atol=1e-6)  # float32
    np.testing.assert_allclose(
        normalised_mean_error(prediction, truth).numpy(), expected.mean(-1), rtol=1e-5
    )
