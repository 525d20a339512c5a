"""tf.data pipelines of the MobileNetV2 regressor over the shared converted records.

Every crop is one bilinear warp of the record's image to 64x64 (BGR, 0..255, as the Caffe
data layer): the crop rule of `mobilenet.crops` applied to the face's box, composed with
the training augmentation (SPEC D.3). Landmarks are (y, x) crop pixels.

* training: the box (the 300-W detector box of the record, or for stage 2 the box of the
  stage-1 prediction) jittered by a random shift, scale and rotation about the crop
  centre; a flip with the shared 68-point permutation; the original's online pad-ratio
  step (pad ~ U{-9..9}; pad > 0 shrinks the face into a zero border of 2 pad pixels split
  at random); the photometric augmentations of `data.photometric` (off in the original
  recipe); Gaussian pixel noise. Seeded like the other families' pipelines.
* evaluation: each face once, its record image (zero-padded to the batch's largest) and
  box, so the cascade crops (and crops again) in its graph.
"""

import dataclasses
import math

import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.crop import INPUT_SIZE, crop_matrix, encode_landmarks
from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.data.landmarks import MIRROR_PERMUTATION_68
from face_alignment_tf.data.photometric import PhotometricConfig, photometric_augment
from face_alignment_tf.data.tfrecords import (
    byte_range_pixels,
    face_batches,
    seeded_training_records,
)

PAD_RATIO = 0.15


@dataclasses.dataclass(frozen=True)
class AugmentationConfig:
    """Training augmentation; the original's offline ranges are not published beyond
    'flip, shift, scale, rotation +-30 degrees, Gaussian noise': these are ours."""

    flip_probability: float = 0.5
    max_shift: float = 0.1  # of the crop side, each axis, uniform
    max_scale: float = 0.1  # zoom 1 +- this, uniform
    max_rotation_degrees: float = 30.0
    pad_ratio: float = PAD_RATIO  # the Caffe data layer's online step (0: off)
    noise_stddev: float = 2.0  # on 0..255 pixel values
    photometric: PhotometricConfig = PhotometricConfig()  # not in the original


def bgr_pixels(image) -> tf.Tensor:
    """RGB floats in [0, 1] -> BGR 0..255, the network's input (any leading dims)."""
    return image[..., ::-1] * 255.0


def _about_centre(linear, shift) -> tf.Tensor:
    """3x3 affine on crop pixels: p -> c + linear (p - c) + shift, c the crop centre."""
    centre = tf.fill([2], (INPUT_SIZE - 1) / 2)
    offset = centre - tf.linalg.matvec(linear, centre) + shift
    return tf.concat([tf.concat([linear, offset[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)


def jitter_matrix(seed, config: AugmentationConfig) -> tf.Tensor:
    """Shift, zoom and rotation about the crop centre, and the flip (x -> 63 - x); returns
    (matrix, flipped)."""
    seeds = tf.random.experimental.stateless_split(seed, num=4)
    angle = tf.random.stateless_uniform([], seeds[0], -1.0, 1.0) * (
        config.max_rotation_degrees * math.pi / 180
    )
    scale = 1.0 + tf.random.stateless_uniform([], seeds[1], -1.0, 1.0) * config.max_scale
    shift = tf.random.stateless_uniform([2], seeds[2], -1.0, 1.0) * config.max_shift * INPUT_SIZE
    flipped = tf.random.stateless_uniform([], seeds[3]) < config.flip_probability
    cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
    linear = tf.stack([[cos, -sin], [sin, cos]])
    linear = tf.where(flipped, linear * [[1.0, 1.0], [-1.0, -1.0]], linear)
    return _about_centre(linear, shift), flipped


def pad_matrix(pad, before) -> tf.Tensor:
    """3x3 affine on crop pixels of zero-padding the 64x64 crop by 2 pad pixels (`before`
    (top, left) of them before) and resizing back to 64x64 (bilinear, pixel centres kept)."""
    pad = tf.cast(pad, tf.float32)
    scale = INPUT_SIZE / (INPUT_SIZE + 2 * pad)
    offset = (tf.cast(before, tf.float32) + 0.5) * scale - 0.5
    return tf.concat([tf.concat([tf.eye(2) * scale, offset[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)


def pad_ratio_matrix(seed, pad_ratio: float = PAD_RATIO) -> tf.Tensor:
    """The Caffe layer's online step: pad = U{-I..I}, I = max(floor(64 pad_ratio), 1); for
    pad > 0 `pad_matrix` with (top, left) ~ U{0..2 pad} each; else unchanged."""
    interval = max(int(INPUT_SIZE * pad_ratio), 1)
    seeds = tf.random.experimental.stateless_split(seed, num=2)
    pad = tf.random.stateless_uniform([], seeds[0], -interval, interval + 1, tf.int32)
    pad = tf.cast(tf.maximum(pad, 0), tf.float32)
    before = tf.floor(tf.random.stateless_uniform([2], seeds[1]) * (2 * pad + 1))
    return pad_matrix(pad, before)


def training_dataset(
    directory: str,
    batch_size: int = 64,
    seed: int = 0,
    config: AugmentationConfig = AugmentationConfig(),
    regions: tf.lookup.StaticHashTable | None = None,
    region_values: tf.Tensor | None = None,
    crop=crop_matrix,
    keep=None,
) -> tf.data.Dataset:
    """Endless batches {'image' [B, 64, 64, 3] BGR 0..255, 'landmarks' [B, 68, 2] (y, x)
    crop pixels, 'targets' [B, 136]}. Each crop is `crop(region)` ([k, 2] (y, x) -> image
    -> crop 3x3), jittered: the region is the record's box, or with `regions` (path -> row
    of `region_values` [N, k, 2]) the face's row (stage 2: stage 1's predicted points);
    `keep(face)` selects faces (default all)."""

    def augment(face, example_seed):
        region = (
            face["box"]
            if regions is None
            else tf.gather(region_values, regions.lookup(face["path"]))
        )
        seeds = tf.random.experimental.stateless_split(example_seed, num=4)
        jitter, flipped = jitter_matrix(seeds[0], config)
        matrix = jitter @ crop(region)
        if config.pad_ratio > 0:
            matrix = pad_ratio_matrix(seeds[1], config.pad_ratio) @ matrix
        image = warp_affine(face["image"], matrix, [INPUT_SIZE, INPUT_SIZE])  # RGB 0..255
        image = photometric_augment(image, seeds[3], config.photometric)[..., ::-1]  # BGR
        image += tf.random.stateless_normal(tf.shape(image), seeds[2], stddev=config.noise_stddev)
        landmarks = apply_affine(matrix, face["landmarks"])
        landmarks = tf.where(flipped, tf.gather(landmarks, MIRROR_PERMUTATION_68), landmarks)
        return {
            "image": tf.ensure_shape(tf.clip_by_value(image, 0, 255), [INPUT_SIZE, INPUT_SIZE, 3]),
            "landmarks": landmarks,
            "targets": encode_landmarks(landmarks),
        }

    return (
        seeded_training_records(directory, seed, keep, byte_range_pixels)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


def evaluation_dataset(directory: str, batch_size: int = 64) -> tf.data.Dataset:
    """Each face once: {'image' [B, H, W, 3] RGB [0, 1] (the record's, zero-padded), 'box'
    [B, 4, 2], 'landmarks' [B, 68, 2] (y, x) in the record's frame, 'path' [B], ...}."""
    return face_batches(directory, batch_size)
