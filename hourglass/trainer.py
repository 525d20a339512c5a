"""The hourglass family's training pieces for the shared trainer, as SDU trained (SPEC B.4, B.5).

Nadam (beta 0.9 / 0.999, epsilon 1e-8, no weight decay), lr x 0.2 at the first
batch of each epoch in `lr_epoch_step` but the last, stop at the last; loss =
sum over stacks of the mean squared heatmap error. An epoch is one pass over
the converted training faces (`num_examples / batch` steps, as SDU's float epoch).
"""

import dataclasses
import math
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.config.settings import (
    flag_error,
    require_at_least,
    require_positive,
    setting,
)
from face_alignment_tf.evaluation.drawing import GROUND_TRUTH, PREDICTION, draw_landmarks
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.families.contract import ModelFamily, TrainingParts
from face_alignment_tf.hourglass.blocks import BLOCKS
from face_alignment_tf.hourglass.heatmaps import PEAK, decode_argmax
from face_alignment_tf.hourglass.network import TOPOLOGIES
from face_alignment_tf.hourglass.pipeline import training_dataset
from face_alignment_tf.hourglass.presets import LANDMARK_NORMALISERS, LANDMARK_TYPES


@dataclasses.dataclass(frozen=True, kw_only=True)
class HourglassTrainingConfig(RunConfig):
    """One training run; defaults are the SDU README command's (Hourglass2(d=3)-CAB), the
    flags SDU's train.py's (--network --block --depth --stacks --lr --lr_epoch_step
    --per_batch_size)."""

    train_dir: str = "ckpt/hourglass"
    network: str = setting("hourglass", "Topology: hourglass or SAT grid.", TOPOLOGIES)
    block: str = setting("cab", "Building block.", BLOCKS)
    depth: int = setting(3, "Hourglass depth (net_n); the SAT grid is built for 3.")
    stacks: int = setting(2, "Stacked modules.")
    landmark_type: str = setting("2d", "2d, or 3d (AFLW2000-3D style).", LANDMARK_TYPES)
    sigma: int = setting(1, "Gaussian sigma of the heatmap targets (0: one pixel).")
    lr: float = setting(1e-4, "Nadam learning rate.")
    lr_epoch_step: tuple[int, ...] = setting(
        (20, 35, 45), "Epochs where lr x lr_factor; the last one ends training."
    )
    lr_factor: float = setting(0.2, "Learning-rate factor at each lr_epoch_step but the last.")
    per_batch_size: int = setting(16, "Images per batch (per replica).")
    seed: int = 727  # SDU's

    def __post_init__(self):
        super().__post_init__()
        # Given as SDU's comma list (--lr_epoch_step=20,35,45) or as numbers.
        try:
            epochs = tuple(int(e) for e in self.lr_epoch_step)
        except ValueError:
            raise flag_error("lr_epoch_step", self.lr_epoch_step, "not whole numbers") from None
        object.__setattr__(self, "lr_epoch_step", epochs)
        flag = ",".join(map(str, epochs))
        if (
            not epochs
            or epochs[0] < 1
            or any(b <= a for a, b in zip(epochs, epochs[1:], strict=False))
        ):
            raise flag_error("lr_epoch_step", flag, "must be increasing epochs, the first >= 1")
        require_at_least(self, 1, "per_batch_size", "depth", "stacks")
        require_at_least(self, 0, "sigma")
        require_positive(self, "lr", "lr_factor")


def epoch_schedule(config: HourglassTrainingConfig, num_examples: int, replicas: int = 1):
    """(learning-rate schedule over steps, max_steps) for `num_examples` training faces.

    SDU lowers the rate for the first batch whose float epoch (batches x batch /
    records) reaches a boundary: update k (0-based) runs at lr x factor^i, with i
    the number of boundaries e <= k x batch / records. It stops at the last epoch.
    The batch is per_batch_size x replicas, as SDU's per-GPU batch x GPUs.
    """
    steps_per_epoch = num_examples / (config.per_batch_size * replicas)
    *decays, stop = config.lr_epoch_step
    # PiecewiseConstantDecay switches after step b, so b = first decayed update - 1.
    boundaries = [math.ceil(epoch * steps_per_epoch) - 1 for epoch in decays]
    values = [config.lr * config.lr_factor**index for index in range(len(decays) + 1)]
    schedule = (
        keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)
        if boundaries
        else config.lr
    )
    return schedule, math.ceil(stop * steps_per_epoch)


