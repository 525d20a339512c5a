"""The networks a ShapeNet shape head can sit on, with the crops and pixels each one takes.

* 'shapenet': the original 224x224 grey extractor (`shapenet.extractor`), square crops of
  `shapenet.crops`;
* 'mobilenet_v2': the MobileNetV2 regressor of the mobilenet family with K + 4 outputs
  instead of 136, on its own 64x64 BGR crops (`mobilenet.crops`): the same backbone, crops
  and augmentation as the direct regression, so the two heads compare like for like.
"""

import dataclasses
from collections.abc import Callable

import keras

from face_alignment_tf.backbones.mobilenet_v2.crop import INPUT_SIZE as MOBILENET_INPUT_SIZE
from face_alignment_tf.backbones.mobilenet_v2.crop import crop_matrix as mobilenet_crop_matrix
from face_alignment_tf.backbones.mobilenet_v2.network import MobileNetV2Regressor
from face_alignment_tf.backbones.mobilenet_v2.pipeline import bgr_pixels
from face_alignment_tf.shapenet.crops import INPUT_SIZE, grey_pixels, square_crop_matrix
from face_alignment_tf.shapenet.extractor import ShapeNetExtractor


@dataclasses.dataclass(frozen=True)
class Backbone:
    """network(num_outputs) -> a Keras model [B, size, size, channels] -> [B, num_outputs];
    crop_matrix(box corners [..., k, 2] (y, x)) -> image-to-crop affines [..., 3, 3];
    pixels(RGB in [0, 1]) -> the network's input values."""

    name: str
    input_size: int
    channels: int
    network: Callable[[int], keras.Model]
    crop_matrix: Callable
    pixels: Callable


BACKBONES = {
    "shapenet": Backbone(
        "shapenet", INPUT_SIZE, 1, lambda outputs: ShapeNetExtractor(outputs, name="features"),
        square_crop_matrix, grey_pixels,
    ),
    "mobilenet_v2": Backbone(
        "mobilenet_v2", MOBILENET_INPUT_SIZE, 3,
        lambda outputs: MobileNetV2Regressor(num_outputs=outputs, name="features"),
        mobilenet_crop_matrix, bgr_pixels,
    ),
}  # fmt: skip


def get_backbone(name: str) -> Backbone:
    if name not in BACKBONES:
        raise ValueError(f"backbone must be one of {list(BACKBONES)}, got {name!r}")
    return BACKBONES[name]
