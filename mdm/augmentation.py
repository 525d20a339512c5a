"""MDM's training-time augmentation as TF ops on single examples (SPEC A.5).

Every random choice takes a stateless seed (shape [2] int), so a pipeline is
reproducible from one integer seed. Images are float32 [H, W, 3] in [0, 1];
landmarks float32 [68, 2] in (y, x).
"""

import math

import tensorflow as tf

from face_alignment_tf.data.geometry import apply_affine, rotation_matrix, warp_affine


def pad_to_canvas(image, landmarks, canvas_shape, seed):
    """Pastes the image on a canvas of uniform noise in [0, 1) (SPEC A.3.7).

    The image goes to dy = max((Hc - H - 1) // 2, 0), dx likewise, as the
    original; the landmarks move with it. Fresh noise is drawn per call (the
    original drew it once per image). Returns (canvas [Hc, Wc, 3], landmarks).
    """
    height, width = tf.shape(image)[0], tf.shape(image)[1]
    canvas_height, canvas_width = canvas_shape
    dy = tf.maximum((canvas_height - height - 1) // 2, 0)
    dx = tf.maximum((canvas_width - width - 1) // 2, 0)
    paddings = [[dy, canvas_height - height - dy], [dx, canvas_width - width - dx], [0, 0]]
    inside = tf.pad(tf.ones([height, width, 1], tf.bool), paddings)
    noise = tf.random.stateless_uniform([canvas_height, canvas_width, 3], seed)
    canvas = tf.where(inside, tf.pad(image, paddings), noise)
    canvas = tf.ensure_shape(canvas, [canvas_height, canvas_width, 3])
    return canvas, landmarks + tf.cast(tf.stack([dy, dx]), tf.float32)


def rotate(image, landmarks, angle, centre):
    """Rotates image (bilinear, zero fill, same size) and landmarks about `centre` (y, x).

    Each landmark stays on the pixel it marked.
    """
    matrix = rotation_matrix(tf.cast(angle, tf.float32), tf.cast(centre, tf.float32))
    rotated = warp_affine(image, matrix, tf.shape(image)[:2])
    return tf.ensure_shape(rotated, image.shape), apply_affine(matrix, landmarks)


def random_angle(seed, stddev_degrees: float) -> tf.Tensor:
    """theta ~ N(0, stddev) in radians."""
    return tf.random.stateless_normal([], seed) * (stddev_degrees * math.pi / 180.0)


def distort_colour(image, seed, noise_stddev: float = 0.1):
    """SPEC A.5.5: brightness, saturation, hue, contrast, Gaussian noise, clip to [0, 1]."""
    seeds = tf.random.experimental.stateless_split(seed, num=5)
    image = tf.image.stateless_random_brightness(image, 32.0 / 255.0, seeds[0])
    image = tf.image.stateless_random_saturation(image, 0.5, 1.5, seeds[1])
    image = tf.image.stateless_random_hue(image, 0.2, seeds[2])
    image = tf.image.stateless_random_contrast(image, 0.5, 1.5, seeds[3])
    image += tf.random.stateless_normal(tf.shape(image), seeds[4], stddev=noise_stddev)
    return tf.clip_by_value(image, 0.0, 1.0)
