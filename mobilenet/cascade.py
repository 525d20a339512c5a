"""The two-stage cascade (SPEC D.5, inferred from the referenced cascaded design): stage 1
crops the face box; stage 2, the same network, crops around stage 1's landmarks (the box
of them with the same square and margin rule, or ours, the same of the points turned
level: `mobilenet.crops.stage2_crop_matrix`) and predicts all 68 points again; both map
back through their crop's inverse. Each stage reads its own input size (64 px as the
original; `input_sizes`, e.g. a sharper 96-px stage 2)."""

import keras
import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.crop import INPUT_SIZE, decode_landmarks
from face_alignment_tf.backbones.mobilenet_v2.network import NUM_LANDMARKS, MobileNetV2Regressor
from face_alignment_tf.backbones.mobilenet_v2.pipeline import bgr_pixels
from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.mobilenet.crops import check_stage2_crop, stage_crop_matrix

STAGES = (1, 2)


def landmarks_in_images(network, images, matrices) -> tf.Tensor:
    """One stage: each image's crop by its image -> crop affine (onto the network's
    `input_size`), the network, back to image pixels.

    images [B, H, W, 3] RGB in [0, 1]; matrices [B, 3, 3] on (y, x, 1). Returns [B, 68, 2]
    (y, x).
    """
    size = network.input_size
    crops = warp_affine(bgr_pixels(images), matrices, [size, size])
    in_crops = decode_landmarks(network(crops, training=False), size)
    return apply_affine(tf.linalg.inv(matrices), in_crops)


@keras.saving.register_keras_serializable(package="mobilenet")
class MobileNetCascade(keras.Model):
    """`stages` MobileNetV2 regressors in a cascade.

    Called as `model(images, boxes)`: images [B, H, W, 3] RGB in [0, 1] (zero-padded to a
    common size), boxes [B, 4, 2] (y, x) face boxes. Returns [B, 68, 2] (y, x) image pixels
    of the last stage. `stage2_crop`: how stage 2 crops around stage 1's points
    (`mobilenet.crops.STAGE2_CROPS`); `input_sizes`: each stage's input size (default 64).
    """

    def __init__(
        self,
        stages: int = 1,
        num_landmarks: int = NUM_LANDMARKS,
        stage2_crop: str = "box",
        input_sizes: tuple[int, ...] | list[int] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if stages not in STAGES:
            raise ValueError(f"stages must be one of {STAGES}, got {stages}")
        check_stage2_crop(stage2_crop)
        input_sizes = tuple(input_sizes or (INPUT_SIZE,) * stages)
        if len(input_sizes) != stages:
            raise ValueError(f"input_sizes needs one size a stage ({stages}), got {input_sizes}")
        self.stages, self.num_landmarks, self.stage2_crop = stages, num_landmarks, stage2_crop
        self.input_sizes = input_sizes
        self.stage_1 = MobileNetV2Regressor(num_landmarks, input_size=input_sizes[0],
                                            name="stage_1")  # fmt: skip
        self.stage_2 = (
            MobileNetV2Regressor(num_landmarks, input_size=input_sizes[1], name="stage_2")
            if stages == 2 else None
        )  # fmt: skip

    def build(self, images_shape=None, boxes_shape=None):
        """Creates every stage's weights (one call on a zero crop each)."""
        for network in self.networks:
            network(keras.ops.zeros((1, network.input_size, network.input_size, 3)))

    def stage(self, index: int) -> MobileNetV2Regressor:
        return self.stage_1 if index == 1 else self.stage_2

    @property
    def networks(self) -> list[MobileNetV2Regressor]:
        """The stages' networks, stage 1 first."""
        return [self.stage(index) for index in range(1, self.stages + 1)]

    def call(self, images, boxes, training=None):
        del training  # inference only; stages train on their crops (mobilenet.trainer)
        landmarks = boxes
        for number, network in enumerate(self.networks, start=1):
            matrices = stage_crop_matrix(number, landmarks, self.stage2_crop, network.input_size)
            landmarks = landmarks_in_images(network, images, matrices)
        return landmarks

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "stages": self.stages,
            "num_landmarks": self.num_landmarks,
            "stage2_crop": self.stage2_crop,
            "input_sizes": list(self.input_sizes),
        }
