"""The training faces of a run, converted once into <train_dir>/records and reused on resume."""

from pathlib import Path

from face_alignment_tf.data.convert import convert
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.tfrecords import METADATA_FILE, read_metadata
from face_alignment_tf.training.distribution import wait_for_chief

RECORDS_DIR = "records"


def prepare_training_records(
    datasets: str,
    train_dir: str | Path,
    bbs_dir: str | None,
    reference_alignment: str = "none",
    boxes: str = "detector",
    chief: bool = True,
) -> Path:
    """Converts `datasets` into <train_dir>/records unless that was done before.

    A resumed run must train on the same faces, boxes and reference shape: a
    mismatch is an error naming the directory. In a cluster only the chief
    converts; the other workers wait for its records.
    """
    records = Path(train_dir) / RECORDS_DIR
    if not chief:
        wait_for_chief(records / METADATA_FILE)
    try:
        metadata = read_metadata(records)
    except FileNotFoundError:
        convert(datasets, records, "train", bbs_dir, reference_alignment=reference_alignment,
                boxes=boxes)  # fmt: skip
        return records
    converted = (
        metadata["datasets"],
        metadata.get("reference_alignment", "none"),
        metadata.get("boxes", "detector"),
    )
    if converted != (datasets, reference_alignment, boxes):
        raise DataError(
            train_dir,
            f"trained with --datasets='{converted[0]}', "
            f"--reference_alignment={converted[1]} and --boxes={converted[2]}: use a new "
            "--train_dir to change them (the records and reference shape depend on them)",
        )
    return records
