"""data.photometric against independent references (OpenCV, Pillow, numpy), and the
MobileNetV2 pipeline with the photo recipe: the pixels change, the geometry does not."""

import dataclasses
import io

import cv2
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from face_alignment_tf.data.photometric import (
    LUMA_WEIGHTS,
    PHOTO_AUGMENTATION,
    PhotometricConfig,
    colour_jitter,
    downscale,
    gaussian_blur,
    greyscale,
    jpeg,
    low_light,
    occlude,
    photometric_augment,
)


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    """A smooth 64x64 RGB 0..255 picture with an edge (so that blur and JPEG show)."""
    y, x = np.mgrid[0:64, 0:64].astype(np.float32)
    pixels = np.stack([2 * x + 40, 3 * y + 20, 128 + 60 * np.sin(x / 5)], -1)
    pixels[20:40, 30:50] = [230, 30, 90]
    return np.clip(pixels, 0, 255).astype(np.float32)


SEED = tf.constant([3, 4])


@pytest.mark.parametrize("sigma", [0.8, 2.0])
def test_blur_is_opencvs_gaussian(image, sigma):
    expected = cv2.GaussianBlur(image, (13, 13), sigma, borderType=cv2.BORDER_REFLECT)
    np.testing.assert_allclose(gaussian_blur(image, sigma).numpy(), expected, atol=1e-3)


def test_downscale_by_half_is_the_2x2_mean_then_bilinear(image):
    half = image.reshape(32, 2, 32, 2, 3).mean((1, 3))
    expected = cv2.resize(half, (64, 64), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(downscale(image, 0.5).numpy(), expected, atol=1e-3)


def test_greyscale_is_luma_in_every_channel(image):
    grey = greyscale(image).numpy()
    np.testing.assert_allclose(grey[..., 0], image @ np.array(LUMA_WEIGHTS), atol=1e-3)
    np.testing.assert_array_equal(grey[..., 0], grey[..., 2])


def test_jpeg_matches_pillows_codec_at_the_same_quality(image):
    buffer = io.BytesIO()
    Image.fromarray(image.astype(np.uint8)).save(buffer, "JPEG", quality=10)
    expected = np.asarray(Image.open(buffer), np.float32)
    ours = jpeg(image, 10).numpy()
    loss = np.abs(ours - image).mean()
    assert loss > 2  # quality 10 visibly degrades
    # The same degradation as Pillow's (libjpeg's DCT and chroma upsampling may differ).
    assert np.abs(expected - image).mean() == pytest.approx(loss, rel=0.25)
    assert np.abs(ours - expected).mean() < 0.5 * loss


def test_colour_jitter_with_no_range_is_the_identity_and_brightness_adds(image):
    still = PhotometricConfig(max_brightness=0, max_contrast=0, max_saturation=0)
    np.testing.assert_allclose(colour_jitter(image, SEED, still).numpy(), image, atol=1e-3)
    bright = dataclasses.replace(still, max_brightness=30)
    shift = colour_jitter(image, SEED, bright).numpy() - image
    assert np.ptp(shift) < 1e-3 and 0 < abs(shift.mean()) <= 30


def test_low_light_darkens(image):
    assert low_light(image, SEED).numpy().mean() < 0.8 * image.mean()


def test_occlusion_fills_one_rectangle_of_the_drawn_area(image):
    for seed in range(20):
        occluded = occlude(image, tf.constant([seed, 0]), 0.4).numpy()
        ys, xs = np.nonzero(np.any(occluded != image, axis=-1))
        assert ys.size, "nothing occluded"
        rows, columns = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        assert ys.size <= rows * columns  # inside one bounding rectangle
        assert 0.03 * 64 * 64 <= rows * columns <= 0.45 * 64 * 64


def test_augment_is_seeded_and_off_means_unchanged(image):
    np.testing.assert_array_equal(photometric_augment(image, SEED, PhotometricConfig()), image)
    first = photometric_augment(image, SEED, PHOTO_AUGMENTATION).numpy()
    np.testing.assert_array_equal(first, photometric_augment(image, SEED, PHOTO_AUGMENTATION))
    draws = [np.asarray(photometric_augment(image, tf.constant([s, 1]), PHOTO_AUGMENTATION))
             for s in range(12)]  # fmt: skip
    changed = [not np.allclose(d, image) for d in draws]
    assert any(changed) and not all(np.allclose(d, draws[0]) for d in draws)


def test_greyscale_only_at_probability_one(image):
    config = PhotometricConfig(greyscale_probability=1.0)
    out = photometric_augment(image, SEED, config).numpy()
    np.testing.assert_allclose(out[..., 0], out[..., 1], atol=1e-4)


def test_the_photo_recipe_keeps_the_pipelines_geometry(tmp_path):
    from face_alignment_tf.backbones.mobilenet_v2.pipeline import (
        AugmentationConfig,
        training_dataset,
    )
    from face_alignment_tf.data.convert import convert
    from tests.conftest import write_afw_faces

    convert(write_afw_faces(tmp_path, count=3), tmp_path / "train", num_shards=1, workers=1)
    plain = AugmentationConfig()
    photos = AugmentationConfig(photometric=PHOTO_AUGMENTATION)
    a = next(iter(training_dataset(str(tmp_path / "train"), 8, seed=5, config=plain)))
    b = next(iter(training_dataset(str(tmp_path / "train"), 8, seed=5, config=photos)))
    np.testing.assert_array_equal(a["landmarks"], b["landmarks"])
    assert not np.allclose(a["image"], b["image"])
    assert b["image"].numpy().min() >= 0 and b["image"].numpy().max() <= 255
