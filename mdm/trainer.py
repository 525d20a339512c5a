"""MDM's custom training loop (SPEC A.7): Adam, staircase decay, EMA, resumable checkpoints."""

import dataclasses
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from data.pipeline import AugmentationConfig, training_dataset
from data.tfrecords import read_metadata
from evaluation.drawing import GROUND_TRUTH, INITIAL, PREDICTION, draw_landmarks
from mdm.loss import step_losses
from mdm.model import MDM
from mdm.moving_average import ExponentialMovingAverage
from mdm.training_files import save_model_description
from training.distribution import is_chief, make_strategy
from training.loop import run_training_loop
from training.records import prepare_training_records
from training.run_config import RunConfig


@dataclasses.dataclass(frozen=True)
class TrainingConfig(RunConfig):
    """Everything one MDM training run needs; defaults are the original's."""

    batch_size: int = 60
    initial_learning_rate: float = 1e-3
    learning_rate_decay_factor: float = 0.1
    decay_steps: int = 15000
    max_steps: int = 100000
    patch_size: int = 30
    pretrained_model_checkpoint_path: str | None = None
    reference_alignment: str = "none"
    augmentation: AugmentationConfig = AugmentationConfig()


def learning_rate_schedule(config: TrainingConfig) -> keras.optimizers.schedules.ExponentialDecay:
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


def train(config: TrainingConfig) -> dict:
    """Trains (or resumes) MDM; returns {'step', 'loss'} of the last step.

    `batch_size` is per replica (see `training.distribution`).
    """
    strategy = make_strategy(config.strategy)
    chief = is_chief(strategy)
    records = prepare_training_records(
        config.datasets, config.train_dir, config.bbs_dir, config.reference_alignment,
        config.boxes, chief,
    )  # fmt: skip
    reference_shape = np.asarray(read_metadata(records)["reference_shape"], np.float32)

    with strategy.scope():
        model = MDM(patch_size=config.patch_size)
        model.build()
        if config.pretrained_model_checkpoint_path:
            tf.train.Checkpoint(model=model).restore(
                config.pretrained_model_checkpoint_path
            ).expect_partial()
            logging.info("initialised weights from %s", config.pretrained_model_checkpoint_path)
        optimizer = keras.optimizers.Adam(learning_rate_schedule(config), epsilon=1e-8)
        optimizer.build(model.trainable_variables)
        ema = ExponentialMovingAverage(model.trainable_variables)
    if chief:
        Path(config.train_dir).mkdir(parents=True, exist_ok=True)
        save_model_description(config.train_dir, model, reference_shape)
    replicas = strategy.num_replicas_in_sync

    def replica_step(batch):
        with tf.GradientTape() as tape:
            outputs = model(batch["image"], batch["initial"], training=True)
            losses = step_losses(outputs["steps"], batch["landmarks"])
            loss = tf.reduce_sum(losses)
            # Replica gradients are summed: scale so that their sum is the global mean's.
            scaled_loss = loss / replicas
        gradients = tape.gradient(scaled_loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        ema.apply(model.trainable_variables, optimizer.iterations)
        return loss, losses, outputs

    def make_dataset(first_step: int) -> tf.data.Dataset:
        # A resumed run continues with a new stream of samples rather than replaying the first.
        return training_dataset(
            str(records), config.batch_size * replicas, config.seed * 1_000_003 + first_step,
            config.augmentation,
        )  # fmt: skip

    return run_training_loop(
        config.loop_settings(config.batch_size * replicas, config.max_steps),
        strategy,
        tf.train.Checkpoint(model=model, optimizer=optimizer, ema=ema),
        optimizer,
        replica_step,
        make_dataset,
        [f"step_{index}" for index in range(1, model.num_iterations + 1)],
        write_images=lambda batch, outputs: tf.summary.image(
            "training_samples", _summary_images(batch, outputs), max_outputs=3
        ),
        write_summaries=lambda batch, outputs: _write_step_histograms(
            batch["initial"], outputs["steps"]
        ),
    )
