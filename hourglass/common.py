"""Layer factories with the SDU code's conventions (SPEC B.3, B.5).

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
