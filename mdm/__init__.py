"""MDM, the Mnemonic Descent Method (Trigeorgis et al., CVPR 2016), in Keras 3."""

from mdm.loss import mdm_loss, step_losses
from mdm.model import MDM
from mdm.moving_average import ExponentialMovingAverage
from mdm.patch_features import PatchFeatureExtractor

__all__ = ["MDM", "ExponentialMovingAverage", "PatchFeatureExtractor", "mdm_loss", "step_losses"]
