"""Landmarks of faces in whole images with a trained MDM: the evaluator's path as an API.

    aligner = families.load_aligner("runs/mdm-300w")  # an MdmAligner, EMA weights
    landmarks = aligner.predict(images, boxes)  # [N, 68, 2] (y, x) image pixels

Each face is prepared exactly as eval_mdm.py's records are (SPEC A.8: crop around
the box, reference shape aligned to the box, rescale to the reference size; the
same menpo code); the batch runs once through the network (zero-padded to the
largest face), with mirrored averaging like the evaluator by default, and the
estimates are mapped back to each image's pixels.
"""

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.boxes import checked_batch
from face_alignment_tf.data.images import unit_rgb_pixels
from face_alignment_tf.data.landmarks import mirror
from face_alignment_tf.data.preprocessing import evaluation_frame, padded_batch
from face_alignment_tf.mdm.model import MDM
from face_alignment_tf.mdm.scoring import predict


def _menpo_image(pixels: np.ndarray, box: np.ndarray):
    from menpo.image import Image
    from menpo.shape import PointCloud

    image = Image.init_from_channels_at_back(pixels)
    image.landmarks["bb"] = PointCloud(np.asarray(box, np.float64))
    return image


class MdmAligner:
    """predict(images, boxes) -> float32 [N, 68, 2] (y, x) in each image's pixels.

    images: N arrays [H, W] or [H, W, 1|3|4], values as `data.images` reads them (sizes may
    differ); boxes: [N, 4, 2] (y, x) face boxes, of the kind the model was trained
    with (the 300-W detector boxes for a 300-W model).
    """

    def __init__(
        self,
        model: MDM,
        reference_shape: np.ndarray,
        mirrored_averaging: bool = True,
        mirror_rule: str = "corrected",
    ):
        self.model = model
        self.reference_shape = np.asarray(reference_shape, np.float32)
        self.mirrored_averaging = mirrored_averaging
        self.mirror_rule = mirror_rule
        self._predict = tf.function(
            lambda *inputs: predict(model, *inputs, mirror_rule=mirror_rule),
            reduce_retracing=True,
        )

    def predict(self, images: Sequence[np.ndarray], boxes) -> np.ndarray:
        boxes = checked_batch(images, boxes)
        if not len(boxes):
            return np.zeros((0, self.model.num_landmarks, 2), np.float32)
        frames, to_images = [], []
        for index, (image, box) in enumerate(zip(images, boxes, strict=True)):
            name = f"image {index} of the batch"
            frame, to_image = evaluation_frame(
                _menpo_image(unit_rgb_pixels(image, name), box), self.reference_shape, name
            )
            frames.append(frame)
            to_images.append(to_image)
        pixels = [f.pixels_with_channels_at_back().astype(np.float32) for f in frames]
        initial = np.stack([f.landmarks["initial"].points for f in frames]).astype(np.float32)
        inputs = [padded_batch(pixels), initial]
        if self.mirrored_averaging:
            mirrored = [
                mirror(p, i, self.mirror_rule) for p, i in zip(pixels, initial, strict=True)
            ]
            inputs += [
                padded_batch([m[0].numpy() for m in mirrored]),
                np.stack([m[1].numpy() for m in mirrored]),
                np.array([p.shape[:2] for p in pixels], np.int32),
            ]
        estimates = self._predict(*inputs).numpy().astype(np.float64)
        to_images = np.stack(to_images)
        mapped = np.einsum("nij,nkj->nki", to_images[:, :2, :2], estimates)
        return (mapped + to_images[:, None, :2, 2]).astype(np.float32)
