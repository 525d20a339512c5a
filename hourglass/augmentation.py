"""SDU's training-time crop augmentation as TF ops (SPEC B.2, steps 1-7).

From a face crop (the original's 384x384 records, face centred) to the 128x128
network input: rotate by an integer angle in [-40, 39] degrees, scale so that a
square of side int(256 * s), s = clip(1 + 0.2 N(0, 1), 0.8, 1.2), around the
crop's centre fills the input, bilinear warp with zero fill; an attempt whose
landmarks leave [0, 128) is redrawn, up to 3 attempts, then the sample is
marked invalid (the original skipped it). Horizontal flip with p = 0.5 uses the
shared 68-point permutation and the corrected x -> 127 - x rule; the targets
are rendered after flipping, so the original's one-cell quantisation offset of
flipped targets does not occur.

Images float32 [H, W, 3] (values kept as given, 0..255 for the SDU networks);
landmarks float32 [68, 2] in (y, x).
"""

import math

import tensorflow as tf

from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.data.landmarks import mirror
from face_alignment_tf.hourglass.crops import INPUT_SIZE, RECORD_SIZE

BASE_SCALE = 256
MAX_ATTEMPTS = 3
MAX_ROTATION = 40


def sample_crop_parameters(seed) -> tuple[tf.Tensor, tf.Tensor]:
    """(angle in integer degrees in [-40, 39], crop side int(256 * s) in [204, 307])."""
    seeds = tf.random.experimental.stateless_split(seed, num=2)
    angle = tf.random.stateless_uniform([], seeds[0], -MAX_ROTATION, MAX_ROTATION, dtype=tf.int32)
    ratio = tf.clip_by_value(1.0 + 0.2 * tf.random.stateless_normal([], seeds[1]), 0.8, 1.2)
    side = tf.cast(tf.cast(BASE_SCALE, tf.float32) * ratio, tf.int32)  # int() truncation
    return angle, side


def crop_matrix(angle, side, centre) -> tf.Tensor:
    """3x3 affine on homogeneous (y, x, 1): scale 128/side about `centre`, rotate, centre on 64.

    The rotation is skimage's SimilarityTransform convention on (x, y):
    [[cos, -sin], [sin, cos]], angle in degrees.
    """
    scale = INPUT_SIZE / tf.cast(side, tf.float32)
    theta = tf.cast(angle, tf.float32) * (math.pi / 180.0)
    cos, sin = tf.cos(theta), tf.sin(theta)
    # In (y, x) order the (x, y) rotation [[c, -s], [s, c]] reads [[c, s], [-s, c]].
    rotation = tf.stack([[cos, sin], [-sin, cos]]) * scale
    offset = INPUT_SIZE / 2.0 - tf.linalg.matvec(rotation, tf.cast(centre, tf.float32))
    top = tf.concat([rotation, offset[:, None]], axis=1)
    return tf.concat([top, tf.constant([[0.0, 0.0, 1.0]])], axis=0)


def augment_crop(image, landmarks, seed, frame=None, flip_probability: float = 0.5):
    """One training sample: (image [128, 128, 3], landmarks [68, 2], valid bool).

    frame: an optional 3x3 (y, x) affine from the image to SDU's 384x384 record
    frame (e.g. `crops.template_alignment`); the crop is then taken about that
    frame's centre and composed with it, so the image is warped only once.
    Without it the image itself is the record. valid is False when all
    attempts put a landmark outside the input.
    """
    image = tf.convert_to_tensor(image, tf.float32)
    landmarks = tf.convert_to_tensor(landmarks, tf.float32)
    if frame is None:
        frame = tf.eye(3)
        centre = tf.cast(tf.shape(image)[:2], tf.float32) / 2.0
    else:
        frame = tf.cast(frame, tf.float32)
        centre = tf.constant([RECORD_SIZE / 2.0, RECORD_SIZE / 2.0])
    seeds = tf.random.experimental.stateless_split(seed, num=MAX_ATTEMPTS + 1)
    matrices, inside = [], []
    for attempt in range(MAX_ATTEMPTS):
        angle, side = sample_crop_parameters(seeds[attempt])
        matrix = crop_matrix(angle, side, centre) @ frame
        moved = apply_affine(matrix, landmarks)
        matrices.append(matrix)
        inside.append(tf.reduce_all((moved >= 0.0) & (moved < INPUT_SIZE)))
    inside = tf.stack(inside)
    chosen = tf.argmax(tf.cast(inside, tf.int32))  # first valid attempt (0 if none)
    matrix = tf.gather(tf.stack(matrices), chosen)
    crop = warp_affine(image, matrix, [INPUT_SIZE, INPUT_SIZE])
    points = apply_affine(matrix, landmarks)
    if flip_probability > 0:
        flip = tf.random.stateless_uniform([], seeds[-1]) < flip_probability
        crop, points = tf.cond(flip, lambda: mirror(crop, points), lambda: (crop, points))
    return tf.ensure_shape(crop, [INPUT_SIZE, INPUT_SIZE, 3]), points, tf.reduce_any(inside)
