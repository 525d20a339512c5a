"""Geometry every family shares: 3x3 affines on homogeneous (y, x, 1), the one bilinear
warp, rotations about a point and the least-squares similarity between point sets.

Points are (y, x) = (row, column) with pixel centres at integer coordinates.

TensorFlow is imported by the functions that run it: the numpy parts load without it
(the LiteRT inference path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf


def apply_affine(matrix, points) -> tf.Tensor:
    """Points [..., N, 2] (y, x) mapped by 3x3 affines on homogeneous (y, x, 1): one matrix
    [3, 3], or one per point set [..., 3, 3]."""
    import tensorflow as tf

    matrix = tf.convert_to_tensor(matrix, tf.float32)
    points = tf.convert_to_tensor(points, tf.float32)
    return tf.linalg.matvec(matrix[..., None, :2, :2], points) + matrix[..., None, :2, 2]


def warp_affine(image, matrix, output_shape) -> tf.Tensor:
    """Warps an image so that input point p lands on output point matrix @ p.

    image [H, W, C] with matrix 3x3, or a batch [B, H, W, C] with matrices [B, 3, 3]
    (affines on homogeneous (y, x, 1)); output [*output_shape, C] (or [B, ...]).
    Bilinear sampling with pixel centres at integer coordinates, zero outside.
    """
    import tensorflow as tf

    image = tf.convert_to_tensor(image)
    batched = image.shape.rank == 4
    images = image if batched else image[None]
    matrices = tf.cast(matrix, tf.float32) if batched else tf.cast(matrix, tf.float32)[None]
    inverse = tf.linalg.inv(matrices)
    zeros = tf.zeros_like(inverse[:, 0, 0])
    # ImageProjectiveTransformV3 maps output (x, y) to input (x, y): swap the axes.
    transforms = tf.stack(
        [
            inverse[:, 1, 1],
            inverse[:, 1, 0],
            inverse[:, 1, 2],
            inverse[:, 0, 1],
            inverse[:, 0, 0],
            inverse[:, 0, 2],
            zeros,
            zeros,
        ],
        axis=-1,
    )
    warped = tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=tf.convert_to_tensor(output_shape, tf.int32),
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )
    return warped if batched else warped[0]


def opencv_affine(matrix: np.ndarray) -> np.ndarray:
    """A 3x3 affine on (y, x, 1) as OpenCV's 2x3 on (x, y, 1) (cv2.warpAffine's matrix)."""
    matrix = np.asarray(matrix, np.float64)
    return np.array(
        [[matrix[1, 1], matrix[1, 0], matrix[1, 2]], [matrix[0, 1], matrix[0, 0], matrix[0, 2]]]
    )


def map_points(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """float64 points [N, 2] (y, x) through an affine on (y, x, 1): 3x3, or its top two rows
    (`inverse_affine`). numpy's counterpart of `apply_affine`, in one OpenCV call (on one
    face a numpy product and sum cost several times as much)."""
    points = np.asarray(points, np.float64).reshape(-1, 1, 2)
    if not len(points):
        return points.reshape(0, 2)
    return cv2.transform(points, np.asarray(matrix, np.float64)[:2]).reshape(-1, 2)


def inverse_affine(matrix: np.ndarray) -> np.ndarray:
    """The inverse of an affine (3x3 on (y, x, 1), or its top two rows), as its top two
    rows [2, 3] (what `map_points` takes; OpenCV's closed form, a fifth of np.linalg.inv's
    time on one matrix)."""
    return cv2.invertAffineTransform(np.asarray(matrix, np.float64)[:2])


def rotation_matrix(angle, centre) -> tf.Tensor:
    """3x3 affine on (y, x, 1): p -> c + R (p - c), R = [[cos, -sin], [sin, cos]] on (y, x).

    Positive angles (radians) turn the face counter-clockwise as displayed.
    """
    import tensorflow as tf

    cos, sin = tf.cos(angle), tf.sin(angle)
    rotation = tf.stack([[cos, -sin], [sin, cos]])
    offset = centre - tf.linalg.matvec(rotation, centre)
    return tf.concat([tf.concat([rotation, offset[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)


def similarity_matrix(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The least-squares similarity (no reflection) taking points `source` onto `target`.

    source, target: [n, 2] in the same (y, x) order. Returns a 3x3 affine on
    homogeneous (y, x, 1) (Umeyama's solution, as skimage's SimilarityTransform).
    """
    source, target = np.asarray(source, np.float64), np.asarray(target, np.float64)
    source_mean, target_mean = source.mean(0), target.mean(0)
    source_centred, target_centred = source - source_mean, target - target_mean
    u, singular, vt = np.linalg.svd(target_centred.T @ source_centred)
    correction = np.diag([1.0, np.sign(np.linalg.det(u @ vt))])
    rotation = u @ correction @ vt
    scale = np.sum(singular * np.diag(correction)) / np.sum(source_centred**2)
    matrix = np.eye(3)
    matrix[:2, :2] = scale * rotation
    matrix[:2, 2] = target_mean - scale * rotation @ source_mean
    return matrix
