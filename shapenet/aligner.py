"""Landmarks of faces in whole images with a trained ShapeNet.

    aligner = families.load_aligner("runs/shapenet")  # a ShapenetAligner
    landmarks = aligner.predict(images, boxes)  # [N, 68, 2] (y, x) image pixels

Each face's crop is the backbone's crop of its box (`shapenet.backbones`), warped from the
image in one bilinear step as the evaluator's; the predicted crop points are mapped back
through the crop's inverse.
"""

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.boxes import checked_batch
from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.data.images import unit_rgb_pixels
from face_alignment_tf.data.landmarks import NUM_LANDMARKS
from face_alignment_tf.shapenet.model import ShapeNet


class ShapenetAligner:
    """predict(images, boxes) -> float32 [N, 68, 2] (y, x) in each image's pixels.

    images: N arrays [H, W] or [H, W, 1|3|4], values as `data.images` reads them (sizes may
    differ); boxes: [N, 4, 2] (y, x) face boxes of the kind the model was trained with.
    """

    def __init__(self, model: ShapeNet):
        self.model = model
        self._predict = tf.function(lambda crops: model(crops, training=False))

    def predict(self, images: Sequence[np.ndarray], boxes) -> np.ndarray:
        boxes = checked_batch(images, boxes)
        if not len(boxes):
            return np.zeros((0, NUM_LANDMARKS, 2), np.float32)
        backbone = self.model.backbone
        matrices = np.asarray(backbone.crop_matrix(boxes.astype(np.float32)), np.float64)
        size = [backbone.input_size] * 2
        crops = tf.stack([
            backbone.pixels(warp_affine(unit_rgb_pixels(image, f"image {index}"), matrix, size))
            for index, (image, matrix) in enumerate(zip(images, matrices, strict=True))
        ])  # fmt: skip
        return apply_affine(np.linalg.inv(matrices), self._predict(crops)).numpy()
