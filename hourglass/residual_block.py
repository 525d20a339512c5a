"""The pre-activation bottleneck ('resnet') block (SPEC B.3.4)."""

import keras

from face_alignment_tf.hourglass.pre_activation_block import PreActivationBlock


@keras.saving.register_keras_serializable(package="hourglass")
class ResidualBlock(PreActivationBlock):
    """BN-ReLU-1x1(F/2) -> BN-ReLU-3x3(F/2) -> BN-ReLU-1x1(F), plus the shortcut."""

    stages = ((0.5, 1), (0.5, 3), (1.0, 1))

    def combine(self, outputs):
        return outputs[-1]
