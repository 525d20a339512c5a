"""Finding annotated faces from the original `--datasets` flag format.

`--datasets='dir/a/*.png:dir/b/*.jpg'` is a colon-separated list of globs. Each
image is paired with its landmarks beside it (`<stem>.pts`, or an AFLW2000-3D
style `<stem>.mat` with `pt3d_68`) and with its detector box
`<bbs_dir>/<subset>/<stem>.pts`, where `<subset>` follows the original MDM rule:
`<grandparent>/<parent>` when the image's parent directory names a split
(`lfpw/trainset`, `helen/testset`), else `<parent>` (`afw`). Both candidate
paths are tried (the original's rule first), so a dataset whose folder name
merely contains "set" still finds its boxes. Sets without detector boxes
(AFLW2000-3D) can use boxes='landmarks': the ground truth's bounding box, an
oracle that SDU's and 3DDFA's protocols use.

Every problem is raised as DataError naming the file, before any training.
"""

import dataclasses
import glob
import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from face_alignment_tf.data.boxes import check_box
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.landmarks import NUM_LANDMARKS, bounding_box_corners
from face_alignment_tf.data.mat_annotations import read_pt3d_68
from face_alignment_tf.data.pts import read_pts

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".ppm", ".pgm", ".bmp", ".tif", ".tiff"})
# Annotation files a broad glob (`dir/*`) also matches; they belong to the images.
ANNOTATION_SUFFIXES = frozenset({".pts", ".mat"})
# Where the box around each face comes from.
BOX_SOURCES = ("detector", "landmarks")
_log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class FaceRecord:
    """One annotated face on disk.

    landmarks: float64 [68, 2] (y, x); box: float64 [4, 2] (y, x), the detector
    box's points as in its file (4 corners), or the landmarks' bounding box
    (box_path None).
    """

    image_path: Path
    landmarks_path: Path
    box_path: Path | None
    landmarks: np.ndarray
    box: np.ndarray


def source_fingerprint(records: list[FaceRecord]) -> str:
    """A hash of the files behind `records` (paths, sizes, modification times of each image,
    landmark and box file): it changes when a face is added, removed or edited."""
    digest = hashlib.sha256()
    for record in records:
        for path in (record.image_path, record.landmarks_path, record.box_path):
            if path is not None:
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def split_globs(datasets: str) -> list[str]:
    """'a/*.jpg:b/*.png' -> ['a/*.jpg', 'b/*.png'] (empty entries dropped)."""
    return [pattern for pattern in datasets.split(":") if pattern.strip()]


def find_bbs_dir(image_path: Path) -> Path | None:
    """The nearest `bbs` directory beside an ancestor of the image, or None."""
    # abspath, not resolve: a symlinked data folder keeps the paths the user gave.
    for ancestor in Path(os.path.abspath(image_path)).parents:
        if (ancestor / "bbs").is_dir():
            return ancestor / "bbs"
    return None


def box_candidates(image_path: Path, bbs_dir: Path) -> list[Path]:
    """Box files the original rule would look at, most likely first."""
    parent, grandparent = image_path.parent.name, image_path.parent.parent.name
    nested = bbs_dir / grandparent / parent / f"{image_path.stem}.pts"
    flat = bbs_dir / parent / f"{image_path.stem}.pts"
    return [nested, flat] if "set" in f"{grandparent}/{parent}" else [flat, nested]


def find_box(image_path: Path, bbs_dir: str | Path | None) -> Path:
    """The detector-box file of an image; DataError when there is none."""
    root = Path(bbs_dir) if bbs_dir is not None else find_bbs_dir(image_path)
    if root is None:
        raise DataError(
            image_path, "no detector box: no bbs/ directory found above it (pass --bbs_dir)"
        )
    candidates = box_candidates(image_path, root)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = " or ".join(str(candidate) for candidate in candidates)
    raise DataError(image_path, f"no detector box file ({tried} do not exist)")


def read_landmarks(image_path: Path) -> tuple[Path, np.ndarray]:
    """(annotation file, float64 [68, 2] (y, x)): `<stem>.pts`, else `<stem>.mat` (pt3d_68)."""
    pts, mat = image_path.with_suffix(".pts"), image_path.with_suffix(".mat")
    if pts.is_file() or not mat.is_file():
        return pts, read_pts(pts, NUM_LANDMARKS)
    return mat, read_pt3d_68(mat, NUM_LANDMARKS)


def resolved_path(path: Path) -> Path:
    """The file a path leads to; DataError for a symbolic-link loop or a broken link."""
    try:
        return path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports loops this way
        raise DataError(path, "symbolic link loop") from None
    except OSError as error:
        raise DataError(path, f"cannot follow the path: {error.strerror}") from None


def image_paths(pattern: str) -> list[Path]:
    """Images matched by one glob, sorted; DataError if it matches none."""
    matches = sorted(Path(match) for match in glob.glob(pattern))
    images = [path for path in matches if path.suffix.lower() not in ANNOTATION_SUFFIXES]
    if not images:
        raise DataError(pattern, "the glob matches no image files")
    for path in images:
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            raise DataError(path, f"not an image file (suffix {path.suffix!r})")
    return images


def discover_faces(
    datasets: str, bbs_dir: str | Path | None = None, boxes: str = "detector"
) -> list[FaceRecord]:
    """All annotated faces of a `--datasets` string, in glob order.

    Reads and checks every landmark and box file (68 and 4 points); images are
    read later, by preprocessing. An image matched by two globs is listed once.
    boxes: 'detector' (box files) or 'landmarks' (the ground truth's bounding box).
    """
    if boxes not in BOX_SOURCES:
        raise ValueError(f"boxes must be one of {BOX_SOURCES}, got {boxes!r}")
    patterns = split_globs(datasets)
    if not patterns:
        raise DataError(datasets, "no dataset globs given")
    records, seen = [], set()
    for pattern in patterns:
        for image_path in image_paths(pattern):
            resolved = resolved_path(image_path)
            if resolved in seen:  # the same file, however it was reached
                _log.info("%s matched twice; listed once", image_path)
                continue
            seen.add(resolved)
            landmarks_path, landmarks = read_landmarks(image_path)
            if boxes == "detector":
                box_path = find_box(image_path, bbs_dir)
                box = check_box(read_pts(box_path, 4), str(box_path))
            else:
                box_path = None
                box = check_box(bounding_box_corners(landmarks), str(landmarks_path))
            records.append(FaceRecord(image_path, landmarks_path, box_path, landmarks, box))
    return records
