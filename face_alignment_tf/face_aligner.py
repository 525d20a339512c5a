"""`FaceAligner`: 68 landmarks for any photo, with a shipped model and a face detector.

    from face_alignment_tf import FaceAligner
    aligner = FaceAligner()                    # the shipped default model, BlazeFace (both ranges)
    faces = aligner.detect_and_align(image)    # [Face(box, score, landmarks [68, 2] (y, x))]
    points = aligner.align(images, boxes)      # your own boxes: [N, 68, 2] (y, x)

Landmarks are (y, x) = (row, column) image pixels, 0-based, pixel centres at integers, in
the iBUG 68-point order. Detector boxes are mapped into the box convention the model was
trained with by the calibration stored with it (`face_alignment_tf.calibration`).

Images are paths (str, Path or bytes), arrays (or nested lists of numbers), or `PIL.Image`s,
one at a time or in a list or tuple; a list of them is read and detected one image at a
time, so memory holds one photo. Detection runs on a copy whose longer side is at most
`detect_max_side` pixels (faces stay far above the detectors' smallest), the landmarks on
the full-resolution image.
"""

import dataclasses
import os
from pathlib import Path

import numpy as np
from absl import logging

from face_alignment_tf.calibration import BoxCalibration, read_calibrations
from face_alignment_tf.data.images import as_rgb_uint8, load_image, pil_pixels
from face_alignment_tf.detectors import calibration_names, corner_array, make_detector
from face_alignment_tf.families.registry import open_runtime_aligner

DEFAULT_MODEL = "mobilenet-photo-cascade-300w"
DEFAULT_DETECTOR = "blazeface-both"
DEFAULT_DETECT_MAX_SIDE = 1280


@dataclasses.dataclass(frozen=True)
class Face:
    """One detected face: the detector's box [4, 2] (y, x) corners clockwise from the top
    left, its score, and the 68 landmarks [68, 2] (y, x) image pixels."""

    box: np.ndarray
    score: float
    landmarks: np.ndarray


def check_model(model: str | Path) -> None:
    """ValueError unless `model` is a shipped model's name or a train_dir (nothing loaded)."""
    from face_alignment_tf.pretrained import available_models

    if str(model) not in available_models() and not (Path(model) / "model.json").is_file():
        shipped = ", ".join(available_models()) or "none"
        raise ValueError(f"{model}: neither a shipped model ({shipped}) nor a train_dir")


def model_checkpoint(model: str | Path) -> tuple[Path, str | None]:
    """(the model's folder, its checkpoint) without TensorFlow: a shipped model's (hashes
    verified), or (a train_dir, None: its newest good checkpoint, found when loading)."""
    from face_alignment_tf.pretrained import available_models, verified_model_dir

    check_model(model)
    if str(model) in available_models():
        folder, manifest = verified_model_dir(str(model))
        return folder, str(folder / manifest["checkpoint"])
    return Path(model), None


def load_model(model: str | Path):
    """A shipped model's name or any family's train_dir -> (its folder, TrainedModel)."""
    folder, checkpoint = model_checkpoint(model)
    return folder, build_model(folder, checkpoint)


def build_model(folder: Path, checkpoint: str | None):
    """The TrainedModel of `model_checkpoint`'s (folder, checkpoint), built with TensorFlow
    (imported with its banners kept quiet)."""
    from face_alignment_tf.families.registry import load_trained_model
    from face_alignment_tf.quiet import import_tensorflow_quietly

    import_tensorflow_quietly()
    return load_trained_model(folder, checkpoint)


def box_corners(boxes) -> np.ndarray:
    """Boxes as [N, 4, 2] (y, x) corners, or [N, 4] (y0, x0, y1, x1) -> [N, 4, 2] corners;
    one box, [4, 2] corners or [4] sides, is one face."""
    boxes = np.asarray(boxes, np.float64)
    if boxes.size == 0:
        return boxes.reshape(0, 4, 2)
    if boxes.shape in ((4, 2), (4,)):
        boxes = boxes[None]
    if boxes.ndim == 2 and boxes.shape[1] == 4:
        return corner_array(*boxes.T)
    if boxes.ndim == 3 and boxes.shape[2] == 2:
        return boxes
    raise ValueError(f"boxes must be [N, 4, 2] (y, x) corners or [N, 4] (y0, x0, y1, x1), "
                     f"got shape {boxes.shape}")  # fmt: skip


def is_one_image(images) -> bool:
    """A path, a PIL image or one array (nested lists of numbers too), rather than a
    sequence of them."""
    if isinstance(images, str | bytes | Path | np.ndarray) or hasattr(images, "getpixel"):
        return not isinstance(images, np.ndarray) or images.ndim in (2, 3)
    if isinstance(images, list | tuple) and images and isinstance(images[0], list | tuple):
        first = images[0][0] if images[0] else None
        return isinstance(first, int | float | np.number | list | tuple)
    return False


