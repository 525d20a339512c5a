"""What a training directory holds beside the checkpoints: the model's config and frame.

`<train_dir>/model.json` holds the MDM constructor arguments and the reference
shape (the mean shape every initialisation is built from: it is part of the
model, SPEC A.2), so an evaluator rebuilds exactly the trained model.
"""

import json
from pathlib import Path

import numpy as np

from data.json_files import write_json_atomically
from mdm.model import MDM

MODEL_FILE = "model.json"
_CONSTRUCTOR_KEYS = ("num_landmarks", "patch_size", "num_iterations", "hidden_units", "patch_mode")


def save_model_description(train_dir: str | Path, model: MDM, reference_shape: np.ndarray) -> None:
    """Writes model.json atomically."""
    description = {
        "config": {key: model.get_config()[key] for key in _CONSTRUCTOR_KEYS},
        "reference_shape": np.asarray(reference_shape, np.float32).tolist(),
    }
    write_json_atomically(Path(train_dir) / MODEL_FILE, description)


def load_model_description(train_dir: str | Path) -> tuple[MDM, np.ndarray]:
    """A fresh (unbuilt) MDM with the saved config, and the float32 [68, 2] reference shape."""
    path = Path(train_dir) / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no model description (is this a train_mdm.py directory?)")
    description = json.loads(path.read_text())
    return MDM(**description["config"]), np.asarray(description["reference_shape"], np.float32)
