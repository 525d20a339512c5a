"""The registry of model families: model.json's "family" -> the folder that fills the contract;
any family's train_dir opened through it (`open_trained_model`, `load_trained_model`,
`load_aligner`).

Adding a family: its folder with `family.py` defining `FAMILY`, one line here, and its
`train_<name>.py` / `eval_<name>.py`. Families are imported on first use, so looking one up
does not import the others. A family whose aligner can run from the runtime files beside a
checkpoint alone (no model built, no TensorFlow) names the module that does so in
RUNTIME_MODULES: `runtime_aligner(description, checkpoint, **options) -> Aligner | None`.
"""

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from face_alignment_tf.artifacts.model_file import read_model_file

if TYPE_CHECKING:  # the contract imports TensorFlow; the runtime path does not
    from face_alignment_tf.families.contract import Aligner, ModelFamily
    from face_alignment_tf.families.trained_model import TrainedModel

# name -> module holding FAMILY.
FAMILY_MODULES = {
    "mdm": "face_alignment_tf.mdm.family",
    "hourglass": "face_alignment_tf.hourglass.family",
    "mobilenet": "face_alignment_tf.mobilenet.family",
    "shapenet": "face_alignment_tf.shapenet.family",
}
# name -> module with `runtime_aligner` (optional).
RUNTIME_MODULES = {"mobilenet": "face_alignment_tf.mobilenet.runtime"}


def family_names() -> tuple[str, ...]:
    return tuple(FAMILY_MODULES)


def get_family(name: str) -> "ModelFamily":
    """The registered family `name`; ValueError listing the known ones otherwise."""
    if name not in FAMILY_MODULES:
        raise ValueError(f"unknown model family {name!r}; registered: {', '.join(FAMILY_MODULES)}")
    family = importlib.import_module(FAMILY_MODULES[name]).FAMILY
    if family.name != name:
        raise ValueError(f"{FAMILY_MODULES[name]}.FAMILY is named {family.name!r}, not {name!r}")
    return family


def open_trained_model(train_dir: str | Path, expected_family: str | None = None) -> "TrainedModel":
    """The model of any family's train_dir, built (no weights restored yet); model.json must
    name `expected_family` when given."""
    from face_alignment_tf.families.trained_model import TrainedModel

    found, _ = read_model_file(train_dir, expected_family)
    return TrainedModel(train_dir, get_family(found))


def load_trained_model(
    train_dir: str | Path, checkpoint: str | None = None, expected_family: str | None = None
) -> "TrainedModel":
    """The model of any family's train_dir with `checkpoint`'s (default: the latest)
    inference weights."""
    return open_trained_model(train_dir, expected_family).restore(checkpoint)


def load_aligner(train_dir: str | Path, checkpoint: str | None = None, **options) -> "Aligner":
    """The whole-image aligner of any family's train_dir (latest checkpoint by default)."""
    return load_trained_model(train_dir, checkpoint).aligner(**options)


def open_runtime_aligner(
    train_dir: str | Path, checkpoint: str | None, **options
) -> "Aligner | None":
    """The aligner of a train_dir's `checkpoint` from the runtime files beside it, without
    building the model (None when its family has no such path, the checkpoint is not named,
    or the files or the options ask for the model)."""
    found, description = read_model_file(train_dir)
    if checkpoint is None or found not in RUNTIME_MODULES:
        return None
    module = importlib.import_module(RUNTIME_MODULES[found])
    return module.runtime_aligner(description, checkpoint, **options)
