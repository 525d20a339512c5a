"""Losses of the MobileNetV2 regressor, on the network's [B, 136] = [x0..x67, y0..y67]
outputs in [0, 1] of the crop.

* `weighted_euclidean_loss`: custom Caffe's WeightEuclideanLoss (SPEC D.4) with uniform
  weights (as the prototxt): (1 / 2N) sum_n sum_j (y_hat - y)^2 / d_n. normaliser
  'eye_centre' (default, the fix): d_n = distance between the eye centres (p36 + p39) / 2
  and (p42 + p45) / 2 of sample n's own ground truth. 'original': the layer's formula,
  the distance between (x36, y39) and (x42, y45) (the x of one point with the y of
  another). The layer's early versions read sample n + 1's labels (and past the buffer for
  the last); that is not reproduced.
* `wing_loss`: Feng et al. (CVPR 2018), w = 10, epsilon = 2, on crop-pixel errors, summed
  over the 136 coordinates and averaged over the batch.
"""

import math

import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.crop import INPUT_SIZE
from face_alignment_tf.data.landmarks import INNER_EYE_CORNERS, OUTER_EYE_CORNERS

LOSS_NORMALISERS = ("eye_centre", "original")
LOSSES = ("euclidean", "wing")


def loss_normaliser(targets, normaliser: str = "eye_centre") -> tf.Tensor:
    """d_n [B] of targets [B, 136] (in the outputs' [0, 1] units)."""
    targets = tf.convert_to_tensor(targets, tf.float32)
    count = targets.shape[-1] // 2
    x, y = targets[..., :count], targets[..., count:]
    (left_outer, right_outer), (left_inner, right_inner) = OUTER_EYE_CORNERS, INNER_EYE_CORNERS
    if normaliser == "eye_centre":
        left = tf.stack([x[..., left_outer] + x[..., left_inner],
                         y[..., left_outer] + y[..., left_inner]], -1) / 2  # fmt: skip
        right = tf.stack([x[..., right_inner] + x[..., right_outer],
                          y[..., right_inner] + y[..., right_outer]], -1) / 2  # fmt: skip
        return tf.norm(left - right, axis=-1)
    if normaliser == "original":
        first = tf.stack([x[..., left_outer], y[..., left_inner]], -1)
        second = tf.stack([x[..., right_inner], y[..., right_outer]], -1)
        return tf.norm(first - second, axis=-1)
    raise ValueError(f"normaliser must be one of {LOSS_NORMALISERS}, got {normaliser!r}")


def weighted_euclidean_loss(outputs, targets, normaliser: str = "eye_centre") -> tf.Tensor:
    """(1 / 2N) sum_n sum_j (outputs - targets)^2 / d_n, a scalar."""
    outputs = tf.convert_to_tensor(outputs, tf.float32)
    targets = tf.convert_to_tensor(targets, tf.float32)
    squared = tf.reduce_sum(tf.square(outputs - targets), axis=-1)
    return tf.reduce_mean(squared / loss_normaliser(targets, normaliser)) / 2


def wing_loss(outputs, targets, width: float = 10.0, curvature: float = 2.0) -> tf.Tensor:
    """Wing loss of the crop-pixel errors, summed over coordinates, mean over the batch.
    Pixels of a 64-px crop whatever the stage's input size (outputs are fractions of the
    crop), so `width` and `curvature` mean the same fraction of the face at any size."""
    errors = tf.abs(tf.convert_to_tensor(outputs, tf.float32) - targets) * INPUT_SIZE
    offset = width - width * math.log(1 + width / curvature)
    wing = tf.where(errors < width, width * tf.math.log(1 + errors / curvature), errors - offset)
    return tf.reduce_mean(tf.reduce_sum(wing, axis=-1))
