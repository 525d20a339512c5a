"""Offline conversion of annotated faces to sharded TFRecords.

    python -m face_alignment_tf.data.convert --datasets='300w/lfpw/trainset/*.jpg:300w/afw/*.jpg' \
        --output_dir=records/train --split=train
    python -m face_alignment_tf.data.convert --datasets='300w/lfpw/testset/*.jpg' \
        --output_dir=records/test --split=eval --reference_from=records/train

Training conversion builds the reference shape (SPEC A.2) and records the padding
canvas (A.3.7); evaluation conversion reuses the training set's reference shape.
Every input problem is raised as DataError naming the file before anything is
written. The records are shared by every model family.
"""

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from absl import app, flags, logging

from face_alignment_tf.config.run_config import BoxSettings
from face_alignment_tf.config.settings import define_flags_of
from face_alignment_tf.data.discovery import FaceRecord, discover_faces, source_fingerprint
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.preprocessing import (
    PreparedFace,
    prepare_evaluation_face,
    prepare_training_face,
)
from face_alignment_tf.data.reference_shape import REFERENCE_ALIGNMENTS, build_reference_shape
from face_alignment_tf.data.tfrecords import (
    read_metadata,
    serialise_face,
    write_metadata,
    write_shards,
)

SPLITS = ("train", "eval")
FORMAT_VERSION = 1


def _prepare_all(
    records: list[FaceRecord],
    prepare: Callable[[FaceRecord, np.ndarray], PreparedFace],
    reference_shape: np.ndarray,
    workers: int,
) -> list[PreparedFace]:
    arguments = (records, [reference_shape] * len(records))
    if workers <= 1:
        return list(map(prepare, *arguments))
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(prepare, *arguments, chunksize=16))


def convert(
    datasets: str,
    output_dir: str | Path,
    split: str = "train",
    bbs_dir: str | Path | None = None,
    reference_shape: np.ndarray | None = None,
    num_shards: int = 8,
    workers: int = 2,
    reference_alignment: str = "none",
    boxes: str = "detector",
) -> dict:
    """Converts the faces of `datasets` into `output_dir`; returns the metadata.

    Args:
      datasets: colon-separated globs of images (the `--datasets` flag).
      output_dir: where the shards and metadata.json go.
      split: 'train' (builds the reference shape unless one is given) or 'eval'
        (needs `reference_shape`).
      bbs_dir: root of the detector boxes; default: the nearest `bbs/` above each image.
      reference_shape: float [68, 2] (y, x); required for 'eval'.
      num_shards, workers: output files and preprocessing processes.
      reference_alignment: 'none' (the original's plain mean) or 'procrustes',
        when the reference shape is built here.
      boxes: 'detector' (box files) or 'landmarks' (ground-truth bounding boxes).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    started = time.time()
    records = discover_faces(datasets, bbs_dir, boxes)
    logging.info("found %d faces in %s", len(records), datasets)
    if reference_shape is None:
        if split == "eval":
            raise ValueError("evaluation conversion needs the training reference shape")
        reference_shape = build_reference_shape(
            np.stack([r.landmarks for r in records]), alignment=reference_alignment
        )
    reference_shape = np.asarray(reference_shape, np.float32)
    prepare = prepare_training_face if split == "train" else prepare_evaluation_face
    faces = _prepare_all(records, prepare, reference_shape, workers)
    output_dir = Path(output_dir)
    shards = write_shards([serialise_face(face) for face in faces], output_dir, split, num_shards)
    metadata = {
        "format_version": FORMAT_VERSION,
        "split": split,
        "datasets": datasets,
        "sources": source_fingerprint(records),
        "num_examples": len(faces),
        "shards": shards,
        "reference_shape": reference_shape.tolist(),
        "reference_alignment": reference_alignment,
        "boxes": boxes,
        # Largest (H, W) of the set: training pads every image to this canvas.
        "canvas_shape": np.max([face.pixels.shape[:2] for face in faces], axis=0).tolist(),
    }
    write_metadata(output_dir, metadata)
    logging.info(
        "wrote %d %s examples to %s in %.1f s", len(faces), split, output_dir, time.time() - started
    )
    return metadata


FLAGS = flags.FLAGS


def define_flags() -> None:
    """Command-line flags (defined only when run as a script)."""
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_string("output_dir", None, "Output directory.", required=True)
    flags.DEFINE_enum("split", "train", SPLITS, "train: builds the reference shape.")
    define_flags_of(BoxSettings)
    flags.DEFINE_string(
        "reference_from", None, "A converted training set whose reference shape to use."
    )
    flags.DEFINE_integer("num_shards", 8, "Number of TFRecord files.")
    flags.DEFINE_integer("workers", 2, "Preprocessing processes.")
    flags.DEFINE_enum(
        "reference_alignment",
        "none",
        REFERENCE_ALIGNMENTS,
        "Mean shape: plain (original) or Procrustes.",
    )


def main(argv: list[str]) -> None:
    del argv
    reference = None
    if FLAGS.reference_from:
        reference = np.asarray(read_metadata(FLAGS.reference_from)["reference_shape"], np.float32)
    convert(
        FLAGS.datasets,
        FLAGS.output_dir,
        FLAGS.split,
        FLAGS.bbs_dir,
        reference,
        FLAGS.num_shards,
        FLAGS.workers,
        FLAGS.reference_alignment,
        FLAGS.boxes,
    )


if __name__ == "__main__":
    define_flags()
    app.run(exit_on_data_error(main))
