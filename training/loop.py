"""The custom training loop shared by train_mdm.py and train_hourglass.py.

It owns what every long run needs and no model knows about: resuming from the
last checkpoint (model, optimiser slots and whatever else the checkpoint
holds), a checkpoint every `save_every_secs` and on exit (also on Ctrl-C), a
stop after `max_steps` or `max_seconds`, a NaN stop naming the step, TensorBoard
scalars and images, and a console progress line with an ETA.

The model-specific parts come in as functions: `train_step(batch) -> (loss,
partial losses [K], outputs)`, `make_dataset(first_step)`, and optional
`write_images` / `write_summaries(batch, outputs)` called inside the summary
writer's context.
"""

import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging


@dataclasses.dataclass(frozen=True)
class LoopSettings:
    """How long to train and how often to log, draw and save."""

    train_dir: str
    batch_size: int
    max_steps: int
    max_seconds: float | None = None
    log_every: int = 10
    image_every: int = 100
    save_every_secs: float = 600.0
    max_checkpoints: int = 3


TrainStep = Callable[[dict], tuple[tf.Tensor, tf.Tensor, object]]
SummaryWriter = Callable[[dict, object], None]


def restore_latest(checkpoint: tf.train.Checkpoint, settings: LoopSettings):
    """A CheckpointManager over train_dir, with its latest checkpoint (if any) restored."""
    manager = tf.train.CheckpointManager(checkpoint, settings.train_dir, settings.max_checkpoints)
    if manager.latest_checkpoint:
        checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
        logging.info("resumed from %s", manager.latest_checkpoint)
    return manager


def format_duration(seconds: float) -> str:
    """'1h05m' or '4m07s'."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def _progress_line(step, settings, loss, losses, steps_per_sec) -> str:
    eta = (settings.max_steps - step) / max(steps_per_sec, 1e-9)
    partial = " ".join(f"{value:.4f}" for value in losses)
    return (
        f"step {step}/{settings.max_steps}  loss {loss:.4f} ({partial})  "
        f"{steps_per_sec:.2f} steps/s  {steps_per_sec * settings.batch_size:.1f} examples/s  "
        f"ETA {format_duration(eta)}"
    )


def run_training_loop(
    settings: LoopSettings,
    checkpoint: tf.train.Checkpoint,
    optimizer: keras.optimizers.Optimizer,
    train_step: TrainStep,
    make_dataset: Callable[[int], tf.data.Dataset],
    loss_names: Sequence[str],
    write_images: SummaryWriter | None = None,
    write_summaries: SummaryWriter | None = None,
) -> dict:
    """Trains from the latest checkpoint in train_dir (or from scratch); returns the last
    {'step', 'loss'}.

    The step is `optimizer.iterations`, so it is saved and restored with the
    optimiser. `make_dataset(first_step)` gets the step it resumes from, so a
    resumed run can draw a fresh stream. Scalars: loss/total, loss/<name> for
    each partial loss, learning_rate (of the update that made the step), examples_per_sec.
    """
    Path(settings.train_dir).mkdir(parents=True, exist_ok=True)
    manager = restore_latest(checkpoint, settings)
    first_step = int(optimizer.iterations.numpy())
    dataset = make_dataset(first_step)
    writer = tf.summary.create_file_writer(settings.train_dir)
    step, loss = first_step, float("nan")
    started = last_save = last_log = time.time()
    logged_step = saved_step = first_step
    logging.info(
        "training from step %d to %d, batch %d", first_step, settings.max_steps, settings.batch_size
    )
    try:
        for batch in dataset:
            if step >= settings.max_steps:
                break
            if settings.max_seconds is not None and time.time() - started >= settings.max_seconds:
                logging.info("stopping at step %d: --max_seconds reached", step)
                break
            learning_rate = float(optimizer.learning_rate)  # the rate this update uses
            loss_tensor, losses, outputs = train_step(batch)
            step = int(optimizer.iterations.numpy())
            loss = float(loss_tensor.numpy())
            if not np.isfinite(loss):
                raise FloatingPointError(
                    f"the loss became {loss} at step {step}; the last good checkpoint is "
                    f"{manager.latest_checkpoint} (lower the learning rate or check the data)"
                )
            if write_images is not None and step % settings.image_every == 0:
                with writer.as_default(step=step):
                    write_images(batch, outputs)
            if step % settings.log_every == 0 or step == settings.max_steps:
                now = time.time()
                steps_per_sec = (step - logged_step) / max(now - last_log, 1e-9)
                last_log, logged_step = now, step
                losses = losses.numpy()
                with writer.as_default(step=step):
                    tf.summary.scalar("loss/total", loss)
                    for name, value in zip(loss_names, losses, strict=True):
                        tf.summary.scalar(f"loss/{name}", value)
                    tf.summary.scalar("learning_rate", learning_rate)
                    tf.summary.scalar("examples_per_sec", steps_per_sec * settings.batch_size)
                    if write_summaries is not None:
                        write_summaries(batch, outputs)
                print(_progress_line(step, settings, loss, losses, steps_per_sec), flush=True)
            if time.time() - last_save >= settings.save_every_secs:
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
