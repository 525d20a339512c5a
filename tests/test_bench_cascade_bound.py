"""bench.cascade_bound: the later stages are started from each perturbed face's true points."""

import numpy as np
import pytest

from bench.cascade_bound import START_FROM_BOX, START_FROM_TRUTH, bound_errors
from face_alignment_tf.data.landmarks import NUM_LANDMARKS


def synthetic_faces(count: int = 2):
    rng = np.random.default_rng(0)
    faces = []
    for index in range(count):
        landmarks = rng.uniform(60, 140, (NUM_LANDMARKS, 2))
        landmarks[36], landmarks[45] = [100.0, 50.0], [100.0, 150.0]  # inter-ocular 100
        box = np.array([[40.0, 40.0], [160.0, 40.0], [160.0, 160.0], [40.0, 160.0]])
        image = rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)
        faces.append((f"face{index}.png", image, landmarks, box))
    return faces


def test_refining_starts_from_the_perturbed_faces_true_points():
    faces = synthetic_faces()
    starts = []

    def refine(image, points):  # 5 px off the points it was given: NME 0.05 if they were true
        starts.append(points)
        return points + np.array([3.0, 4.0])

    def align(image, box):  # the box's corners, repeated: far from the face
        return np.resize(box, (NUM_LANDMARKS, 2))

    errors = bound_errors(align, refine, faces, ["none", "rotation 30°"], seed=0)
    assert set(errors) == {START_FROM_BOX, START_FROM_TRUTH}
    for name in ("none", "rotation 30°"):
        assert list(errors[START_FROM_TRUTH][name].values()) == pytest.approx([0.05, 0.05])
        assert min(errors[START_FROM_BOX][name].values()) > 0.2
    # the rotated faces' points are not the originals: each start was the perturbed truth
    assert not np.allclose(starts[2], faces[0][2])
    np.testing.assert_allclose(starts[0], faces[0][2])


def test_an_unknown_perturbation_is_named():
    with pytest.raises(ValueError, match="rotation 90"):
        bound_errors(None, None, synthetic_faces(1), ["rotation 90"], seed=0)
