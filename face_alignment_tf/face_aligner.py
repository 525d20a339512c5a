"""`FaceAligner`: 68 landmarks for any photo, with a shipped model and a face detector.

    from face_alignment_tf import FaceAligner
    aligner = FaceAligner()                    # the shipped default model, MTCNN
    faces = aligner.detect_and_align(image)    # [Face(box, score, landmarks [68, 2] (y, x))]
    points = aligner.align(images, boxes)      # your own boxes: [N, 68, 2] (y, x)

Landmarks are (y, x) = (row, column) image pixels, 0-based, pixel centres at integers, in
the iBUG 68-point order. Detector boxes are mapped into the box convention the model was
trained with by the calibration stored with it (`face_alignment_tf.calibration`).
"""

import dataclasses
from pathlib import Path

import numpy as np
from absl import logging

from data.images import as_rgb_uint8, load_image
from face_alignment_tf.calibration import BoxCalibration, read_calibrations
from face_alignment_tf.detectors import corner_array, make_detector

DEFAULT_MODEL = "mobilenet-cascade-300w"
DEFAULT_DETECTOR = "mtcnn"


@dataclasses.dataclass(frozen=True)
class Face:
    """One detected face: the detector's box [4, 2] (y, x) corners clockwise from the top
    left, its score, and the 68 landmarks [68, 2] (y, x) image pixels."""

    box: np.ndarray
    score: float
    landmarks: np.ndarray


def load_model(model: str | Path):
    """A shipped model's name or any family's train_dir -> (its folder, TrainedModel)."""
    from face_alignment_tf.pretrained import available_models, load_pretrained

    if str(model) in available_models():
        trained = load_pretrained(str(model))
        return trained.train_dir, trained
    if (Path(model) / "model.json").is_file():
        from families import load_trained_model

        return Path(model), load_trained_model(model)
    shipped = ", ".join(available_models()) or "none"
    raise ValueError(f"{model}: neither a shipped model ({shipped}) nor a train_dir")


def box_corners(boxes) -> np.ndarray:
    """Boxes as [N, 4, 2] (y, x) corners, or [N, 4] (y0, x0, y1, x1) -> [N, 4, 2] corners."""
    boxes = np.asarray(boxes, np.float64)
    if boxes.size == 0:
        return boxes.reshape(0, 4, 2)
    if boxes.ndim == 2 and boxes.shape[1] == 4:
        return corner_array(*boxes.T)
    if boxes.ndim == 3 and boxes.shape[2] == 2:
        return boxes
    raise ValueError(f"boxes must be [N, 4, 2] (y, x) corners or [N, 4] (y0, x0, y1, x1), "
                     f"got shape {boxes.shape}")  # fmt: skip


def is_one_image(images) -> bool:
    """A path or one array, rather than a sequence of them."""
    return isinstance(images, str | Path) or (
        isinstance(images, np.ndarray) and images.ndim in (2, 3)
    )


class FaceAligner:
    """Landmarks of faces in photos.

    model: a shipped model's name (`face_alignment_tf.available_models()`) or any family's
      train_dir; detector: 'mtcnn', 'opencv', 'dlib-hog' or None (boxes always given).
      `aligner_options` go to the family's aligner (e.g. runtime='keras').
    Images: paths, or arrays (grey / RGB / RGBA; values as `data.images` reads them).
    """

    def __init__(
        self,
        model: str | Path = DEFAULT_MODEL,
        detector: str | None = DEFAULT_DETECTOR,
        **aligner_options,
    ):
        self.model_dir, self.trained = load_model(model)
        self.landmarker = self.trained.aligner(**aligner_options)
        self.detector_name = detector
        self.detector = make_detector(detector) if detector else None
        calibrations = read_calibrations(self.model_dir)
        self.calibration = calibrations.get(detector, BoxCalibration())
        if detector and detector not in calibrations:
            logging.warning("%s has no calibration for %s's boxes: they are used as they are",
                            self.model_dir, detector)  # fmt: skip

    def align(self, images, boxes) -> np.ndarray:
        """Landmarks [N, 68, 2] (y, x) for N boxes in the model's own box convention (the
        300-W detector boxes for the shipped models): N images, or one image for all."""
        corners = box_corners(boxes)
        pixels = self._pixels(images)
        if len(pixels) == 1 and len(corners) != 1:
            pixels = pixels * len(corners)
        if len(pixels) != len(corners):
            raise ValueError(f"{len(pixels)} images but {len(corners)} boxes")
        if not len(corners):
            return np.zeros((0, 68, 2), np.float32)
        return self.landmarker.predict(pixels, corners)

    def detect_and_align(self, images) -> list[Face] | list[list[Face]]:
        """The faces of one image (a list of Face), or of each image of a sequence."""
        if self.detector is None:
            raise ValueError("this FaceAligner has no detector: use align(images, boxes)")
        pixels = self._pixels(images)
        detections = [self.detector.detect(image) for image in pixels]
        owners = np.concatenate([np.full(len(b), i) for i, (b, _) in enumerate(detections)])
        boxes = np.concatenate([b for b, _ in detections]).reshape(-1, 4, 2)
        scores = np.concatenate([s for _, s in detections])
        landmarks = np.zeros((0, 68, 2), np.float32)
        if len(boxes):
            landmarks = self.landmarker.predict(
                [pixels[int(i)] for i in owners], self.calibration.apply(boxes)
            )
        faces = [
            [Face(boxes[j], float(scores[j]), landmarks[j]) for j in np.flatnonzero(owners == i)]
            for i in range(len(pixels))
        ]
        return faces[0] if is_one_image(images) else faces

    @staticmethod
    def _pixels(images) -> list[np.ndarray]:
        batch = [images] if is_one_image(images) else list(images)
        return [
            load_image(image) if isinstance(image, str | Path) else as_rgb_uint8(image)
            for image in batch
        ]
