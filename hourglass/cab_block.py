"""The channel aggregation block (CAB, SPEC B.3.4)."""

import keras

from face_alignment_tf.hourglass.sdu_layers import ConvBNReLU


@keras.saving.register_keras_serializable(package="hourglass")
class CABlock(keras.layers.Layer):
    """A 4x4 recursive grid over channel widths C, C/2, C/4, C/8.

    c34 = lin3(x -> C/2), c24 = lin3(c34 -> C/4), c14 = lin3(c24 -> C/8), where
    lin3 = Conv3x3-BN-ReLU; then, with [y, y] the channel duplication of y and
    dw a depthwise lin3:
      c33 = (x + [c34, c34]) / 2        c23 = (dw(c34) + [c24, c24]) / 2
      c13 = (dw(c24) + [c14, c14]) / 2  c22 = (c33 + [c23, c23]) / 2
      c12 = (c23 + [c13, c13]) / 2      out = c11 = (c22 + [c12, c12]) / 2
    The input reaches the output with weight 1/8. [B, H, W, C] -> same.
    """

    def __init__(self, filters: int, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.lin_34 = ConvBNReLU(filters // 2, 3, name="lin_34")
        self.lin_24 = ConvBNReLU(filters // 4, 3, name="lin_24")
        self.lin_14 = ConvBNReLU(filters // 8, 3, name="lin_14")
        self.depthwise_34 = ConvBNReLU(filters // 2, 3, depthwise=True, name="dw_34")
        self.depthwise_24 = ConvBNReLU(filters // 4, 3, depthwise=True, name="dw_24")

    def call(self, x, training=None):
        def merge(a, b):
            return (a + keras.ops.concatenate([b, b], axis=-1)) / 2.0

        c34 = self.lin_34(x, training=training)
        c24 = self.lin_24(c34, training=training)
        c14 = self.lin_14(c24, training=training)
        c33 = merge(x, c34)
        c23 = merge(self.depthwise_34(c34, training=training), c24)
        c13 = merge(self.depthwise_24(c24, training=training), c14)
        c22 = merge(c33, c23)
        c12 = merge(c23, c13)
        return merge(c22, c12)

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters}
