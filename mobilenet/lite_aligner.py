"""The MobileNetV2 cascade on the LiteRT interpreter with OpenCV warps: the aligner's fast
path (SPEC D.5 inference).

Per face: the 64x64 crop of the box (a stage of another input size, read from its
.tflite, crops at that size) warped from the image by `cv2.warpAffine` (bilinear, zero
outside: the pipelines' warp), the stage's TFLite model (XNNPACK,
`runtimes.functions.LiteRtFunction`), the points mapped back; stage 2 crops around stage
1's points. The crop matrices are `mobilenet.crops.face_crop_matrix`'s: the rule of
`stage_crop_matrix` on Python floats (on one face each numpy call costs more than its
arithmetic). The Keras cascade (`mobilenet.aligner.MobilenetAligner`)
is the reference it is tested against. Each stage's .tflite is converted once per
checkpoint and kept beside it (`<checkpoint>.litert/stage_<i>.tflite`) when that folder is
writable; a packaged model's stage 1 may be int8 (`mobilenet.quantization`), with the same
float input and output.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from face_alignment_tf.backbones.mobilenet_v2.crop import (
    INPUT_SIZE,
    decode_landmarks,
    opencv_crop,
)
from face_alignment_tf.data.boxes import checked_batch
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.geometry import inverse_affine, map_points
from face_alignment_tf.data.images import as_rgb_uint8, unit_rgb_pixels
from face_alignment_tf.data.landmarks import MIRROR_PERMUTATION_68
from face_alignment_tf.mobilenet.crops import face_crop_matrix
from face_alignment_tf.runtimes.formats import (
    export_int8_network,
    export_network,
    exported_bytes,
)
from face_alignment_tf.runtimes.functions import LiteRtFunction

if TYPE_CHECKING:  # loading the .tflite files needs no Keras
    from face_alignment_tf.backbones.mobilenet_v2.network import MobileNetV2Regressor


def stage_input_shape(network: "MobileNetV2Regressor") -> tuple[int, int, int]:
    """A stage network's input shape (S, S, 3) without the batch."""
    return (network.input_size, network.input_size, 3)


def stage_paths(checkpoint: str, stages: int) -> list[Path]:
    """Where each stage's .tflite lives beside a checkpoint: <checkpoint>.litert/stage_<i>."""
    return [
        Path(f"{checkpoint}.litert") / f"stage_{index}.tflite" for index in range(1, stages + 1)
    ]


def write_stage_models(
    networks: Sequence["MobileNetV2Regressor"],
    checkpoint: str,
    stage1_quantization_crops: np.ndarray | None = None,
) -> list[Path]:
    """Converts every stage to LiteRT beside `checkpoint` (`stage_paths`); with
    `stage1_quantization_crops` (stage-1 crops, `mobilenet.quantization.quantization_crops`) stage 1
    in int8, its activations calibrated on them."""
    paths = stage_paths(checkpoint, len(networks))
    for index, (network, path) in enumerate(zip(networks, paths, strict=True)):
        shape = stage_input_shape(network)
        if index == 0 and stage1_quantization_crops is not None:
            export_int8_network(network, shape, stage1_quantization_crops, path)
        else:
            export_network(network, shape, "tflite", path)
    return paths


def stage_models(networks: Sequence["MobileNetV2Regressor"], checkpoint: str | None) -> list[bytes]:
    """Each stage's TFLite flatbuffer: the one beside the checkpoint, else converted (and kept
    there when the folder is writable)."""
    paths = stage_paths(checkpoint, len(networks)) if checkpoint else [None] * len(networks)
    contents = []
    for network, path in zip(networks, paths, strict=True):
        if path is not None and path.is_file():
            contents.append(path.read_bytes())
            continue
        contents.append(exported_bytes(network, stage_input_shape(network), "tflite"))
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(contents[-1])
            except OSError:
                pass  # a read-only folder: convert again next time
    return contents


