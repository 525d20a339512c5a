"""The MobileNetV2 landmark regressor of Face-alignment-mobilenet-v2 (SPEC D.2), in Keras 3.

Input [B, S, S, 3] BGR with values 0..255 (S = `input_size`: 64 as the original; any
multiple of 16, the network's total stride, for a sharper crop), normalised in the graph
as the Caffe data layer: (v - 127.5) * 0.0078125. conv1 3x3 s2 (16, bias) + six inverted-residual
bottlenecks (t, c, s) = (6, 24, 2), (6, 24, 1), (6, 32, 2), (6, 32, 1), (6, 64, 2),
(3, 64, 1), residual adds in the stride-1 ones only, then fc 1024 -> 200 -> 200 -> 50 ->
136. BN = Caffe BatchNorm + Scale (momentum 0.999, eps 1e-5); leaky ReLU 0.01; no
activation after projections, adds, fc3, fc4. The last feature map is S/16 x S/16 x 64
(4 x 4 at 64 px), so fc1's inputs grow with S; `transfer_weights` carries a network's
weights to another input size. Stride-2 convs pad 1 on every side as Caffe
(ZeroPadding2D(1) + VALID); the features are flattened in Caffe's (C, H, W) order.
Output [B, 136] = [x0..x67, y0..y67] in [0, 1] of the crop (`decode_landmarks`).
349,738 trainable + 4,352 non-trainable parameters at 64 px.
"""

import keras
import numpy as np
import tensorflow as tf

NUM_LANDMARKS = 68
INPUT_SIZE = 64
TOTAL_STRIDE = 16  # conv1, B1, B3 and B5 halve the map
FEATURE_CHANNELS = 64
# (expansion t, output channels c, stride s) of B1..B6 (the prototxt's t = 3 for B6).
BOTTLENECKS = ((6, 24, 2), (6, 24, 1), (6, 32, 2), (6, 32, 1), (6, 64, 2), (3, 64, 1))
LEAKY_SLOPE = 0.01


def xavier() -> keras.initializers.Initializer:
    """Caffe's 'xavier' filler: uniform +-sqrt(3 / fan_in)."""
    return keras.initializers.VarianceScaling(1.0, "fan_in", "uniform")


def msra() -> keras.initializers.Initializer:
    """Caffe's 'msra' filler: Gaussian with std sqrt(2 / fan_in)."""
    return keras.initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal")


def batch_norm(name: str) -> keras.layers.BatchNormalization:
    return keras.layers.BatchNormalization(momentum=0.999, epsilon=1e-5, name=name)


def check_input_size(size: int) -> None:
    """Raises ValueError unless `size` is a positive multiple of the total stride."""
    if size < TOTAL_STRIDE or size % TOTAL_STRIDE:
        raise ValueError(f"input_size must be a positive multiple of {TOTAL_STRIDE}, got {size}")


@keras.saving.register_keras_serializable(package="mobilenet")
class Bottleneck(keras.layers.Layer):
    """1x1 expand (t * C_in) BN LReLU -> depthwise 3x3 (stride s) BN LReLU -> 1x1 project
    (c) BN, + input when s = 1 and C_in = c. [B, H, W, C_in] -> [B, H / s, W / s, c]."""

    def __init__(self, expansion: int, filters: int, stride: int, **kwargs):
        super().__init__(**kwargs)
        self.expansion, self.filters, self.stride = expansion, filters, stride
        self.depthwise = keras.layers.DepthwiseConv2D(
            3, stride, "valid" if stride == 2 else "same", use_bias=False,
            depthwise_initializer=msra(), name="depthwise",
        )  # fmt: skip
        self.pad = keras.layers.ZeroPadding2D(1) if stride == 2 else None
        self.project = keras.layers.Conv2D(
            filters, 1, use_bias=False, kernel_initializer=msra(), name="project"
        )
        self.expand_bn, self.depthwise_bn = batch_norm("expand_bn"), batch_norm("depthwise_bn")
        self.project_bn = batch_norm("project_bn")

    def build(self, input_shape):
        channels = input_shape[-1]
        self.residual = self.stride == 1 and channels == self.filters
        self.expand = keras.layers.Conv2D(
            self.expansion * channels, 1, use_bias=False, kernel_initializer=msra(),
            name="expand",
        )  # fmt: skip
        self.expand.build(input_shape)
        expanded = (*input_shape[:-1], self.expansion * channels)
        self.expand_bn.build(expanded)
        padded = self.pad.compute_output_shape(expanded) if self.pad else expanded
        self.depthwise.build(padded)
        reduced = self.depthwise.compute_output_shape(padded)
        self.depthwise_bn.build(reduced)
        self.project.build(reduced)
        self.project_bn.build((*reduced[:-1], self.filters))

    def call(self, x, training=None):
        y = keras.ops.leaky_relu(self.expand_bn(self.expand(x), training=training), LEAKY_SLOPE)
        if self.pad is not None:
            y = self.pad(y)
        y = self.depthwise_bn(self.depthwise(y), training=training)
        y = self.project_bn(self.project(keras.ops.leaky_relu(y, LEAKY_SLOPE)), training=training)
        return x + y if self.residual else y

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "expansion": self.expansion,
            "filters": self.filters,
            "stride": self.stride,
        }


