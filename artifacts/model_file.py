"""<train_dir>/model.json: what an evaluator needs to rebuild the trained model.

The shared trainer writes the model family (a name of `families.registry`) and what
the family's `describe` returns: the constructor arguments and whatever else is part
of the model (the reference shape, a heatmap network's landmark type); the
checkpoints hold only the weights (and training state).
"""

import json
from pathlib import Path

import numpy as np

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.json_files import write_json_atomically

MODEL_FILE = "model.json"


def write_model_file(train_dir: str | Path, family: str, description: dict) -> None:
    """Writes {'family': family, **description} atomically."""
    write_json_atomically(Path(train_dir) / MODEL_FILE, {"family": family, **description})


def read_model_file(train_dir: str | Path, family: str | None = None) -> tuple[str, dict]:
    """(family, description) as written by `write_model_file`; clear errors for a missing
    file, or one of another family than `family` (when given)."""
    path = Path(train_dir) / MODEL_FILE
    if not path.is_file():
        raise DataError(path, f"no model description (is {train_dir} a training directory?)")
    try:
        description = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(path, f"cannot read the model description: {error}") from None
    found = description.pop("family", None)
    if found is None or (family is not None and found != family):
        raise DataError(path, f"a '{found}' model, not '{family}' (wrong evaluator?)")
    return found, description


def _differences(saved, given, name: str = "") -> list[str]:
    """'name: saved -> given' for every leaf where two descriptions differ."""
    if isinstance(saved, dict) and isinstance(given, dict):
        keys = sorted(set(saved) | set(given), key=str)
        return [
            line
            for key in keys
            for line in _differences(saved.get(key), given.get(key), f"{name}.{key}".lstrip("."))
        ]
    if name.endswith("reference_shape") and saved is not None and given is not None:
        same = np.shape(saved) == np.shape(given) and np.allclose(saved, given, atol=1e-4)
        return [] if same else [f"{name}: differs (other training faces or settings)"]
    return [] if saved == given else [f"{name}: {saved!r} saved, {given!r} now"]


def check_resumable(train_dir: str | Path, family: str, description: dict) -> None:
    """Refuses (DataError) to resume train_dir with a model other than the one its model.json
    describes, naming each differing setting; nothing to check for a new train_dir."""
    if not (Path(train_dir) / MODEL_FILE).is_file():
        return
    found, saved = read_model_file(train_dir)
    given = json.loads(json.dumps({"family": family, **description}))  # as it would be saved
    differences = _differences({"family": found, **saved}, given)
    if differences:
        raise DataError(
            Path(train_dir) / MODEL_FILE,
            "this train_dir holds another model; resume it with the flags it was trained "
            "with, or use a new --train_dir. Differences: " + "; ".join(differences),
        )


def checkpoint_to_load(train_dir: str | Path, checkpoint: str | None = None) -> str:
    """`checkpoint` when given, else train_dir's newest that restores; DataError if none."""
    from face_alignment_tf.artifacts.checkpoints import newest_good_checkpoint  # TensorFlow

    path = checkpoint or newest_good_checkpoint(train_dir)
    if path is None:
        raise DataError(train_dir, "no checkpoint yet (has training saved one?)")
    return path
