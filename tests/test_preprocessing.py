"""Crop and rescale of SPEC A.3 / A.8, checked against hand-computed geometry."""

import math

import numpy as np
import pytest

from data.discovery import discover_faces
from data.errors import DataError
from data.preprocessing import (
    crop_to_box,
    evaluation_frame,
    load_face,
    prepare_evaluation_face,
    prepare_training_face,
    read_image,
)
from data.reference_shape import build_reference_shape


def centred_norm(points):
    return np.linalg.norm(points - points.mean(0))


@pytest.fixture
def records(make_dataset):
    root = make_dataset({"afw": 3}, grey_every=2)
    return discover_faces(f"{root}/afw/*.png")


def test_crop_window_by_hand(records):
    record = records[1]
    image = load_face(record)
    lo, hi = record.box.min(0), record.box.max(0)
    margin = 0.3 * np.min(hi - lo)
    start = np.maximum(np.floor(lo - margin), 0)
    stop = np.minimum(np.ceil(hi + margin), image.shape)
    cropped, to_image = crop_to_box(image, record.image_path)
    np.testing.assert_allclose(to_image.h_matrix[:2, 2], start)
    assert cropped.shape == tuple((stop - start).astype(int))
    np.testing.assert_allclose(cropped.landmarks["PTS"].points, record.landmarks - start)


def test_training_face_has_reference_size(records):
    reference = build_reference_shape(np.stack([r.landmarks for r in records])) * 1.5
    face = prepare_training_face(records[0], reference)
    assert face.pixels.shape[2] == 3 and face.pixels.dtype == np.float32
    assert 0.0 <= face.pixels.min() and face.pixels.max() <= 1.0
    # menpo's per-axis factor (sL - 1)/(L - 1) is very slightly anisotropic.
    assert centred_norm(face.landmarks) == pytest.approx(centred_norm(reference), rel=0.01)


def test_evaluation_face_initial_has_reference_size_and_gt_moves_with_it(records):
    reference = build_reference_shape(np.stack([r.landmarks for r in records]))
    face = prepare_evaluation_face(records[0], reference)
    assert centred_norm(face.initial) == pytest.approx(centred_norm(reference), rel=0.01)
    # The initial shape's bounding box is centred on the (rescaled) detector box.
    bbox_centre = (face.initial.min(0) + face.initial.max(0)) / 2
    np.testing.assert_allclose(bbox_centre, face.box.mean(0), atol=0.5)
    raw_scale = centred_norm(face.landmarks) / centred_norm(records[0].landmarks)
    cropped, _ = crop_to_box(load_face(records[0]), records[0].image_path)
    assert raw_scale == pytest.approx(face.pixels.shape[0] / cropped.shape[0], rel=0.02)


def test_evaluation_frame_maps_back_to_the_image(records):
    reference = build_reference_shape(np.stack([r.landmarks for r in records]))
    face = prepare_evaluation_face(records[2], reference)
    _, to_image = evaluation_frame(load_face(records[2]), reference, records[2].image_path)
    back = face.landmarks @ to_image[:2, :2].T + to_image[:2, 2]
    np.testing.assert_allclose(back, records[2].landmarks, atol=1e-3)
    np.testing.assert_allclose(to_image[2], [0, 0, 1])


def test_grey_images_become_rgb(records):
    image = read_image(records[0].image_path)  # face_000 is written grey
    assert image.n_channels == 3
    np.testing.assert_array_equal(image.pixels[0], image.pixels[2])


def test_unreadable_image_names_the_file(records):
    records[2].image_path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(DataError, match="cannot read image") as error:
        prepare_training_face(records[2], records[2].landmarks)
    assert str(records[2].image_path) in str(error.value)


def test_box_outside_the_image(records):
    record = records[1]
    far = record.box + 10_000
    moved = type(record)(
        record.image_path, record.landmarks_path, record.box_path, record.landmarks, far
    )
    with pytest.raises(DataError, match="outside the image"):
        prepare_training_face(moved, record.landmarks)
    assert math.isfinite(far.sum())


def test_truncated_jpeg_16_bit_and_rgba(tmp_path):
    import cv2

    pixels = np.random.default_rng(1).integers(0, 256, (60, 50, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / "full.jpg"), pixels)
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated.jpg: cannot read image"):
        read_image(tmp_path / "truncated.jpg")
    deep = np.full((30, 20, 3), 65535, np.uint16)
    deep[0, 0] = 0
    cv2.imwrite(str(tmp_path / "deep.png"), deep)
    image = read_image(tmp_path / "deep.png")
    assert image.pixels.min() == 0.0 and image.pixels.max() == pytest.approx(1.0)
    cv2.imwrite(str(tmp_path / "rgba.png"), np.dstack([pixels, np.full((60, 50), 7, np.uint8)]))
    image = read_image(tmp_path / "rgba.png")
    assert image.n_channels == 3
    np.testing.assert_allclose(image.pixels[0] * 255, pixels[..., 2], atol=1e-3)  # red, from BGR
