"""The inception-residual ('inception', block35) block (SPEC B.3.4)."""

import keras

from face_alignment_tf.hourglass.sdu_layers import ConvBNReLU


@keras.saving.register_keras_serializable(package="hourglass")
class InceptionBlock(keras.layers.Layer):
    """Towers 1x1(F/4) | 1x1(F/4)-3x3(F/4) | 1x1(F/4)-3x3(3F/8)-3x3(F/2), concat, 1x1(F)+BN.

    Output ReLU(x + towers); every tower conv is Conv-BN-ReLU. Needs C == F (the
    block factory uses the residual block otherwise). [B, H, W, F] -> same.
    """

    def __init__(self, filters: int, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        quarter = filters // 4
        self.tower_1 = [ConvBNReLU(quarter, 1, name="t1_1")]
        self.tower_2 = [ConvBNReLU(quarter, 1, name="t2_1"), ConvBNReLU(quarter, 3, name="t2_2")]
        self.tower_3 = [
            ConvBNReLU(quarter, 1, name="t3_1"),
            ConvBNReLU(3 * filters // 8, 3, name="t3_2"),
            ConvBNReLU(filters // 2, 3, name="t3_3"),
        ]
        self.mix = ConvBNReLU(filters, 1, activate=False, name="mix")

    def call(self, x, training=None):
        towers = []
        for tower in (self.tower_1, self.tower_2, self.tower_3):
            y = x
            for layer in tower:
                y = layer(y, training=training)
            towers.append(y)
        mixed = self.mix(keras.ops.concatenate(towers, axis=-1), training=training)
        return keras.ops.relu(x + mixed)

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters}
