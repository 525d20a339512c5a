"""The PCA box-perturbation model against menpo's PCAModel and by sampling statistics."""

import numpy as np
import pytest

from face_alignment_tf.data.convert import convert
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.preprocessing import prepare_training_face
from face_alignment_tf.mdm.box_model import BoxPerturbationModel, normalise_boxes


def synthetic_pairs(count, seed=0):
    rng = np.random.default_rng(seed)
    landmarks = rng.random((count, 68, 2)) * [100, 80] + rng.random((count, 1, 2)) * 50
    lo, hi = landmarks.min(1), landmarks.max(1)
    boxes = np.stack(
        [lo, np.stack([hi[:, 0], lo[:, 1]], 1), hi, np.stack([lo[:, 0], hi[:, 1]], 1)], 1
    )
    boxes = boxes + rng.normal(0, 4, boxes.shape) + rng.normal(0, 3, (count, 1, 2))
    return landmarks, boxes


def test_matches_menpo_pca_model():
    from menpo.model import PCAModel
    from menpo.shape import PointCloud

    landmarks, boxes = synthetic_pairs(200)
    model = BoxPerturbationModel.fit(landmarks, boxes)
    normalised = np.asarray(normalise_boxes(landmarks, boxes))
    menpo_model = PCAModel([PointCloud(b) for b in normalised], verbose=False)
    np.testing.assert_allclose(model.mean, menpo_model.mean().as_vector(), rtol=1e-6)
    np.testing.assert_allclose(model.eigenvalues, menpo_model.eigenvalues, rtol=1e-6)
    # Components agree up to sign.
    dots = np.abs(np.sum(model.components * menpo_model.components, axis=1))
    np.testing.assert_allclose(dots, 1.0, atol=1e-6)


def test_samples_reproduce_the_box_distribution():
    landmarks, boxes = synthetic_pairs(300, seed=1)
    model = BoxPerturbationModel.fit(landmarks, boxes)
    gt = np.repeat(landmarks[:1], 20000, axis=0)
    samples = model.sample(gt.astype(np.float32), seed=[3, 4]).numpy()
    normalised = np.asarray(normalise_boxes(gt, samples)).reshape(len(gt), -1)
    np.testing.assert_allclose(normalised.mean(0), model.mean, atol=0.01)
    covariance = (model.components.T * model.eigenvalues) @ model.components
    np.testing.assert_allclose(np.cov(normalised, rowvar=False), covariance, atol=3e-4)


def test_identical_boxes_give_zero_components_and_the_mean_box():
    landmarks, _ = synthetic_pairs(5)
    lo, hi = landmarks.min(1), landmarks.max(1)
    boxes = np.stack(
        [lo, np.stack([hi[:, 0], lo[:, 1]], 1), hi, np.stack([lo[:, 0], hi[:, 1]], 1)], 1
    )
    model = BoxPerturbationModel.fit(landmarks, boxes)
    assert model.components.shape == (0, 8)
    sample = model.sample(landmarks.astype(np.float32), seed=[0, 1]).numpy()
    np.testing.assert_allclose(sample, boxes, rtol=1e-5, atol=1e-3)


def test_fit_to_records_is_the_fit_of_the_prepared_faces(make_dataset, tmp_path):
    root = make_dataset({"afw": 5})
    reference = convert(f"{root}/afw/*.png", tmp_path / "train", workers=1)["reference_shape"]
    faces = [prepare_training_face(r, np.asarray(reference, np.float32)) for r in discover_faces(
        f"{root}/afw/*.png")]  # fmt: skip
    expected = BoxPerturbationModel.fit(
        np.stack([f.landmarks for f in faces]), np.stack([f.box for f in faces])
    )
    model = BoxPerturbationModel.fit_to_records(tmp_path / "train")
    for name in ("mean", "components", "eigenvalues"):
        np.testing.assert_allclose(getattr(model, name), getattr(expected, name), rtol=1e-6)
    with pytest.raises(ValueError, match="two faces"):
        BoxPerturbationModel.fit(*synthetic_pairs(1))
