"""Photometric training augmentations for photos unlike the training set's: colour,
greyscale, low light, blur, low resolution, occlusion and JPEG artefacts.

Each acts on a batch of images [B, H, W, 3] float32 RGB 0..255 with per-image parameters
([B] each) and keeps the geometry (no pixel moves, so the landmarks stay as they are).
`photometric_augment` draws, with one stateless seed [2] for the batch, which images each
augmentation touches (its own probability, independently per image) and their parameters,
and runs each augmentation on those images only; it chains them in the order a camera and
a file would: colour and light, optics (blur, resolution), something in front of the face,
compression. Batched, the augmentations cost the input pipeline a few ops a batch instead
of a few dozen an image.
"""

import dataclasses

import tensorflow as tf

# skimage / ITU-R 601 luma weights (R, G, B).
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
# What an occluding rectangle is filled with: flat grey, the same image shifted (its own
# texture), another image of the batch shifted (another face's parts, like bench.robustness's
# texture cut from another photo), uniform noise.
OCCLUSION_FILLS = ("grey", "shifted", "other", "noise")


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
    occlusion_fills: tuple[str, ...] = ("grey", "shifted", "noise")  # drawn uniformly
    jpeg_probability: float = 0.0
    min_jpeg_quality: int = 10  # quality U{this..90}

    def __post_init__(self):
        unknown = set(self.occlusion_fills) - set(OCCLUSION_FILLS)
        if unknown or not self.occlusion_fills:
            raise ValueError(
                f"occlusion_fills must be some of {OCCLUSION_FILLS}, got {self.occlusion_fills}"
            )

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
# The photo recipe with occluders like real ones more often and larger: hands, hair, other
# faces (bench.robustness's occlusion rows, 40 % of the box with a texture the hardest).
OCCLUDED_PHOTO_AUGMENTATION = dataclasses.replace(
    PHOTO_AUGMENTATION,
    occlusion_probability=0.4,
    max_occlusion_area=0.5,
    occlusion_fills=("grey", "shifted", "other"),
)
PRESETS = {
    "none": PhotometricConfig(),
    "photos": PHOTO_AUGMENTATION,
    "photos_occluded": OCCLUDED_PHOTO_AUGMENTATION,
}


def _uniform(seed, shape, low=0.0, high=1.0) -> tf.Tensor:
    return tf.random.stateless_uniform(shape, seed, low, high)


def _per_image(values, rank: int = 4) -> tf.Tensor:
    """[B] -> [B, 1, 1, 1] (broadcasts over each image)."""
    return tf.reshape(values, [-1] + [1] * (rank - 1))


