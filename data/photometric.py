"""Photometric training augmentations for photos unlike the training set's: colour,
greyscale, low light, blur, low resolution, occlusion and JPEG artefacts.

Each acts on one image [H, W, 3] float32 RGB 0..255 with a stateless seed [2], applies
with its own probability, and keeps the geometry (no pixel moves, so the landmarks stay
as they are). `photometric_augment` chains them in the order a camera and a file would:
colour and light, optics (blur, resolution), something in front of the face, compression.
"""

import dataclasses

import tensorflow as tf

# skimage / ITU-R 601 luma weights (R, G, B).
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
OCCLUSION_FILLS = 3  # flat grey, a texture cut from the same image elsewhere, noise


@dataclasses.dataclass(frozen=True)
class PhotometricConfig:
    """Probabilities (0: off) and ranges of each augmentation; all off by default."""

    colour_probability: float = 0.0
    max_brightness: float = 32.0  # added, U(-this, this), on 0..255
    max_contrast: float = 0.4  # about the mean, factor U(1 - this, 1 + this)
    max_saturation: float = 0.4  # away from grey, factor U(1 - this, 1 + this)
    greyscale_probability: float = 0.0
    low_light_probability: float = 0.0  # gamma U(1.5, 2.5) and sensor noise U(2, 10)
    blur_probability: float = 0.0
    max_blur_sigma: float = 2.0  # Gaussian, U(0.5, this) pixels
    downscale_probability: float = 0.0
    min_downscale_fraction: float = 0.2  # down to U(this, 0.75) of the side, then back up
    occlusion_probability: float = 0.0
    max_occlusion_area: float = 0.4  # rectangle of U(0.05, this) of the image area
    jpeg_probability: float = 0.0
    min_jpeg_quality: int = 10  # quality U{this..90}

    @property
    def active(self) -> bool:
        return any(
            getattr(self, field.name) > 0
            for field in dataclasses.fields(self)
            if field.name.endswith("_probability")
        )


# The recipe for photos: what bench.robustness measures, each often enough to matter and
# rare enough that most crops stay clean.
PHOTO_AUGMENTATION = PhotometricConfig(
    colour_probability=0.5,
    greyscale_probability=0.1,
    low_light_probability=0.1,
    blur_probability=0.15,
    downscale_probability=0.15,
    occlusion_probability=0.25,
    jpeg_probability=0.15,
)
PRESETS = {"none": PhotometricConfig(), "photos": PHOTO_AUGMENTATION}


def _uniform(seed, low=0.0, high=1.0, shape=()) -> tf.Tensor:
    return tf.random.stateless_uniform(shape, seed, low, high)


def _maybe(seed, probability: float, transformed, image) -> tf.Tensor:
    """`transformed()` with `probability`, else `image` (computed only when drawn)."""
    if probability <= 0:
        return image
    return tf.cond(_uniform(seed) < probability, transformed, lambda: image)


def luma(image) -> tf.Tensor:
    """[H, W, 1] grey of RGB 0..255."""
    return tf.reduce_sum(image * tf.constant(LUMA_WEIGHTS), axis=-1, keepdims=True)


def colour_jitter(image, seed, config: PhotometricConfig) -> tf.Tensor:
    """Brightness, contrast about the mean, saturation away from grey."""
    seeds = tf.random.experimental.stateless_split(seed, num=3)
    brightness = _uniform(seeds[0], -config.max_brightness, config.max_brightness)
    contrast = _uniform(seeds[1], 1 - config.max_contrast, 1 + config.max_contrast)
    saturation = _uniform(seeds[2], 1 - config.max_saturation, 1 + config.max_saturation)
    grey = luma(image)
    image = grey + saturation * (image - grey)
    mean = tf.reduce_mean(image)
    return mean + contrast * (image - mean) + brightness


def greyscale(image) -> tf.Tensor:
    return tf.tile(luma(image), [1, 1, 3])


def low_light(image, seed) -> tf.Tensor:
    """A dark exposure: gamma U(1.5, 2.5) on [0, 1], then Gaussian noise of sd U(2, 10)."""
    seeds = tf.random.experimental.stateless_split(seed, num=3)
    gamma = _uniform(seeds[0], 1.5, 2.5)
    dark = 255.0 * tf.pow(tf.clip_by_value(image, 0, 255) / 255.0, gamma)
    noise = tf.random.stateless_normal(tf.shape(image), seeds[2]) * _uniform(seeds[1], 2.0, 10.0)
    return dark + noise


