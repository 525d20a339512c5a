"""Sharded TFRecords of preprocessed faces, and the metadata that goes with them.

One example per face: the rescaled image as a lossless PNG (uint8: the float
pixels are quantised to 1/255, far below the colour augmentation's noise), the
ground truth, the detector box and the evaluation initialisation, all (y, x)
float32 in the image's frame. `metadata.json` beside the shards holds what the
pipeline needs about the whole set (reference shape, box model, canvas size).
"""

import dataclasses
import json
from pathlib import Path

import numpy as np
import tensorflow as tf

from face_alignment_tf.data.json_files import write_json_atomically
from face_alignment_tf.data.landmarks import NUM_LANDMARKS
from face_alignment_tf.data.preprocessing import PreparedFace

METADATA_FILE = "metadata.json"
SHARD_PATTERN = "{split}-{index:05d}-of-{count:05d}.tfrecord"

FEATURES = {
    "path": tf.io.FixedLenFeature([], tf.string),
    "image": tf.io.FixedLenFeature([], tf.string),
    "landmarks": tf.io.FixedLenFeature([NUM_LANDMARKS * 2], tf.float32),
    "box": tf.io.FixedLenFeature([8], tf.float32),
    "initial": tf.io.FixedLenFeature([NUM_LANDMARKS * 2], tf.float32),
}


def _float_feature(values: np.ndarray) -> tf.train.Feature:
    return tf.train.Feature(float_list=tf.train.FloatList(value=np.ravel(values).tolist()))


def _bytes_feature(value: bytes) -> tf.train.Feature:
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def serialise_face(face: PreparedFace) -> bytes:
    """A PreparedFace as a serialised tf.train.Example."""
    pixels = np.clip(np.round(face.pixels * 255.0), 0, 255).astype(np.uint8)
    features = {
        "path": _bytes_feature(face.path.encode()),
        "image": _bytes_feature(tf.io.encode_png(pixels).numpy()),
        "landmarks": _float_feature(face.landmarks),
        "box": _float_feature(face.box),
        "initial": _float_feature(face.initial),
    }
    return tf.train.Example(features=tf.train.Features(feature=features)).SerializeToString()


def decode_face(serialised: tf.Tensor) -> dict[str, tf.Tensor]:
    """Inverse of `serialise_face` with the image left as stored: uint8 [H, W, 3]; landmarks
    / initial [68, 2], box [4, 2] (y, x)."""
    example = tf.io.parse_single_example(serialised, FEATURES)
    return {
        "path": example["path"],
        "image": tf.io.decode_png(example["image"], channels=3),
        "landmarks": tf.reshape(example["landmarks"], [NUM_LANDMARKS, 2]),
        "box": tf.reshape(example["box"], [4, 2]),
        "initial": tf.reshape(example["initial"], [NUM_LANDMARKS, 2]),
    }


def unit_pixels(face: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
    """A decoded face with its image as float32 in [0, 1]."""
    return {**face, "image": tf.image.convert_image_dtype(face["image"], tf.float32)}


def parse_face(serialised: tf.Tensor) -> dict[str, tf.Tensor]:
    """Inverse of `serialise_face`: image float32 [H, W, 3] in [0, 1], landmarks / initial
    [68, 2], box [4, 2] (y, x)."""
    return unit_pixels(decode_face(serialised))


def parse_landmarks_and_box(serialised: tf.Tensor) -> dict[str, tf.Tensor]:
    """Only the ground truth [68, 2] and the box [4, 2] of a serialised face (no image decode)."""
    features = {key: FEATURES[key] for key in ("landmarks", "box")}
    example = tf.io.parse_single_example(serialised, features)
    return {
        "landmarks": tf.reshape(example["landmarks"], [NUM_LANDMARKS, 2]),
        "box": tf.reshape(example["box"], [4, 2]),
    }


def write_shards(
    serialised: list[bytes], output_dir: Path, split: str, num_shards: int
) -> list[str]:
    """Writes examples round-robin into `num_shards` files; returns their names."""
    output_dir.mkdir(parents=True, exist_ok=True)
    num_shards = max(1, min(num_shards, len(serialised)))
    names = [
        SHARD_PATTERN.format(split=split, index=index, count=num_shards)
        for index in range(num_shards)
    ]
    for index, name in enumerate(names):
        with tf.io.TFRecordWriter(str(output_dir / name)) as writer:
            for example in serialised[index::num_shards]:
                writer.write(example)
    return names


def write_metadata(output_dir: Path, metadata: dict) -> None:
    """Writes metadata.json atomically (a reader never sees half a file)."""
    write_json_atomically(output_dir / METADATA_FILE, metadata)


def read_metadata(directory: str | Path) -> dict:
    """The metadata.json of a converted dataset; FileNotFoundError names the directory."""
    path = Path(directory) / METADATA_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: not a converted dataset (run python -m face_alignment_tf.data.convert)"
        )
    return json.loads(path.read_text())


