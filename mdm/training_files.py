"""MDM's model.json: the constructor arguments and the reference shape.

The reference shape (the mean shape every initialisation is built from) is
part of the model (SPEC A.2), so an evaluator rebuilds exactly the trained model.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf

from mdm.model import MDM
from mdm.moving_average import ExponentialMovingAverage
from training.model_file import checkpoint_to_load, read_model_file, write_model_file

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


def load_trained_model(
    train_dir: str | Path, checkpoint: str | None = None
) -> tuple[MDM, np.ndarray, str]:
    """The MDM of train_dir holding the EMA (averaged) weights of `checkpoint` (default:
    the latest), as the evaluator scores it; its reference shape; the checkpoint's path."""
    model, reference_shape = load_model_description(train_dir)
    model.build()
    ema = ExponentialMovingAverage(model.trainable_variables)
    path = checkpoint_to_load(train_dir, checkpoint)
    tf.train.Checkpoint(model=model, ema=ema).restore(path).expect_partial()
    for variable, shadow in zip(model.trainable_variables, ema.shadows, strict=True):
        variable.assign(shadow)
    return model, reference_shape, path
