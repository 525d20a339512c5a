"""tf.data pipelines of the MobileNetV2 regressor over the shared converted records.

Every training crop is one bilinear warp of the record's image to 64x64 (BGR, 0..255, as
the Caffe data layer; `size` x `size` for a network of another input size): the crop rule
of `mobilenet.crops` applied to the face's box, composed with the training augmentation
(SPEC D.3). Landmarks are (y, x) crop pixels.
The faces are held in memory as uint8 and cropped in numpy with OpenCV (`opencv_crop`,
the LiteRT aligner's own crop: uint8, coordinates to 1/32 px), one batch at a time; the
rest runs on the batch in TensorFlow. (A tf.data map face by face cost the input pipeline
about 25 ms of CPU a batch in op dispatch alone, a sixth of the network's step.)

* training: the box (the 300-W detector box of the record, or for stage 2 the box of the
  stage-1 prediction) jittered by a random shift, scale and rotation about the crop
  centre; a flip with the shared 68-point permutation; the original's online pad-ratio
  step (pad ~ U{-9..9}; pad > 0 shrinks the face into a zero border of 2 pad pixels split
  at random); the photometric augmentations of `data.photometric` (off in the original
  recipe); Gaussian pixel noise. Reproducible from one seed (numpy's generator for the
  order and the geometry, stateless TF draws for the pixels).
* evaluation: each face once, its record image (zero-padded to the batch's largest) and
  box, so the cascade crops (and crops again) in its graph.
"""

import dataclasses
import math
from collections.abc import Mapping

import numpy as np
import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.crop import (
    INPUT_SIZE,
    crop_matrix,
    encode_landmarks,
    opencv_crop,
)
from face_alignment_tf.data.geometry import apply_affine
from face_alignment_tf.data.landmarks import MIRROR_PERMUTATION_68
from face_alignment_tf.data.photometric import (
    PhotometricConfig,
    gaussian_noise,
    photometric_augment,
)
from face_alignment_tf.data.tfrecords import TrainingFaces, face_batches, training_faces

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


def bgr(images) -> tf.Tensor:
    """RGB -> BGR, the channel order the network reads (any leading dims). `tf.reverse`:
    on a batch of 64 crops a quarter of the CPU time of the strided slice `[..., ::-1]`."""
    return tf.reverse(images, [-1])


def bgr_pixels(image) -> tf.Tensor:
    """RGB floats in [0, 1] -> BGR 0..255, the network's input (any leading dims)."""
    return bgr(image) * 255.0


def pad_matrix(pad, before, size: int = INPUT_SIZE) -> np.ndarray:
    """3x3 affines [..., 3, 3] on crop pixels of zero-padding the size x size crop by 2 pad
    pixels ([...]; `before` [..., 2] (top, left) of them before) and resizing back to size x
    size (bilinear, pixel centres kept)."""
    pad, before = np.asarray(pad, np.float64), np.asarray(before, np.float64)
    scale = size / (size + 2 * pad)
    offset = (before + 0.5) * scale[..., None] - 0.5
    matrices = np.zeros((*pad.shape, 3, 3))
    matrices[..., 0, 0] = matrices[..., 1, 1] = scale
    matrices[..., :2, 2], matrices[..., 2, 2] = offset, 1.0
    return matrices


