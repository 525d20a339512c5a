"""MDM's training loss (SPEC A.7): the sum over steps of the batch-mean NME."""

import tensorflow as tf

from face_alignment_tf.evaluation.metrics import normalised_mean_error


def step_losses(steps: tf.Tensor, ground_truth: tf.Tensor) -> tf.Tensor:
    """Mean inter-ocular NME of each step's estimate: [T] from steps [B, T, N, 2], gt [B, N, 2]."""
    errors = normalised_mean_error(steps, ground_truth[:, None])  # [B, T]
    return tf.reduce_mean(errors, axis=0)


def mdm_loss(steps: tf.Tensor, ground_truth: tf.Tensor) -> tf.Tensor:
    """Unweighted sum over the T steps of the mean per-image error."""
    return tf.reduce_sum(step_losses(steps, ground_truth))
