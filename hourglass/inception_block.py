"""The inception-residual ('inception', block35) block (SPEC B.3.4)."""

import keras

from hourglass.common import batch_norm, conv, depthwise_conv


@keras.saving.register_keras_serializable(package="hourglass")
class ConvBNReLU(keras.layers.Layer):
    """Conv (no bias) -> BN -> ReLU (no ReLU with activate=False).

    depthwise=True: one 3x3 filter per input channel (MXNet num_group = channels;
    a native depthwise op, where a grouped Conv2D would be XLA-compiled on CPU).
    """

    def __init__(
        self, filters: int, kernel: int, activate: bool = True, depthwise: bool = False, **kwargs
    ):
        super().__init__(**kwargs)
        self.filters, self.kernel = filters, kernel
        self.activate, self.depthwise = activate, depthwise
        self.conv = depthwise_conv("conv") if depthwise else conv(filters, kernel, "conv")
        self.bn = batch_norm("bn")

    def call(self, x, training=None):
        y = self.bn(self.conv(x), training=training)
        return keras.ops.relu(y) if self.activate else y

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel": self.kernel,
            "activate": self.activate,
            "depthwise": self.depthwise,
        }


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
