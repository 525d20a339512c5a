"""Layer factories with the SDU code's conventions (SPEC B.3, B.5).

Convolutions: no bias unless asked, 'same' padding, MXNet's Xavier(gaussian,
in, 2) = He normal, untruncated. Batch norm: momentum 0.9, epsilon 2e-5.
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


def batch_norm(name: str):
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=2e-5, name=name)
