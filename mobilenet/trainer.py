"""The MobileNetV2 regressor's training pieces for the shared trainer (SPEC D.3, D.4).

Adam (1e-4, betas 0.9 / 0.999, epsilon 1e-8) on Caffe's "inv" schedule, coupled L2 weight
decay 5e-4 (gradient += 5e-4 w) on every trainable weight but conv1's bias, batch 64, the
WeightEuclideanLoss (corrected per-sample normaliser by default) or Wing loss.
Stage 1 trains on crops of the records' detector boxes; stage 2 trains a second network on
crops of the boxes of stage 1's predictions on the training faces (stage 1 frozen, loaded
from --stage1_dir, which may hold a one- or two-stage model, and saved with stage 2, so a
stage-2 train_dir holds the whole cascade), starting from stage 1's weights (`stage2_init`,
"random" for a fresh init). `init_from` starts either stage from the same stage of a trained
model instead (a fine-tune: the schedule restarts at step 0). `input_size` is the trained
stage's (64 as the original); a network started from one of another size takes its
weights through `transfer_weights` (fc1 resized to the new feature grid).
Caffe's lr x 2 for the biases is not reproduced (Adam's step does not scale with a
gradient factor; it would need a second optimiser).
"""

import dataclasses
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from face_alignment_tf.backbones.batch_norm import recalibrate_batch_norm
from face_alignment_tf.backbones.mobilenet_v2.crop import INPUT_SIZE, crop_matrix, decode_landmarks
from face_alignment_tf.backbones.mobilenet_v2.network import (
    MobileNetV2Regressor,
    check_input_size,
    transfer_weights,
)
from face_alignment_tf.backbones.mobilenet_v2.pipeline import (
    AugmentationConfig,
    evaluation_dataset,
    training_dataset,
)
from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.config.settings import (
    flag_error,
    require_at_least,
    require_positive,
    setting,
)
from face_alignment_tf.data.photometric import PRESETS
from face_alignment_tf.evaluation.drawing import GROUND_TRUTH, PREDICTION, draw_landmarks
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.families.contract import ModelFamily, TrainingParts
from face_alignment_tf.families.trained_model import TrainedModel
from face_alignment_tf.mobilenet.cascade import landmarks_in_images
from face_alignment_tf.mobilenet.crops import STAGE2_CROPS, stage_crop_matrix
from face_alignment_tf.mobilenet.loss import (
    LOSS_NORMALISERS,
    LOSSES,
    weighted_euclidean_loss,
    wing_loss,
)
from face_alignment_tf.mobilenet.schedule import InverseDecay

# Stage 2's starting weights: stage 1's (its crops are close to stage 1's, so it starts
# near a solution) or a fresh init.
STAGE2_INITS = ("stage1", "random")


