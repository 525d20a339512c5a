"""ShapeNet's original feature extractor, `Img224x224Kernel7x7SeparatedDims` (SPEC C.3).

[B, 224, 224, 1] grey in [0, 1] -> [B, K + 4]. Separable 7x1 / 1x7 (then 5x1 / 1x5, 3x1 /
1x3) convolutions with bias and ReLU, VALID padding; four strided (2) square convolutions,
each followed by instance normalisation (no affine, eps 1e-5) and ReLU; a final linear 2x2
convolution to K + 4 channels on the 2x2 map. 6,248,029 parameters for K = 25.
"""

import keras

INPUT_SIZE = 224
# (kernel (h, w), stride, filters, instance norm after it) of every convolution but the last.
LAYERS = (
    ((7, 1), 1, 64, False), ((1, 7), 1, 64, False), ((7, 7), 2, 128, True),
    ((7, 1), 1, 128, False), ((1, 7), 1, 128, False), ((7, 7), 2, 256, True),
    ((5, 1), 1, 256, False), ((1, 5), 1, 256, False), ((5, 5), 2, 256, True),
    ((5, 1), 1, 256, False), ((1, 5), 1, 256, False), ((5, 5), 2, 128, True),
    ((3, 1), 1, 128, False), ((1, 3), 1, 128, False), ((3, 1), 1, 128, False),
    ((1, 3), 1, 128, False),
)  # fmt: skip


def instance_norm(name: str) -> keras.layers.GroupNormalization:
    """torch's InstanceNorm2d default: per sample and channel, no affine, eps 1e-5."""
    return keras.layers.GroupNormalization(
        groups=-1, center=False, scale=False, epsilon=1e-5, name=name
    )


@keras.saving.register_keras_serializable(package="shapenet")
class ShapeNetExtractor(keras.Model):
    """[B, 224, 224, 1] grey [0, 1] -> [B, num_outputs] (K + 4 shape and transform params)."""

    def __init__(self, num_outputs: int, **kwargs):
        super().__init__(**kwargs)
        self.num_outputs = num_outputs
        self.convs, self.norms = [], {}
        for index, (kernel, stride, filters, normalised) in enumerate(LAYERS, start=1):
            self.convs.append(
                keras.layers.Conv2D(filters, kernel, stride, "valid", name=f"conv_{index}")
            )
            if normalised:
                self.norms[index - 1] = instance_norm(f"norm_{index}")
        self.final_conv = keras.layers.Conv2D(num_outputs, 2, 1, "valid", name="final_conv")

    def build(self, input_shape=(None, INPUT_SIZE, INPUT_SIZE, 1)):
        shape = tuple(input_shape)
        for index, conv in enumerate(self.convs):
            conv.build(shape)
            shape = conv.compute_output_shape(shape)
            if index in self.norms:
                self.norms[index].build(shape)
        self.final_conv.build(shape)
        self.built = True

    def call(self, images, training=None):
        x = images
        for index, conv in enumerate(self.convs):
            x = conv(x)
            x = keras.ops.relu(self.norms[index](x) if index in self.norms else x)
        return keras.ops.reshape(self.final_conv(x), (-1, self.num_outputs))

    @property
    def output_layer(self) -> keras.layers.Layer:
        """The last (linear) layer, whose bias a head may initialise."""
        return self.final_conv

    def get_config(self) -> dict:
        return {**super().get_config(), "num_outputs": self.num_outputs}
