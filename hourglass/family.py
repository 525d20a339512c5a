"""The stacked Hourglass / SAT heatmap networks as a registered model family.

model.json: {"family": "hourglass", "config": HourglassNetwork's constructor arguments,
"landmark_type": "2d" | "3d", "reference_shape": the training mean shape [68, 2] (y, x),
which sets the scale of the evaluation records (SPEC A.8 conversion)}.
Checkpoints: the weights keyed by path (BN statistics included), Nadam's state while
training.
"""

import dataclasses
from pathlib import Path

from face_alignment_tf.config.settings import setting
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families.contract import (
    DEFAULT_SCORING,
    EVALUATION_CROPS,
    ExportableNetwork,
    ModelFamily,
    ScoreSettings,
    TrainingParts,
)
from face_alignment_tf.hourglass.aligner import HourglassAligner
from face_alignment_tf.hourglass.crops import INPUT_SIZE
from face_alignment_tf.hourglass.network import HourglassNetwork
from face_alignment_tf.hourglass.pipeline import evaluation_dataset
from face_alignment_tf.hourglass.presets import LANDMARK_NORMALISERS, build_network, display_name
from face_alignment_tf.hourglass.scoring import DECODERS, evaluate_batches
from face_alignment_tf.hourglass.trainer import HourglassTrainingConfig, training_parts

CONSTRUCTOR_KEYS = ("topology", "block", "depth", "stacks", "num_landmarks", "filters")


@dataclasses.dataclass(frozen=True, kw_only=True)
class HourglassEvaluatorSettings(EvaluatorSettings):
    """eval_hourglass.py: the heatmap decoder and where the crop comes from."""

    checkpoint_dir: str = HourglassTrainingConfig.train_dir
    eval_dir: str = "ckpt/hourglass_eval"
    batch_size: int | None = 32
    decoder: str = setting("argmax", "Heatmap decoder (argmax: SDU's).", tuple(DECODERS))
    crop: str = setting(
        "box", "box: from the detector box; oracle: SDU's ground-truth crop.", EVALUATION_CROPS
    )


class HourglassFamily(ModelFamily):
    name = "hourglass"
    config_class = HourglassTrainingConfig
    evaluation_config_class = HourglassEvaluatorSettings
    # 4 faces, batch 2: 2 steps an epoch; one epoch.
    smoke_settings = {
        "block": "resnet", "depth": 1, "stacks": 1, "per_batch_size": 2, "lr_epoch_step": (1,),
    }  # fmt: skip

    def build_model(self, config: dict) -> HourglassNetwork:
        return build_network(**config)

    def describe(
        self, model: HourglassNetwork, config: HourglassTrainingConfig, metadata: dict
    ) -> dict:
        return {
            "config": {key: model.get_config()[key] for key in CONSTRUCTOR_KEYS},
            "landmark_type": config.landmark_type,
            "reference_shape": metadata["reference_shape"],
        }

    def training_parts(
        self, config: HourglassTrainingConfig, records: Path, metadata: dict, replicas: int
    ) -> TrainingParts:
        return training_parts(self, config, records, metadata, replicas)

    def score(
        self,
        model: HourglassNetwork,
        description: dict,
        records: Path,
        settings: ScoreSettings = DEFAULT_SCORING,
        decoder: str = HourglassEvaluatorSettings.decoder,
        crop: str = HourglassEvaluatorSettings.crop,
    ) -> dict[str, float]:
        """Detector-box crops and SDU's argmax by default; the normaliser defaults to the
        landmark type's (2D: eye-centre distance, 3D: sqrt(w h) of the ground-truth box)."""
        landmark_type = description["landmark_type"]
        dataset = evaluation_dataset(
            str(records), self.score_batch_size(settings), crop, landmark_type
        )
        return evaluate_batches(
            model, dataset, settings.normaliser or LANDMARK_NORMALISERS[landmark_type], decoder,
            settings.num_examples,
        )  # fmt: skip

    def aligner(
        self, model, description: dict, checkpoint: str | None = None, **options
    ) -> HourglassAligner:
        return HourglassAligner(model, **options)

    def exportable_networks(self, model) -> dict[str, ExportableNetwork]:
        io = (
            f"input [B, {INPUT_SIZE}, {INPUT_SIZE}, 3] float32: the RGB 0..255 crop of the "
            "face box (hourglass.crops.box_crop); outputs: one [B, 64, 64, 68] heatmap per "
            "stack, the last the prediction (landmark = 2 x the peak's (row, column))."
        )
        return {"network": ExportableNetwork(model, (INPUT_SIZE, INPUT_SIZE, 3), io)}

    def display_name(self, description: dict) -> str:
        return display_name(**description["config"])

    def throughput_flags(self, num_faces: int, steps: int) -> list[str]:
        # Trains to an epoch boundary: enough epochs of SDU's batch 16 for `steps` steps.
        batch = HourglassTrainingConfig.per_batch_size
        epochs = -(-steps // max(num_faces // batch, 1))
        return [f"--per_batch_size={batch}", f"--lr_epoch_step={epochs}"]


FAMILY = HourglassFamily()