def read_pixels(image, name: str) -> np.ndarray:
    """uint8 [H, W, 3] RGB of one image as FaceAligner takes it (module docstring)."""
    if isinstance(image, bytes):
        image = os.fsdecode(image)
    if isinstance(image, str | Path):
        return load_image(image)
    if hasattr(image, "getpixel"):  # a PIL.Image
        return pil_pixels(image, name)
    return as_rgb_uint8(image, name)


def detection_copy(image: np.ndarray, max_side: int | None) -> tuple[np.ndarray, float]:
    """(the image scaled down, area-averaged, so that its longer side is at most
    `max_side` (None: as it is), that copy's scale relative to the image)."""
    import cv2

    longest = max(image.shape[:2])
    if max_side is None or longest <= max_side:
        return image, 1.0
    scale = max_side / longest
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), scale


class FaceAligner:
    """Landmarks of faces in photos.

    model: a shipped model's name (`face_alignment_tf.available_models()`) or any family's
      train_dir; detector: a registered detector's name (`detectors.detector_names()`) or
      None (boxes always given);
      detect_max_side: the longest side detection sees (None: full resolution).
      `aligner_options` go to the family's aligner (e.g. runtime='keras', mirror=True).
    Images: as in the module docstring (values as `data.images` reads them).
    """

    def __init__(
        self,
        model: str | Path = DEFAULT_MODEL,
        detector: str | None = DEFAULT_DETECTOR,
        detect_max_side: int | None = DEFAULT_DETECT_MAX_SIDE,
        **aligner_options,
    ):
        if detect_max_side is not None and detect_max_side < 32:
            raise ValueError(f"detect_max_side must be at least 32 or None, got {detect_max_side}")
        self.detect_max_side = detect_max_side
        self._trained = None
        self.model_dir, self.checkpoint = model_checkpoint(model)
        runtime = open_runtime_aligner(self.model_dir, self.checkpoint, **aligner_options)
        # Else the family's aligner on the model, built with TensorFlow.
        self.landmarker = runtime or self.trained.aligner(**aligner_options)
        self.detector_name = detector
        self.detector = make_detector(detector) if detector else None
        calibrations = read_calibrations(self.model_dir)
        names = calibration_names(detector) if detector else ()
        fitted = [name for name in names if name in calibrations]
        self.calibration = calibrations[fitted[0]] if fitted else BoxCalibration()
        if detector and not fitted:
            logging.warning("%s has no calibration for %s's boxes: they are used as they are",
                            self.model_dir, detector)  # fmt: skip

    @property
    def trained(self):
        """The model as a `families.TrainedModel` (built, with TensorFlow, on first use)."""
        if self._trained is None:
            self._trained = build_model(self.model_dir, self.checkpoint)
        return self._trained

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
        """The faces of one image (a list of Face), or of each image of a sequence (read,
        detected and aligned one at a time; an empty sequence gives [])."""
        if self.detector is None:
            raise ValueError("this FaceAligner has no detector: use align(images, boxes)")
        if is_one_image(images):
            return self._faces(read_pixels(images, "image"))
        return [
            self._faces(read_pixels(image, f"image {index}")) for index, image in enumerate(images)
        ]

    def detect(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The detector's (boxes [n, 4, 2] (y, x) in `pixels`' frame, scores [n]) on the
        detection copy (`detect_max_side`)."""
        copy, scale = detection_copy(pixels, self.detect_max_side)
        boxes, scores = self.detector.detect(copy)
        return np.asarray(boxes, np.float64).reshape(-1, 4, 2) / scale, scores

    def align_detections(self, pixels: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """Landmarks [n, 68, 2] (y, x) of the detector's boxes [n, 4, 2] on `pixels`, each
        box mapped by the model's calibration for this detector first."""
        if not len(boxes):
            return np.zeros((0, 68, 2), np.float32)
        return self.landmarker.predict([pixels] * len(boxes), self.calibration.apply(boxes))

    def _faces(self, pixels: np.ndarray) -> list[Face]:
        boxes, scores = self.detect(pixels)
        if not len(boxes):
            return []
        landmarks = self.align_detections(pixels, boxes)
        return [Face(box, float(score), points)
                for box, score, points in zip(boxes, scores, landmarks, strict=True)]  # fmt: skip

    @staticmethod
    def _pixels(images) -> list[np.ndarray]:
        if is_one_image(images):
            return [read_pixels(images, "image")]
        return [read_pixels(image, f"image {index}") for index, image in enumerate(images)]
