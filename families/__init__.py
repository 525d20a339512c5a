"""Model families behind one contract (`families.contract`), looked up by model.json's
"family" (`families.registry`); `load_trained_model` / `load_aligner` serve any of them."""

from face_alignment_tf.families.contract import Aligner, ModelFamily, ScoreSettings, TrainingParts
from face_alignment_tf.families.registry import (
    family_names,
    get_family,
    load_aligner,
    load_trained_model,
    open_trained_model,
)
from face_alignment_tf.families.trained_model import TrainedModel

__all__ = [
    "Aligner",
    "ModelFamily",
    "ScoreSettings",
    "TrainedModel",
    "TrainingParts",
    "family_names",
    "get_family",
    "load_aligner",
    "load_trained_model",
    "open_trained_model",
]
