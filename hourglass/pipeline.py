"""tf.data pipelines for the heatmap networks, over the converted records of `data.convert`.

The same TFRecords as MDM (faces cropped around their detector box and rescaled)
feed both model families; each pipeline computes its own crop to the 128 input:

* training: the ground truth's 5-point alignment to the 384 template frame
  (SDU's record frame), composed with SDU's random rotation/scale crop and
  flip (`hourglass.augmentation`), one bilinear warp; heatmap targets.
* evaluation: a square crop of 1.2 x the detector box ('box', the default), or
  SDU's ground-truth crop ('oracle': 5-point alignment, box of the aligned
  ground truth with the forehead margin) -- an oracle, not a fair protocol.

Images are 0..255 floats as the SDU networks expect; landmarks (y, x) in the
128 crop.
"""

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.data.tfrecords import face_batches, parse_face, seeded_training_records
from face_alignment_tf.families.contract import check_evaluation_crop
from face_alignment_tf.hourglass.augmentation import augment_crop
from face_alignment_tf.hourglass.crops import INPUT_SIZE, box_crop, oracle_box, template_alignment
from face_alignment_tf.hourglass.heatmaps import heatmap_targets


def _numpy_matrix(function, *arguments) -> tf.Tensor:
    matrix = tf.numpy_function(
        lambda *values: function(*values).astype(np.float32), arguments, tf.float32
    )
    return tf.ensure_shape(matrix, [3, 3])


def oracle_crop(landmarks: np.ndarray, landmark_type: str = "2d") -> np.ndarray:
    """SDU's ground-truth crop: template alignment, then the raised GT box crop."""
    alignment = template_alignment(landmarks)
    aligned = landmarks @ alignment[:2, :2].T + alignment[:2, 2]
    return box_crop(oracle_box(aligned, landmark_type)) @ alignment


def training_dataset(
    directory: str, batch_size: int = 16, seed: int = 0, sigma: int = 1
) -> tf.data.Dataset:
    """Endless training batches.

    Elements: 'image' [B, 128, 128, 3], 'landmarks' [B, 68, 2], 'heatmaps'
    [B, 64, 64, 68] (targets with the given sigma). Samples whose landmarks
    leave the crop in all three attempts are dropped, as the original skipped them.
    """

    def augment(face, example_seed):
        frame = _numpy_matrix(template_alignment, face["landmarks"])
        image, landmarks, valid = augment_crop(
            face["image"] * 255.0, face["landmarks"], example_seed, frame
        )
        return {"image": image, "landmarks": landmarks, "valid": valid}

    def with_targets(batch):
        return {
            "image": batch["image"],
            "landmarks": batch["landmarks"],
            "heatmaps": heatmap_targets(batch["landmarks"], INPUT_SIZE // 2, sigma),
        }

    return (
        seeded_training_records(directory, seed)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .filter(lambda sample: sample["valid"])
        .batch(batch_size, drop_remainder=True)
        .map(with_targets, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )


def evaluation_dataset(
    directory: str, batch_size: int = 16, crop: str = "box", landmark_type: str = "2d"
) -> tf.data.Dataset:
    """Each face once: {'image' [B, 128, 128, 3], 'landmarks' [B, 68, 2], 'path' [B]}."""
    check_evaluation_crop(crop)

    def prepare(serialised):
        face = parse_face(serialised)
        if crop == "box":
            matrix = _numpy_matrix(box_crop, face["box"])
        else:
            matrix = _numpy_matrix(
                lambda points: oracle_crop(points, landmark_type), face["landmarks"]
            )
        image = warp_affine(face["image"] * 255.0, matrix, [INPUT_SIZE, INPUT_SIZE])
        return {
            "image": tf.ensure_shape(image, [INPUT_SIZE, INPUT_SIZE, 3]),
            "landmarks": apply_affine(matrix, face["landmarks"]),
            "path": face["path"],
        }

    return face_batches(directory, batch_size, prepare)
