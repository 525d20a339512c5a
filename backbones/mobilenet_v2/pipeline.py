"""tf.data pipelines of the MobileNetV2 regressor over the shared converted records.

Every crop is one bilinear warp of the record's image to 64x64 (BGR, 0..255, as the Caffe
data layer): the crop rule of `mobilenet.crops` applied to the face's box, composed with
the training augmentation (SPEC D.3). Landmarks are (y, x) crop pixels. Only the warp and
its matrix are made face by face; the rest runs on the batch (the per-face ops of a
tf.data map cost as much CPU as a fifth of the network's step).

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
from face_alignment_tf.data.photometric import (
    PhotometricConfig,
    gaussian_noise,
    photometric_augment,
)
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


def pad_matrix(pad, before) -> tf.Tensor:
    """3x3 affine on crop pixels of zero-padding the 64x64 crop by 2 pad pixels (`before`
    (top, left) of them before) and resizing back to 64x64 (bilinear, pixel centres kept)."""
    pad = tf.cast(pad, tf.float32)
    scale = INPUT_SIZE / (INPUT_SIZE + 2 * pad)
    offset = (tf.cast(before, tf.float32) + 0.5) * scale - 0.5
    return tf.concat([tf.concat([tf.eye(2) * scale, offset[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)


def augmentation_matrix(seed, config: AugmentationConfig) -> tuple[tf.Tensor, tf.Tensor]:
    """One crop's random geometry from one draw of 8 uniforms: a shift, zoom and rotation
    about the crop centre and the flip (x -> 63 - x), then the Caffe layer's online
    pad-ratio step (pad = U{-I..I}, I = max(floor(64 pad_ratio), 1); for pad > 0
    `pad_matrix` with (top, left) ~ U{0..2 pad} each; else unchanged). Returns (3x3 on
    crop pixels, flipped)."""
    draw = tf.random.stateless_uniform([8], seed)
    angle = (2 * draw[0] - 1) * (config.max_rotation_degrees * math.pi / 180)
    scale = 1 + (2 * draw[1] - 1) * config.max_scale
    shift = (2 * draw[2:4] - 1) * (config.max_shift * INPUT_SIZE)
    flipped = draw[4] < config.flip_probability
    cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
    mirror = tf.where(flipped, -1.0, 1.0)  # the flip negates the x row
    linear = tf.stack([[cos, -sin], [mirror * sin, mirror * cos]])
    centre = tf.fill([2], (INPUT_SIZE - 1) / 2)
    offset = centre - tf.linalg.matvec(linear, centre) + shift
    jitter = tf.concat([tf.concat([linear, offset[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)
    if config.pad_ratio <= 0:
        return jitter, flipped
    interval = max(int(INPUT_SIZE * config.pad_ratio), 1)
    pad = tf.maximum(tf.floor(draw[5] * (2 * interval + 1)) - interval, 0.0)
    before = tf.floor(draw[6:8] * (2 * pad + 1))
    return pad_matrix(pad, before) @ jitter, flipped


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

    # Stage 2's crops of its fixed regions, once for all faces.
    crops = None if regions is None else crop(region_values)

    def crop_face(face, example_seed):  # what needs the face's own image, one face at a time
        seeds = tf.random.experimental.stateless_split(example_seed, num=2)
        jitter, flipped = augmentation_matrix(seeds[0], config)
        if crops is None:
            matrix = jitter @ crop(face["box"])
        else:
            matrix = jitter @ tf.gather(crops, regions.lookup(face["path"]))
        return {
            "image": warp_affine(face["image"], matrix, [INPUT_SIZE, INPUT_SIZE]),  # RGB 0..255
            "matrix": matrix,
            "flipped": flipped,
            "landmarks": face["landmarks"],
            "seed": seeds[1],
        }

    def augment(crops):  # the rest on the whole batch
        seeds = tf.random.experimental.stateless_split(crops["seed"][0], num=2)
        images = photometric_augment(crops["image"], seeds[0], config.photometric)[..., ::-1]
        images += gaussian_noise(tf.shape(images), seeds[1], config.noise_stddev)
        landmarks = apply_affine(crops["matrix"], crops["landmarks"])
        mirrored = tf.gather(landmarks, MIRROR_PERMUTATION_68, axis=1)
        landmarks = tf.where(crops["flipped"][:, None, None], mirrored, landmarks)
        return {
            "image": tf.ensure_shape(
                tf.clip_by_value(images, 0, 255), [batch_size, INPUT_SIZE, INPUT_SIZE, 3]
            ),  # BGR
            "landmarks": landmarks,
            "targets": encode_landmarks(landmarks),
        }

    return (
        seeded_training_records(directory, seed, keep, byte_range_pixels)
        .map(crop_face, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size, drop_remainder=True)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )


def evaluation_dataset(directory: str, batch_size: int = 64) -> tf.data.Dataset:
    """Each face once: {'image' [B, H, W, 3] RGB [0, 1] (the record's, zero-padded), 'box'
    [B, 4, 2], 'landmarks' [B, 68, 2] (y, x) in the record's frame, 'path' [B], ...}."""
    return face_batches(directory, batch_size)
