"""Face boxes checked before any work: finite, with an area, on their image.

Boxes are [4, 2] (y, x) points (a detector box's corners, as in the 300-W box files);
only their extent matters here, so corners in any order (an "inverted" box whose first
corner is its bottom right) are accepted. Boxes given to an aligner must also be the size
of a face a model can see: at least MIN_FACE_SIDE pixels and at most MAX_FACE_RATIO times
the image's longer side.
"""

import math
from collections.abc import Sequence

import numpy as np

from face_alignment_tf.data.errors import DataError

MIN_BOX_SIDE = 1.0  # pixels
MIN_FACE_SIDE = 8.0  # pixels: below this no landmark model resolves a face
MAX_FACE_RATIO = 4.0  # of the image's longer side


def check_box(box, name: str, image_shape: Sequence[int] | None = None) -> np.ndarray:
    """float64 [4, 2] (y, x): `box` when it is finite, at least MIN_BOX_SIDE high and wide,
    and (when `image_shape` (H, W, ...) is given) overlaps the image; else DataError(name)."""
    return checked_extent(box, name, image_shape)[0]


def checked_extent(
    box, name: str, image_shape: Sequence[int] | None = None
) -> tuple[np.ndarray, list[float], list[float]]:
    """`check_box`'s checks; (float64 points [4, 2], their (y, x) minimum, their (y, x)
    maximum), the extremes as Python floats: on one box, checks on them cost a fraction of
    numpy's."""
    points = np.asarray(box, np.float64)
    if points.shape != (4, 2):
        raise DataError(name, f"a box is 4 (y, x) points, got shape {points.shape}")
    lo, hi = points.min(0).tolist(), points.max(0).tolist()
    if not all(map(math.isfinite, lo + hi)):  # a NaN or an infinity reaches an extreme
        raise DataError(name, f"box has non-finite coordinates {points.tolist()}")
    (top, left), (bottom, right) = lo, hi
    if min(bottom - top, right - left) < MIN_BOX_SIDE:
        raise DataError(
            name, f"degenerate box: {bottom - top:g} px high and {right - left:g} px wide"
        )
    if image_shape is not None:
        height, width = image_shape[:2]
        if bottom < 0 or right < 0 or top > height - 1 or left > width - 1:
            raise DataError(name, f"box (y, x) {lo}..{hi} lies outside the {width}x{height} image")
    return points, lo, hi


def checked_batch(images: Sequence, boxes) -> np.ndarray:
    """An aligner's batch checked: one box per image, every box valid on its image.
    Returns float64 [N, 4, 2] (y, x) (N may be 0)."""
    if len(images) != len(boxes):
        raise ValueError(f"{len(images)} images but {len(boxes)} boxes")
    return np.array(
        [
            check_face_box(box, f"box {index} of the batch", np.shape(image))
            for index, (image, box) in enumerate(zip(images, boxes, strict=True))
        ],
        np.float64,
    ).reshape(-1, 4, 2)


def check_face_box(box, name: str, image_shape: Sequence[int]) -> np.ndarray:
    """`check_box`, and a side of at least MIN_FACE_SIDE pixels and at most MAX_FACE_RATIO
    times the image's longer side."""
    points, (top, left), (bottom, right) = checked_extent(box, name, image_shape)
    high, wide = bottom - top, right - left
    longest = max(image_shape[:2])
    if min(high, wide) < MIN_FACE_SIDE:
        raise DataError(
            name, f"box of {wide:g}x{high:g} px: smaller than any face a model can "
            f"see (at least {MIN_FACE_SIDE:g} px a side)",
        )  # fmt: skip
    if max(high, wide) > MAX_FACE_RATIO * longest:
        raise DataError(
            name, f"box of {wide:g}x{high:g} px on a {longest}-px image: far larger "
            f"than any face in it (at most {MAX_FACE_RATIO:g}x)",
        )  # fmt: skip
    return points
