"""A heatmap network's model.json: its constructor arguments, landmark type and frame.

The reference shape (mean training shape) is kept as for MDM: evaluation faces
are rescaled to its size before the network's own crop (SPEC A.8 conversion).
"""

from pathlib import Path

import numpy as np
import tensorflow as tf

from hourglass.network import HeatmapNetwork
from hourglass.presets import build_network
from training.model_file import checkpoint_to_load, read_model_file, write_model_file
from training.model_weights import model_weights

FAMILY = "heatmap"
_CONSTRUCTOR_KEYS = ("topology", "block", "depth", "stacks", "num_landmarks", "filters")


def save_model_description(
    train_dir: str | Path,
    model: HeatmapNetwork,
    landmark_type: str,
    reference_shape: np.ndarray,
) -> None:
    """Writes model.json atomically."""
    description = {
        "config": {key: model.get_config()[key] for key in _CONSTRUCTOR_KEYS},
        "landmark_type": landmark_type,
        "reference_shape": np.asarray(reference_shape, np.float32).tolist(),
    }
    write_model_file(train_dir, FAMILY, description)


def load_model_description(train_dir: str | Path) -> tuple[HeatmapNetwork, str, np.ndarray]:
    """The built network, its landmark type ('2d' or '3d') and the float32 [68, 2]
    reference shape."""
    description = read_model_file(train_dir, FAMILY)
    return (
        build_network(**description["config"]),
        description["landmark_type"],
        np.asarray(description["reference_shape"], np.float32),
    )


def load_trained_network(
    train_dir: str | Path, checkpoint: str | None = None
) -> tuple[HeatmapNetwork, str, np.ndarray, str]:
    """The network of train_dir with the weights of `checkpoint` (default: the latest), its
    landmark type, reference shape and the checkpoint's path."""
    model, landmark_type, reference_shape = load_model_description(train_dir)
    path = checkpoint_to_load(train_dir, checkpoint)
    tf.train.Checkpoint(weights=model_weights(model)).restore(path).expect_partial()
    return model, landmark_type, reference_shape, path
