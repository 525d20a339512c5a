"""Face detectors behind one interface, and the matching of a detection to a known box.

`detector.detect(image uint8 [H, W, 3] RGB) -> (boxes float64 [n, 4, 2], scores [n])`:
box corners (y, x), clockwise from the top left, in image pixels; scores are the
detector's confidences (higher is surer; their scales differ between detectors).

* 'mtcnn': the `mtcnn` package (Zhang et al. 2016's P/R/O-Net cascade; runs on
  TensorFlow, ships its weights), default thresholds; score: the O-Net probability.
* 'opencv': the frontal-face Haar cascade that opencv-python-headless ships
  (Viola-Jones; `haarcascade_frontalface_default.xml`); score: the cascade's level weight.
* 'dlib-hog': dlib's HOG + linear SVM frontal detector, upsampling once (optional extra:
  `pip install '.[bench]'`); score: the SVM margin.
* 'blazeface', 'blazeface-full': MediaPipe's BlazeFace short-range (faces within about 2 m)
  and full-range networks on LiteRT (`face_alignment_tf.blazeface`, shipped with the
  package; no TensorFlow); score: the sigmoid probability.
* 'blazeface-both' (the front door's default): both, one detection per face, the
  full-range network's for small faces (under 15 % of the image's longer side) and those
  the short-range one misses, in the short-range box convention.

Each detector draws its box its own way (MTCNN and dlib's are tighter than the 300-W
boxes, without the forehead): `face_alignment_tf.calibration` maps them to a model's.

Detectors are a registry like the families': `register_detector(name, factory,
requires)` adds one (the CLI's `--detector` choices, `FaceAligner(detector=...)`, the
calibration and bench read `detector_names()`); a factory is called on first use, so a
detector's package is imported only when it is chosen.
"""

import dataclasses
from collections.abc import Callable
from typing import Protocol

import numpy as np

MIN_IOU = 0.3


def corners(top: float, left: float, bottom: float, right: float) -> list[list[float]]:
    """The 4 (y, x) corners of an axis-aligned box, clockwise from the top left."""
    return [[top, left], [bottom, left], [bottom, right], [top, right]]


def corner_array(top, left, bottom, right) -> np.ndarray:
    """`corners` of arrays of boxes: sides [...] -> float64 [..., 4, 2] (y, x) corners."""
    return np.stack([np.stack(c, -1) for c in corners(top, left, bottom, right)], -2).astype(
        np.float64
    )


def _detections(boxes: list, scores: list) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(boxes, np.float64).reshape(-1, 4, 2), np.asarray(scores, np.float64)


class MtcnnDetector:
    def __init__(self):
        from face_alignment_tf.quiet import import_tensorflow_quietly

        import_tensorflow_quietly()  # mtcnn runs on TensorFlow: its banners kept quiet
        from mtcnn import MTCNN

        self.detector = MTCNN()

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        faces = self.detector.detect_faces(image)
        return _detections(
            [corners(f["box"][1], f["box"][0], f["box"][1] + f["box"][3],
                     f["box"][0] + f["box"][2]) for f in faces],
            [f["confidence"] for f in faces],
        )  # fmt: skip


class OpenCvHaarDetector:
    def __init__(self, min_neighbours: int = 5):
        import cv2

        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self.cascade, self.min_neighbours = cv2.CascadeClassifier(path), min_neighbours
        if self.cascade.empty():
            raise FileNotFoundError(f"{path}: OpenCV's Haar cascade could not be loaded")

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import cv2

        grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
        found, _, weights = self.cascade.detectMultiScale3(
            grey, minNeighbors=self.min_neighbours, outputRejectLevels=True
        )
        return _detections(
            [corners(y, x, y + h - 1, x + w - 1) for x, y, w, h in found],
            np.ravel(weights).tolist() if len(found) else [],
        )