def gaussian_blur(image, sigma, radius: int = 6) -> tf.Tensor:
    """Separable Gaussian of `sigma` pixels (kernel 2 radius + 1, edges replicated)."""
    offsets = tf.range(-radius, radius + 1, dtype=tf.float32)
    kernel = tf.exp(-0.5 * tf.square(offsets / sigma))
    kernel /= tf.reduce_sum(kernel)
    padded = tf.pad(image[None], [[0, 0], [radius, radius], [radius, radius], [0, 0]], "SYMMETRIC")
    vertical = tf.tile(kernel[:, None, None, None], [1, 1, 3, 1])
    horizontal = tf.tile(kernel[None, :, None, None], [1, 1, 3, 1])
    blurred = tf.nn.depthwise_conv2d(padded, vertical, [1, 1, 1, 1], "VALID")
    return tf.nn.depthwise_conv2d(blurred, horizontal, [1, 1, 1, 1], "VALID")[0]


def downscale(image, fraction) -> tf.Tensor:
    """Resized (area-averaged) to `fraction` of its side and back up (bilinear)."""
    size = tf.shape(image)[:2]
    small = tf.maximum(tf.cast(tf.round(tf.cast(size, tf.float32) * fraction), tf.int32), 1)
    reduced = tf.image.resize(image, small, method="area")
    return tf.image.resize(reduced, size, method="bilinear")


def occlude(image, seed, max_area: float) -> tf.Tensor:
    """A rectangle of U(0.05, max_area) of the area (aspect U(1/2, 2) in log), placed
    uniformly inside the image, filled with flat grey, a shifted copy of the image, or
    uniform noise (one of the three at random)."""
    seeds = tf.random.experimental.stateless_split(seed, num=7)
    shape = tf.shape(image)
    height, width = tf.cast(shape[0], tf.float32), tf.cast(shape[1], tf.float32)
    area = _uniform(seeds[0], 0.05, max_area) * height * width
    aspect = tf.exp(_uniform(seeds[1], -0.693, 0.693))
    rows = tf.minimum(tf.sqrt(area * aspect), height)
    columns = tf.minimum(tf.sqrt(area / aspect), width)
    room = tf.stack([height - rows, width - columns])
    top, left = tf.unstack(_uniform(seeds[2], shape=[2]) * room)
    y = tf.range(height)[:, None, None]
    x = tf.range(width)[None, :, None]
    inside = (y >= top) & (y < top + rows) & (x >= left) & (x < left + columns)
    shift = tf.cast(_uniform(seeds[3], 0.3, 0.7, [2]) * [height, width], tf.int32)
    fills = tf.stack([
        tf.fill(tf.shape(image), _uniform(seeds[4], 0.0, 255.0)),
        tf.roll(image, shift, axis=[0, 1]),
        _uniform(seeds[5], 0.0, 255.0, tf.shape(image)),
    ])  # fmt: skip
    choice = tf.random.stateless_uniform([], seeds[6], 0, OCCLUSION_FILLS, tf.int32)
    return tf.where(inside, fills[choice], image)


def jpeg(image, quality) -> tf.Tensor:
    """Encoded and decoded as a JPEG of `quality`."""
    pixels = tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.uint8)
    return tf.cast(tf.image.adjust_jpeg_quality(pixels, quality), tf.float32)


def photometric_augment(image, seed, config: PhotometricConfig) -> tf.Tensor:
    """image [H, W, 3] float32 RGB 0..255 -> the same shape, every augmentation of
    `config` drawn with its probability (stateless `seed` [2]); not clipped."""
    if not config.active:
        return image
    seeds = tf.random.experimental.stateless_split(seed, num=14)
    image = _maybe(
        seeds[0], config.colour_probability, lambda: colour_jitter(image, seeds[1], config), image
    )
    image = _maybe(seeds[2], config.greyscale_probability, lambda: greyscale(image), image)
    image = _maybe(
        seeds[3], config.low_light_probability, lambda: low_light(image, seeds[4]), image
    )
    sigma = _uniform(seeds[6], 0.5, config.max_blur_sigma)
    image = _maybe(seeds[5], config.blur_probability, lambda: gaussian_blur(image, sigma), image)
    fraction = _uniform(seeds[8], config.min_downscale_fraction, 0.75)
    image = _maybe(
        seeds[7], config.downscale_probability, lambda: downscale(image, fraction), image
    )
    image = _maybe(
        seeds[9], config.occlusion_probability,
        lambda: occlude(image, seeds[10], config.max_occlusion_area), image,
    )  # fmt: skip
    quality = tf.random.stateless_uniform([], seeds[12], config.min_jpeg_quality, 91, tf.int32)
    image = _maybe(seeds[11], config.jpeg_probability, lambda: jpeg(image, quality), image)
    return image
