"""A train_dir written from a model in memory (an average of checkpoints, a packaged model,
a composed cascade): one checkpoint beside the source train_dir's model.json and detector
box calibrations (calibration.json), so that every loader reads it as any other."""

import shutil
from pathlib import Path

from face_alignment_tf.artifacts.model_file import MODEL_FILE

CALIBRATION_FILE = "calibration.json"  # the detectors' box fits (face_alignment_tf.calibration)


def save_model_dir(checkpoint, train_dir: str | Path, folder: Path, step: int) -> str:
    """Saves `checkpoint` (a family's checkpoint object) as folder/ckpt-<step> beside copies
    of train_dir's model.json and, when it has one, its calibration.json; returns the
    checkpoint's prefix. `folder` is then a train_dir any family loader reads."""
    import tensorflow as tf

    prefix = tf.train.CheckpointManager(checkpoint, folder, 1).save(checkpoint_number=step)
    shutil.copyfile(Path(train_dir) / MODEL_FILE, folder / MODEL_FILE)
    if (Path(train_dir) / CALIBRATION_FILE).is_file():
        shutil.copyfile(Path(train_dir) / CALIBRATION_FILE, folder / CALIBRATION_FILE)
    return prefix
