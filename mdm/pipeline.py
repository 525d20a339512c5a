"""MDM's tf.data pipelines over the converted TFRecords (see `data.convert`).

Training (SPEC A.5): shuffle with reshuffling each epoch (the original drew
with replacement), pad to the set's canvas with noise, mirror (p=0.5), rotate
about the landmark centroid (p=0.5, sigma=10 degrees), synthetic initialisation
from the PCA box model (fitted to the records' boxes), colour distortion, batch.
Evaluation (A.8): each image once, in file order, zero-padded at bottom/right to the
batch maximum, with the mirrored image and initialisation when asked (for mirrored
averaging).
"""

import dataclasses

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.landmarks import MIRROR_RULES, mirror, mirror_landmarks
from face_alignment_tf.data.reference_shape import align_reference_to_box
from face_alignment_tf.data.tfrecords import (
    face_batches,
    parse_face,
    read_metadata,
    seeded_training_records,
)
from face_alignment_tf.mdm.augmentation import distort_colour, pad_to_canvas, random_angle, rotate
from face_alignment_tf.mdm.box_model import BoxPerturbationModel

ROTATION_CENTRES = ("current", "original")


@dataclasses.dataclass(frozen=True)
class AugmentationConfig:
    """Training augmentation settings; the defaults are the original's (SPEC A.5).

    rotation_centre: 'current' rotates about the centroid of the (possibly
    mirrored) ground truth; 'original' about the un-mirrored one (SPEC A.10 #4).
    """

    mirror_probability: float = 0.5
    mirror_rule: str = "corrected"
    rotation_probability: float = 0.5
    rotation_stddev_degrees: float = 10.0
    rotation_centre: str = "current"
    distort_colours: bool = True

    def __post_init__(self):
        if self.mirror_rule not in MIRROR_RULES:
            raise ValueError(f"mirror_rule must be one of {MIRROR_RULES}")
        if self.rotation_centre not in ROTATION_CENTRES:
            raise ValueError(f"rotation_centre must be one of {ROTATION_CENTRES}")


def augment_example(
    example: dict,
    seed: tf.Tensor,
    canvas_shape: tuple[int, int],
    reference_shape: np.ndarray,
    box_model: BoxPerturbationModel,
    config: AugmentationConfig,
) -> dict:
    """One training sample: {'image' [Hc, Wc, 3], 'landmarks' [68, 2], 'initial' [68, 2]}."""
    seeds = tf.random.experimental.stateless_split(seed, num=6)
    image, landmarks = pad_to_canvas(example["image"], example["landmarks"], canvas_shape, seeds[0])
    unmirrored_centroid = tf.reduce_mean(landmarks, axis=0)

    if tf.random.stateless_uniform([], seeds[1]) < config.mirror_probability:
        image, landmarks = mirror(image, landmarks, config.mirror_rule)

    if tf.random.stateless_uniform([], seeds[2]) < config.rotation_probability:
        centre = (
            unmirrored_centroid
            if config.rotation_centre == "original"
            else tf.reduce_mean(landmarks, axis=0)
        )
        angle = random_angle(seeds[3], config.rotation_stddev_degrees)
        image, landmarks = rotate(image, landmarks, angle, centre)

    box = box_model.sample(landmarks[None], seeds[4])
    initial = align_reference_to_box(reference_shape, box)[0]
    if config.distort_colours:
        image = distort_colour(image, seeds[5])
    return {"image": image, "landmarks": landmarks, "initial": initial}


def training_dataset(
    directory: str,
    batch_size: int,
    seed: int = 0,
    config: AugmentationConfig = AugmentationConfig(),
) -> tf.data.Dataset:
    """Endless batches {'image' [B, Hc, Wc, 3], 'landmarks' [B, 68, 2], 'initial' [B, 68, 2]}."""
    records = seeded_training_records(directory, seed)  # checks it is a training set
    metadata = read_metadata(directory)
    canvas_shape = tuple(metadata["canvas_shape"])
    reference_shape = np.asarray(metadata["reference_shape"], np.float32)
    box_model = BoxPerturbationModel.fit_to_records(directory)

    def augment(face, example_seed):
        return augment_example(face, example_seed, canvas_shape, reference_shape, box_model, config)

    return (
        records.map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


def evaluation_dataset(
    directory: str,
    batch_size: int,
    include_mirrored: bool = False,
    mirror_rule: str = "corrected",
) -> tf.data.Dataset:
    """Each converted face once, zero-padded batches.

    Elements: 'image' [B, H, W, 3], 'landmarks', 'initial' [B, 68, 2], 'shape'
    [B, 2] (each image's own (H, W)), 'path' [B]; with `include_mirrored`, also
    'mirrored_image' and 'mirrored_initial' (flipped with the image's own width).
    """

    def prepare(serialised):
        face = parse_face(serialised)
        shape = tf.shape(face["image"])[:2]
        element = {
            "image": face["image"],
            "landmarks": face["landmarks"],
            "initial": face["initial"],
            "shape": shape,
            "path": face["path"],
        }
        if include_mirrored:
            element["mirrored_image"], element["mirrored_initial"] = mirror(
                face["image"], face["initial"], mirror_rule
            )
        return element

    return face_batches(directory, batch_size, prepare)


def unmirror_predictions(predictions, shapes, rule: str = "corrected") -> tf.Tensor:
    """Maps predictions made on mirrored images [B, 68, 2] back with each image's width."""
    return mirror_landmarks(predictions, shapes[:, 1], rule)
