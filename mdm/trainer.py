"""MDM's training pieces for the shared trainer (SPEC A.7): Adam, staircase decay, the sum of
the step losses, the weight EMA, training samples and step histograms in TensorBoard."""

import dataclasses
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.config.settings import (
    flag_error,
    require_at_least,
    require_positive,
    setting,
)
from face_alignment_tf.evaluation.drawing import GROUND_TRUTH, INITIAL, PREDICTION, draw_landmarks
from face_alignment_tf.families.contract import ModelFamily, TrainingParts
from face_alignment_tf.mdm.loss import step_losses
from face_alignment_tf.mdm.patch_features import MIN_PATCH_SIZE, feature_map_size
from face_alignment_tf.mdm.pipeline import AugmentationConfig, training_dataset


@dataclasses.dataclass(frozen=True, kw_only=True)
class MdmTrainingConfig(RunConfig):
    """Everything one MDM training run needs; defaults are the original's flags'."""

    train_dir: str = "ckpt/train"
    batch_size: int = setting(60, "Images per batch (per replica).")
    initial_learning_rate: float = setting(1e-3, "Adam learning rate at step 0.")
    learning_rate_decay_factor: float = setting(0.1, "Staircase decay factor.")
    decay_steps: int = setting(15000, "Steps between learning-rate decays.")
    max_steps: int = setting(100000, "Total training steps.")
    patch_size: int = setting(30, "Patch side in pixels.")
    hidden_units: int = setting(512, "Units of the recurrent layer.")
    pretrained_model_checkpoint_path: str | None = setting(
        None, "Start from these weights (ignored on resume)."
    )
    augmentation: AugmentationConfig = AugmentationConfig()

    def __post_init__(self):
        super().__post_init__()
        require_at_least(self, 1, "batch_size", "max_steps", "decay_steps", "hidden_units")
        require_at_least(self, 0, "initial_learning_rate")  # 0 freezes the weights
        require_positive(self, "learning_rate_decay_factor")
        if not self.patch_size > 1 or feature_map_size(self.patch_size) < 1:
            raise flag_error(
                "patch_size", self.patch_size,
                f"patches must be at least {MIN_PATCH_SIZE} px to leave a feature map",
            )  # fmt: skip


def learning_rate_schedule(
    config: MdmTrainingConfig,
) -> keras.optimizers.schedules.ExponentialDecay:
    """lr = initial * factor ** floor(step / decay_steps)."""
    return keras.optimizers.schedules.ExponentialDecay(
        config.initial_learning_rate,
        config.decay_steps,
        config.learning_rate_decay_factor,
        staircase=True,
    )


def _summary_images(batch, outputs, count: int = 3) -> np.ndarray:
    return np.stack(
        [
            draw_landmarks(image, [(initial, INITIAL), (gt, GROUND_TRUTH), (final, PREDICTION)])
            for image, gt, initial, final in zip(
                batch["image"][:count].numpy(),
                batch["landmarks"][:count].numpy(),
                batch["initial"][:count].numpy(),
                outputs["final"][:count].numpy(),
                strict=True,
            )
        ]
    )


def _write_step_histograms(initial, steps) -> None:
    """Histograms of each step's update, delta_t = estimate_t - estimate_(t-1)."""
    previous = initial
    for index in range(steps.shape[1]):
        tf.summary.histogram(f"delta/step_{index + 1}", steps[:, index] - previous)
        previous = steps[:, index]


def training_parts(
    family: ModelFamily, config: MdmTrainingConfig, records: Path, replicas: int
) -> TrainingParts:
    """MDM, Adam, checkpoint (with the EMA) and the replica step for the shared trainer."""
    model = family.build_model(
        {"patch_size": config.patch_size, "hidden_units": config.hidden_units}
    )
    if config.pretrained_model_checkpoint_path:
        family.checkpoint(model).restore(config.pretrained_model_checkpoint_path).expect_partial()
        logging.info("initialised weights from %s", config.pretrained_model_checkpoint_path)
    optimizer = keras.optimizers.Adam(learning_rate_schedule(config), epsilon=1e-8)
    optimizer.build(model.trainable_variables)
    checkpoint = family.checkpoint(model, optimizer)  # the EMA starts at the weights above

    def replica_step(batch):
        with tf.GradientTape() as tape:
            outputs = model(batch["image"], batch["initial"], training=True)
            losses = step_losses(outputs["steps"], batch["landmarks"])
            loss = tf.reduce_sum(losses)
            # Replica gradients are summed: scale so that their sum is the global mean's.
            scaled_loss = loss / replicas
        gradients = tape.gradient(scaled_loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        checkpoint.ema.apply(model.trainable_variables, optimizer.iterations)
        return loss, losses, outputs

    def make_dataset(first_step: int) -> tf.data.Dataset:
        # A resumed run continues with a new stream of samples rather than replaying the first.
        return training_dataset(
            str(records), config.batch_size * replicas, config.seed * 1_000_003 + first_step,
            config.augmentation,
        )  # fmt: skip

    return TrainingParts(
        model=model,
        optimizer=optimizer,
        checkpoint=checkpoint,
        replica_step=replica_step,
        make_dataset=make_dataset,
        loss_names=[f"step_{index}" for index in range(1, model.num_iterations + 1)],
        batch_size=config.batch_size,
        max_steps=config.max_steps,
        write_images=lambda batch, outputs: tf.summary.image(
            "training_samples", _summary_images(batch, outputs), max_outputs=3
        ),
        write_summaries=lambda batch, outputs: _write_step_histograms(
            batch["initial"], outputs["steps"]
        ),
    )
