"""MDM's model.json: the constructor arguments and the reference shape.

The reference shape (the mean shape every initialisation is built from) is
part of the model (SPEC A.2), so an evaluator rebuilds exactly the trained model.
"""

from pathlib import Path

import numpy as np

from mdm.model import MDM
from training.model_file import read_model_file, write_model_file

FAMILY = "mdm"
_CONSTRUCTOR_KEYS = ("num_landmarks", "patch_size", "num_iterations", "hidden_units", "patch_mode")


def save_model_description(train_dir: str | Path, model: MDM, reference_shape: np.ndarray) -> None:
    """Writes model.json atomically."""
    description = {
        "config": {key: model.get_config()[key] for key in _CONSTRUCTOR_KEYS},
        "reference_shape": np.asarray(reference_shape, np.float32).tolist(),
    }
    write_model_file(train_dir, FAMILY, description)


def load_model_description(train_dir: str | Path) -> tuple[MDM, np.ndarray]:
    """A fresh (unbuilt) MDM with the saved config, and the float32 [68, 2] reference shape."""
    description = read_model_file(train_dir, FAMILY)
    return MDM(**description["config"]), np.asarray(description["reference_shape"], np.float32)
