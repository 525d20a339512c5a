"""MDM's custom training loop (SPEC A.7): Adam, staircase decay, EMA, resumable checkpoints."""

import dataclasses
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from data.convert import convert
from data.pipeline import AugmentationConfig, training_dataset
from data.tfrecords import read_metadata
from evaluation.drawing import GROUND_TRUTH, INITIAL, PREDICTION, draw_landmarks
from mdm.loss import step_losses
from mdm.model import MDM
from mdm.moving_average import ExponentialMovingAverage
from mdm.training_files import save_model_description

RECORDS_DIR = "records"


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """Everything one training run needs; defaults are the original's."""

    datasets: str
    train_dir: str
    bbs_dir: str | None = None
    batch_size: int = 60
    initial_learning_rate: float = 1e-3
    learning_rate_decay_factor: float = 0.1
    decay_steps: int = 15000
    max_steps: int = 100000
    max_seconds: float | None = None
    patch_size: int = 30
    pretrained_model_checkpoint_path: str | None = None
    seed: int = 0
    log_every: int = 10
    image_every: int = 100
    save_every_secs: float = 600.0
    max_checkpoints: int = 3
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


def prepare_records(config: TrainingConfig) -> Path:
    """Converts the training faces once into <train_dir>/records (reused on resume)."""
    records = Path(config.train_dir) / RECORDS_DIR
    try:
        metadata = read_metadata(records)
    except FileNotFoundError:
        convert(
            config.datasets, records, "train", config.bbs_dir,
            reference_alignment=config.reference_alignment,
        )  # fmt: skip
        return records
    converted = (metadata["datasets"], metadata.get("reference_alignment", "none"))
    if converted != (config.datasets, config.reference_alignment):
        raise ValueError(
            f"{config.train_dir} was trained with --datasets='{converted[0]}' and "
            f"--reference_alignment={converted[1]}: use a new --train_dir to change them "
            "(the reference shape depends on both)"
        )
    return records


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


def _write_scalars(loss: float, losses, optimizer, examples_per_sec: float) -> None:
    tf.summary.scalar("loss/total", loss)
    for index, value in enumerate(losses.numpy(), start=1):
        tf.summary.scalar(f"loss/step_{index}", value)
    tf.summary.scalar("learning_rate", optimizer.learning_rate)
    tf.summary.scalar("examples_per_sec", examples_per_sec)


def _write_step_histograms(initial, steps) -> None:
    """Histograms of each step's update, delta_t = estimate_t - estimate_(t-1)."""
    previous = initial
    for index in range(steps.shape[1]):
        tf.summary.histogram(f"delta/step_{index + 1}", steps[:, index] - previous)
        previous = steps[:, index]


def _progress_line(step, config, loss, losses, steps_per_sec, eta) -> str:
    per_step = " ".join(f"{value:.4f}" for value in losses.numpy())
    return (
        f"step {step}/{config.max_steps}  loss {loss:.4f} ({per_step})  "
        f"{steps_per_sec:.2f} steps/s  {steps_per_sec * config.batch_size:.1f} examples/s  "
        f"ETA {_format_duration(eta)}"
    )


def _format_duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def train(config: TrainingConfig) -> dict:
    """Trains (or resumes) MDM; returns {'step', 'loss'} of the last step."""
    train_dir = Path(config.train_dir)
    train_dir.mkdir(parents=True, exist_ok=True)
    records = prepare_records(config)
    metadata = read_metadata(records)
    reference_shape = np.asarray(metadata["reference_shape"], np.float32)

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
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, ema=ema)
    manager = tf.train.CheckpointManager(checkpoint, train_dir, config.max_checkpoints)
    if manager.latest_checkpoint:
        checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
        logging.info("resumed from %s", manager.latest_checkpoint)
    save_model_description(train_dir, model, reference_shape)
    first_step = int(optimizer.iterations.numpy())

    # A resumed run continues with a new stream of samples rather than replaying the first.
    dataset = training_dataset(
        str(records), config.batch_size, config.seed * 1_000_003 + first_step, config.augmentation
    )

    @tf.function
    def train_step(batch):
        with tf.GradientTape() as tape:
            outputs = model(batch["image"], batch["initial"], training=True)
            losses = step_losses(outputs["steps"], batch["landmarks"])
            loss = tf.reduce_sum(losses)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        ema.apply(model.trainable_variables, optimizer.iterations)
        return loss, losses, outputs

    writer = tf.summary.create_file_writer(str(train_dir))
    step, loss = first_step, float("nan")
    started = last_save = last_log = time.time()
    logged_step = saved_step = first_step
    logging.info(
        "training from step %d to %d, batch %d", first_step, config.max_steps, config.batch_size
    )
    try:
        for batch in dataset:
            if step >= config.max_steps:
                break
            if config.max_seconds is not None and time.time() - started >= config.max_seconds:
                logging.info("stopping at step %d: --max_seconds reached", step)
                break
            loss_tensor, losses, outputs = train_step(batch)
            step = int(optimizer.iterations.numpy())
            loss = float(loss_tensor.numpy())
            if not np.isfinite(loss):
                raise FloatingPointError(
                    f"the loss became {loss} at step {step}; the last good checkpoint is "
                    f"{manager.latest_checkpoint} (lower --initial_learning_rate or check the data)"
                )
            if step % config.image_every == 0:
                with writer.as_default(step=step):
                    tf.summary.image("training_samples", _summary_images(batch, outputs), step, 3)
            if step % config.log_every == 0 or step == config.max_steps:
                now = time.time()
                steps_per_sec = (step - logged_step) / max(now - last_log, 1e-9)
                last_log, logged_step = now, step
                with writer.as_default(step=step):
                    _write_scalars(loss, losses, optimizer, steps_per_sec * config.batch_size)
                    _write_step_histograms(batch["initial"], outputs["steps"])
                eta = (config.max_steps - step) / max(steps_per_sec, 1e-9)
                print(_progress_line(step, config, loss, losses, steps_per_sec, eta), flush=True)
            if time.time() - last_save >= config.save_every_secs:
                manager.save(checkpoint_number=step)
                last_save, saved_step = time.time(), step
    except KeyboardInterrupt:
        logging.info("interrupted at step %d; saving a checkpoint", step)
        raise
    finally:
        if step != saved_step and np.isfinite(loss):
            manager.save(checkpoint_number=step)
        writer.close()
    return {"step": step, "loss": loss}
