"""The reference (mean) shape and how MDM places it in a face box.

All shapes are (y, x) float arrays [68, 2].

* `build_reference_shape`: the mean of the training shapes in their own image
  coordinates (no Procrustes alignment, SPEC A.2 / A.10 #11), scaled about the
  origin so that its bounding-box diagonal is 200 px.
* `align_reference_to_box`: scale by the ratio of the centred Frobenius norms
  of the two 4-corner boxes, centres matched. Training (SPEC A.5.4) does this
  in TF; evaluation (A.8.3) called menpofit's `align_shape_with_bounding_box`,
  whose Procrustes alignment scales by the same ratio of centred norms (menpo
  `procrustes_alignment`) and finds no rotation between axis-aligned boxes: the
  same rule. SPEC A.8.3 / A.10 #8 describe a least-squares scale instead; the
  test against menpofit shows the original never used it.
"""

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.geometry import similarity_matrix
from face_alignment_tf.data.landmarks import bounding_box_corners

REFERENCE_DIAGONAL = 200.0


REFERENCE_ALIGNMENTS = ("none", "procrustes")


def build_reference_shape(
    shapes: np.ndarray, diagonal: float = REFERENCE_DIAGONAL, alignment: str = "none"
) -> np.ndarray:
    """The mean of `shapes` [n, 68, 2], scaled about the origin to bbox diagonal `diagonal`.

    alignment 'none' is the original: the plain mean of the shapes in their own
    image coordinates. 'procrustes' is the generalised Procrustes mean (each
    shape aligned to the mean by a similarity), centred on the origin: better
    when the training faces differ in position, scale or in-plane rotation.
    Returns float32 [68, 2].
    """
    shapes = np.asarray(shapes, dtype=np.float64)
    if shapes.ndim != 3 or len(shapes) == 0:
        raise ValueError(f"need a non-empty [n, points, 2] array of shapes, got {shapes.shape}")
    if alignment == "none":
        mean = shapes.mean(axis=0)
    elif alignment == "procrustes":
        mean = procrustes_mean(shapes)
    else:
        raise ValueError(f"alignment must be one of {REFERENCE_ALIGNMENTS}, got {alignment!r}")
    extent = mean.max(axis=0) - mean.min(axis=0)
    return (mean * (diagonal / np.linalg.norm(extent))).astype(np.float32)


def _normalised(shape: np.ndarray) -> np.ndarray:
    centred = shape - shape.mean(axis=0)
    return centred / np.linalg.norm(centred)


def _align(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """`source` mapped onto `target` by the least-squares similarity."""
    matrix = similarity_matrix(source, target)
    return source @ matrix[:2, :2].T + matrix[:2, 2]


def procrustes_mean(shapes: np.ndarray, iterations: int = 20, tolerance: float = 1e-10):
    """Generalised Procrustes mean of shapes [n, p, 2]: centred, unit Frobenius norm."""
    mean = _normalised(shapes[0])
    for _ in range(iterations):
        aligned = np.stack([_align(_normalised(shape), mean) for shape in shapes])
        updated = _normalised(aligned.mean(axis=0))
        updated = _normalised(_align(updated, mean))  # keep the orientation fixed
        converged = np.linalg.norm(updated - mean) < tolerance
        mean = updated
        if converged:
            break
    return mean


def align_reference_to_box(reference_shape, boxes) -> tf.Tensor:
    """The reference shape placed in 4-point boxes (the initial shape).

    Args:
      reference_shape: float [68, 2] (y, x).
      boxes: float [..., 4, 2] (y, x) box points.

    Returns:
      float32 [..., 68, 2]: (ref - mean(refbox)) * ratio + mean(box), ratio =
      ||box - mean(box)||_F / ||refbox - mean(refbox)||_F, refbox = the 4
      corners of the reference shape's bounding box.
    """
    reference_shape = tf.convert_to_tensor(reference_shape, tf.float32)
    boxes = tf.convert_to_tensor(boxes, tf.float32)
    reference_box = bounding_box_corners(reference_shape)

    def centred_norm(points):
        centred = points - tf.reduce_mean(points, axis=-2, keepdims=True)
        return tf.sqrt(tf.reduce_sum(tf.square(centred), axis=[-2, -1]))

    ratio = (centred_norm(boxes) / centred_norm(reference_box))[..., None, None]
    return (reference_shape - tf.reduce_mean(reference_box, axis=-2)) * ratio + tf.reduce_mean(
        boxes, axis=-2, keepdims=True
    )
