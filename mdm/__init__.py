"""MDM, the Mnemonic Descent Method (Trigeorgis et al., CVPR 2016), in Keras 3."""

from face_alignment_tf.mdm.loss import mdm_loss, step_losses
from face_alignment_tf.mdm.model import MDM
from face_alignment_tf.mdm.moving_average import ExponentialMovingAverage
from face_alignment_tf.mdm.patch_features import PatchFeatureExtractor

__all__ = ["MDM", "ExponentialMovingAverage", "PatchFeatureExtractor", "mdm_loss", "step_losses"]
