"""The custom training loop shared by train_mdm.py and train_hourglass.py.

It owns what every long run needs and no model knows about: resuming from the
last checkpoint (model, optimiser slots and whatever else the checkpoint
holds), a checkpoint every `save_every_secs` and on exit (also on Ctrl-C), a
stop after `max_steps` or `max_seconds`, a NaN stop naming the step, TensorBoard
scalars and images, and a console progress line with an ETA.

The model-specific parts come in as functions: `replica_step(batch) -> (loss,
partial losses [K], outputs)`, one replica's update (it scales its gradient by
1 / replicas; the loss it returns is unscaled), `make_dataset(first_step)` (batched
by the global batch), and optional `write_images` / `write_summaries(batch,
outputs)`, called by the chief inside the summary writer's context with the
first replica's share of the batch. Distribution: `training.distribution`.
"""

import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from face_alignment_tf.artifacts.checkpoints import (
    checkpoint_step,
    newest_good_checkpoint,
    recover_checkpoints,
)
from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.training.distribution import checkpoint_dir, distribute, is_chief
from face_alignment_tf.training.event_files import drop_events_after


@dataclasses.dataclass(frozen=True)
class LoopSettings:
    """How long to train and how often to log, draw and save (the run config's values:
    `of`)."""

    train_dir: str
    batch_size: int  # examples per step, all replicas together
    max_steps: int
    max_seconds: float | None
    log_every: int
    image_every: int
    save_every_secs: float
    max_checkpoints: int

    @classmethod
    def of(cls, config: "RunConfig", batch_size: int, max_steps: int) -> "LoopSettings":
        """A run config's loop settings; batch_size counts all replicas."""
        return cls(
            config.train_dir, batch_size, max_steps, config.max_seconds, config.log_every,
            config.image_every, config.save_every_secs, config.max_checkpoints,
        )  # fmt: skip


ReplicaStep = Callable[[dict], tuple[tf.Tensor, tf.Tensor, object]]
SummaryWriter = Callable[[dict, object], None]


def restore_latest(
    checkpoint: tf.train.Checkpoint, settings: LoopSettings, strategy: tf.distribute.Strategy
) -> tf.train.CheckpointManager:
    """This process's CheckpointManager, with train_dir's newest good checkpoint (if any)
    restored: the chief first removes broken checkpoints and leftovers
    (`artifacts.checkpoints.recover_checkpoints`) and drops logged events past the restored
    step (`training.event_files`); other workers only read."""
    chief = is_chief(strategy)
    if chief:
        latest = recover_checkpoints(settings.train_dir)
    else:
        latest = newest_good_checkpoint(settings.train_dir)
    manager = tf.train.CheckpointManager(
        checkpoint, checkpoint_dir(settings.train_dir, strategy), settings.max_checkpoints
    )
    if latest:
        checkpoint.restore(latest).assert_existing_objects_matched()
        logging.info("resumed from %s", latest)
    if chief:
        drop_events_after(settings.train_dir, checkpoint_step(latest) if latest else 0)
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


def _first_replica(strategy: tf.distribute.Strategy, structure):
    return tf.nest.map_structure(
        lambda value: strategy.experimental_local_results(value)[0], structure
    )


def _anyone_stops(strategy: tf.distribute.Strategy, local: bool) -> bool:
    """True when any worker wants to stop (time limits differ between machines)."""
    votes = strategy.run(lambda: tf.constant(int(local)))  # ReduceOp has SUM and MEAN only
    return bool(strategy.reduce(tf.distribute.ReduceOp.SUM, votes, axis=None) > 0)


