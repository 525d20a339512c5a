"""MDM as a registered model family (`families.contract`).

model.json: {"family": "mdm", "config": MDM's constructor arguments,
"reference_shape": the training mean shape [68, 2] (y, x), part of the model (SPEC A.2)}.
Checkpoints: the weights and their exponential moving average ("ema"), both keyed by
weight path, and Adam's state while training. Evaluation and the aligner use the
averaged weights, as the original evaluated.
"""

import dataclasses
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from face_alignment_tf.artifacts.model_weights import model_weights
from face_alignment_tf.config.settings import setting
from face_alignment_tf.data.landmarks import MIRROR_RULES
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families.contract import (
    DEFAULT_SCORING,
    ModelFamily,
    ScoreSettings,
    TrainingParts,
)
from face_alignment_tf.mdm.aligner import MdmAligner
from face_alignment_tf.mdm.model import MDM
from face_alignment_tf.mdm.moving_average import ExponentialMovingAverage
from face_alignment_tf.mdm.pipeline import evaluation_dataset
from face_alignment_tf.mdm.scoring import evaluate_batches
from face_alignment_tf.mdm.trainer import MdmTrainingConfig, training_parts

CONSTRUCTOR_KEYS = ("num_landmarks", "patch_size", "num_iterations", "hidden_units", "patch_mode")


@dataclasses.dataclass(frozen=True, kw_only=True)
class MdmEvaluatorSettings(EvaluatorSettings):
    """eval_mdm.py: the original eval script's directories and batch; mirrored averaging."""

    checkpoint_dir: str = MdmTrainingConfig.train_dir
    eval_dir: str = "ckpt/eval"
    batch_size: int | None = MdmTrainingConfig.batch_size
    mirrored_averaging: bool = setting(True, "Average with the mirrored prediction.")
    mirror_rule: str = setting("corrected", "x -> W-1-x, or the original |W-x|.", MIRROR_RULES)


class MdmFamily(ModelFamily):
    name = "mdm"
    config_class = MdmTrainingConfig
    evaluation_config_class = MdmEvaluatorSettings
    smoke_settings = {"batch_size": 2, "max_steps": 2, "patch_size": 14, "hidden_units": 32}

    def build_model(self, config: dict) -> MDM:
        model = MDM(**config)
        model.build()
        return model

    def describe(self, model: MDM, config: MdmTrainingConfig, metadata: dict) -> dict:
        return {
            "config": {key: model.get_config()[key] for key in CONSTRUCTOR_KEYS},
            "reference_shape": np.asarray(metadata["reference_shape"], np.float32).tolist(),
        }

    def extra_state(self, model: MDM) -> dict[str, tf.Module]:
        return {"ema": ExponentialMovingAverage(model_weights(model, trainable_only=True))}

    def use_inference_weights(self, checkpoint: tf.train.Checkpoint) -> None:
        for path, shadow in checkpoint.ema.shadows.items():
            checkpoint.weights[path].assign(shadow)

    def training_parts(
        self, config: MdmTrainingConfig, records: Path, metadata: dict, replicas: int
    ) -> TrainingParts:
        return training_parts(self, config, records, replicas)

    def score(
        self,
        model: MDM,
        description: dict,
        records: Path,
        settings: ScoreSettings = DEFAULT_SCORING,
        mirrored_averaging: bool = MdmEvaluatorSettings.mirrored_averaging,
        mirror_rule: str = MdmEvaluatorSettings.mirror_rule,
    ) -> dict[str, float]:
        """Mirrored averaging (the original's evaluation) unless switched off; inter-ocular
        NME by default."""
        dataset = evaluation_dataset(
            str(records), self.score_batch_size(settings), mirrored_averaging, mirror_rule
        )
        return evaluate_batches(
            model, dataset, mirrored_averaging, mirror_rule, settings.num_examples,
            settings.normaliser or "inter_ocular",
        )  # fmt: skip

    def aligner(
        self, model: keras.Model, description: dict, checkpoint: str | None = None, **options
    ) -> MdmAligner:
        return MdmAligner(model, description["reference_shape"], **options)

    def display_name(self, description: dict) -> str:
        return f"MDM (patch {description['config']['patch_size']})"

    def throughput_flags(self, num_faces: int, steps: int) -> list[str]:
        del num_faces
        return [f"--batch_size={MdmTrainingConfig.batch_size}", f"--max_steps={steps}"]


FAMILY = MdmFamily()