def gaussian_noise(shape, seed, stddev=1.0) -> tf.Tensor:
    """N(0, stddev^2) noise of `shape`, quantised to 256 levels (the normal's quantiles at
    (i + 0.5) / 256, scaled to unit variance; tails cut at 2.9 sd): each byte of the 32-bit
    draws picks one level, two bytes at a time from a table of the 65,536 pairs (a gather
    costs per index: half the CPU time of one level a byte, under a third of
    `tf.random.stateless_normal`'s)."""
    levels = tf.math.ndtri((tf.range(256, dtype=tf.float32) + 0.5) / 256)
    levels = levels / tf.math.reduce_std(levels) * stddev
    low, high = tf.meshgrid(levels, levels)  # pair (low byte, high byte), little-endian
    pairs = tf.reshape(tf.stack([low, high], -1), [65536, 2])
    count = tf.reduce_prod(shape)
    bits = tf.random.stateless_uniform([(count + 3) // 4], seed, None, None, tf.uint32)
    indices = tf.cast(tf.reshape(tf.bitcast(bits, tf.uint16), [-1]), tf.int32)
    return tf.reshape(tf.reshape(tf.gather(pairs, indices), [-1])[:count], shape)


def luma(images) -> tf.Tensor:
    """[..., H, W, 1] grey of RGB 0..255 (a product with the [3, 1] weights: a third of the
    CPU time of a multiply and a sum over the 3-wide last axis)."""
    return tf.matmul(images, tf.constant(LUMA_WEIGHTS)[:, None])


def colour_jitter(images, brightness, contrast, saturation) -> tf.Tensor:
    """Saturation away from grey, then contrast about each image's mean, then brightness
    added; each [B]."""
    # contrast (grey + saturation (image - grey) - mean) + mean + brightness, in one pass:
    # the saturated image's mean is mean(grey) + saturation (mean(image) - mean(grey)).
    grey = luma(images)
    saturation, contrast = _per_image(saturation), _per_image(contrast)
    mean_image = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    mean_grey = tf.reduce_mean(grey, axis=[1, 2, 3], keepdims=True)
    mean = mean_grey + saturation * (mean_image - mean_grey)
    offset = (1 - contrast) * mean + _per_image(brightness)
    return contrast * saturation * images + contrast * (1 - saturation) * grey + offset


def greyscale(images) -> tf.Tensor:
    return tf.repeat(luma(images), 3, axis=-1)


def low_light(images, gamma, noise_stddev, seed) -> tf.Tensor:
    """A dark exposure: `gamma` [B] on [0, 1], then Gaussian noise of sd `noise_stddev` [B]."""
    dark = 255.0 * tf.pow(tf.clip_by_value(images, 0, 255) / 255.0, _per_image(gamma))
    return dark + gaussian_noise(tf.shape(images), seed) * _per_image(noise_stddev)


def gaussian_blur(images, sigma, radius: int = 6) -> tf.Tensor:
    """Separable Gaussian of `sigma` [B] pixels per image (kernel 2 radius + 1, edges
    mirrored): the batch as channels of one image, each with its image's kernel."""
    count, height, width = tf.unstack(tf.shape(images)[:3])
    offsets = tf.range(-radius, radius + 1, dtype=tf.float32)
    kernels = tf.exp(-0.5 * tf.square(offsets[None] / sigma[:, None]))  # [B, 2 radius + 1]
    kernels = tf.repeat(kernels / tf.reduce_sum(kernels, 1, keepdims=True), 3, axis=0)
    channels = tf.reshape(tf.transpose(images, [1, 2, 0, 3]), [1, height, width, count * 3])
    pad = [[0, 0], [radius, radius], [radius, radius], [0, 0]]
    blurred = tf.pad(channels, pad, "SYMMETRIC")
    vertical = tf.transpose(kernels)[:, None, :, None]  # [taps, 1, B 3, 1]
    horizontal = tf.transpose(kernels)[None, :, :, None]  # [1, taps, B 3, 1]
    blurred = tf.nn.depthwise_conv2d(blurred, vertical, [1, 1, 1, 1], "VALID")
    blurred = tf.nn.depthwise_conv2d(blurred, horizontal, [1, 1, 1, 1], "VALID")
    return tf.transpose(tf.reshape(blurred, [height, width, count, 3]), [2, 0, 1, 3])


def downscale(image, fraction) -> tf.Tensor:
    """One image [H, W, 3] resized (area-averaged) to `fraction` of its side and back up
    (bilinear)."""
    size = tf.shape(image)[:2]
    small = tf.maximum(tf.cast(tf.round(tf.cast(size, tf.float32) * fraction), tf.int32), 1)
    reduced = tf.image.resize(image, small, method="area")
    return tf.image.resize(reduced, size, method="bilinear")


def occlude(
    images, seed, max_area: float, fills: tuple[str, ...] = ("grey", "shifted", "noise")
) -> tf.Tensor:
    """In each image [B, H, W, 3] a rectangle of U(0.05, max_area) of the area (aspect
    U(1/2, 2) in log), placed uniformly inside it, filled with one of `fills`
    (OCCLUSION_FILLS) at random: flat grey, the image shifted by U(0.3, 0.7) of each side
    (cyclically), the previous image of the batch shifted so, or uniform noise."""
    seeds = tf.random.experimental.stateless_split(seed, num=7)
    shape = tf.shape(images)
    count, height, width = shape[0], tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)
    area = _uniform(seeds[0], [count], 0.05, max_area) * height * width
    aspect = tf.exp(_uniform(seeds[1], [count], -0.693, 0.693))
    rows = tf.minimum(tf.sqrt(area * aspect), height)
    columns = tf.minimum(tf.sqrt(area / aspect), width)
    top = _uniform(seeds[2], [count]) * (height - rows)
    left = _uniform(seeds[3], [count]) * (width - columns)
    y = tf.range(height)[None, :, None, None]
    x = tf.range(width)[None, None, :, None]
    inside = (
        (y >= _per_image(top)) & (y < _per_image(top + rows))
        & (x >= _per_image(left)) & (x < _per_image(left + columns))
    )  # fmt: skip
    fraction = _uniform(seeds[4], [count, 2], 0.3, 0.7)
    shift_rows = tf.cast(fraction[:, 0] * height, tf.int32)[:, None]
    shift_columns = tf.cast(fraction[:, 1] * width, tf.int32)[:, None]
    source_rows = (tf.range(shape[1])[None] - shift_rows) % shape[1]  # tf.roll per image
    source_columns = (tf.range(shape[2])[None] - shift_columns) % shape[2]

    def shifted(source) -> tf.Tensor:
        rolled = tf.gather(source, source_rows, axis=1, batch_dims=1)
        return tf.gather(rolled, source_columns, axis=2, batch_dims=1)

    fill_seeds = tf.random.experimental.stateless_split(seeds[5], num=2)
    makers = {
        "grey": lambda: (
            _per_image(_uniform(fill_seeds[0], [count], 0.0, 255.0)) + tf.zeros_like(images)
        ),
        "shifted": lambda: shifted(images),
        "other": lambda: shifted(tf.roll(images, 1, axis=0)),
        "noise": lambda: _uniform(fill_seeds[1], shape, 0.0, 255.0),
    }
    choice = _per_image(tf.random.stateless_uniform([count], seeds[6], 0, len(fills), tf.int32))
    fill = makers[fills[0]]()
    for index, name in enumerate(fills[1:], start=1):
        fill = tf.where(choice == index, makers[name](), fill)
    return tf.where(inside, fill, images)


def jpeg(image, quality) -> tf.Tensor:
    """One image [H, W, 3] encoded and decoded as a JPEG of `quality`."""
    pixels = tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.uint8)
    return tf.cast(tf.image.adjust_jpeg_quality(pixels, quality), tf.float32)


