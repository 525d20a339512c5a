"""<train_dir>/model.json: what an evaluator needs to rebuild the trained model.

The shared trainer writes the model family (a name of `families.registry`) and what
the family's `describe` returns: the constructor arguments and whatever else is part
of the model (the reference shape, a heatmap network's landmark type); the
checkpoints hold only the weights (and training state).
"""

import json
from pathlib import Path

import tensorflow as tf

from data.json_files import write_json_atomically

MODEL_FILE = "model.json"


def write_model_file(train_dir: str | Path, family: str, description: dict) -> None:
    """Writes {'family': family, **description} atomically."""
    write_json_atomically(Path(train_dir) / MODEL_FILE, {"family": family, **description})


def read_model_file(train_dir: str | Path, family: str | None = None) -> tuple[str, dict]:
    """(family, description) as written by `write_model_file`; clear errors for a missing
    file, or one of another family than `family` (when given)."""
    path = Path(train_dir) / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no model description (is {train_dir} a training directory?)"
        )
    description = json.loads(path.read_text())
    found = description.pop("family", None)
    if found is None or (family is not None and found != family):
        raise ValueError(f"{path}: a '{found}' model, not '{family}' (wrong evaluator?)")
    return found, description


def checkpoint_to_load(train_dir: str | Path, checkpoint: str | None = None) -> str:
    """`checkpoint` when given, else train_dir's latest; an error naming train_dir if none."""
    path = checkpoint or tf.train.latest_checkpoint(str(train_dir))
    if path is None:
        raise FileNotFoundError(f"{train_dir}: no checkpoint yet (has training saved one?)")
    return path
