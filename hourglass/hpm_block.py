"""The hierarchical, parallel, multi-scale ('hpm') block (SPEC B.3.4)."""

import keras

from hourglass.common import batch_norm, conv


@keras.saving.register_keras_serializable(package="hourglass")
class HPMBlock(keras.layers.Layer):
    """c1 = 3x3(F/2) of BN-ReLU(x); c2 = 3x3(F/4) of BN-ReLU(c1); c3 = 3x3(F/4) of BN-ReLU(c2).

    Output concat(c1, c2, c3) + shortcut (input if `dim_match`, else a 1x1 conv
    of BN-ReLU(x)). [B, H, W, C] -> [B, H, W, filters].
    """

    def __init__(self, filters: int, dim_match: bool, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.dim_match = filters, dim_match
        self.bn_1, self.bn_2, self.bn_3 = (batch_norm(f"bn_{i}") for i in (1, 2, 3))
        self.conv_1 = conv(filters // 2, 3, "conv_1")
        self.conv_2 = conv(filters // 4, 3, "conv_2")
        self.conv_3 = conv(filters // 4, 3, "conv_3")
        self.shortcut = None if dim_match else conv(filters, 1, "shortcut")

    def call(self, x, training=None):
        act = keras.ops.relu(self.bn_1(x, training=training))
        c1 = self.conv_1(act)
        c2 = self.conv_2(keras.ops.relu(self.bn_2(c1, training=training)))
        c3 = self.conv_3(keras.ops.relu(self.bn_3(c2, training=training)))
        out = keras.ops.concatenate([c1, c2, c3], axis=-1)
        return out + (x if self.shortcut is None else self.shortcut(act))

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "dim_match": self.dim_match}
