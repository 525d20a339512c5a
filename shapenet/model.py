"""ShapeNet: a backbone predicting K + 4 parameters and the fixed shape layer (SPEC C)."""

import keras
import numpy as np

from face_alignment_tf.shapenet.backbones import get_backbone
from face_alignment_tf.shapenet.shape_layer import HomogeneousShapeLayer


@keras.saving.register_keras_serializable(package="shapenet")
class ShapeNet(keras.Model):
    """[B, S, S, C] crops (the backbone's) -> [B, N, 2] (y, x) crop pixels.

    shapes: [K + 1, N, 2] (y, x), the PCA's mean and components (`shapenet.pca`);
    backbone: a name of `shapenet.backbones.BACKBONES`.
    """

    def __init__(self, shapes, backbone: str = "shapenet", **kwargs):
        super().__init__(**kwargs)
        self.backbone = get_backbone(backbone)
        self.shape_layer = HomogeneousShapeLayer(shapes, name="shape_layer")
        self.features = self.backbone.network(self.shape_layer.num_parameters)

    @property
    def input_size(self) -> int:
        return self.backbone.input_size

    def build(self, input_shape=None):
        size, channels = self.backbone.input_size, self.backbone.channels
        self.features(keras.ops.zeros((1, size, size, channels)))  # creates every weight

    def parameters(self, crops, training=None):
        """The backbone's [B, K + 4] shape and transform parameters."""
        return self.features(crops, training=training)

    def call(self, crops, training=None):
        return self.shape_layer(self.parameters(crops, training=training))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "shapes": np.asarray(self.shape_layer.shapes).tolist(),
            "backbone": self.backbone.name,
        }