def shard_paths(directory: str | Path) -> list[str]:
    """The shard files of a converted dataset, from its metadata."""
    return [str(Path(directory) / name) for name in read_metadata(directory)["shards"]]


def training_metadata(directory: str | Path) -> dict:
    """`read_metadata` of a training set (an evaluation set is refused)."""
    metadata = read_metadata(directory)
    if metadata["split"] != "train":
        raise ValueError(f"{directory}: a '{metadata['split']}' set, not a training set")
    return metadata


@dataclasses.dataclass(frozen=True)
class TrainingFaces:
    """The faces of a converted training set in memory, in file order: paths [N], images
    (uint8 [H, W, 3] each, as stored), boxes [N, 4, 2] and landmarks [N, 68, 2] (y, x)."""

    paths: list[str]
    images: list[np.ndarray]
    boxes: np.ndarray
    landmarks: np.ndarray


def training_faces(directory: str | Path, keep=None) -> TrainingFaces:
    """Every face of a training set (those for which `keep(face)` is true, when given), for
    pipelines that crop in numpy."""
    training_metadata(directory)
    faces = tf.data.TFRecordDataset(shard_paths(directory)).map(
        decode_face, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
    )
    if keep is not None:
        faces = faces.filter(keep)
    paths, images, boxes, landmarks = [], [], [], []
    for face in faces.as_numpy_iterator():
        paths.append(face["path"].decode())
        images.append(face["image"])
        boxes.append(face["box"])
        landmarks.append(face["landmarks"])
    if not paths:
        raise ValueError(f"{directory}: no training faces")
    return TrainingFaces(paths, images, np.stack(boxes), np.stack(landmarks))


def seeded_training_records(
    directory: str, seed: int, keep=None, prepare=unit_pixels
) -> tf.data.Dataset:
    """Endless (face, per-example stateless seed [2]) pairs; faces as `parse_face` gives them
    (only those for which `keep(face)` is true, when given), or as `prepare` makes them of
    the decoded uint8 face.

    The faces are decoded once and cached in memory (uint8 images: the PNG decode would
    otherwise cost as much as a small network's step) and reshuffled every epoch; the seeds
    come from one integer, so the whole stream is reproducible.
    """
    metadata = training_metadata(directory)
    faces = (
        tf.data.TFRecordDataset(shard_paths(directory))
        .map(decode_face, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .filter(keep or (lambda face: True))
        .cache()
        .shuffle(metadata["num_examples"], seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .map(prepare, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    )
    return tf.data.Dataset.zip(faces, tf.data.Dataset.random(seed=seed).batch(2))


def face_batches(
    directory: str | Path, batch_size: int, prepare=parse_face, keep=None
) -> tf.data.Dataset:
    """Each converted face once, in file order: `prepare(serialised)` per face (only those
    for which `keep(face)` is true, when given), batched with zero padding to the batch's
    largest image (the evaluation pipelines of every family)."""
    return (
        tf.data.TFRecordDataset(shard_paths(directory))
        .map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
        .filter(keep or (lambda face: True))
        .padded_batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
