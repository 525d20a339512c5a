"""Pictures for TensorBoard: landmarks drawn on images, patch mosaics."""

import cv2
import numpy as np

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
