"""Layers with the SDU code's conventions (SPEC B.3, B.5): conv / BN factories, the
replica-averaged BatchNorm, and ConvBNReLU, the unit every block is made of.

Convolutions: no bias unless asked, 'same' padding, MXNet's Xavier(gaussian,
in, 2) = He normal, untruncated. Batch norm: momentum 0.9, epsilon 2e-5,
moving statistics averaged across replicas.
Tensors are channels-last [B, H, W, C].
"""

import keras


def he_normal() -> keras.initializers.Initializer:
    return keras.initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal")


def conv(filters: int, kernel: int, name: str, use_bias: bool = False):
    return keras.layers.Conv2D(
        filters,
        kernel,
        padding="same",
        use_bias=use_bias,
        kernel_initializer=he_normal(),
        name=name,
    )


def depthwise_conv(name: str):
    """A 3x3 conv with one filter per channel (MXNet num_group = channels), no bias."""
    return keras.layers.DepthwiseConv2D(
        3, padding="same", use_bias=False, depthwise_initializer=he_normal(), name=name
    )


@keras.saving.register_keras_serializable(package="hourglass")
class BatchNorm(keras.layers.BatchNormalization):
    """Batch norm whose moving statistics are averaged across replicas.

    Each replica normalises with its own batch's statistics, as SDU's per-GPU
    batch norm did; the moving mean / variance updates are averaged over the
    replicas (aggregation 'mean', as tf.keras 2 did), so every replica and
    worker keeps the same inference statistics. On one device: plain batch norm.
    """

    def add_weight(self, *args, **kwargs):
        if kwargs.get("trainable") is False:
            kwargs["aggregation"] = "mean"
        return super().add_weight(*args, **kwargs)


def batch_norm(name: str) -> BatchNorm:
    return BatchNorm(momentum=0.9, epsilon=2e-5, name=name)


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