def augmentation_matrices(
    draws: np.ndarray, config: AugmentationConfig, size: int = INPUT_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """Each crop's random geometry from its 8 uniforms in [0, 1) (`draws` [B, 8]): a shift,
    zoom and rotation about the centre of the size x size crop and the flip
    (x -> size - 1 - x), then the Caffe layer's online pad-ratio step (pad = U{-I..I},
    I = max(floor(size pad_ratio), 1); for pad > 0 `pad_matrix` with (top, left) ~
    U{0..2 pad} each; else unchanged). Returns (3x3 on crop pixels [B, 3, 3], flipped [B])."""
    angle = (2 * draws[:, 0] - 1) * math.radians(config.max_rotation_degrees)
    scale = 1 + (2 * draws[:, 1] - 1) * config.max_scale
    shift = (2 * draws[:, 2:4] - 1) * (config.max_shift * size)
    flipped = draws[:, 4] < config.flip_probability
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    mirror = np.where(flipped, -1.0, 1.0)  # the flip negates the x row
    linear = np.stack([np.stack([cos, -sin], -1), np.stack([mirror * sin, mirror * cos], -1)], 1)
    centre = np.full(2, (size - 1) / 2)
    matrices = np.zeros((len(draws), 3, 3))
    matrices[:, :2, :2], matrices[:, 2, 2] = linear, 1.0
    matrices[:, :2, 2] = centre - linear @ centre + shift
    if config.pad_ratio > 0:
        interval = max(int(size * config.pad_ratio), 1)
        pad = np.maximum(np.floor(draws[:, 5] * (2 * interval + 1)) - interval, 0.0)
        before = np.floor(draws[:, 6:8] * (2 * pad[:, None] + 1))
        matrices = pad_matrix(pad, before, size) @ matrices
    return matrices, flipped


def crop_batches(faces: TrainingFaces, crops: np.ndarray, batch_size: int, seed: int,
                 config: AugmentationConfig, size: int = INPUT_SIZE):  # fmt: skip
    """Endless batches of the faces in a new random order every epoch: uint8 crops
    [B, size, size, 3] RGB (`opencv_crop` of each face by its crop matrix `crops` [N, 3, 3]
    jittered), the matrices [B, 3, 3], flipped [B], the faces' landmarks [B, 68, 2] and a
    seed [2] for the batch's photometric draws; reproducible from `seed`."""
    rng = np.random.default_rng(seed % 2**64)  # any integer, negative ones too
    order = np.zeros(0, np.int64)
    while True:
        while len(order) < batch_size:
            order = np.concatenate([order, rng.permutation(len(faces.images))])
        rows, order = order[:batch_size], order[batch_size:]
        jitter, flipped = augmentation_matrices(rng.random((batch_size, 8)), config, size)
        matrices = jitter @ crops[rows]
        images = np.stack([opencv_crop(faces.images[row], matrix, size)
                           for row, matrix in zip(rows, matrices, strict=True)])  # fmt: skip
        yield (images, matrices.astype(np.float32), flipped, faces.landmarks[rows],
               rng.integers(0, 2**31, 2))  # fmt: skip


def training_dataset(
    directory: str,
    batch_size: int = 64,
    seed: int = 0,
    config: AugmentationConfig = AugmentationConfig(),
    regions: Mapping[str, np.ndarray] | None = None,
    crop=crop_matrix,
    keep=None,
    size: int = INPUT_SIZE,
) -> tf.data.Dataset:
    """Endless batches {'image' [B, size, size, 3] BGR 0..255, 'landmarks' [B, 68, 2] (y, x)
    crop pixels, 'targets' [B, 136]}. Each crop is `crop(region, xp=np)` ([..., k, 2] (y, x) ->
    image -> crop 3x3 onto size x size pixels, numpy), jittered: the region is the record's
    box, or with `regions` (path -> [k, 2]) the face's (stage 2: stage 1's predicted
    points); `keep(face)` selects faces (default all)."""
    faces = training_faces(directory, keep)
    region = faces.boxes if regions is None else np.stack([regions[p] for p in faces.paths])
    crops = np.asarray(crop(region, xp=np), np.float64)
    shape = [batch_size, size, size, 3]
    signature = (
        tf.TensorSpec(shape, tf.uint8), tf.TensorSpec([batch_size, 3, 3], tf.float32),
        tf.TensorSpec([batch_size], tf.bool), tf.TensorSpec([batch_size, 68, 2], tf.float32),
        tf.TensorSpec([2], tf.int64),
    )  # fmt: skip

    def augment(images, matrices, flipped, landmarks, seed):
        seeds = tf.random.experimental.stateless_split(seed, num=2)
        images = photometric_augment(tf.cast(images, tf.float32), seeds[0], config.photometric)
        images = bgr(images) + gaussian_noise(shape, seeds[1], config.noise_stddev)
        landmarks = apply_affine(matrices, landmarks)
        mirrored = tf.gather(landmarks, MIRROR_PERMUTATION_68, axis=1)
        landmarks = tf.where(flipped[:, None, None], mirrored, landmarks)
        return {
            "image": tf.clip_by_value(images, 0, 255),
            "landmarks": landmarks,
            "targets": encode_landmarks(landmarks, size),
        }

    return (
        tf.data.Dataset.from_generator(
            lambda: crop_batches(faces, crops, batch_size, seed, config, size),
            output_signature=signature,
        )
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )


def evaluation_dataset(directory: str, batch_size: int = 64) -> tf.data.Dataset:
    """Each face once: {'image' [B, H, W, 3] RGB [0, 1] (the record's, zero-padded), 'box'
    [B, 4, 2], 'landmarks' [B, 68, 2] (y, x) in the record's frame, 'path' [B], ...}."""
    return face_batches(directory, batch_size)
