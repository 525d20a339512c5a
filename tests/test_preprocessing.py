"""Crop and rescale of SPEC A.3 / A.8, checked against hand-computed geometry."""

import dataclasses
import math

import numpy as np
import pytest

from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.preprocessing import (
    crop_to_box,
    evaluation_frame,
    load_face,
    prepare_evaluation_face,
    prepare_training_face,
    read_image,
)
from face_alignment_tf.data.reference_shape import build_reference_shape


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


def test_a_landmark_far_outside_the_image_is_named(records):
    """Issue 15 #6: a point at (1e6, 1e6) rescaled the face to 0 px and failed in EncodePng;
    5000 added to every x trained silently. Within the margin (a face cut by the border)
    a point outside is fine."""
    record = records[0]
    far = record.landmarks.copy()
    far[7] = [1e6, 1e6]
    bad = dataclasses.replace(record, landmarks=far)
    with pytest.raises(DataError, match=r"face_000\.pts: landmark 8 \(x 1e\+06, y 1e\+06"):
        load_face(bad)
    shifted = dataclasses.replace(record, landmarks=record.landmarks + [0.0, 5000.0])
    with pytest.raises(DataError, match="landmark 1 .* outside the 140x160 image"):
        load_face(shifted)
    near = record.landmarks.copy()
    near[0] = [-0.2 * 160, -0.2 * 160]  # 32 px out; the margin is 0.25 x 160 = 40 px
    assert load_face(dataclasses.replace(record, landmarks=near)).landmarks["PTS"].n_points == 68


def test_exif_orientation_is_applied_in_training_and_evaluation(records, tmp_path):
    """Issue 15 #8: a JPEG stored sideways with Orientation 6 is read upright (as viewers
    show it, and as its landmarks were made), by the reader every family trains on."""
    from PIL import Image

    upright = np.zeros((160, 140, 3), np.uint8)
    upright[:40, :30] = 255  # a white block at the top left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "sideways.jpg"
    Image.fromarray(np.ascontiguousarray(np.rot90(upright))).save(path, exif=exif, quality=95)
    image = read_image(path)
    assert image.shape == (160, 140)
    pixels = image.pixels_with_channels_at_back()
    assert pixels[5:35, 5:25].min() > 0.9 and pixels[50:, 50:].max() < 0.1


@pytest.mark.parametrize("mode", ["1", "I;16", "LA", "CMYK", "P"])
def test_every_image_mode_is_read_for_training(tmp_path, mode):
    """Issue 15 #12: a 1-bit PNG crashed in menpo; 16-bit grey, LA and CMYK were refused."""
    from PIL import Image

    grey = np.tile(np.array([0, 255], np.uint8), (6, 5))
    image = (
        Image.fromarray(grey.astype(np.uint16) * 257)
        if mode == "I;16"
        else Image.fromarray(grey).convert(mode)
    )
    path = tmp_path / f"image.{'jpg' if mode == 'CMYK' else 'png'}"
    image.save(path, **({"quality": 100} if mode == "CMYK" else {}))
    pixels = read_image(path).pixels_with_channels_at_back()
    assert pixels.shape == (6, 10, 3)
    np.testing.assert_allclose(pixels[..., 1], grey / 255.0, atol=0.02)
