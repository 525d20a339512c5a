"""Face detectors for the benchmark's second initialisation, behind one interface.

`detect(image uint8 [H, W, 3] RGB) -> float64 [n, 4, 2]` box corners (y, x),
clockwise from the top left, in image pixels. Both need `pip install '.[bench]'`.

* 'mtcnn': the `mtcnn` package (Zhang et al. 2016's P/R/O-Net cascade; runs on
  TensorFlow, ships its weights), default thresholds;
* 'dlib-hog': dlib's HOG + linear SVM frontal detector, upsampling once.

Their boxes are tighter than the 300-W detector boxes (no forehead): every
method gets the same box, none was trained on it.
"""

import numpy as np


def corners(top: float, left: float, bottom: float, right: float) -> list[list[float]]:
    return [[top, left], [bottom, left], [bottom, right], [top, right]]


class DlibHogDetector:
    def __init__(self, upsample: int = 1):
        import dlib

        self.detector, self.upsample = dlib.get_frontal_face_detector(), upsample

    def detect(self, image: np.ndarray) -> np.ndarray:
        boxes = [
            corners(r.top(), r.left(), r.bottom(), r.right())
            for r in self.detector(image, self.upsample)
        ]
        return np.asarray(boxes, np.float64).reshape(-1, 4, 2)


class MtcnnDetector:
    def __init__(self):
        from mtcnn import MTCNN

        self.detector = MTCNN()

    def detect(self, image: np.ndarray) -> np.ndarray:
        boxes = [
            corners(y, x, y + height, x + width)
            for x, y, width, height in (face["box"] for face in self.detector.detect_faces(image))
        ]
        return np.asarray(boxes, np.float64).reshape(-1, 4, 2)


DETECTORS = {"mtcnn": MtcnnDetector, "dlib-hog": DlibHogDetector}