def warp_ready_pixels(image: np.ndarray, name: str) -> np.ndarray:
    """An image as OpenCV warps it: uint8 grey or RGB as is (alpha dropped), other 8-bit
    integer arrays as uint8 RGB (`as_rgb_uint8`), uint16 and floats through
    `unit_rgb_pixels` as float32 RGB 0..255."""
    pixels = np.asarray(image)
    if pixels.dtype.kind in "ui" and pixels.dtype not in (np.uint8, np.uint16):
        return as_rgb_uint8(pixels, name)
    if pixels.dtype != np.uint8:
        return unit_rgb_pixels(pixels, name) * 255.0
    if pixels.ndim == 3 and pixels.shape[2] in (1, 4):
        pixels = pixels[..., :1] if pixels.shape[2] == 1 else pixels[..., :3]
    elif pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] != 3):
        raise DataError(name, f"expected [H, W], [H, W, 1|3|4] pixels, got {pixels.shape}")
    return np.ascontiguousarray(pixels)


def bgr_crop(pixels: np.ndarray, matrix: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """The size x size BGR 0..255 float32 crop of `warp_ready_pixels` by the image -> crop
    affine `matrix` (3x3 on (y, x, 1)). Bilinear, zero outside, as the pipelines' warp."""
    crop = opencv_crop(pixels, matrix, size)
    if crop.ndim == 2 or crop.shape[2] == 1:
        return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR).astype(np.float32)
    return cv2.cvtColor(crop, cv2.COLOR_RGB2BGR).astype(np.float32)


def mirror_frame(width: int) -> np.ndarray:
    """The 3x3 affine on (y, x, 1) of the left-right flip of an image `width` pixels wide
    (x -> width - 1 - x; its own inverse)."""
    return np.array([[1.0, 0.0, 0.0], [0.0, -1.0, width - 1.0], [0.0, 0.0, 1.0]])


class MobilenetLiteAligner:
    """predict(images, boxes) -> float32 [N, 68, 2] (y, x) image pixels, as MobilenetAligner.

    mirror: also run the cascade on the left-right mirrored face (its crops warped from
    the image through the flip, no flipped copy made), map its points back with the
    mirror permutation and average the two (twice the network time).
    refine(image, points) -> [68, 2]: stage 2 alone on its crop around `points` (a video
    frame's face from the previous frame's landmarks: `face_alignment_tf.tracking`);
    `can_refine`: the cascade has a second stage.
    """

    def __init__(
        self,
        stage_contents: Sequence[bytes],
        stage2_crop: str = "box",
        mirror: bool = False,
        num_threads: int = 1,
    ):
        self.stages = [LiteRtFunction(content, num_threads) for content in stage_contents]
        self.sizes = [int(stage.input_shape[1]) for stage in self.stages]
        self.stage2_crop, self.mirror = stage2_crop, mirror

    @property
    def can_refine(self) -> bool:
        return len(self.stages) >= 2

    def _cascade(
        self, pixels: np.ndarray, box: np.ndarray, frame: np.ndarray | None = None, first: int = 1
    ) -> np.ndarray:
        """The cascade's points [68, 2] on the image seen through `frame` (3x3, image ->
        frame; None: the image itself), in that frame's coordinates, from stage `first` on:
        stage 1 crops the box, stage 2 around the points `box` holds then."""
        points = box if frame is None else map_points(frame, box)
        for number in range(first, len(self.stages) + 1):
            stage, size = self.stages[number - 1], self.sizes[number - 1]
            matrix = face_crop_matrix(number, points, self.stage2_crop, size)
            warp = matrix if frame is None else matrix @ frame
            outputs = stage(bgr_crop(pixels, warp, size)[None])[0]
            points = map_points(inverse_affine(matrix), decode_landmarks(outputs, size, xp=np))
        return points

    def refine(self, image: np.ndarray, points: np.ndarray) -> np.ndarray:
        """float32 [68, 2] (y, x): stage 2 on its crop around `points` [68, 2] (y, x)."""
        if not self.can_refine:
            raise ValueError("refining needs a two-stage cascade")
        pixels = warp_ready_pixels(image, "frame")
        return self._cascade(pixels, np.asarray(points, np.float64), first=2)

    def predict(self, images: Sequence[np.ndarray], boxes) -> np.ndarray:
        boxes = checked_batch(images, boxes)
        results = np.zeros((len(images), 68, 2), np.float32)
        for index, (image, box) in enumerate(zip(images, boxes, strict=True)):
            pixels = warp_ready_pixels(image, f"image {index}")
            points = self._cascade(pixels, box)
            if self.mirror:
                flip = mirror_frame(pixels.shape[1])
                mirrored = map_points(flip, self._cascade(pixels, box, flip))
                points = (points + mirrored[MIRROR_PERMUTATION_68]) / 2
            results[index] = points
        return results
