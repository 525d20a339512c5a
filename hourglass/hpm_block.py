"""The hierarchical, parallel, multi-scale ('hpm') block (SPEC B.3.4)."""

import keras

from face_alignment_tf.hourglass.pre_activation_block import PreActivationBlock


@keras.saving.register_keras_serializable(package="hourglass")
class HPMBlock(PreActivationBlock):
    """c1 = 3x3(F/2), c2 = 3x3(F/4) of c1, c3 = 3x3(F/4) of c2 (each after BN-ReLU).

    Output concat(c1, c2, c3) + shortcut.
    """

    stages = ((0.5, 3), (0.25, 3), (0.25, 3))

    def combine(self, outputs):
        return keras.ops.concatenate(outputs, axis=-1)
