"""The PCA "synthetic detector" that generates MDM's training initialisations.

Each training face's detector box is expressed relative to the bounding box of
its ground-truth landmarks (centre subtracted, divided per axis by the
(height, width)); a PCA of these 8-vectors (mean-centred, covariance with
1/(n-1), eigenvalues below 1e-10 of the largest dropped, as menpo's `pca`)
models how the detector errs. Sampling draws weights w ~ N(0, diag(eigenvalues))
and maps the normalised box back with the current ground-truth box (SPEC A.5.4).
"""

import dataclasses
from pathlib import Path

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.landmarks import bounding_box_corners
from face_alignment_tf.data.tfrecords import parse_landmarks_and_box, shard_paths

EIGENVALUE_EPS = 1e-10


def normalise_boxes(landmarks, boxes):
    """Boxes relative to the landmarks' bounding box: (box - centre) / (h, w).

    landmarks [..., 68, 2], boxes [..., 4, 2], (y, x); returns [..., 4, 2].
    """
    corners = bounding_box_corners(landmarks)
    lo, hi = tf.reduce_min(corners, axis=-2), tf.reduce_max(corners, axis=-2)
    centre, extent = (lo + hi) / 2, hi - lo
    return (boxes - centre[..., None, :]) / extent[..., None, :]


def denormalise_boxes(normalised, landmarks):
    """Inverse of `normalise_boxes` for the given landmarks."""
    corners = bounding_box_corners(landmarks)
    lo, hi = tf.reduce_min(corners, axis=-2), tf.reduce_max(corners, axis=-2)
    return normalised * (hi - lo)[..., None, :] + ((lo + hi) / 2)[..., None, :]


@dataclasses.dataclass(frozen=True)
class BoxPerturbationModel:
    """PCA model of detector boxes relative to ground-truth boxes.

    mean: float [8] (the 4 box points (y, x) flattened); components: [k, 8]
    orthonormal rows; eigenvalues: [k], variances along the components.
    """

    mean: np.ndarray
    components: np.ndarray
    eigenvalues: np.ndarray

    @classmethod
    def fit(cls, landmarks: np.ndarray, boxes: np.ndarray) -> "BoxPerturbationModel":
        """Fits the model to ground truths [n, 68, 2] and their detector boxes [n, 4, 2]."""
        samples = np.asarray(
            normalise_boxes(np.asarray(landmarks, np.float64), np.asarray(boxes, np.float64))
        ).reshape(len(boxes), -1)
        if len(samples) < 2:
            raise ValueError("the box model needs at least two faces")
        mean = samples.mean(axis=0)
        covariance = np.cov(samples, rowvar=False, ddof=1)
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        order = np.argsort(eigenvalues)[::-1]
        eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
        keep = eigenvalues > EIGENVALUE_EPS * max(eigenvalues[0], EIGENVALUE_EPS)
        return cls(mean, eigenvectors[:, keep].T.reshape(-1, mean.size), eigenvalues[keep].copy())

    @classmethod
    def fit_to_records(cls, directory: str | Path) -> "BoxPerturbationModel":
        """Fits the model to the ground truths and detector boxes of a converted training set
        (its images are not decoded)."""
        faces = list(tf.data.TFRecordDataset(shard_paths(directory)).map(parse_landmarks_and_box))
        return cls.fit(
            np.stack([face["landmarks"].numpy() for face in faces]),
            np.stack([face["box"].numpy() for face in faces]),
        )

    def sample(self, landmarks, seed) -> tf.Tensor:
        """Synthetic detector boxes around ground truths.

        Args:
          landmarks: float [B, 68, 2] (y, x) ground truths (after augmentation).
          seed: shape-[2] int seed for the stateless random draw.

        Returns:
          float32 [B, 4, 2] (y, x) boxes.
        """
        landmarks = tf.convert_to_tensor(landmarks, tf.float32)
        batch = tf.shape(landmarks)[0]
        weights = tf.random.stateless_normal([batch, len(self.eigenvalues)], seed)
        weights *= tf.sqrt(tf.constant(self.eigenvalues, tf.float32))
        # A broadcast sum, not a matmul: k may be 0 (identical boxes), which oneDNN rejects.
        offsets = tf.reduce_sum(weights[:, :, None] * tf.constant(self.components, tf.float32), 1)
        normalised = tf.constant(self.mean, tf.float32) + offsets
        return denormalise_boxes(tf.reshape(normalised, [batch, 4, 2]), landmarks)
