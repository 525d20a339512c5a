"""Face boxes checked before any work: finite, with an area, on their image.

Boxes are [4, 2] (y, x) points (a detector box's corners, as in the 300-W box files);
only their extent matters here, so corners in any order (an "inverted" box whose first
corner is its bottom right) are accepted. Boxes given to an aligner must also be the size
of a face a model can see: at least MIN_FACE_SIDE pixels and at most MAX_FACE_RATIO times
the image's longer side.
"""

from collections.abc import Sequence

import numpy as np

from face_alignment_tf.data.errors import DataError

MIN_BOX_SIDE = 1.0  # pixels
MIN_FACE_SIDE = 8.0  # pixels: below this no landmark model resolves a face
MAX_FACE_RATIO = 4.0  # of the image's longer side


def check_box(box, name: str, image_shape: Sequence[int] | None = None) -> np.ndarray:
    """float64 [4, 2] (y, x): `box` when it is finite, at least MIN_BOX_SIDE high and wide,
    and (when `image_shape` (H, W, ...) is given) overlaps the image; else DataError(name)."""
    points = np.asarray(box, np.float64)
    if points.shape != (4, 2):
        raise DataError(name, f"a box is 4 (y, x) points, got shape {points.shape}")
    if not np.all(np.isfinite(points)):
        raise DataError(name, f"box has non-finite coordinates {points.tolist()}")
    lo, hi = points.min(0), points.max(0)
    if np.any(hi - lo < MIN_BOX_SIDE):
        raise DataError(
            name, f"degenerate box: {hi[0] - lo[0]:g} px high and {hi[1] - lo[1]:g} px wide"
        )
    if image_shape is not None:
        height, width = image_shape[:2]
        if hi[0] < 0 or hi[1] < 0 or lo[0] > height - 1 or lo[1] > width - 1:
            raise DataError(
                name,
                f"box (y, x) {lo.tolist()}..{hi.tolist()} lies outside the {width}x{height} image",
            )
    return points


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
    points = check_box(box, name, image_shape)
    sides = points.max(0) - points.min(0)
    longest = max(image_shape[:2])
    if sides.min() < MIN_FACE_SIDE:
        raise DataError(
            name, f"box of {sides[1]:g}x{sides[0]:g} px: smaller than any face a model can "
            f"see (at least {MIN_FACE_SIDE:g} px a side)",
        )  # fmt: skip
    if sides.max() > MAX_FACE_RATIO * longest:
        raise DataError(
            name, f"box of {sides[1]:g}x{sides[0]:g} px on a {longest}-px image: far larger "
            f"than any face in it (at most {MAX_FACE_RATIO:g}x)",
        )  # fmt: skip
    return points
