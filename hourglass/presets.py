"""The five released SDU configurations, by name (SPEC B.9)."""

import keras

from face_alignment_tf.hourglass.crops import INPUT_SIZE
from face_alignment_tf.hourglass.network import HourglassNetwork

LANDMARK_TYPES = ("2d", "3d")
# The NME normaliser SDU reports for each landmark type (SPEC B.6).
LANDMARK_NORMALISERS = {"2d": "eye_centre", "3d": "bbox"}
PRESETS = {
    "hg2-d4-resnet": {"topology": "hourglass", "block": "resnet", "depth": 4},
    "hg2-d3-hpm": {"topology": "hourglass", "block": "hpm", "depth": 3},
    "hg2-d4-cab": {"topology": "hourglass", "block": "cab", "depth": 4},
    "sat2-d3-cab": {"topology": "satnet", "block": "cab", "depth": 3},
    "hg2-d3-cab": {"topology": "hourglass", "block": "cab", "depth": 3},
}


def build(preset: str, landmark_type: str = "2d") -> HourglassNetwork:
    """A built network of a released configuration.

    2D and 3D (AFLW2000-3D style: the 2D projections of 3D-consistent points)
    models share the architecture; the type only names the model.
    """
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {preset!r}")
    if landmark_type not in LANDMARK_TYPES:
        raise ValueError(f"landmark_type must be one of {LANDMARK_TYPES}, got {landmark_type!r}")
    return build_network(**PRESETS[preset], stacks=2, name=f"{preset}-{landmark_type}")


def build_network(**config) -> HourglassNetwork:
    """A HourglassNetwork(**config) with its weights created (by a call on a zero image)."""
    model = HourglassNetwork(**config)
    model(keras.ops.zeros((1, INPUT_SIZE, INPUT_SIZE, 3)))
    return model


def display_name(topology: str, block: str, depth: int, stacks: int, **_) -> str:
    """SDU's name of a configuration, e.g. 'Hourglass2(d=3)-CAB', 'SAT2(d=3)-CAB'."""
    family = {"hourglass": "Hourglass", "satnet": "SAT"}[topology]
    block_name = {"resnet": "Resnet", "inception": "Inception", "hpm": "HPM", "cab": "CAB"}[block]
    return f"{family}{stacks}(d={depth})-{block_name}"