def _on_drawn(images, drawn, transform) -> tf.Tensor:
    """`transform(subset, indices)` on the images where `drawn` [B] holds; the others as
    they are (nothing is computed when none is drawn)."""
    indices = tf.where(drawn)[:, 0]

    def apply():
        changed = transform(tf.gather(images, indices), indices)
        return tf.tensor_scatter_nd_update(images, indices[:, None], changed)

    return tf.cond(tf.size(indices) > 0, apply, lambda: images)


def _each(function, subset, values) -> tf.Tensor:
    """`function(image, value)` image by image (for what cannot be batched: sizes, codecs)."""
    return tf.map_fn(lambda pair: function(*pair), (subset, values), fn_output_signature=tf.float32)


def photometric_augment(images, seed, config: PhotometricConfig) -> tf.Tensor:
    """images [B, H, W, 3] float32 RGB 0..255 -> the same shape, every augmentation of
    `config` drawn for each image with its probability (stateless `seed` [2]); not
    clipped."""
    if not config.active:
        return images
    count = tf.shape(images)[0]
    draw_seed, value_seed = tf.unstack(tf.random.experimental.stateless_split(seed, num=2))
    seeds = tf.random.experimental.stateless_split(value_seed, num=11)

    def uniform(index: int, low, high, dtype=tf.float32) -> tf.Tensor:  # one value an image
        return tf.random.stateless_uniform([count], seeds[index], low, high, dtype)

    brightness = uniform(0, -config.max_brightness, config.max_brightness)
    contrast = uniform(1, 1 - config.max_contrast, 1 + config.max_contrast)
    saturation = uniform(2, 1 - config.max_saturation, 1 + config.max_saturation)
    gamma, noise_stddev = uniform(3, 1.5, 2.5), uniform(4, 2.0, 10.0)
    sigma = uniform(5, 0.5, config.max_blur_sigma)
    fraction = uniform(6, config.min_downscale_fraction, 0.75)
    quality = uniform(7, config.min_jpeg_quality, 91, tf.int32)
    steps = [  # (probability, transform(subset, indices))
        (config.colour_probability, lambda s, i: colour_jitter(
            s, tf.gather(brightness, i), tf.gather(contrast, i), tf.gather(saturation, i)
        )),
        (config.greyscale_probability, lambda s, i: greyscale(s)),
        (config.low_light_probability, lambda s, i: low_light(
            s, tf.gather(gamma, i), tf.gather(noise_stddev, i), seeds[8]
        )),
        (config.blur_probability, lambda s, i: gaussian_blur(s, tf.gather(sigma, i))),
        (config.downscale_probability, lambda s, i: _each(downscale, s, tf.gather(fraction, i))),
        (config.occlusion_probability, lambda s, i: occlude(
            s, seeds[9], config.max_occlusion_area, config.occlusion_fills
        )),
        (config.jpeg_probability, lambda s, i: _each(jpeg, s, tf.gather(quality, i))),
    ]  # fmt: skip
    draws = tf.random.stateless_uniform([len(steps), count], draw_seed)
    for (probability, transform), draw in zip(steps, tf.unstack(draws), strict=True):
        if probability > 0:
            images = _on_drawn(images, draw < probability, transform)
    return images
