"""The MobileNetV2 landmark regressor and its two-stage cascade (Face-alignment-mobilenet-v2,
custom Caffe), in Keras 3."""

from face_alignment_tf.backbones.mobilenet_v2.network import MobileNetV2Regressor
from face_alignment_tf.mobilenet.cascade import MobileNetCascade

__all__ = ["MobileNetCascade", "MobileNetV2Regressor"]
