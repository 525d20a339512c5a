"""The Scale Aggregation Topology grid (SPEC B.3.5): a 4x4 grid of scales per stack."""

import keras
import numpy as np

from face_alignment_tf.hourglass.blocks import make_block
from face_alignment_tf.hourglass.sdu_layers import ConvBNReLU, batch_norm


@keras.saving.register_keras_serializable(package="hourglass")
class FirstTapInitializer(keras.initializers.Initializer):
    """MXNet's bilinear initialiser applied to a 2x2 deconvolution, as the original did it.

    Writes 1 at tap (0, 0) for every (out, in) channel pair and 0 elsewhere, so
    initially each output channel is the sum of all input channels at even
    positions (SPEC B.3.5). Keras Conv2DTranspose kernels are (kh, kw, out, in).
    """

    def __call__(self, shape, dtype=None):
        kernel = np.zeros(shape, np.float32)
        kernel[0, 0] = 1.0
        return keras.ops.convert_to_tensor(kernel, dtype=dtype or "float32")


@keras.saving.register_keras_serializable(package="hourglass")
class UpDeconv(keras.layers.Layer):
    """Deconv 2x2 stride 2 (no bias) -> BN -> ReLU: [B, H, W, C] -> [B, 2H, 2W, filters]."""

    def __init__(self, filters: int, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.deconv = keras.layers.Conv2DTranspose(
            filters, 2, strides=2, use_bias=False, kernel_initializer=FirstTapInitializer(),
            name="deconv",
        )  # fmt: skip
        self.bn = batch_norm("bn")

    def call(self, x, training=None):
        return keras.ops.relu(self.bn(self.deconv(x), training=training))

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters}


@keras.saving.register_keras_serializable(package="hourglass")
class SATGrid(keras.layers.Layer):
    """One SAT stack body. Down row: c(w,4) = block(pool(block(c(w+1,4)))), w = 3, 2, 1;
    then, with dw a depthwise Conv3x3-BN-ReLU, up a deconv-BN-ReLU and nn a nearest
    2x up-sampling followed by a block:

      c33 = (x + up(c34)) / 2          c23 = (dw(c34) + up(c24)) / 2
      c13 = (dw(c24) + nn(c14)) / 2    c22 = (c33 + up(c23)) / 2
      c12 = (c23 + nn(c13)) / 2        out = c11 = (c22 + nn(c12)) / 2

    9 blocks, 2 depthwise convs, 3 deconvs. [B, H, W, filters] -> same.
    """

    def __init__(self, block: str = "cab", filters: int = 256, **kwargs):
        super().__init__(**kwargs)
        self.block, self.filters = block, filters
        self.down_blocks = [
            tuple(make_block(block, filters, True, f"{part}_{w}4") for part in ("pre", "post"))
            for w in (3, 2, 1)
        ]
        self.pool = keras.layers.MaxPooling2D(2)
        self.nearest = keras.layers.UpSampling2D(2, interpolation="nearest")
        self.up_33, self.up_23, self.up_22 = (
            UpDeconv(filters, name=f"up_{c}") for c in (33, 23, 22)
        )
        self.dw_23 = ConvBNReLU(filters, 3, depthwise=True, name="dw_23")
        self.dw_13 = ConvBNReLU(filters, 3, depthwise=True, name="dw_13")
        self.nn_13, self.nn_12, self.nn_11 = (
            make_block(block, filters, True, f"nn_{c}") for c in (13, 12, 11)
        )

    def call(self, x, training=None):
        row = [x]
        for pre, post in self.down_blocks:
            row.append(post(self.pool(pre(row[-1], training=training)), training=training))
        _, c34, c24, c14 = row
        c33 = (x + self.up_33(c34, training=training)) / 2.0
        c23 = (self.dw_23(c34, training=training) + self.up_23(c24, training=training)) / 2.0
        c13 = (
            self.dw_13(c24, training=training) + self.nn_13(self.nearest(c14), training=training)
        ) / 2.0
        c22 = (c33 + self.up_22(c23, training=training)) / 2.0
        c12 = (c23 + self.nn_12(self.nearest(c13), training=training)) / 2.0
        return (c22 + self.nn_11(self.nearest(c12), training=training)) / 2.0

    def get_config(self) -> dict:
        return {**super().get_config(), "block": self.block, "filters": self.filters}
