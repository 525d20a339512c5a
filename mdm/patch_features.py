"""MDM's convolutional patch feature extractor (SPEC A.6)."""

import keras
import tensorflow as tf


def weight_initializer() -> keras.initializers.Initializer:
    """The original's TF-slim default: truncated normal, sigma 0.01, cut at 2 sigma."""
    return keras.initializers.TruncatedNormal(stddev=0.01)


def feature_map_size(patch_size: int) -> int:
    """The side of the extractor's output for patches of `patch_size` (0: none left)."""
    return max(0, ((patch_size - 2) // 2 - 2) // 2)


# The smallest patch that leaves a 1x1 feature map.
MIN_PATCH_SIZE = 10


def central_crop_slice(size: int, crop: int) -> slice:
    """The original `get_central_crop` rule: int(size//2 - crop/2) : int(size//2 + crop/2)."""
    return slice(int(size // 2 - crop / 2), int(size // 2 + crop / 2))


@keras.saving.register_keras_serializable(package="mdm")
class PatchFeatureExtractor(keras.layers.Layer):
    """Features of landmark patches.

    [P, s, s, 3] patches -> conv3x3(32, VALID) + ReLU -> max-pool 2 -> conv3x3(32)
    + ReLU -> max-pool 2; the output concatenates the central crop of the second
    conv's map (channels 0..31) with the pooled map (channels 32..63): [P, f, f, 64],
    f = 6 for s = 30 (crop rows/cols 3:9 of 12), f = 5 for s = 26 (2:7 of 10).
    """

    def __init__(self, filters: int = 32, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.conv_1 = keras.layers.Conv2D(
            filters, 3, padding="valid", activation="relu",
            kernel_initializer=weight_initializer(), name="conv_1",
        )  # fmt: skip
        self.conv_2 = keras.layers.Conv2D(
            filters, 3, padding="valid", activation="relu",
            kernel_initializer=weight_initializer(), name="conv_2",
        )  # fmt: skip
        self.pool = keras.layers.MaxPooling2D(2, 2, padding="valid")

    def build(self, input_shape):
        self.conv_1.build(input_shape)
        pooled = self.pool.compute_output_shape(self.conv_1.compute_output_shape(input_shape))
        self.conv_2.build(pooled)

    def call(self, patches: tf.Tensor) -> tf.Tensor:
        conv_2 = self.conv_2(self.pool(self.conv_1(patches)))
        pooled = self.pool(conv_2)
        rows = central_crop_slice(conv_2.shape[1], pooled.shape[1])
        cols = central_crop_slice(conv_2.shape[2], pooled.shape[2])
        return tf.concat([conv_2[:, rows, cols, :], pooled], axis=-1)

    def compute_output_shape(self, input_shape):
        size = feature_map_size(input_shape[1])
        return (input_shape[0], size, size, 2 * self.filters)

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters}