@dataclasses.dataclass(frozen=True, kw_only=True)
class MobilenetTrainingConfig(RunConfig):
    """One stage's training run; defaults are the original solver's."""

    train_dir: str = "ckpt/mobilenet"
    stage: int = setting(1, "1: crops of the face box; 2: of stage 1's predictions.", (1, 2))
    stage1_dir: str | None = setting(None, "The stage-1 train_dir (stage 2).")
    input_size: int = setting(
        INPUT_SIZE,
        "The trained stage's input crop side in pixels (a multiple of 16; 64 as the original).",
    )
    batch_size: int = setting(64, "Crops per batch (per replica).")
    base_lr: float = setting(1e-4, "Adam learning rate at step 0 ('inv' policy).")
    lr_gamma: float = setting(1e-5, "'inv' policy: lr = base_lr (1 + gamma step)^-power.")
    lr_power: float = setting(0.75, "'inv' policy power.")
    weight_decay: float = setting(5e-4, "Coupled L2 weight decay.")
    max_steps: int = setting(1_000_000, "Total training steps (Caffe's max_iter).")
    loss: str = setting("euclidean", "WeightEuclideanLoss or Wing loss.", LOSSES)
    loss_normaliser: str = setting(
        "eye_centre",
        "eye_centre: the sample's own eye-centre distance; original: (x36,y39)-(x42,y45).",
        LOSS_NORMALISERS,
    )
    stage2_init: str = setting(
        "stage1", "Stage 2's starting weights: stage 1's, or a fresh random init.", STAGE2_INITS
    )
    stage2_crop: str = setting(
        "box",
        "How stage 2 crops around stage 1's points: their box (the original design), or "
        "aligned: the points turned level by the tilt of the eye line first (ours).",
        STAGE2_CROPS,
    )  # model.json's config
    # The box jitter of the augmentation (the rest: the backbone pipeline's AugmentationConfig).
    max_shift: float = setting(
        AugmentationConfig.max_shift, "Box jitter: shift, a fraction of the crop, each axis."
    )
    max_scale: float = setting(AugmentationConfig.max_scale, "Box jitter: zoom 1 +- this.")
    max_rotation_degrees: float = setting(
        AugmentationConfig.max_rotation_degrees, "Box jitter: rotation +- this."
    )
    photometric: str = setting(
        "none",
        "Photometric augmentation (data.photometric): none (the original's), photos "
        "(colour, greyscale, low light, blur, low resolution, occlusion, JPEG) or "
        "photos_occluded (photos with larger occluders, more often, some cut from other faces).",
        tuple(PRESETS),
    )
    init_from: str | None = setting(
        None,
        "A trained train_dir whose network of this --stage this run starts from (a fine-tune; "
        "the schedule restarts at step 0; a resumed run restores its own weights).",
    )
    batch_norm_batches: int = setting(
        200,
        "Training batches over which the batch-norm statistics are recomputed when the run "
        "ends (0: keep the moving averages; see backbones.batch_norm).",
    )

    def __post_init__(self):
        super().__post_init__()
        if self.stage == 2 and not self.stage1_dir:
            raise flag_error("stage1_dir", self.stage1_dir, "stage 2 needs a stage-1 train_dir")
        require_at_least(self, 1, "batch_size", "max_steps")
        try:
            check_input_size(self.input_size)
        except ValueError as error:
            raise flag_error("input_size", self.input_size, str(error)) from None
        require_positive(self, "base_lr")
        require_at_least(
            self, 0, "lr_gamma", "lr_power", "weight_decay", "max_shift", "max_scale",
            "max_rotation_degrees", "batch_norm_batches",
        )  # fmt: skip

    @property
    def augmentation(self) -> AugmentationConfig:
        return AugmentationConfig(
            max_shift=self.max_shift, max_scale=self.max_scale,
            max_rotation_degrees=self.max_rotation_degrees,
            photometric=PRESETS[self.photometric],
        )  # fmt: skip


def decayed(variable) -> bool:
    """Caffe's decay_mult: every weight but conv1's bias (decay_mult 0 in the prototxt)."""
    return not variable.path.endswith("conv1/bias")


def stage1_points(stage1: MobileNetV2Regressor, records: Path) -> dict[str, np.ndarray]:
    """path -> points [68, 2] (y, x): stage 1's prediction from each training face's record
    box."""
    predict = tf.function(
        lambda images, boxes: landmarks_in_images(
            stage1, images, crop_matrix(boxes, stage1.input_size)
        ),
        reduce_retracing=True,
    )
    paths, points = [], []
    for batch in evaluation_dataset(str(records), 64):
        paths += [path.decode() for path in batch["path"].numpy()]
        points.append(predict(batch["image"], batch["box"]).numpy())
    return dict(zip(paths, np.concatenate(points), strict=True))


def _summary_images(batch, outputs, count: int = 3) -> np.ndarray:
    predictions = decode_landmarks(outputs[:count], batch["image"].shape[1]).numpy()
    return np.stack(
        [
            draw_landmarks(image[..., ::-1] / 255.0, [(gt, GROUND_TRUTH), (prediction, PREDICTION)])
            for image, gt, prediction in zip(
                batch["image"][:count].numpy(), batch["landmarks"][:count].numpy(), predictions,
                strict=True,
            )
        ]
    )  # fmt: skip


