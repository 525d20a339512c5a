"""tf.data pipelines of ShapeNet over the shared converted records (SPEC C.4).

Landmarks are (y, x) pixels of the backbone's crop. A held-out validation split (a fixed
fraction of the training faces, chosen by a hash of their path: `validation_paths`) drives
the learning-rate plateau schedule; training never sees it.

* 'mobilenet_v2' backbone: the mobilenet family's training pipeline unchanged (its crops,
  jitter, flips, pad step and noise), so the shape head and the direct regression see the
  same data.
* 'shapenet' backbone, the original's sampling as one affine warp per face: an integer
  rotation in [-rotation, rotation] degrees about the face, an integer offset in
  [-offset, offset] pixels per axis of the face's bounds, the square of 1.1 x their longer
  extent around them, resized to 224x224, grey. The bounds are the face box's (the crop the
  evaluator and aligner take; rotating the image, not re-bounding it) or, as the original,
  the rotated ground truth's (`crop_source='landmarks'`). The original's clamping of the
  bounds to [0, min(H, W)] and of the window to the image (no padding, so a crop near a
  border is not square and is resized anisotropically) only with `original_clamping`.

Validation faces are cropped from their box without augmentation (the original augments
its validation set at random too: `augment_validation`).
"""

import dataclasses
import hashlib
import math
from collections.abc import Sequence

import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.pipeline import (
    AugmentationConfig as MobilenetAugmentation,
)
from face_alignment_tf.backbones.mobilenet_v2.pipeline import (
    training_dataset as mobilenet_training_dataset,
)
from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.data.tfrecords import parse_face, seeded_training_records, shard_paths
from face_alignment_tf.shapenet.backbones import Backbone
from face_alignment_tf.shapenet.crops import CROP_FACTOR, INPUT_SIZE, grey_pixels, window_matrix

CROP_SOURCES = ("box", "landmarks")


@dataclasses.dataclass(frozen=True)
class AugmentationConfig:
    """The 'shapenet' backbone's sampling; defaults are the original's training set's."""

    rotation_degrees: int = 90
    offset: int = 30
    crop_source: str = "box"
    original_clamping: bool = False


def validation_paths(paths: Sequence[str], fraction: float) -> list[str]:
    """The held-out faces: the `fraction` of `paths` (at least one, never all) whose SHA-1
    is smallest, a choice that does not depend on order or on the other faces' names."""
    if len(paths) < 2:
        raise ValueError(f"{len(paths)} training face(s): at least 2 are needed to hold one out")
    count = min(max(1, round(fraction * len(paths))), len(paths) - 1)
    return sorted(paths, key=lambda path: hashlib.sha1(path.encode()).hexdigest())[:count]


def is_held_out(held_out: Sequence[str]):
    """keep(face) for the faces whose path is in `held_out`."""
    table = tf.constant(list(held_out), tf.string)
    return lambda face: tf.reduce_any(tf.equal(face["path"][..., None], table), axis=-1)


def is_training(held_out: Sequence[str]):
    """keep(face) for the faces whose path is not in `held_out`."""
    held = is_held_out(held_out)
    return lambda face: tf.logical_not(held(face))


