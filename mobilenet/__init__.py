"""The MobileNetV2 landmark regressor and its two-stage cascade (Face-alignment-mobilenet-v2,
custom Caffe), in Keras 3."""

from mobilenet.cascade import MobileNetCascade
from mobilenet.network import MobileNetV2Regressor

__all__ = ["MobileNetCascade", "MobileNetV2Regressor"]