def training_parts(
    family: ModelFamily, config: MobilenetTrainingConfig, records: Path, replicas: int
) -> TrainingParts:
    stage1 = TrainedModel(config.stage1_dir, family).restore() if config.stage == 2 else None
    sizes = (stage1.model.stage_1.input_size,) if stage1 else ()
    model = family.build_model({
        "stages": config.stage, "stage2_crop": config.stage2_crop,
        "input_sizes": [*sizes, config.input_size],
    })  # fmt: skip
    regions = None
    if stage1:
        transfer_weights(stage1.model.stage_1, model.stage_1)
        model.stage_1.trainable = False
        if config.stage2_init == "stage1":  # a resumed run then restores its own weights
            transfer_weights(model.stage_1, model.stage_2)
        regions = stage1_points(model.stage_1, records)
        logging.info("stage 2 on %s crops of %s's predictions", config.stage2_crop,
                     stage1.checkpoint_path)  # fmt: skip
    network = model.stage(config.stage)
    if config.init_from:  # a resumed run then restores its own weights
        start = TrainedModel(config.init_from, family).restore()
        if start.model.stages < config.stage:
            raise flag_error("init_from", config.init_from, f"has no stage {config.stage}")
        transfer_weights(start.model.stage(config.stage), network)
        logging.info("stage %d starts from %s", config.stage, start.checkpoint_path)
    schedule = InverseDecay(config.base_lr, config.lr_gamma, config.lr_power)
    optimizer = keras.optimizers.Adam(schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    optimizer.build(network.trainable_variables)

    def loss_of(outputs, targets):
        if config.loss == "wing":
            return wing_loss(outputs, targets)
        return weighted_euclidean_loss(outputs, targets, config.loss_normaliser)

    def replica_step(batch):
        with tf.GradientTape() as tape:
            outputs = network(batch["image"], training=True)
            loss = loss_of(outputs, batch["targets"])
            # Replica gradients are summed: scale so that their sum is the global mean's.
            scaled_loss = loss / replicas
        variables = network.trainable_variables
        gradients = tape.gradient(scaled_loss, variables)
        gradients = [
            g + (config.weight_decay / replicas) * v if decayed(v) else g
            for g, v in zip(gradients, variables, strict=True)
        ]
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss, tf.stack([loss]), outputs

    def crop(region, xp=None):  # stage 1: the record's box; stage 2: stage 1's points
        return stage_crop_matrix(config.stage, region, config.stage2_crop, config.input_size, xp)

    def make_dataset(first_step: int) -> tf.data.Dataset:
        # A resumed run continues with a new stream of samples rather than replaying the first.
        return training_dataset(
            str(records), config.batch_size * replicas, config.seed * 1_000_003 + first_step,
            config.augmentation, regions, crop, size=config.input_size,
        )  # fmt: skip

    recalibration = None  # its own stream, made at the first checkpoint

    def recalibrate(batches: int) -> None:
        nonlocal recalibration
        if batches == 0:
            return
        if recalibration is None:
            recalibration = iter(make_dataset(int(optimizer.iterations.numpy()) + 1))
        recalibrate_batch_norm(network, recalibration, batches)

    def write_crop_nme(batch, outputs) -> None:
        errors = normalised_mean_error(
            decode_landmarks(outputs, config.input_size), batch["landmarks"]
        )
        tf.summary.scalar("train/crop_nme", tf.reduce_mean(errors))

    return TrainingParts(
        model=model,
        optimizer=optimizer,
        checkpoint=family.checkpoint(model, optimizer),
        replica_step=replica_step,
        make_dataset=make_dataset,
        loss_names=[config.loss],
        batch_size=config.batch_size,
        max_steps=config.max_steps,
        write_images=lambda batch, outputs: tf.summary.image(
            "training_samples", _summary_images(batch, outputs), max_outputs=3
        ),
        write_summaries=write_crop_nme,
        finish=lambda: recalibrate(config.batch_norm_batches),
        # Mid-run checkpoints score as the final one would (the moving averages lag).
        before_save=lambda: recalibrate(max(1, config.batch_norm_batches // 4)),
    )
