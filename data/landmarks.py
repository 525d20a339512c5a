"""68-point iBUG landmark conventions: the mirror permutation, mirroring (points and
images), boxes.

Points are (y, x) = (row, column), 0-based pixel centres.

TensorFlow is imported by the functions that run it: the numpy parts load without it
(the LiteRT inference path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

NUM_LANDMARKS = 68
# Outer eye corners (left-image-side 36, other side 45): the inter-ocular pair.
OUTER_EYE_CORNERS = (36, 45)
# Inner eye corners, for the eye-centre distance.
INNER_EYE_CORNERS = (39, 42)

# Index i of a mirrored shape takes point MIRROR_PERMUTATION_68[i] of the
# original (SPEC section 0; identical in MDM and SDU). An involution.
MIRROR_PERMUTATION_68 = np.array(
    [16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]  # jaw
    + [26, 25, 24, 23, 22, 21, 20, 19, 18, 17]  # brows
    + [27, 28, 29, 30, 35, 34, 33, 32, 31]  # nose
    + [45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40]  # eyes
    + [54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55]  # outer mouth
    + [64, 63, 62, 61, 60, 67, 66, 65],  # inner mouth
    dtype=np.int32,
)

MIRROR_RULES = ("corrected", "original")

# The 68-point markup's contours as drawn by dlib and face-alignment: (first, last, closed).
CONTOURS_68 = (
    (0, 16, False),  # jaw
    (17, 21, False),  # brows
    (22, 26, False),
    (27, 30, False),  # nose bridge
    (31, 35, False),  # nostrils
    (36, 41, True),  # eyes
    (42, 47, True),
    (48, 59, True),  # outer lips
    (60, 67, True),  # inner lips
)

# The markup's regions, for errors region by region (bench.regions): index ranges.
REGIONS_68 = {
    "jaw": range(0, 17),
    "brows": range(17, 27),
    "nose": range(27, 36),
    "eyes": range(36, 48),
    "mouth": range(48, 68),
}


def mirror_landmarks(points, width, rule: str = "corrected") -> tf.Tensor:
    """Landmarks of the left-right mirrored image.

    Args:
      points: float [..., 68, 2] (y, x).
      width: image width in pixels, a scalar or shaped like points[..., 0, 0].
      rule: 'corrected' maps column x to W - 1 - x, as the pixel flip does;
        'original' is MDM's x -> |W - x| (one pixel too far right, SPEC A.10 #1).

    Returns:
      float32 [..., 68, 2]: the mirrored points, re-labelled with the permutation.
    """
    import tensorflow as tf

    points = tf.convert_to_tensor(points, tf.float32)
    width = tf.cast(width, tf.float32)[..., None]
    y, x = points[..., 0], points[..., 1]
    if rule == "corrected":
        x = width - 1.0 - x
    elif rule == "original":
        x = tf.abs(width - x)
    else:
        raise ValueError(f"rule must be one of {MIRROR_RULES}, got {rule!r}")
    return tf.gather(tf.stack([y, x], axis=-1), MIRROR_PERMUTATION_68, axis=-2)


def mirror(image, landmarks, rule: str = "corrected"):
    """Left-right flip of the pixels and the landmarks (permutation included)."""
    import tensorflow as tf

    width = tf.shape(image)[-2]
    return tf.reverse(image, axis=[-2]), mirror_landmarks(landmarks, width, rule)


def bounding_box_corners(points):
    """The 4 corners of the points' bounding box, in menpo's order.

    float [..., n, 2] (y, x) -> [..., 4, 2]: (min_y, min_x), (max_y, min_x),
    (max_y, max_x), (min_y, max_x). Works on numpy arrays and tensors.
    """
    import tensorflow as tf

    lo = tf.reduce_min(points, axis=-2)
    hi = tf.reduce_max(points, axis=-2)
    return tf.stack(
        [lo, tf.stack([hi[..., 0], lo[..., 1]], -1), hi, tf.stack([lo[..., 0], hi[..., 1]], -1)],
        axis=-2,
    )
