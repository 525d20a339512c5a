"""numpy affines on (y, x, 1): points mapped and matrices inverted, against numpy's algebra."""

import numpy as np

from face_alignment_tf.data.geometry import inverse_affine, map_points


def test_points_mapped_and_mapped_back():
    rng = np.random.default_rng(0)
    matrix = np.vstack([rng.normal(size=(2, 3)), [0.0, 0.0, 1.0]])
    points = rng.uniform(-50, 50, (68, 2)).astype(np.float32)
    expected = (np.c_[points, np.ones(68)] @ matrix.T)[:, :2]
    mapped = map_points(matrix, points)
    assert mapped.dtype == np.float64
    np.testing.assert_allclose(mapped, expected, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(inverse_affine(matrix), np.linalg.inv(matrix)[:2], atol=1e-12)
    np.testing.assert_allclose(map_points(inverse_affine(matrix), mapped), points, atol=1e-9)
    assert map_points(matrix, np.zeros((0, 2))).shape == (0, 2)