def heatmap_loss(heatmaps, targets) -> tf.Tensor:
    """Per-stack mean squared error [S] (the total loss is their sum)."""
    return tf.stack([tf.reduce_mean(tf.square(stack - targets)) for stack in heatmaps])


def _summary_images(batch, outputs, count: int = 3) -> np.ndarray:
    predictions = decode_argmax(outputs[-1][:count]).numpy()
    return np.stack(
        [
            draw_landmarks(image / 255.0, [(gt, GROUND_TRUTH), (prediction, PREDICTION)])
            for image, gt, prediction in zip(
                batch["image"][:count].numpy(),
                batch["landmarks"][:count].numpy(),
                predictions,
                strict=True,
            )
        ]
    )


def _heatmap_images(heatmaps, count: int = 3) -> tf.Tensor:
    """Each sample's heatmaps, max over landmarks, scaled to [0, 1] by the target peak."""
    return tf.clip_by_value(tf.reduce_max(heatmaps[:count], axis=-1, keepdims=True) / PEAK, 0, 1)


def training_parts(
    family: ModelFamily,
    config: HourglassTrainingConfig,
    records: Path,
    metadata: dict,
    replicas: int,
) -> TrainingParts:
    """The network, Nadam with SDU's epoch schedule, the summed stack MSE and summaries."""
    schedule, max_steps = epoch_schedule(config, metadata["num_examples"], replicas)
    model = family.build_model(
        {"topology": config.network, "block": config.block, "depth": config.depth,
         "stacks": config.stacks}
    )  # fmt: skip
    optimizer = keras.optimizers.Nadam(schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    optimizer.build(model.trainable_variables)

    def replica_step(batch):
        with tf.GradientTape() as tape:
            heatmaps = model(batch["image"], training=True)
            losses = heatmap_loss(heatmaps, batch["heatmaps"])
            loss = tf.reduce_sum(losses)
            # Replica gradients are summed: scale so that their sum is the global mean's.
            scaled_loss = loss / replicas
        gradients = tape.gradient(scaled_loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss, losses, heatmaps

    def make_dataset(first_step: int) -> tf.data.Dataset:
        # A resumed run continues with a new stream of samples rather than replaying the first.
        return training_dataset(
            str(records),
            config.per_batch_size * replicas,
            config.seed * 1_000_003 + first_step,
            config.sigma,
        )

    def write_images(batch, heatmaps) -> None:
        tf.summary.image("training_samples", _summary_images(batch, heatmaps), max_outputs=3)
        tf.summary.image("heatmaps/target", _heatmap_images(batch["heatmaps"]), max_outputs=3)
        tf.summary.image("heatmaps/predicted", _heatmap_images(heatmaps[-1]), max_outputs=3)

    def write_crop_nme(batch, heatmaps) -> None:
        normaliser = LANDMARK_NORMALISERS[config.landmark_type]
        errors = normalised_mean_error(decode_argmax(heatmaps[-1]), batch["landmarks"], normaliser)
        tf.summary.scalar("train/crop_nme", tf.reduce_mean(errors))

    return TrainingParts(
        model=model,
        optimizer=optimizer,
        checkpoint=family.checkpoint(model, optimizer),
        replica_step=replica_step,
        make_dataset=make_dataset,
        loss_names=[f"stack_{index}" for index in range(1, config.stacks + 1)],
        batch_size=config.per_batch_size,
        max_steps=max_steps,
        write_images=write_images,
        write_summaries=write_crop_nme,
    )
