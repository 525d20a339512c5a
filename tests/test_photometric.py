"""data.photometric against independent references (OpenCV, Pillow, numpy), and the
MobileNetV2 pipeline with the photo recipe: the pixels change, the geometry does not."""

import io

import cv2
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image
from scipy.special import ndtri

from face_alignment_tf.data.photometric import (
    LUMA_WEIGHTS,
    PHOTO_AUGMENTATION,
    PhotometricConfig,
    colour_jitter,
    downscale,
    gaussian_blur,
    gaussian_noise,
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


def test_blur_is_opencvs_gaussian_with_each_images_own_sigma(image):
    sigmas = [0.8, 2.0]
    blurred = gaussian_blur(np.stack([image, image[::-1]]), tf.constant(sigmas)).numpy()
    for ours, source, sigma in zip(blurred, [image, image[::-1]], sigmas, strict=True):
        expected = cv2.GaussianBlur(source, (13, 13), sigma, borderType=cv2.BORDER_REFLECT)
        np.testing.assert_allclose(ours, expected, atol=1e-3)


def test_downscale_by_half_is_the_2x2_mean_then_bilinear(image):
    half = image.reshape(32, 2, 32, 2, 3).mean((1, 3))
    expected = cv2.resize(half, (64, 64), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(downscale(image, 0.5).numpy(), expected, atol=1e-3)


def test_greyscale_is_luma_in_every_channel(image):
    grey = greyscale(image[None]).numpy()[0]
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


def test_colour_jitter_is_numpys_per_image_formula(image):
    images = np.stack([image, image[:, ::-1]])
    brightness, contrast, saturation = [0.0, 30.0], [1.0, 0.7], [1.0, 1.3]
    ours = colour_jitter(images, *map(tf.constant, (brightness, contrast, saturation))).numpy()
    np.testing.assert_allclose(ours[0], image, atol=1e-3)  # no change
    grey = images[1] @ np.array(LUMA_WEIGHTS, np.float32)
    saturated = grey[..., None] + 1.3 * (images[1] - grey[..., None])
    expected = saturated.mean() + 0.7 * (saturated - saturated.mean()) + 30
    np.testing.assert_allclose(ours[1], expected, atol=1e-2)


def test_gaussian_noise_has_the_normals_moments_and_quantiles():
    noise = gaussian_noise([200_001], SEED, 2.0).numpy()  # not a multiple of 4
    assert noise.shape == (200_001,)
    assert abs(noise.mean()) < 0.02 and noise.std() == pytest.approx(2.0, rel=0.01)
    for sds, fraction in ((1, 0.6827), (2, 0.9545)):
        assert np.mean(np.abs(noise) < 2.0 * sds) == pytest.approx(fraction, abs=0.01)
    assert np.unique(noise).size <= 256
    assert not np.array_equal(noise[:1000], gaussian_noise([200_001], SEED + 1, 2.0)[:1000])


def test_gaussian_noise_is_the_level_of_each_byte_of_its_draws():
    # Independent reference: the 32-bit draws read byte by byte (little-endian), each byte
    # i the normal's quantile at (i + 0.5) / 256, scaled to unit variance.
    shape = [5, 7, 3]  # 105 values: not a multiple of 2 or 4
    bits = tf.random.stateless_uniform([27], SEED, None, None, tf.uint32).numpy()
    levels = ndtri((np.arange(256) + 0.5) / 256)
    expected = (levels / levels.std() * 2.0)[bits.view(np.uint8)][:105].reshape(shape)
    np.testing.assert_allclose(gaussian_noise(shape, SEED, 2.0), expected, atol=1e-5)


def test_low_light_darkens_by_each_images_gamma(image):
    dark = low_light(np.stack([image] * 2), tf.constant([1.5, 2.5]), tf.constant([0.0, 0.0]),
                     SEED).numpy()  # fmt: skip
    np.testing.assert_allclose(dark[1], 255 * (image / 255) ** 2.5, atol=1e-2)
    assert image.mean() > dark[0].mean() > dark[1].mean()


def test_occlusion_fills_one_rectangle_of_the_drawn_area_in_each_image(image):
    occluded = occlude(np.stack([image] * 20), SEED, 0.4).numpy()
    for one in occluded:
        ys, xs = np.nonzero(np.any(one != image, axis=-1))
        assert ys.size, "nothing occluded"
        rows, columns = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        assert ys.size <= rows * columns  # inside one bounding rectangle
        assert 0.03 * 64 * 64 <= rows * columns <= 0.45 * 64 * 64
    assert len({np.nonzero(np.any(one != image, -1))[0].min() for one in occluded}) > 5


def test_other_fill_cuts_the_previous_image_of_the_batch_and_unknown_fills_are_refused():
    levels = np.arange(1, 9, dtype=np.float32) * 20  # eight flat images, each its own level
    images = np.broadcast_to(levels[:, None, None, None], (8, 32, 32, 3)).copy()
    occluded = occlude(images, SEED, 0.4, fills=("other",)).numpy()
    for index, one in enumerate(occluded):
        changed = one != images[index]
        assert changed.any()
        np.testing.assert_array_equal(one[changed], levels[index - 1])
    with pytest.raises(ValueError, match="occlusion_fills"):
        PhotometricConfig(occlusion_fills=("grey", "hands"))


def test_augment_is_seeded_per_image_and_off_means_unchanged(image):
    images = np.stack([image] * 32)
    np.testing.assert_array_equal(photometric_augment(images, SEED, PhotometricConfig()), images)
    first = photometric_augment(images, SEED, PHOTO_AUGMENTATION).numpy()
    np.testing.assert_array_equal(first, photometric_augment(images, SEED, PHOTO_AUGMENTATION))
    changed = [not np.allclose(one, image) for one in first]
    assert any(changed) and not all(changed)  # each image draws its own
    assert not np.allclose(first, photometric_augment(images, SEED + 1, PHOTO_AUGMENTATION))


@pytest.mark.parametrize("name", ["greyscale", "blur", "downscale", "occlusion", "jpeg"])
def test_each_augmentation_touches_about_its_share_of_the_images(image, name):
    config = PhotometricConfig(**{f"{name}_probability": 0.3})
    out = photometric_augment(np.stack([image] * 200), SEED, config).numpy()
    touched = np.mean([not np.allclose(one, image, atol=1e-3) for one in out])
    assert 0.2 < touched < 0.4  # binomial(200, 0.3): sd 0.03


def test_greyscale_only_at_probability_one(image):
    config = PhotometricConfig(greyscale_probability=1.0)
    out = photometric_augment(np.stack([image] * 4), SEED, config).numpy()
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