def rotation_about(centre, angle) -> tf.Tensor:
    """3x3 affine on (y, x, 1): rotation by `angle` (radians) about `centre` (y, x)."""
    cos, sin = tf.cos(angle), tf.sin(angle)
    linear = tf.stack([[cos, -sin], [sin, cos]])
    offset = centre - tf.linalg.matvec(linear, centre)
    return tf.concat([tf.concat([linear, offset[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)


def augmented_crop_matrix(face, seed, config: AugmentationConfig) -> tf.Tensor:
    """Image -> 224 crop affine of one training face (module docstring)."""
    seeds = tf.random.experimental.stateless_split(seed, num=2)
    limit = config.rotation_degrees
    degrees = tf.random.stateless_uniform([], seeds[0], -limit, limit + 1, tf.int32)
    offset = tf.random.stateless_uniform([2], seeds[1], -config.offset, config.offset + 1, tf.int32)
    box_lo, box_hi = tf.reduce_min(face["box"], 0), tf.reduce_max(face["box"], 0)
    rotation = rotation_about((box_lo + box_hi) / 2, tf.cast(degrees, tf.float32) * math.pi / 180)
    if config.crop_source == "landmarks":
        rotated = apply_affine(rotation, face["landmarks"])
        lo, hi = tf.reduce_min(rotated, 0), tf.reduce_max(rotated, 0)
    else:
        lo, hi = box_lo, box_hi
    lo, hi = lo + tf.cast(offset, tf.float32), hi + tf.cast(offset, tf.float32)
    if config.original_clamping:
        limit = tf.cast(tf.reduce_min(tf.shape(face["image"])[:2]), tf.float32)
        lo, hi = tf.clip_by_value(lo, 0.0, limit), tf.clip_by_value(hi, 0.0, limit)
    side = CROP_FACTOR * tf.reduce_max(hi - lo)
    origin = (lo + hi) / 2 - side / 2
    extent = tf.stack([side, side])
    if config.original_clamping:
        size = tf.cast(tf.shape(face["image"])[:2], tf.float32)
        end = tf.minimum(origin + side, size)
        origin = tf.maximum(origin, 0.0)
        extent = tf.maximum(end - origin, 1.0)
    return window_matrix(origin, extent, INPUT_SIZE) @ rotation


def training_dataset(
    directory: str,
    backbone: Backbone,
    batch_size: int,
    seed: int,
    augmentation: AugmentationConfig,
    held_out: Sequence[str],
) -> tf.data.Dataset:
    """Endless batches {'image' [B, S, S, C] (the backbone's pixels), 'landmarks' [B, 68, 2]
    (y, x) crop pixels} of the faces not `held_out` (paths)."""
    keep = is_training(held_out)
    if backbone.name == "mobilenet_v2":
        return mobilenet_training_dataset(
            directory, batch_size, seed, MobilenetAugmentation(), keep=keep
        )

    def augment(face, example_seed):
        matrix = augmented_crop_matrix(face, example_seed, augmentation)
        crop = warp_affine(face["image"], matrix, [INPUT_SIZE, INPUT_SIZE])
        return {
            "image": tf.ensure_shape(grey_pixels(crop), [INPUT_SIZE, INPUT_SIZE, 1]),
            "landmarks": apply_affine(matrix, face["landmarks"]),
        }

    return (
        seeded_training_records(directory, seed, keep)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


def box_crops(backbone: Backbone, batch: dict, crop: str = "box") -> tuple[tf.Tensor, tf.Tensor]:
    """(crops [B, S, S, C] in the backbone's pixels, image -> crop affines [B, 3, 3]) of a
    batch of record faces ({'image' [B, H, W, 3] RGB [0, 1], 'box', 'landmarks'}), cropped
    from the box or, `crop='oracle'`, from the ground truth (an upper bound, not a result)."""
    points = batch["landmarks"] if crop == "oracle" else batch["box"]
    matrices = tf.cast(backbone.crop_matrix(points), tf.float32)
    size = [backbone.input_size] * 2
    return backbone.pixels(warp_affine(batch["image"], matrices, size)), matrices


def validation_batches(
    directory: str,
    backbone: Backbone,
    batch_size: int,
    held_out: Sequence[str],
    augmentation: AugmentationConfig | None = None,
) -> tf.data.Dataset:
    """The `held_out` faces (paths) once each: {'image' crops, 'landmarks' in the crop},
    cropped from their box, or (`augmentation`, the original's quirk; 'shapenet' backbone)
    augmented with a seed fixed per face."""

    def crop(face):
        if augmentation is None:
            matrix = tf.cast(backbone.crop_matrix(face["box"]), tf.float32)
        else:
            seed = tf.stack([tf.strings.to_hash_bucket_fast(face["path"], 2**31), 1234])
            matrix = augmented_crop_matrix(face, seed, augmentation)
        pixels = warp_affine(face["image"], matrix, [backbone.input_size] * 2)
        return {
            "image": backbone.pixels(pixels),
            "landmarks": apply_affine(matrix, face["landmarks"]),
        }

    return (
        tf.data.TFRecordDataset(shard_paths(directory))
        .map(parse_face, num_parallel_calls=tf.data.AUTOTUNE)
        .filter(is_held_out(held_out))
        .map(crop, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size)
        .cache()
    )
