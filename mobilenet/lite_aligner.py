"""The MobileNetV2 cascade on the LiteRT interpreter with OpenCV warps: the aligner's fast
path (SPEC D.5 inference).

Per face: the 64x64 crop of the box (`mobilenet.crops.padded_square`, numpy) warped from
the image by `cv2.warpAffine` (bilinear, zero outside: the pipelines' warp), the stage's
TFLite model (XNNPACK), the points mapped back; stage 2 crops the square around stage 1's
points.
The Keras cascade (`mobilenet.aligner.MobilenetAligner`) is the reference it is tested
against. Each stage's .tflite is converted once per checkpoint and kept beside it
(`<checkpoint>.litert/stage_<i>.tflite`) when that folder is writable.
"""

import tempfile
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from data.boxes import checked_batch
from data.errors import DataError
from data.images import as_rgb_uint8, unit_rgb_pixels
from mobilenet.crops import INPUT_SIZE, decode_landmarks, padded_square
from mobilenet.network import MobileNetV2Regressor


def convert_stage(network: MobileNetV2Regressor, path: Path) -> None:
    """Writes a stage as a float32 TFLite model [1, 64, 64, 3] -> [1, 136] (Keras 3's
    `export(format="litert")`; TFLiteConverter.from_keras_model fails under Keras 3)."""
    import tensorflow as tf

    path.parent.mkdir(parents=True, exist_ok=True)
    signature = [tf.TensorSpec((1, INPUT_SIZE, INPUT_SIZE, 3), tf.float32)]
    network.export(str(path), format="litert", input_signature=signature, verbose=False)


def stage_models(networks: Sequence[MobileNetV2Regressor], checkpoint: str | None) -> list[bytes]:
    """Each stage's TFLite flatbuffer: cached beside the checkpoint, else converted."""
    cache = Path(f"{checkpoint}.litert") if checkpoint else None
    contents = []
    for index, network in enumerate(networks, start=1):
        cached = cache / f"stage_{index}.tflite" if cache else None
        if cached is not None and cached.is_file():
            contents.append(cached.read_bytes())
            continue
        with tempfile.TemporaryDirectory() as scratch:
            converted = Path(scratch) / "stage.tflite"
            convert_stage(network, converted)
            contents.append(converted.read_bytes())
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(contents[-1])
            except OSError:
                pass  # a read-only folder: convert again next time
    return contents


class LiteRtStage:
    """One stage on the LiteRT interpreter: BGR 0..255 float32 [64, 64, 3] -> [136]."""

    def __init__(self, model_content: bytes, num_threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_content=model_content, num_threads=num_threads)
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]["index"]
        self.output = self.interpreter.get_output_details()[0]["index"]

    def __call__(self, crop: np.ndarray) -> np.ndarray:
        self.interpreter.set_tensor(self.input, crop[None])
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output)[0]


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


def bgr_crop(pixels: np.ndarray, origin: np.ndarray, scale: float) -> np.ndarray:
    """The 64x64 BGR 0..255 float32 crop of `warp_ready_pixels` whose pixel (0, 0) is image
    point `origin` (y, x), at `scale` crop pixels per image pixel (`crop_matrix`'s affine).
    Bilinear, zero outside, as the pipelines' warp."""
    xy = np.array([[scale, 0.0, -scale * origin[1]], [0.0, scale, -scale * origin[0]]])
    crop = cv2.warpAffine(
        pixels, xy, (INPUT_SIZE, INPUT_SIZE), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=0,
    )  # fmt: skip
    if crop.ndim == 2 or crop.shape[2] == 1:
        return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR).astype(np.float32)
    return cv2.cvtColor(crop, cv2.COLOR_RGB2BGR).astype(np.float32)


class MobilenetLiteAligner:
    """predict(images, boxes) -> float32 [N, 68, 2] (y, x) image pixels, as MobilenetAligner."""

    def __init__(self, stage_contents: Sequence[bytes], num_threads: int = 1):
        self.stages = [LiteRtStage(content, num_threads) for content in stage_contents]

    def predict(self, images: Sequence[np.ndarray], boxes) -> np.ndarray:
        boxes = checked_batch(images, boxes)
        results = np.zeros((len(images), 68, 2), np.float32)
        for index, (image, box) in enumerate(zip(images, boxes, strict=True)):
            pixels = warp_ready_pixels(image, f"image {index}")
            region = np.asarray(box, np.float32)
            for stage in self.stages:  # stage 2 crops the square around stage 1's points
                origin, side = padded_square(region, xp=np)
                scale = float(INPUT_SIZE / side)
                in_crop = decode_landmarks(stage(bgr_crop(pixels, origin, scale)), xp=np)
                region = in_crop / scale + origin
            results[index] = region
        return results
