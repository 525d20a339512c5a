"""MDM's training-time augmentation as TF ops on single examples (SPEC A.5).

Every random choice takes a stateless seed (shape [2] int), so a pipeline is
reproducible from one integer seed. Images are float32 [H, W, 3] in [0, 1];
landmarks float32 [68, 2] in (y, x).
"""

import math

import tensorflow as tf

from data.landmarks import mirror_landmarks


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


def mirror(image, landmarks, rule: str = "corrected"):
    """Left-right flip of the pixels and the landmarks (permutation included)."""
    width = tf.shape(image)[-2]
    return tf.reverse(image, axis=[-2]), mirror_landmarks(landmarks, width, rule)


def apply_affine(matrix, points) -> tf.Tensor:
    """Points [..., 2] (y, x) mapped by a 3x3 affine on homogeneous (y, x, 1)."""
    return tf.linalg.matvec(matrix[:2, :2], points) + matrix[:2, 2]


def warp_affine(image, matrix, output_shape) -> tf.Tensor:
    """Warps an image so that input point p lands on output point matrix @ p.

    image [H, W, C]; matrix: 3x3 affine on homogeneous (y, x, 1); output [*output_shape, C].
    Bilinear sampling with pixel centres at integer coordinates, zero outside.
    """
    inverse = tf.linalg.inv(tf.cast(matrix, tf.float32))
    # ImageProjectiveTransformV3 maps output (x, y) to input (x, y): swap the axes.
    transform = tf.stack(
        [
            inverse[1, 1],
            inverse[1, 0],
            inverse[1, 2],
            inverse[0, 1],
            inverse[0, 0],
            inverse[0, 2],
            0.0,
            0.0,
        ]
    )
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=image[None],
        transforms=transform[None],
        output_shape=tf.convert_to_tensor(output_shape, tf.int32),
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )[0]


def rotation_matrix(angle, centre) -> tf.Tensor:
    """3x3 affine on (y, x, 1): p -> c + R (p - c), R = [[cos, -sin], [sin, cos]] on (y, x).

    Positive angles (radians) turn the face counter-clockwise as displayed.
    """
    cos, sin = tf.cos(angle), tf.sin(angle)
    rotation = tf.stack([[cos, -sin], [sin, cos]])
    offset = centre - tf.linalg.matvec(rotation, centre)
    return tf.concat([tf.concat([rotation, offset[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)


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
