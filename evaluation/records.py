"""The evaluation faces, converted once per evaluation directory."""

from pathlib import Path

import numpy as np

from data.convert import convert
from data.tfrecords import read_metadata

RECORDS_DIR = "records"


def prepare_evaluation_records(
    dataset_path: str,
    eval_dir: str | Path,
    reference_shape: np.ndarray,
    bbs_dir: str | None,
    boxes: str = "detector",
) -> Path:
    """<eval_dir>/records for these globs, boxes and (training) reference shape.

    Converted again only when one changed: the reference shape sets the
    initialisation (MDM) and the scale every face is rescaled to (SPEC A.8).
    """
    records = Path(eval_dir) / RECORDS_DIR
    try:
        metadata = read_metadata(records)
        if (
            metadata["datasets"] == dataset_path
            and metadata.get("boxes", "detector") == boxes
            and np.allclose(metadata["reference_shape"], reference_shape)
        ):
            return records
    except FileNotFoundError:
        pass
    convert(dataset_path, records, "eval", bbs_dir, reference_shape, boxes=boxes)
    return records
