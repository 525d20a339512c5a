"""Detector calibration: each face detector's box mapped into the box convention a model
was trained with.

A model trained on the 300-W detector boxes expects their size and placement (they
include the forehead); MTCNN's, dlib's and OpenCV's boxes are drawn otherwise. For each
(model, detector) pair a box-relative offset and scale are fitted on the training faces:

    centre' = centre + offset * (h, w)        size' = scale * (h, w)

with (h, w) the detector box's height and width and every quantity in (y, x), each of the
four numbers the median over the faces of the ratio it describes (robust to the odd
loose detection). The fits of a model live in `<model folder>/calibration.json`
({detector: {"offset": [dy, dx], "scale": [sy, sx], "faces": n, "missed": m}}), read by
`face_alignment_tf.FaceAligner`.

    python -m face_alignment_tf.calibration --model=runs/mobilenet-s2 --detector=mtcnn \
        --datasets='300w/lfpw/trainset/*.jpg:300w/helen/trainset/*.jpg:300w/afw/*.jpg'
"""

import dataclasses
import json
from pathlib import Path

import numpy as np

from face_alignment_tf.artifacts.model_dir import CALIBRATION_FILE
from face_alignment_tf.detectors import corner_array


@dataclasses.dataclass(frozen=True)
class BoxCalibration:
    """Maps detector boxes to a model's box convention; identity by default."""

    offset: tuple[float, float] = (0.0, 0.0)  # centre shift / (h, w), (y, x)
    scale: tuple[float, float] = (1.0, 1.0)  # size ratio, (y, x)

    def apply(self, boxes) -> np.ndarray:
        """Box corners [..., k, 2] (y, x) -> the calibrated boxes' corners [..., 4, 2]."""
        boxes = np.asarray(boxes, np.float64)
        lo, hi = boxes.min(-2), boxes.max(-2)
        size, centre = hi - lo, (lo + hi) / 2
        centre = centre + np.asarray(self.offset) * size
        half = np.asarray(self.scale) * size / 2
        (top, left), (bottom, right) = (
            np.moveaxis(centre - half, -1, 0),
            np.moveaxis(centre + half, -1, 0),
        )
        return corner_array(top, left, bottom, right)

    @classmethod
    def fit(cls, detected, targets) -> "BoxCalibration":
        """The medians of the offset and scale ratios taking each detected box [n, k, 2] to
        its target box [n, k, 2] (y, x)."""
        detected, targets = np.asarray(detected, np.float64), np.asarray(targets, np.float64)
        if len(detected) == 0 or len(detected) != len(targets):
            raise ValueError(f"need matching boxes, got {len(detected)} and {len(targets)}")
        d_lo, d_hi, t_lo, t_hi = detected.min(1), detected.max(1), targets.min(1), targets.max(1)
        size = d_hi - d_lo
        offset = np.median(((t_lo + t_hi) - (d_lo + d_hi)) / 2 / size, axis=0)
        scale = np.median((t_hi - t_lo) / size, axis=0)
        return cls(tuple(map(float, offset)), tuple(map(float, scale)))


def read_calibrations(model_dir: str | Path) -> dict[str, BoxCalibration]:
    """The calibrations stored with a model: {detector: BoxCalibration}; {} when none."""
    path = Path(model_dir) / CALIBRATION_FILE
    if not path.is_file():
        return {}
    return {
        name: BoxCalibration(tuple(fit["offset"]), tuple(fit["scale"]))
        for name, fit in json.loads(path.read_text()).items()
    }


def fit_detector_calibration(
    model_dir: str | Path,
    detector_name: str,
    datasets: str,
    bbs_dir: str | None = None,
    every: int = 1,
) -> dict:
    """Runs the detector on the faces of `datasets` (every `every`-th), matches each
    detection to the face's own box (`detectors.matching_box`), fits the calibration and
    stores it in model_dir's calibration.json beside the other detectors'; returns the
    entry written."""  # fmt: skip
    from face_alignment_tf.data.discovery import discover_faces
    from face_alignment_tf.data.images import load_image
    from face_alignment_tf.data.json_files import write_json_atomically
    from face_alignment_tf.detectors import make_detector, matching_box

    detector = make_detector(detector_name)
    detected, targets, missed = [], [], 0
    for record in discover_faces(datasets, bbs_dir)[::every]:
        found = matching_box(detector.detect(load_image(record.image_path))[0], record.box)
        if found is None:
            missed += 1
            continue
        detected.append(found)
        targets.append(record.box)
    fit = BoxCalibration.fit(detected, targets)
    entry = {"offset": list(fit.offset), "scale": list(fit.scale), "faces": len(detected),
             "missed": missed}  # fmt: skip
    path = Path(model_dir) / CALIBRATION_FILE
    stored = json.loads(path.read_text()) if path.is_file() else {}
    write_json_atomically(path, {**stored, detector_name: entry})
    return entry


if __name__ == "__main__":
    from absl import app, flags

    from face_alignment_tf.data.errors import exit_on_data_error

    flags.DEFINE_string("model", None, "The model's folder (a train_dir).", required=True)
    flags.DEFINE_string("detector", None, "The detector to calibrate.", required=True)
    flags.DEFINE_string("datasets", None, "Training faces (colon-separated globs) with "
                        "their boxes in the model's convention.", required=True)  # fmt: skip
    flags.DEFINE_string("bbs_dir", None, "Boxes root (default: the nearest bbs/).")
    flags.DEFINE_integer("every", 1, "Use every n-th face.")

    def main(argv):
        del argv
        f = flags.FLAGS
        print(json.dumps(fit_detector_calibration(f.model, f.detector, f.datasets, f.bbs_dir,
                                                  f.every)))  # fmt: skip

    app.run(exit_on_data_error(main))
