"""Pre-activation blocks: a chain of three BN-ReLU-conv stages plus a shortcut (SPEC B.3.4)."""

import keras

from face_alignment_tf.hourglass.sdu_layers import batch_norm, conv


class PreActivationBlock(keras.layers.Layer):
    """x -> BN-ReLU -> conv_1 -> BN-ReLU -> conv_2 -> BN-ReLU -> conv_3, plus the shortcut.

    Subclasses set `stages` ((width fraction of filters, kernel) per conv) and
    `combine` (how the three conv outputs form the block output). The shortcut
    is the input when `dim_match`, else a 1x1 conv (no bias) of BN-ReLU(x).
    [B, H, W, C] -> [B, H, W, filters].
    """

    stages: tuple[tuple[float, int], ...] = ()

    def __init__(self, filters: int, dim_match: bool, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.dim_match = filters, dim_match
        self.norms = [batch_norm(f"bn_{i}") for i in (1, 2, 3)]
        self.convs = [
            conv(int(filters * fraction), kernel, f"conv_{i}")
            for i, (fraction, kernel) in enumerate(self.stages, start=1)
        ]
        self.shortcut = None if dim_match else conv(filters, 1, "shortcut")

    def combine(self, outputs: list):
        """The block output (before the shortcut) from the three conv outputs."""
        raise NotImplementedError

    def call(self, x, training=None):
        act = keras.ops.relu(self.norms[0](x, training=training))
        outputs = [self.convs[0](act)]
        for norm, convolution in zip(self.norms[1:], self.convs[1:], strict=True):
            outputs.append(convolution(keras.ops.relu(norm(outputs[-1], training=training))))
        return self.combine(outputs) + (x if self.shortcut is None else self.shortcut(act))

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "dim_match": self.dim_match}