def run_training_loop(
    settings: LoopSettings,
    strategy: tf.distribute.Strategy,
    checkpoint: tf.train.Checkpoint,
    optimizer: keras.optimizers.Optimizer,
    replica_step: ReplicaStep,
    make_dataset: Callable[[int], tf.data.Dataset],
    loss_names: Sequence[str],
    write_images: SummaryWriter | None = None,
    write_summaries: SummaryWriter | None = None,
    finish: Callable[[], None] | None = None,
    after_step: Callable[[int], dict[str, float]] | None = None,
    before_save: Callable[[], None] | None = None,
) -> dict:
    """Trains from the latest checkpoint in train_dir (or from scratch); returns the last
    {'step', 'loss'}.

    The step is `optimizer.iterations`, so it is saved and restored with the
    optimiser. `make_dataset(first_step)` gets the step it resumes from, so a
    resumed run can draw a fresh stream. `finish()`, when given, runs once the loop has
    ended normally (max_steps or max_seconds), before the final checkpoint, which is then
    written even for a run that made no step (a family's post-training step, e.g. the
    MobileNetV2's batch-norm statistics). `after_step(step)`, when given, runs after every
    update on every worker and returns scalars the chief logs at that step (e.g. a
    validation score that drives the learning rate). `before_save()`, when given, runs
    before every periodic checkpoint (e.g. batch-norm statistics recomputed so that a
    mid-run checkpoint scores as the final one would). Scalars: loss/total, loss/<name> for
    each partial loss, learning_rate (of the update that made the step), examples_per_sec.
    """
    chief = is_chief(strategy)
    Path(settings.train_dir).mkdir(parents=True, exist_ok=True)
    manager = restore_latest(checkpoint, settings, strategy)
    first_step = int(optimizer.iterations.numpy())
    dataset = distribute(make_dataset(first_step), strategy)
    writer = (
        tf.summary.create_file_writer(settings.train_dir)
        if chief
        else tf.summary.create_noop_writer()
    )
    mean = tf.distribute.ReduceOp.MEAN

    @tf.function
    def train_step(batch):
        loss, losses, outputs = strategy.run(replica_step, args=(batch,))
        return strategy.reduce(mean, loss, None), strategy.reduce(mean, losses, None), outputs

    step, loss = first_step, float("nan")
    started = last_save = last_log = time.time()
    logged_step = saved_step = first_step
    logging.info(
        "training from step %d to %d, batch %d (%d replicas)",
        first_step, settings.max_steps, settings.batch_size, strategy.num_replicas_in_sync,
    )  # fmt: skip
    try:
        for batch in dataset:
            if step >= settings.max_steps:
                break
            if settings.max_seconds is not None and _anyone_stops(
                strategy, time.time() - started >= settings.max_seconds
            ):
                logging.info("stopping at step %d: --max_seconds reached", step)
                break
            # The rate this update uses (the schedule is read at the current iteration).
            learning_rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            loss_tensor, losses, outputs = train_step(batch)
            step = int(optimizer.iterations.numpy())
            loss = float(loss_tensor.numpy())
            if after_step is not None and (scalars := after_step(step)) and chief:
                with writer.as_default(step=step):
                    for name, value in scalars.items():
                        tf.summary.scalar(name, value)
            if not np.isfinite(loss):
                raise FloatingPointError(
                    f"the loss became {loss} at step {step}; the last good checkpoint is "
                    f"{manager.latest_checkpoint} (lower the learning rate or check the data)"
                )
            if chief and write_images is not None and step % settings.image_every == 0:
                with writer.as_default(step=step):
                    write_images(*_first_replica(strategy, (batch, outputs)))
            if chief and (step % settings.log_every == 0 or step == settings.max_steps):
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
                        write_summaries(*_first_replica(strategy, (batch, outputs)))
                print(_progress_line(step, settings, loss, losses, steps_per_sec), flush=True)
            if time.time() - last_save >= settings.save_every_secs:
                if before_save is not None:
                    before_save()
                writer.flush()  # every event up to a checkpoint is on disk before it
                manager.save(checkpoint_number=step)
                last_save, saved_step = time.time(), step
        if finish is not None:
            finish()
            saved_step = None  # what finish() changed is saved below
    except KeyboardInterrupt:
        logging.info("interrupted at step %d; saving a checkpoint", step)
        raise
    finally:
        if step != saved_step and (np.isfinite(loss) or saved_step is None):
            writer.flush()
            manager.save(checkpoint_number=step)
        writer.close()
    return {"step": step, "loss": loss}
