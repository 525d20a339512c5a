"""The peer: dlib's ensemble-of-regression-trees 68-point predictor (Kazemi & Sullivan 2014).

Needs the optional extra: `pip install .[bench]` (dlib-bin, a prebuilt wheel, and
face-recognition-models, which ships shape_predictor_68_face_landmarks.dat). The
model file is located with importlib: that package's own `pkg_resources` import
breaks on new setuptools. dlib's 68 points follow the same iBUG markup and
0-based pixel coordinates; here they are returned as (y, x) like everything else.
"""

import importlib.util
from pathlib import Path

import numpy as np

MODEL_FILE = "shape_predictor_68_face_landmarks.dat"


def model_path() -> Path:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("face-recognition-models is not installed: pip install '.[bench]'")
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: dlib's 68-point model is missing")
    return path


def box_rectangle(box: np.ndarray):
    """A dlib rectangle around box corners [4, 2] (y, x)."""
    import dlib

    (top, left), (bottom, right) = np.min(box, axis=0), np.max(box, axis=0)
    return dlib.rectangle(int(round(left)), int(round(top)), int(round(right)), int(round(bottom)))


class DlibLandmarker:
    """predict(image uint8 [H, W, 3] RGB, box [4, 2] (y, x)) -> float64 [68, 2] (y, x)."""

    def __init__(self):
        import dlib

        self.predictor = dlib.shape_predictor(str(model_path()))

    def predict(self, image: np.ndarray, box: np.ndarray) -> np.ndarray:
        shape = self.predictor(image, box_rectangle(box))
        return np.array([[part.y, part.x] for part in shape.parts()], np.float64)
