"""The recursive hourglass (SPEC B.3.3): one block per branch, nearest up-sampling."""

import keras

from face_alignment_tf.hourglass.blocks import make_block


@keras.saving.register_keras_serializable(package="hourglass")
class HourglassModule(keras.layers.Layer):
    """HG(x, n) = block_up(x) + upsample(block_after(HG_or_block(block_down(pool(x)), n - 1))).

    `depth` poolings (3: 64 -> 8 px); 3 * depth + 1 blocks, all filters -> filters.
    [B, H, W, filters] -> same; H and W must be divisible by 2**depth.
    """

    def __init__(self, depth: int, block: str, filters: int = 256, **kwargs):
        super().__init__(**kwargs)
        self.depth, self.block, self.filters = depth, block, filters
        self.up = make_block(block, filters, True, "up")
        self.down = make_block(block, filters, True, "down")
        self.inner = (
            HourglassModule(depth - 1, block, filters, name="inner")
            if depth > 1
            else make_block(block, filters, True, "inner")
        )
        self.after = make_block(block, filters, True, "after")
        self.pool = keras.layers.MaxPooling2D(2)
        self.upsample = keras.layers.UpSampling2D(2, interpolation="nearest")

    def call(self, x, training=None):
        low = self.down(self.pool(x), training=training)
        low = self.after(self.inner(low, training=training), training=training)
        return self.up(x, training=training) + self.upsample(low)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth": self.depth,
            "block": self.block,
            "filters": self.filters,
        }