@keras.saving.register_keras_serializable(package="mobilenet")
class MobileNetV2Regressor(keras.Model):
    """[B, S, S, 3] BGR 0..255 -> [B, 136] = [x0..x67, y0..y67] in [0, 1] of the crop
    (S = `input_size`); with `num_outputs`, fc4 has that many outputs instead (another
    head's inputs, e.g. ShapeNet's K + 4 shape and transform parameters)."""

    def __init__(
        self,
        num_landmarks: int = NUM_LANDMARKS,
        num_outputs: int | None = None,
        input_size: int = INPUT_SIZE,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_input_size(input_size)
        self.num_landmarks = num_landmarks
        self.num_outputs = num_outputs
        self.input_size = input_size
        self.normalise = keras.layers.Rescaling(0.0078125, offset=-127.5 * 0.0078125)
        self.conv1_pad = keras.layers.ZeroPadding2D(1)
        self.conv1 = keras.layers.Conv2D(
            16, 3, 2, "valid", kernel_initializer=xavier(), name="conv1"
        )
        self.conv1_bn = batch_norm("conv1_bn")
        self.block_1 = Bottleneck(*BOTTLENECKS[0], name="block_1")
        self.block_2 = Bottleneck(*BOTTLENECKS[1], name="block_2")
        self.block_3 = Bottleneck(*BOTTLENECKS[2], name="block_3")
        self.block_4 = Bottleneck(*BOTTLENECKS[3], name="block_4")
        self.block_5 = Bottleneck(*BOTTLENECKS[4], name="block_5")
        self.block_6 = Bottleneck(*BOTTLENECKS[5], name="block_6")
        self.channels_first = keras.layers.Permute((3, 1, 2))  # Caffe's C, H, W flatten order
        self.flatten = keras.layers.Flatten()
        self.fc1 = keras.layers.Dense(200, kernel_initializer=xavier(), name="fc1")
        self.fc2 = keras.layers.Dense(200, kernel_initializer=xavier(), name="fc2")
        self.fc3 = keras.layers.Dense(50, kernel_initializer=xavier(), name="fc3")
        self.fc4 = keras.layers.Dense(
            num_outputs or 2 * num_landmarks, kernel_initializer=xavier(), name="fc4"
        )

    def features(self, images, training=None):
        """The last bottleneck's [B, S/16, S/16, 64] feature map."""
        x = self.conv1(self.conv1_pad(self.normalise(images)))
        x = keras.ops.leaky_relu(self.conv1_bn(x, training=training), LEAKY_SLOPE)
        for block in (self.block_1, self.block_2, self.block_3, self.block_4, self.block_5,
                      self.block_6):  # fmt: skip
            x = block(x, training=training)
        return x

    def call(self, images, training=None):
        x = self.flatten(self.channels_first(self.features(images, training=training)))
        x = keras.ops.leaky_relu(self.fc1(x), LEAKY_SLOPE)
        x = keras.ops.leaky_relu(self.fc2(x), LEAKY_SLOPE)
        return self.fc4(self.fc3(x))

    @property
    def output_layer(self) -> keras.layers.Layer:
        """The last (linear) layer, whose bias a head may initialise."""
        return self.fc4

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_landmarks": self.num_landmarks,
            "num_outputs": self.num_outputs,
            "input_size": self.input_size,
        }


def resized_flatten_kernel(kernel: np.ndarray, grid: int) -> np.ndarray:
    """fc1's kernel [64 g0 g0, units] (inputs in Caffe's (C, H, W) flatten order) for a
    g x g feature map instead: each channel's g0 x g0 weight grid resized bilinearly (pixel
    centres aligned, edges clamped), scaled by g0^2 / g^2 so that a feature map constant
    over the grid keeps its response where the resize keeps the grid's mean (exactly from
    4 to 6, 64 to 96 px)."""
    units = kernel.shape[-1]
    old = round((kernel.shape[0] / FEATURE_CHANNELS) ** 0.5)
    weights = np.reshape(kernel, (FEATURE_CHANNELS, old, old, units))
    resized = tf.image.resize(weights, (grid, grid), "bilinear").numpy() * (old / grid) ** 2
    return resized.reshape(FEATURE_CHANNELS * grid * grid, units).astype(kernel.dtype)


def transfer_weights(source: MobileNetV2Regressor, target: MobileNetV2Regressor) -> None:
    """Every weight of `source` into `target` (both built), which may read another input
    size: fc1's kernel then resized to its feature grid (`resized_flatten_kernel`); every
    other weight is independent of the input size and copied as it is."""
    for source_weight, target_weight in zip(source.weights, target.weights, strict=True):
        value = source_weight.numpy()
        if value.shape != tuple(target_weight.shape):
            if not target_weight.path.endswith("fc1/kernel"):
                raise ValueError(f"{target_weight.path}: shape {tuple(target_weight.shape)} "
                                 f"does not take {source_weight.path}'s {value.shape}")  # fmt: skip
            value = resized_flatten_kernel(value, target.input_size // TOTAL_STRIDE)
        target_weight.assign(value)
