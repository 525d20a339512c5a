"""Where the SDU networks look: crop transforms to the 128x128 input (SPEC B.2, B.6).

Matrices are 3x3 affines on homogeneous (y, x, 1) from image to crop coordinates.

* `template_alignment`: the 5-point similarity of the ground truth (eye centres,
  nose tip 30, mouth corners 48 and 54) to the ArcFace 112 template scaled to a
  384 frame (x 2 + 80), as SDU's evaluation and records use.
* `box_crop`: a square crop of side margin * max(h, w) of a box, centred on the
  box, scaled to the 128 input (margin 1.2 as SDU's `transform2`). With a
  detector box this is the default evaluation crop; with the ground truth's box
  (raised by the forehead margin) it is SDU's GT-derived "oracle" crop.
"""

import numpy as np

from face_alignment_tf.data.geometry import similarity_matrix

INPUT_SIZE = 128
RECORD_SIZE = 384
BOX_MARGIN = 1.2
# SDU raises the top of the ground truth's box by this many pixels of the 384 frame.
FOREHEAD_MARGIN = {"2d": 36.0, "3d": 30.0}
# SDU's ArcFace 112x112 template (SPEC B.2), (x, y): left eye, right eye, nose tip,
# left and right mouth corner.
ARCFACE_TEMPLATE_XY = np.array(
    [
        [38.2946, 41.6963],
        [73.5318, 41.5014],
        [56.0252, 61.7366],
        [41.5493, 82.3655],
        [70.7299, 82.2041],
    ]
)


def arcface_template() -> np.ndarray:
    """The template in (y, x) in the 384 frame (SDU maps it by x 2 + 80)."""
    return ARCFACE_TEMPLATE_XY[:, ::-1] * 2.0 + 80.0


def five_points(landmarks: np.ndarray) -> np.ndarray:
    """Eye centres, nose tip and mouth corners [5, 2] of 68 (y, x) landmarks."""
    landmarks = np.asarray(landmarks, np.float64)
    return np.stack(
        [
            (landmarks[36] + landmarks[39]) / 2,
            (landmarks[42] + landmarks[45]) / 2,
            landmarks[30],
            landmarks[48],
            landmarks[54],
        ]
    )


def template_alignment(landmarks: np.ndarray) -> np.ndarray:
    """Image -> the 384x384 aligned frame by the 5-point similarity to the template."""
    return similarity_matrix(five_points(landmarks), arcface_template())


def box_crop(box: np.ndarray, size: int = INPUT_SIZE, margin: float = BOX_MARGIN) -> np.ndarray:
    """Image -> crop: box [k, 2] (y, x) centred, margin * max side scaled to `size`."""
    box = np.asarray(box, np.float64)
    lo, hi = box.min(0), box.max(0)
    scale = size / (margin * np.max(hi - lo))
    centre = np.floor((lo + hi) / 2)  # SDU: int() of the box centre
    matrix = np.diag([scale, scale, 1.0])
    matrix[:2, 2] = size / 2 - scale * centre
    return matrix


def oracle_box(aligned_landmarks: np.ndarray, landmark_type: str = "2d") -> np.ndarray:
    """SDU's GT box in the 384 aligned frame: landmark bounds with the top raised, clipped at 0."""
    aligned_landmarks = np.asarray(aligned_landmarks, np.float64)
    lo, hi = aligned_landmarks.min(0), aligned_landmarks.max(0)
    lo[0] = max(lo[0] - FOREHEAD_MARGIN[landmark_type], 0.0)
    return np.stack([lo, hi])
