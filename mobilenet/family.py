"""The MobileNetV2 landmark regressor and its two-stage cascade as a registered family.

model.json: {"family": "mobilenet", "config": {"stages": 1 | 2, "num_landmarks": 68,
"stage2_crop" (2 stages): "box" | "aligned" (absent in older models: "box"),
"input_sizes": each stage's input size (absent in older models: 64 each)},
"loss", "loss_normaliser", "stage1_dir" and "stage2_init" (stage 2), "init_from" (a
fine-tune's starting model), "reference_shape"}.
Checkpoints: every weight of the cascade keyed by path (a stage-2 run saves the frozen
stage 1 too, so its train_dir is the whole cascade), Adam's state while training.
Scoring and the aligner run the whole cascade from the face box.
"""

import dataclasses
from pathlib import Path

import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.pipeline import evaluation_dataset
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.evaluation.per_image import collect_per_image
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families.contract import (
    DEFAULT_SCORING,
    ExportableNetwork,
    ModelFamily,
    ScoreSettings,
    TrainingParts,
)
from face_alignment_tf.mobilenet import standalone
from face_alignment_tf.mobilenet.aligner import MobilenetAligner
from face_alignment_tf.mobilenet.cascade import MobileNetCascade
from face_alignment_tf.mobilenet.lite_aligner import (
    MobilenetLiteAligner,
    stage_input_shape,
    stage_models,
    write_stage_models,
)
from face_alignment_tf.mobilenet.quantization import quantization_crops
from face_alignment_tf.mobilenet.trainer import MobilenetTrainingConfig, training_parts
from face_alignment_tf.runtimes.formats import ExportablePipeline

STAGE_IO = (
    "input [B, S, S, 3] float32 (S: the stage's input size, model.json's input_sizes, 64 by "
    "default): the BGR 0..255 crop of the face box's square (mobilenet."
    "crops.padded_square: the box made square by padding its short side, 5 % wider each side, "
    "10 % lower bottom; bilinear, zero outside); output [B, 136] = [x0..x67, y0..y67] in "
    "[0, 1] of the crop: crop pixel = S v - 1. Stage 2 takes the crop of the square around "
    "stage 1's points mapped back to the image; with model.json's stage2_crop 'aligned', "
    "of those points turned level about their centroid by the tilt of the line between "
    "the eye centres (points 36-41, 42-47), the crop rotated alike (mobilenet.crops."
    "stage2_crop_matrix)."
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MobilenetEvaluatorSettings(EvaluatorSettings):
    """eval_mobilenet.py: a stage-2 train_dir evaluates the whole cascade."""

    checkpoint_dir: str = MobilenetTrainingConfig.train_dir
    eval_dir: str = "ckpt/mobilenet_eval"
    batch_size: int | None = MobilenetTrainingConfig.batch_size


class MobilenetFamily(ModelFamily):
    name = "mobilenet"
    config_class = MobilenetTrainingConfig
    evaluation_config_class = MobilenetEvaluatorSettings
    smoke_settings = {"batch_size": 2, "max_steps": 2, "batch_norm_batches": 2}
    runtimes = ("litert", "keras")

    def build_model(self, config: dict) -> MobileNetCascade:
        model = MobileNetCascade(**config)
        model.build()
        return model

    def describe(
        self, model: MobileNetCascade, config: MobilenetTrainingConfig, metadata: dict
    ) -> dict:
        return {
            "config": {
                "stages": model.stages,
                "num_landmarks": model.num_landmarks,
                **({"stage2_crop": model.stage2_crop} if model.stages == 2 else {}),
                "input_sizes": list(model.input_sizes),
            },
            "loss": config.loss,
            "loss_normaliser": config.loss_normaliser,
            "stage1_dir": config.stage1_dir,
            "stage2_init": config.stage2_init if config.stage == 2 else None,
            "init_from": config.init_from,
            "reference_shape": metadata["reference_shape"],
        }

    def training_parts(
        self, config: MobilenetTrainingConfig, records: Path, metadata: dict, replicas: int
    ) -> TrainingParts:
        return training_parts(self, config, records, replicas)

    def score(
        self,
        model: MobileNetCascade,
        description: dict,
        records: Path,
        settings: ScoreSettings = DEFAULT_SCORING,
    ) -> dict[str, float]:
        """The whole cascade from each record's box; inter-ocular NME by default."""
        predict = tf.function(model, reduce_retracing=True)
        normaliser = settings.normaliser or "inter_ocular"

        def batch_errors():
            for batch in evaluation_dataset(str(records), self.score_batch_size(settings)):
                prediction = predict(batch["image"], batch["box"])
                errors = normalised_mean_error(prediction, batch["landmarks"], normaliser)
                yield batch["path"].numpy(), errors.numpy()

        return collect_per_image(batch_errors(), settings.num_examples)

    def aligner(
        self,
        model: MobileNetCascade,
        description: dict,
        checkpoint: str | None = None,
        runtime: str = "litert",
        mirror: bool = False,
    ):
        """runtime 'litert' (default, the fast path: LiteRT + OpenCV warps) or 'keras';
        mirror: average with the mirrored face's points (twice the network time)."""
        if runtime == "keras":
            return MobilenetAligner(model, mirror)
        if runtime not in self.runtimes:
            raise ValueError(f"runtime must be one of {self.runtimes}, got {runtime!r}")
        contents = stage_models(model.networks, checkpoint)
        return MobilenetLiteAligner(contents, model.stage2_crop, mirror)

    def write_runtimes(
        self, model: MobileNetCascade, checkpoint: str, quantization_records: Path | None = None
    ) -> list[Path]:
        """Each stage's .tflite beside the checkpoint, which the LiteRT aligner loads; with
        training records, stage 1 in int8 calibrated on their crops (`mobilenet.quantization`)."""
        crops = None
        if quantization_records is not None:
            crops = quantization_crops(quantization_records, model.stage_1.input_size)
        return write_stage_models(model.networks, checkpoint, crops)

    def exportable_networks(self, model: MobileNetCascade) -> dict[str, ExportableNetwork]:
        return {
            f"stage_{index}": ExportableNetwork(network, stage_input_shape(network), STAGE_IO)
            for index, network in enumerate(model.networks, start=1)
        }

    def exportable_pipelines(self, model: MobileNetCascade) -> dict[str, ExportablePipeline]:
        signature = (standalone.IMAGE_SPEC, standalone.BOX_SPEC)
        return {
            "cascade": ExportablePipeline(
                standalone.cascade_function(model), signature, model, standalone.DESCRIPTION
            )
        }

    def display_name(self, description: dict) -> str:
        stages = description["config"]["stages"]
        return "MobileNetV2" + (" cascade (2 stages)" if stages == 2 else " (stage 1)")

    def throughput_flags(self, num_faces: int, steps: int) -> list[str]:
        del num_faces
        return [f"--batch_size={MobilenetTrainingConfig.batch_size}", f"--max_steps={steps}"]


FAMILY = MobilenetFamily()
