"""Pictures for TensorBoard and users: landmarks drawn on images, faces with their box and
contours, patch mosaics."""

import cv2
import numpy as np

from face_alignment_tf.data.landmarks import CONTOURS_68

# RGB colours, by role.
GROUND_TRUTH = (0, 220, 0)
PREDICTION = (230, 40, 40)
INITIAL = (40, 120, 255)


def draw_landmarks(image: np.ndarray, shapes: list[tuple[np.ndarray, tuple]], radius: int = 2):
    """Draws (y, x) point sets on a copy of an RGB image.

    image: float [H, W, 3] in [0, 1]; shapes: (points [n, 2], rgb colour) pairs,
    drawn in order. Returns uint8 [H, W, 3].
    """
    canvas = np.ascontiguousarray(np.clip(np.asarray(image) * 255, 0, 255).astype(np.uint8))
    for points, colour in shapes:
        for y, x in np.asarray(points):
            if np.isfinite(x) and np.isfinite(y):
                cv2.circle(canvas, (int(round(x)), int(round(y))), radius, colour, -1, cv2.LINE_AA)
    return canvas


BOX_COLOUR = (40, 200, 255)


def draw_faces(image: np.ndarray, faces: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Each face's box and 68 points with the markup's contours (jaw, brows, nose, eyes,
    lips) as polylines, on a copy of a uint8 [H, W, 3] RGB image; strokes and markers
    scaled to each face's box. faces: (box [4, 2], landmarks [68, 2]) pairs, (y, x)."""
    canvas = np.ascontiguousarray(image, np.uint8).copy()
    for box, landmarks in faces:
        box, points = np.asarray(box, np.float64), np.asarray(landmarks, np.float64)
        side = float(np.max(box.max(0) - box.min(0)))
        thickness = max(1, round(side / 150))
        radius = max(1, round(side / 90))
        (top, left), (bottom, right) = np.round(box.min(0)), np.round(box.max(0))
        cv2.rectangle(canvas, (int(left), int(top)), (int(right), int(bottom)), BOX_COLOUR,
                      thickness, cv2.LINE_AA)  # fmt: skip
        xy = np.round(points[:, ::-1]).astype(np.int32)
        for first, last, closed in CONTOURS_68:
            cv2.polylines(canvas, [xy[first : last + 1]], closed, PREDICTION, thickness,
                          cv2.LINE_AA)  # fmt: skip
        for x, y in xy:
            cv2.circle(canvas, (int(x), int(y)), radius, GROUND_TRUTH, -1, cv2.LINE_AA)
    return canvas


def patch_mosaic(patches: np.ndarray, columns: int = 17, gap: int = 1) -> np.ndarray:
    """Tiles patches [N, ph, pw, C] into one image, `columns` per row, `gap` px apart."""
    patches = np.asarray(patches)
    count, height, width, channels = patches.shape
    rows = -(-count // columns)
    mosaic = np.ones(
        (rows * (height + gap) - gap, columns * (width + gap) - gap, channels), patches.dtype
    )
    for index, patch in enumerate(patches):
        row, column = divmod(index, columns)
        top, left = row * (height + gap), column * (width + gap)
        mosaic[top : top + height, left : left + width] = patch
    return mosaic
