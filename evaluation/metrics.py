"""Landmark error metrics shared by training losses and every evaluator.

Shapes are (y, x) [..., 68, 2]. The per-image error is the mean point-to-point
Euclidean distance divided by a normalising distance of the ground truth:

* 'inter_ocular': outer eye corners ||p36 - p45|| (MDM, the 300-W standard);
* 'eye_centre': ||(p36 + p39)/2 - (p42 + p45)/2|| (SDU 2D);
* 'bbox': sqrt(height * width) of the ground truth's bounding box (SDU 3D).
"""

import numpy as np
import scipy.integrate
import tensorflow as tf

from face_alignment_tf.data.landmarks import INNER_EYE_CORNERS, OUTER_EYE_CORNERS

NORMALISERS = ("inter_ocular", "eye_centre", "bbox")
FAILURE_THRESHOLD = 0.08
AUC_STEP = 1e-4


def normalising_distance(ground_truth, normaliser: str = "inter_ocular") -> tf.Tensor:
    """The per-image normalising distance [...] of ground truths [..., 68, 2]."""
    gt = tf.convert_to_tensor(ground_truth, tf.float32)
    (left_outer, right_outer), (left_inner, right_inner) = OUTER_EYE_CORNERS, INNER_EYE_CORNERS
    if normaliser == "inter_ocular":
        return tf.norm(gt[..., left_outer, :] - gt[..., right_outer, :], axis=-1)
    if normaliser == "eye_centre":
        left = (gt[..., left_outer, :] + gt[..., left_inner, :]) / 2
        right = (gt[..., right_inner, :] + gt[..., right_outer, :]) / 2
        return tf.norm(left - right, axis=-1)
    if normaliser == "bbox":
        extent = tf.reduce_max(gt, axis=-2) - tf.reduce_min(gt, axis=-2)
        return tf.sqrt(extent[..., 0] * extent[..., 1])
    raise ValueError(f"normaliser must be one of {NORMALISERS}, got {normaliser!r}")


def normalised_point_errors(
    prediction, ground_truth, normaliser: str = "inter_ocular"
) -> tf.Tensor:
    """Per-point errors [..., 68]: ||pred_i - gt_i|| / the image's normalising distance."""
    prediction = tf.convert_to_tensor(prediction, tf.float32)
    ground_truth = tf.convert_to_tensor(ground_truth, tf.float32)
    point_errors = tf.norm(prediction - ground_truth, axis=-1)
    return point_errors / normalising_distance(ground_truth, normaliser)[..., None]


def normalised_mean_error(prediction, ground_truth, normaliser: str = "inter_ocular") -> tf.Tensor:
    """Per-image NME [...]: mean_i ||pred_i - gt_i|| / normalising distance."""
    return tf.reduce_mean(normalised_point_errors(prediction, ground_truth, normaliser), axis=-1)


def cumulative_error_distribution(errors, thresholds) -> np.ndarray:
    """CED(x) = fraction of errors <= x, for each threshold x."""
    errors = np.asarray(errors, np.float64).ravel()
    if errors.size == 0:
        raise ValueError("no errors to summarise")
    return np.mean(errors[None, :] <= np.asarray(thresholds, np.float64)[:, None], axis=1)


def failure_rate(errors, threshold: float = FAILURE_THRESHOLD) -> float:
    """Fraction of errors above `threshold` (= 1 - CED(threshold))."""
    return float(np.mean(np.asarray(errors, np.float64) > threshold))


def area_under_ced(errors, threshold: float = FAILURE_THRESHOLD, step: float = AUC_STEP) -> float:
    """AUC of the CED on [0, threshold], by Simpson's rule on a `step` grid, divided by threshold.

    This is the 300-W notebook's AUC@0.08 (the original evaluator's "auc" was
    the fraction below the threshold instead; SPEC A.8, A.10 #9).
    """
    grid = np.linspace(0.0, threshold, int(round(threshold / step)) + 1)
    ced = cumulative_error_distribution(errors, grid)
    return float(scipy.integrate.simpson(ced, x=grid) / threshold)
