"""shapenet.pca against an independent SVD and the SPEC E.3 #4 round trip."""

import numpy as np
import pytest

from face_alignment_tf.shapenet.pca import (
    build_shape_model,
    flatten_shapes,
    level_shapes,
    shape_parameters,
)
from tests.conftest import template_shape


@pytest.fixture
def shapes():
    rng = np.random.default_rng(0)
    base = template_shape()
    # Shapes in "image frames": scaled, shifted and a little deformed, 40 of them.
    return np.stack([
        base * rng.uniform(0.5, 2.0) + rng.uniform(0, 300, 2) + rng.normal(0, 2.0, base.shape)
        for _ in range(40)
    ])  # fmt: skip


def test_layout_mean_and_components_against_numpy(shapes):
    model = build_shape_model(shapes, num_components=25)
    assert model.shape == (26, 68, 2)
    # Independent reference: one global centroid, y-block then x-block, centred SVD.
    centred = shapes - shapes.reshape(-1, 2).mean(0)
    vectors = np.concatenate([centred[:, :, 0], centred[:, :, 1]], axis=1)
    mean = vectors.mean(0)
    _, sigma, axes = np.linalg.svd(vectors - mean, full_matrices=False)
    np.testing.assert_allclose(model[0][:, 0], mean[:68], atol=1e-9)
    np.testing.assert_allclose(model[0][:, 1], mean[68:], atol=1e-9)
    np.testing.assert_allclose(model[0].mean(0), 0.0, atol=1e-9)  # row 0: zero centroid
    for k in range(25):
        component = np.concatenate([model[k + 1][:, 0], model[k + 1][:, 1]])
        assert np.linalg.norm(component) == pytest.approx(sigma[k], rel=1e-9)
        # The same direction up to sign.
        assert abs(component @ axes[k]) == pytest.approx(sigma[k], rel=1e-9)


def test_all_components_reproduce_every_centred_training_shape(shapes):
    model = build_shape_model(shapes)
    centred = shapes - shapes.reshape(-1, 2).mean(0)
    parameters = shape_parameters(model, centred)
    rebuilt = model[0] + np.einsum("mk,knd->mnd", parameters, model[1:])
    np.testing.assert_allclose(rebuilt, centred, atol=1e-8)
    # p_k = projection coefficient / singular value.
    vectors = flatten_shapes(centred) - flatten_shapes(model[:1])
    unit = flatten_shapes(model[1:2])[0]
    sigma = np.linalg.norm(unit)
    np.testing.assert_allclose(parameters[:, 0], vectors @ (unit / sigma) / sigma, atol=1e-10)


def test_rotation_normalisation_levels_the_chosen_points(shapes):
    angles = np.random.default_rng(1).uniform(-0.5, 0.5, len(shapes))
    tilted = []
    for shape, angle in zip(shapes, angles, strict=True):
        centre = shape.mean(0)
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        tilted.append((shape - centre) @ rotation.T + centre)
    levelled = level_shapes(np.stack(tilted), (36, 45))
    np.testing.assert_allclose(levelled[:, 36, 0], levelled[:, 45, 0], atol=1e-9)
    assert np.all(levelled[:, 45, 1] > levelled[:, 36, 1])
    np.testing.assert_allclose(levelled.mean(1), np.stack(tilted).mean(1), atol=1e-9)
    # Copies of one shape that differ only by their rotation: the PCA of the levelled copies
    # has nothing left to explain; the plain one spends a component on the rotation.
    copies = np.stack([(shapes[0] - shapes[0].mean(0)) @ np.array(
        [[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]).T for a in angles])  # fmt: skip
    assert np.linalg.norm(build_shape_model(copies, 1, "outer_eye_corners")[1]) < 1e-6
    assert np.linalg.norm(build_shape_model(copies, 1)[1]) > 10.0
