"""Per-face preprocessing of the original MDM code (SPEC A.3 and A.8), with menpo.

Both paths read the image (grey -> RGB), crop it to the detector box with a
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

from data import menpo_compat  # noqa: F401
from data.discovery import FaceRecord
from data.errors import DataError
from data.reference_shape import align_reference_to_box

CROP_PROPORTION = 0.3
MIN_CROP_SIZE = 8


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
    """Reads an image as a 3-channel menpo Image in [0, 1]; DataError if unreadable."""
    import menpo.io

    try:
        image = menpo.io.import_image(path, normalize=True)
    except Exception as error:  # menpo surfaces PIL / imageio errors of every kind
        raise DataError(path, f"cannot read image: {error}") from None
    if hasattr(image, "as_unmasked"):  # RGBA files come back as MaskedImage
        image = image.as_unmasked(copy=False)
    if image.n_channels == 1:
        image.pixels = np.repeat(image.pixels, 3, axis=0)
    elif image.n_channels == 4:
        image.pixels = image.pixels[:3]
    elif image.n_channels != 3:
        raise DataError(path, f"expected 1, 3 or 4 channels, found {image.n_channels}")
    if min(image.shape) < 2:
        raise DataError(path, f"image is too small ({image.shape[0]}x{image.shape[1]})")
    return image


def read_image_uint8(path: str | Path) -> np.ndarray:
    """uint8 [H, W, 3] RGB pixels of an image file (grey and RGBA as `read_image`)."""
    pixels = read_image(path).pixels_with_channels_at_back()
    return np.ascontiguousarray(np.round(pixels * 255.0), np.uint8)


def rgb_unit_pixels(image: np.ndarray, name: str = "image") -> np.ndarray:
    """An in-memory image as float32 [H, W, 3] in [0, 1], as `read_image` gives them.

    Accepts grey [H, W] or [H, W, 1], RGB or RGBA (alpha dropped); uint8 or
    uint16 (divided by their maximum) or floats already in [0, 1].
    """
    pixels = np.asarray(image)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 3, 4):
        raise DataError(name, f"expected [H, W], [H, W, 1|3|4] pixels, got {pixels.shape}")
    if pixels.dtype.kind in "ui":
        pixels = pixels / np.iinfo(pixels.dtype).max
    pixels = np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels[..., :3]
    if min(pixels.shape[:2]) < 2:
        raise DataError(name, f"image is too small ({pixels.shape[0]}x{pixels.shape[1]})")
    return np.ascontiguousarray(pixels, np.float32)


def load_face(record: FaceRecord):
    """The image of a record with its ground truth ('PTS') and box ('bb') attached."""
    from menpo.shape import PointCloud

    image = read_image(record.image_path)
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
