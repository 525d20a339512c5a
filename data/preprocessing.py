"""Per-face preprocessing of the original MDM code (SPEC A.3 and A.8), with menpo.

Both paths read the image upright and as RGB (`data.images`), crop it to the detector box with a
margin of 0.3 x the box's shorter side (clipped to the image), and rescale it
with menpo's `rescale_to_pointcloud` (bilinear, align-corners-like per-axis
factor):

* training (A.3): scaled so that the ground truth has the reference shape's size;
* evaluation (A.8): the initial shape is the reference shape aligned to the box
  (`align_reference_to_box`), and the image is scaled so that
  the initial shape has the reference shape's size.

Returned arrays are (y, x) float32 in the rescaled frame.
"""

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from face_alignment_tf.data import menpo_compat  # noqa: F401
from face_alignment_tf.data.discovery import FaceRecord
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.images import load_image
from face_alignment_tf.data.reference_shape import align_reference_to_box

CROP_PROPORTION = 0.3
MIN_CROP_SIZE = 8
# Annotated points may lie outside the image (a face cut by the border) by at most this
# fraction of the image's longer side; further out, the annotation is taken as wrong.
OUTSIDE_MARGIN = 0.25


@dataclasses.dataclass(frozen=True)
class PreparedFace:
    """A face ready for the network.

    pixels: float32 [H, W, 3] in [0, 1]; landmarks: [68, 2] ground truth;
    box: [4, 2] detector box; initial: [68, 2] the evaluation initialisation
    (reference shape aligned to the box); all (y, x).
    """

    path: str
    pixels: np.ndarray
    landmarks: np.ndarray
    box: np.ndarray
    initial: np.ndarray


def read_image(path: str | Path):
    """An image file as a 3-channel menpo Image in [0, 1], upright (`data.images.load_image`:
    EXIF orientation, every image mode); DataError naming the file if unreadable."""
    from menpo.image import Image

    return Image.init_from_channels_at_back(load_image(path) / np.float32(255.0))


def check_landmarks_on_image(
    landmarks: np.ndarray, image_shape: Sequence[int], path: str | Path
) -> None:
    """DataError naming `path` and the first point (as written in a .pts file: 1-based x y)
    further outside the image than OUTSIDE_MARGIN x its longer side."""
    height, width = image_shape[:2]
    margin = OUTSIDE_MARGIN * max(height, width)
    limits = np.array([height - 1, width - 1], np.float64)
    outside = np.maximum(-landmarks, landmarks - limits).max(axis=1)
    if outside.max() > margin:
        index = int(np.argmax(outside > margin))
        y, x = landmarks[index]
        raise DataError(
            path,
            f"landmark {index + 1} (x {x + 1:g}, y {y + 1:g} as in a .pts file) lies "
            f"{outside[index]:.0f} px outside the {width}x{height} image (at most "
            f"{margin:.0f} px, {OUTSIDE_MARGIN:.0%} of its longer side, is taken as a face "
            "cut by the border)",
        )


def load_face(record: FaceRecord):
    """The image of a record with its ground truth ('PTS') and box ('bb') attached; the
    ground truth checked against the image (`check_landmarks_on_image`)."""
    from menpo.shape import PointCloud

    image = read_image(record.image_path)
    check_landmarks_on_image(record.landmarks, image.shape, record.landmarks_path)
    image.landmarks["PTS"] = PointCloud(record.landmarks)
    image.landmarks["bb"] = PointCloud(record.box)
    return image


def crop_to_box(image, path: str | Path):
    """Crops to the 'bb' group plus 0.3 x its shorter side, clipped to the image.

    Returns the crop and the menpo transform from its frame to the image's.
    """
    lo, hi = image.landmarks["bb"].points.min(0), image.landmarks["bb"].points.max(0)
    if np.any(hi < 0) or np.any(lo > np.array(image.shape) - 1):
        raise DataError(path, f"detector box {lo.tolist()}-{hi.tolist()} lies outside the image")
    cropped, to_image = image.crop_to_landmarks_proportion(
        CROP_PROPORTION, group="bb", minimum=True, return_transform=True
    )
    if min(cropped.shape) < MIN_CROP_SIZE:
        raise DataError(path, f"crop around the detector box is only {cropped.shape} pixels")
    return cropped, to_image


def _prepared(image, record: FaceRecord, initial: np.ndarray) -> PreparedFace:
    return PreparedFace(
        path=str(record.image_path),
        pixels=np.ascontiguousarray(image.pixels_with_channels_at_back(), np.float32),
        landmarks=image.landmarks["PTS"].points.astype(np.float32),
        box=image.landmarks["bb"].points.astype(np.float32),
        initial=initial.astype(np.float32),
    )


def prepare_training_face(record: FaceRecord, reference_shape: np.ndarray) -> PreparedFace:
    """SPEC A.3: crop to the box, rescale so that the ground truth has the reference size."""
    from menpo.shape import PointCloud

    image, _ = crop_to_box(load_face(record), record.image_path)
    image = image.rescale_to_pointcloud(PointCloud(reference_shape), group="PTS")
    initial = align_reference_to_box(reference_shape, image.landmarks["bb"].points).numpy()
    return _prepared(image, record, initial)


def evaluation_frame(image, reference_shape: np.ndarray, path: str | Path):
    """SPEC A.8 on a menpo image with a 'bb' group: crop, align the reference to
    the box, rescale so that this 'initial' group has the reference size.

    Returns the rescaled image and the [3, 3] homogeneous (y, x) matrix that maps
    its frame back to `image`'s.
    """
    from menpo.shape import PointCloud

    cropped, crop_to_image = crop_to_box(image, path)
    cropped.landmarks["initial"] = PointCloud(
        align_reference_to_box(reference_shape, cropped.landmarks["bb"].points).numpy()
    )
    rescaled, rescaled_to_crop = cropped.rescale_to_pointcloud(
        PointCloud(reference_shape), group="initial", return_transform=True
    )
    return rescaled, rescaled_to_crop.compose_before(crop_to_image).h_matrix


def prepare_evaluation_face(record: FaceRecord, reference_shape: np.ndarray) -> PreparedFace:
    """SPEC A.8: crop, align the reference to the box, rescale to the reference size."""
    image, _ = evaluation_frame(load_face(record), reference_shape, record.image_path)
    return _prepared(image, record, image.landmarks["initial"].points)


def padded_batch(images: Sequence[np.ndarray]) -> np.ndarray:
    """Zero-pads [H_i, W_i, 3] images at the bottom and right into float32 [N, max H, max W, 3]
    (as the evaluation records' padded batches)."""
    height = max(image.shape[0] for image in images)
    width = max(image.shape[1] for image in images)
    batch = np.zeros((len(images), height, width, 3), np.float32)
    for index, image in enumerate(images):
        batch[index, : image.shape[0], : image.shape[1]] = image
    return batch
