"""The evaluation faces, converted once per evaluation directory and test set."""

import hashlib
import json
from pathlib import Path

import numpy as np

from face_alignment_tf.data.convert import convert
from face_alignment_tf.data.discovery import discover_faces, source_fingerprint
from face_alignment_tf.data.tfrecords import read_metadata

RECORDS_DIR = "records"


def prepare_evaluation_records(
    dataset_path: str,
    eval_dir: str | Path,
    reference_shape: np.ndarray,
    bbs_dir: str | None,
    boxes: str = "detector",
) -> Path:
    """<eval_dir>/records for these globs, boxes and (training) reference shape.

    Converted again when any of them changed, or any file behind them (a face added,
    removed or edited: `data.discovery.source_fingerprint`): the reference shape sets the
    initialisation (MDM) and the scale every face is rescaled to (SPEC A.8).
    """
    records = Path(eval_dir) / RECORDS_DIR
    sources = source_fingerprint(discover_faces(dataset_path, bbs_dir, boxes))
    try:
        metadata = read_metadata(records)
        if (
            metadata["datasets"] == dataset_path
            and metadata.get("sources") == sources
            and metadata.get("boxes", "detector") == boxes
            and np.allclose(metadata["reference_shape"], reference_shape)
        ):
            return records
    except FileNotFoundError:
        pass
    convert(dataset_path, records, "eval", bbs_dir, reference_shape, boxes=boxes)
    return records


def evaluation_key(records: str | Path, settings: dict) -> str:
    """12 hex digits fingerprinting an evaluation: the converted test faces (their source
    files, boxes and reference shape) and the evaluator's `settings` (normaliser, options)."""
    metadata = read_metadata(records)
    identity = {
        key: metadata.get(key) for key in ("datasets", "sources", "boxes", "reference_shape")
    }
    text = json.dumps({"records": identity, "settings": settings}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
