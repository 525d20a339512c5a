"""HourglassAligner: crop, decode and map back find a known blob in whole images."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.hourglass.aligner import HourglassAligner


def blob_image(shape, centre, sigma=3.0) -> np.ndarray:
    """uint8 [H, W, 3]: a Gaussian blob at centre (y, x) on black."""
    rows, cols = np.mgrid[: shape[0], : shape[1]]
    blob = np.exp(-((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2) / (2 * sigma**2))
    return np.repeat((blob * 255).round().astype(np.uint8)[..., None], 3, axis=2)


def square_box(centre, side) -> np.ndarray:
    (y, x), half = centre, side / 2
    return np.array([[y - half, x - half], [y + half, x - half], [y + half, x + half],
                     [y - half, x + half]])  # fmt: skip


def blob_finder(crops, training=False):
    """A stand-in network: every heatmap is the crop's first channel, pooled to 64x64."""
    del training
    pooled = tf.nn.avg_pool2d(crops[..., :1], 2, 2, "VALID")
    return [tf.repeat(pooled, 68, axis=-1)]


@pytest.mark.parametrize("decoder", ["argmax", "subpixel"])
def test_finds_the_blob_in_image_pixels(decoder):
    aligner = HourglassAligner(blob_finder, decoder=decoder)
    cases = [  # (image shape, blob centre, box centre, box side)
        ((300, 400), (150.0, 220.0), (160.0, 210.0), 100.0),
        ((480, 360), (301.0, 97.0), (290.0, 110.0), 250.0),
        ((200, 200), (60.0, 140.0), (70.0, 120.0), 60.0),
    ]
    images = [blob_image(shape, blob) for shape, blob, _, _ in cases]
    boxes = np.stack([square_box(centre, side) for _, _, centre, side in cases])
    landmarks = aligner.predict(images, boxes)
    assert landmarks.shape == (3, 68, 2)
    for (_, blob, _, side), points in zip(cases, landmarks, strict=True):
        crop_pixel = 1.2 * side / 128  # image pixels per crop pixel
        np.testing.assert_allclose(points, np.broadcast_to(blob, (68, 2)), atol=1.5 * crop_pixel)


def test_unknown_decoder_is_refused():
    with pytest.raises(ValueError, match="decoder must be one of"):
        HourglassAligner(blob_finder, decoder="mean")
