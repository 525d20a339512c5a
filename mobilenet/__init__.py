"""The MobileNetV2 landmark regressor and its two-stage cascade (Face-alignment-mobilenet-v2,
custom Caffe), in Keras 3: `cascade.MobileNetCascade` on `backbones.mobilenet_v2`; its
LiteRT aligner (`lite_aligner`, `runtime`) runs without TensorFlow."""
