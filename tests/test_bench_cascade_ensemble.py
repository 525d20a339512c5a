"""bench.cascade_ensemble: an ensemble's error is that of its members' mean points."""

import numpy as np
import pytest

from bench.cascade_ensemble import ensemble_errors
from face_alignment_tf.data.landmarks import NUM_LANDMARKS


def test_errors_that_cancel_in_the_mean_give_a_perfect_ensemble():
    rng = np.random.default_rng(0)
    landmarks = rng.uniform(0, 200, (2, NUM_LANDMARKS, 2))
    landmarks[:, 36] = [100.0, 50.0]  # outer eye corners 100 px apart: inter-ocular 100
    landmarks[:, 45] = [100.0, 150.0]
    shift = np.array([3.0, 4.0])  # 5 px: NME 0.05
    points = {"a": landmarks + shift, "b": landmarks - shift, "c": landmarks + 2 * shift}
    errors = ensemble_errors(points, landmarks, {"a+b": ["a", "b"], "a+c": ["a", "c"]})
    assert list(errors) == ["a", "b", "c", "a+b", "a+c"]
    for face in (0, 1):
        assert errors["a"][face] == pytest.approx(0.05)
        assert errors["c"][face] == pytest.approx(0.10)
        assert errors["a+b"][face] == pytest.approx(0.0, abs=1e-6)
        assert errors["a+c"][face] == pytest.approx(0.075)