class DlibHogDetector:
    def __init__(self, upsample: int = 1):
        import dlib

        self.detector, self.upsample = dlib.get_frontal_face_detector(), upsample

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rectangles, scores, _ = self.detector.run(image, self.upsample)
        return _detections(
            [corners(r.top(), r.left(), r.bottom(), r.right()) for r in rectangles], scores
        )


class Detector(Protocol):
    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """uint8 [H, W, 3] RGB -> (boxes float64 [n, 4, 2] (y, x) corners, scores [n])."""


@dataclasses.dataclass(frozen=True)
class RegisteredDetector:
    """factory() -> a Detector; requires: how to install its package, for the error;
    box_convention: the detector whose boxes its own follow (None: its own convention)."""

    factory: Callable[[], Detector]
    requires: str
    box_convention: str | None = None


_REGISTRY: dict[str, RegisteredDetector] = {}


def _blazeface(model: str) -> Detector:
    from face_alignment_tf.blazeface import BlazeFaceBothRanges, BlazeFaceDetector

    return BlazeFaceBothRanges() if model == "both" else BlazeFaceDetector(model)


def register_detector(
    name: str, factory: Callable[[], Detector], requires: str, box_convention: str | None = None
) -> None:
    """Adds a detector under `name` (ValueError if the name is taken); `box_convention`
    names the detector whose boxes its own follow, so that a model's box calibration for
    that detector serves it where the model has none of its own."""
    if name in _REGISTRY:
        raise ValueError(f"detector {name!r} is registered already")
    _REGISTRY[name] = RegisteredDetector(factory, requires, box_convention)


def calibration_names(name: str) -> tuple[str, ...]:
    """The detectors whose box calibration fits `name`'s boxes, its own first."""
    convention = _REGISTRY[name].box_convention if name in _REGISTRY else None
    return (name,) if convention is None else (name, convention)


def detector_names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def make_detector(name: str) -> Detector:
    """The detector registered as `name`; ImportError says what to install."""
    if name not in _REGISTRY:
        raise ValueError(f"detector must be one of {sorted(_REGISTRY)} or None, got {name!r}")
    entry = _REGISTRY[name]
    try:
        return entry.factory()
    except ImportError as error:
        raise ImportError(
            f"detector {name!r} needs a package that is not installed ({error}): {entry.requires}"
        ) from None


register_detector("mtcnn", MtcnnDetector, "pip install mtcnn (a dependency of the toolkit)")
register_detector("opencv", OpenCvHaarDetector, "pip install opencv-python-headless")
register_detector("dlib-hog", DlibHogDetector, "pip install 'face-alignment-tf[bench]'")
register_detector("blazeface", lambda: _blazeface("short"), "pip install ai-edge-litert")
register_detector("blazeface-full", lambda: _blazeface("full"), "pip install ai-edge-litert")
register_detector("blazeface-both", lambda: _blazeface("both"), "pip install ai-edge-litert",
                  box_convention="blazeface")  # fmt: skip


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of the axis-aligned boxes around corners a, b [k, 2]."""
    lo, hi = np.maximum(a.min(0), b.min(0)), np.minimum(a.max(0), b.max(0))
    inter = np.prod(np.clip(hi - lo, 0, None))
    area = lambda box: np.prod(box.max(0) - box.min(0))  # noqa: E731
    return float(inter / (area(a) + area(b) - inter))


def matching_index(detections: np.ndarray, reference: np.ndarray) -> int | None:
    """The index of the detection overlapping `reference` most, if its IoU is >= MIN_IOU."""
    overlaps = [iou(box, reference) for box in detections]
    if not overlaps or max(overlaps) < MIN_IOU:
        return None
    return int(np.argmax(overlaps))


def matching_box(detections: np.ndarray, reference: np.ndarray) -> np.ndarray | None:
    """The detection [4, 2] overlapping `reference` most, if its IoU is >= MIN_IOU."""
    index = matching_index(detections, reference)
    return None if index is None else detections[index]
