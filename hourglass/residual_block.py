"""The pre-activation bottleneck ('resnet') block (SPEC B.3.4)."""

import keras

from hourglass.common import batch_norm, conv


@keras.saving.register_keras_serializable(package="hourglass")
class ResidualBlock(keras.layers.Layer):
    """BN-ReLU-1x1(F/2) -> BN-ReLU-3x3(F/2) -> BN-ReLU-1x1(F), plus the shortcut.

    The shortcut is the input when `dim_match`, else a 1x1 conv (no bias) of
    the pre-activated input. [B, H, W, C] -> [B, H, W, filters].
    """

    def __init__(self, filters: int, dim_match: bool, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.dim_match = filters, dim_match
        self.bn_1, self.bn_2, self.bn_3 = (batch_norm(f"bn_{i}") for i in (1, 2, 3))
        self.conv_1 = conv(filters // 2, 1, "conv_1")
        self.conv_2 = conv(filters // 2, 3, "conv_2")
        self.conv_3 = conv(filters, 1, "conv_3")
        self.shortcut = None if dim_match else conv(filters, 1, "shortcut")

    def call(self, x, training=None):
        act = keras.ops.relu(self.bn_1(x, training=training))
        y = self.conv_1(act)
        y = self.conv_2(keras.ops.relu(self.bn_2(y, training=training)))
        y = self.conv_3(keras.ops.relu(self.bn_3(y, training=training)))
        return y + (x if self.shortcut is None else self.shortcut(act))

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "dim_match": self.dim_match}
