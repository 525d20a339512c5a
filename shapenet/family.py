"""ShapeNet as a registered model family (`families.contract`).

model.json: {"family": "shapenet", "config": {"shapes": the PCA's mean and K components
[K + 1, 68, 2] (y, x), "backbone": "shapenet" | "mobilenet_v2"}, "pca_rotation_normalisation",
"reference_shape"}. Checkpoints: every weight keyed by path, the plateau schedule's state,
Adam's state while training. Scoring and the aligner crop each face from its box.
"""

import dataclasses
import math
from pathlib import Path

import numpy as np
import tensorflow as tf

from face_alignment_tf.config.settings import setting
from face_alignment_tf.data.geometry import apply_affine
from face_alignment_tf.data.tfrecords import face_batches
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.evaluation.per_image import collect_per_image
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families.contract import (
    DEFAULT_SCORING,
    EVALUATION_CROPS,
    ExportableNetwork,
    ModelFamily,
    ScoreSettings,
    TrainingParts,
    check_evaluation_crop,
)
from face_alignment_tf.shapenet.aligner import ShapenetAligner
from face_alignment_tf.shapenet.model import ShapeNet
from face_alignment_tf.shapenet.pipeline import box_crops
from face_alignment_tf.shapenet.trainer import PlateauState, ShapenetTrainingConfig, training_parts


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShapenetEvaluatorSettings(EvaluatorSettings):
    """eval_shapenet.py: each face cropped from its box as the backbone's crop (oracle: from
    its ground truth, as the original's prediction script; an upper bound, not a result)."""

    checkpoint_dir: str = ShapenetTrainingConfig.train_dir
    eval_dir: str = "ckpt/shapenet_eval"
    batch_size: int | None = 32
    crop: str = setting(
        "box", "box: from the detector box; oracle: the ground truth's crop.", EVALUATION_CROPS
    )


class ShapenetFamily(ModelFamily):
    name = "shapenet"
    config_class = ShapenetTrainingConfig
    evaluation_config_class = ShapenetEvaluatorSettings
    # The MobileNetV2 backbone keeps the harness fast; the original network is pinned by
    # tests/test_shapenet_extractor.py.
    smoke_settings = {"batch_size": 2, "max_epochs": 2, "backbone": "mobilenet_v2",
                      "num_components": 3, "validation_fraction": 0.25,
                      "batch_norm_batches": 2}  # fmt: skip

    def build_model(self, config: dict) -> ShapeNet:
        model = ShapeNet(**config)
        model.build()
        return model

    def describe(self, model: ShapeNet, config: ShapenetTrainingConfig, metadata: dict) -> dict:
        return {
            "config": {
                "shapes": np.asarray(model.shape_layer.shapes).tolist(),
                "backbone": model.backbone.name,
            },  # fmt: skip
            "pca_rotation_normalisation": config.pca_rotation_normalisation,
            "reference_shape": metadata["reference_shape"],
        }

    def extra_state(self, model: ShapeNet) -> dict[str, tf.Module]:
        del model
        return {"plateau": PlateauState()}

    def training_parts(
        self, config: ShapenetTrainingConfig, records: Path, metadata: dict, replicas: int
    ) -> TrainingParts:
        return training_parts(self, config, records, replicas)

    def score(
        self,
        model: ShapeNet,
        description: dict,
        records: Path,
        settings: ScoreSettings = DEFAULT_SCORING,
        crop: str = ShapenetEvaluatorSettings.crop,
    ) -> dict[str, float]:
        """Crops from each record's box (crop='oracle': from its ground truth, an upper
        bound); inter-ocular NME by default."""
        check_evaluation_crop(crop)
        normaliser = settings.normaliser or "inter_ocular"

        @tf.function(reduce_retracing=True)
        def predict(batch):
            crops, matrices = box_crops(model.backbone, batch, crop)
            return apply_affine(tf.linalg.inv(matrices), model(crops, training=False))

        def batch_errors():
            for batch in face_batches(str(records), self.score_batch_size(settings)):
                prediction = predict(batch)
                errors = normalised_mean_error(prediction, batch["landmarks"], normaliser)
                yield batch["path"].numpy(), errors.numpy()

        return collect_per_image(batch_errors(), settings.num_examples)

    def aligner(
        self, model: ShapeNet, description: dict, checkpoint: str | None = None, **options
    ) -> ShapenetAligner:
        return ShapenetAligner(model, **options)

    def exportable_networks(self, model: ShapeNet) -> dict[str, ExportableNetwork]:
        backbone = model.backbone
        shape = (backbone.input_size, backbone.input_size, backbone.channels)
        return {
            "shapenet": ExportableNetwork(
                model, shape,
                f"input [B, {shape[0]}, {shape[1]}, {shape[2]}]: the {backbone.name} backbone's "
                "crop of the face box; output [B, 68, 2] (y, x) crop pixels",
            )
        }  # fmt: skip

    def display_name(self, description: dict) -> str:
        backbone = description["config"]["backbone"]
        components = len(description["config"]["shapes"]) - 1
        name = "ShapeNet" if backbone == "shapenet" else "MobileNetV2 + shape head"
        levelled = description.get("pca_rotation_normalisation", "none") != "none"
        return f"{name} (K={components}{', levelled PCA' if levelled else ''})"

    def throughput_flags(self, num_faces: int, steps: int) -> list[str]:
        per_epoch = max(1, round(num_faces * (1 - self.config_class.validation_fraction)))
        batch = f"--batch_size={self.config_class.batch_size}"
        return [batch, f"--max_epochs={math.ceil(steps / per_epoch) + 1}"]


FAMILY = ShapenetFamily()
