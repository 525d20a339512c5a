"""A heatmap network's model.json: its constructor arguments, landmark type and frame.

The reference shape (mean training shape) is kept as for MDM: evaluation faces
are rescaled to its size before the network's own crop (SPEC A.8 conversion).
"""

from pathlib import Path

import numpy as np

from hourglass.network import HeatmapNetwork
from hourglass.presets import build_network
from training.model_file import read_model_file, write_model_file

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
