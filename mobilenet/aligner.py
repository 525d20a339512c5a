"""Landmarks of faces in whole images with a trained MobileNetV2 cascade (1 or 2 stages).

    aligner = families.load_aligner("runs/mobilenet-stage2")  # a MobilenetAligner
    landmarks = aligner.predict(images, boxes)  # [N, 68, 2] (y, x) image pixels

The images are zero-padded to a common size and run as one batch through the cascade's
graph: each stage warps its 64x64 crop straight from the image (`mobilenet.crops`).
"""

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.boxes import checked_batch
from face_alignment_tf.data.images import unit_rgb_pixels
from face_alignment_tf.data.landmarks import NUM_LANDMARKS, mirror_landmarks
from face_alignment_tf.data.preprocessing import padded_batch
from face_alignment_tf.mobilenet.cascade import MobileNetCascade


class MobilenetAligner:
    """predict(images, boxes) -> float32 [N, 68, 2] (y, x) in each image's pixels.

    images: N arrays [H, W] or [H, W, 1|3|4], values as `data.images` reads them (sizes may
    differ); boxes: [N, 4, 2] (y, x) face boxes of the kind the model was trained with.

    mirror: also run the mirrored images and boxes (one batch with the direct ones), map
    their points back with the mirror permutation and average.
    """

    def __init__(self, model: MobileNetCascade, mirror: bool = False):
        self.model, self.mirror = model, mirror
        self._predict = tf.function(model, reduce_retracing=True)

    def predict(self, images: Sequence[np.ndarray], boxes) -> np.ndarray:
        boxes = checked_batch(images, boxes)
        if not len(boxes):
            return np.zeros((0, NUM_LANDMARKS, 2), np.float32)
        pixels = [unit_rgb_pixels(image, f"image {index}") for index, image in enumerate(images)]
        boxes = np.asarray(boxes, np.float32)
        if not self.mirror:
            return self._predict(padded_batch(pixels), boxes).numpy().astype(np.float32)
        widths = np.array([image.shape[1] for image in pixels], np.float32)
        flipped_boxes = boxes.copy()
        flipped_boxes[..., 1] = widths[:, None] - 1 - boxes[..., 1]
        batch = padded_batch(pixels + [image[:, ::-1] for image in pixels])
        points = self._predict(batch, np.concatenate([boxes, flipped_boxes])).numpy()
        direct, mirrored = np.split(points, 2)
        return ((direct + mirror_landmarks(mirrored, widths).numpy()) / 2).astype(np.float32)
