"""Landmarks of faces in whole images with a trained heatmap network.

    aligner = families.load_aligner("runs/hg2-final")  # a HourglassAligner
    landmarks = aligner.predict(images, boxes)  # [N, 68, 2] (y, x) image pixels

Each face's 128x128 input is the evaluator's 'box' crop (a square of 1.2 x the
box's longer side around its centre, `hourglass.crops.box_crop`), warped from
the image in one bilinear step; the last stack's heatmaps are decoded (SDU's
argmax by default) and mapped back through the crop's inverse. The evaluator
crops the converted records instead (rescaled once more by SPEC A.8), so the two
agree to resampling differences, not bit for bit.
"""

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.boxes import checked_batch
from face_alignment_tf.data.geometry import warp_affine
from face_alignment_tf.data.images import unit_rgb_pixels
from face_alignment_tf.hourglass.crops import INPUT_SIZE, box_crop
from face_alignment_tf.hourglass.network import HourglassNetwork
from face_alignment_tf.hourglass.scoring import DECODERS


class HourglassAligner:
    """predict(images, boxes) -> float32 [N, 68, 2] (y, x) in each image's pixels.

    images: N arrays [H, W] or [H, W, 1|3|4], values as `data.images` reads them (sizes may
    differ); boxes: [N, 4, 2] (y, x) face boxes.
    """

    def __init__(self, model: HourglassNetwork, decoder: str = "argmax"):
        if decoder not in DECODERS:
            raise ValueError(f"decoder must be one of {tuple(DECODERS)}, got {decoder!r}")
        self.model = model
        self.decoder = decoder
        decode = DECODERS[decoder]
        self._landmarks_in_crops = tf.function(
            lambda crops: decode(model(crops, training=False)[-1])
        )

    def predict(self, images: Sequence[np.ndarray], boxes) -> np.ndarray:
        boxes = checked_batch(images, boxes)
        if not len(boxes):
            return np.zeros((0, self.model.num_landmarks, 2), np.float32)
        crops = np.stack([box_crop(box) for box in boxes])
        inputs = tf.stack(
            [
                warp_affine(
                    unit_rgb_pixels(image, f"image {index}") * 255.0, crop, [INPUT_SIZE] * 2
                )
                for index, (image, crop) in enumerate(zip(images, crops, strict=True))
            ]
        )
        in_crops = self._landmarks_in_crops(inputs).numpy().astype(np.float64)
        to_images = np.linalg.inv(crops)
        mapped = np.einsum("nij,nkj->nki", to_images[:, :2, :2], in_crops)
        return (mapped + to_images[:, None, :2, 2]).astype(np.float32)
