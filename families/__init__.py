"""Model families behind one contract (`families.contract`), looked up by model.json's
"family" (`families.registry`); `load_trained_model` / `load_aligner` serve any of them.

The names below are imported on first use: the registry and the LiteRT path load without
TensorFlow, the contract and the models with it.
"""

import importlib

_EXPORTS = {
    "Aligner": "face_alignment_tf.families.contract",
    "ModelFamily": "face_alignment_tf.families.contract",
    "ScoreSettings": "face_alignment_tf.families.contract",
    "TrainingParts": "face_alignment_tf.families.contract",
    "TrainedModel": "face_alignment_tf.families.trained_model",
    "family_names": "face_alignment_tf.families.registry",
    "get_family": "face_alignment_tf.families.registry",
    "load_aligner": "face_alignment_tf.families.registry",
    "load_trained_model": "face_alignment_tf.families.registry",
    "open_runtime_aligner": "face_alignment_tf.families.registry",
    "open_trained_model": "face_alignment_tf.families.registry",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'face_alignment_tf.families' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
