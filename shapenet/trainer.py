"""ShapeNet's training pieces for the shared trainer (SPEC C.4): L1 loss on crop pixels, Adam
1e-4, ReduceLROnPlateau (x 0.1 after 5 epochs without a better validation MSE) on a
held-out split of the training faces, 200 epochs.

The PCA (`shapenet.pca`) is built from the training split's ground truth in the original
images' pixels and saved in model.json with the network's settings. Beyond the original:
`head_init='mean_transform'` starts the output layer at zero weights and the bias of the
transform that puts the mean shape on an average training crop (p = 0, theta = 0, the
median scale and centre), so an untrained network predicts the mean face instead of
points hundreds of pixels away (a unit of p_k moves points by the k-th singular value);
'random' is the original's start (the layer's own initialiser).
"""

import dataclasses
import math
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from face_alignment_tf.backbones.batch_norm import recalibrate_batch_norm
from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.config.settings import (
    flag_error,
    require_at_least,
    require_positive,
    setting,
)
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.evaluation.drawing import GROUND_TRUTH, PREDICTION, draw_landmarks
from face_alignment_tf.families.contract import ModelFamily, TrainingParts
from face_alignment_tf.shapenet.backbones import BACKBONES
from face_alignment_tf.shapenet.pca import ROTATION_NORMALISATIONS, build_shape_model
from face_alignment_tf.shapenet.pipeline import (
    CROP_SOURCES,
    AugmentationConfig,
    training_dataset,
    validation_batches,
    validation_paths,
)

HEAD_INITS = ("mean_transform", "random")
PLATEAU_THRESHOLD = 1e-4  # relative: a score counts as better below best x (1 - this)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShapenetTrainingConfig(RunConfig):
    """One training run; defaults are the original's (HELEN/LFPW configs)."""

    train_dir: str = "ckpt/shapenet"
    backbone: str = setting("shapenet", "Network under the shape head.", tuple(BACKBONES))
    num_components: int = setting(25, "PCA components K (the head predicts K + 4).")
    pca_rotation_normalisation: str = setting(
        "none",
        "Level each shape before the PCA: none (the seed's), on the outer eye corners, or on "
        "the seed's points 37/46 (upper eyelids).",
        tuple(ROTATION_NORMALISATIONS),
    )
    batch_size: int = setting(1, "Crops per batch (per replica); the original's is 1.")
    learning_rate: float = setting(1e-4, "Adam learning rate at the start.")
    lr_factor: float = setting(0.1, "ReduceLROnPlateau factor.")
    lr_patience: int = setting(5, "Epochs without a better validation MSE.")
    max_epochs: int = setting(200, "Training epochs.")
    validation_fraction: float = setting(0.1, "Training faces held out for validation.")
    rotation_degrees: int = setting(90, "Rotation augmentation +- this (shapenet).")
    offset: int = setting(30, "Offset augmentation +- this many pixels (shapenet).")
    crop_source: str = setting(
        "box",
        "Training crops around the face box (the evaluator's) or the ground truth (original).",
        CROP_SOURCES,
    )
    original_clamping: bool = setting(
        False,
        "The original's crop bounds clamped to [0, min(H, W)] and unpadded, anisotropic crops "
        "near borders.",
    )
    augment_validation: bool = setting(False, "Augment the validation crops too, as the original.")
    head_init: str = setting(
        "mean_transform",
        "Output layer: the mean shape on an average crop, or random (the original).",
        HEAD_INITS,
    )
    batch_norm_batches: int = setting(
        200,
        "MobileNetV2 backbone: batches over which the BN statistics are recomputed at the end "
        "(1/20 of them before each epoch's validation); 0 keeps the moving averages (which "
        "lag a short run's weights: see backbones.batch_norm).",
    )

    def __post_init__(self):
        super().__post_init__()
        require_at_least(self, 1, "num_components", "batch_size", "lr_patience", "max_epochs")
        require_at_least(self, 0, "rotation_degrees", "offset", "batch_norm_batches")
        require_positive(self, "learning_rate", "lr_factor", "validation_fraction")
        if not self.validation_fraction < 1:
            raise flag_error("validation_fraction", self.validation_fraction, "must be below 1")

    @property
    def augmentation(self) -> AugmentationConfig:
        return AugmentationConfig(
            self.rotation_degrees, self.offset, self.crop_source, self.original_clamping
        )


class PlateauState(tf.Module):
    """torch's ReduceLROnPlateau (mode min, relative threshold 1e-4, no cooldown) memory,
    checkpointed with the run: the best validation MSE and the epochs since it improved."""

    def __init__(self):
        super().__init__(name="plateau")
        self.best = tf.Variable(math.inf, dtype=tf.float64, trainable=False, name="best")
        self.waited = tf.Variable(0, dtype=tf.int64, trainable=False, name="waited")

    def update(self, value: float, patience: int) -> bool:
        """Records an epoch's score; True when the rate should drop (then waits anew)."""
        if value < float(self.best.numpy()) * (1 - PLATEAU_THRESHOLD):
            self.best.assign(value)
            self.waited.assign(0)
            return False
        self.waited.assign_add(1)
        if int(self.waited.numpy()) > patience:
            self.waited.assign(0)
            return True
        return False


def l1_loss(predicted, target) -> tf.Tensor:
    """Mean |predicted - target| over every coordinate (SPEC E.3 #5)."""
    return tf.reduce_mean(tf.abs(predicted - target))


def split_faces(config: ShapenetTrainingConfig) -> tuple[np.ndarray, list[str]]:
    """(the training split's ground truth in image pixels [M, 68, 2] (y, x), the held-out
    validation faces' paths, as the records name them) of --datasets."""
    records = discover_faces(config.datasets, config.bbs_dir, config.boxes)
    held_out = validation_paths([str(r.image_path) for r in records], config.validation_fraction)
    held = set(held_out)
    return np.stack([r.landmarks for r in records if str(r.image_path) not in held]), held_out


def mean_transform_bias(shape_model: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """[K + 4] parameters putting the mean shape on the median target's place and size:
    p = 0, s = median RMS radius ratio, theta = 0, t = median centroid (y, x)."""
    mean = shape_model[0]
    radius = np.sqrt(np.mean(np.sum((mean - mean.mean(0)) ** 2, -1)))
    centred = targets - targets.mean(1, keepdims=True)
    scales = np.sqrt(np.mean(np.sum(centred**2, -1), -1)) / radius
    scale = np.median(scales)
    translation = np.median(targets.mean(1), axis=0) - scale * mean.mean(0)
    components = len(shape_model) - 1
    return np.concatenate([np.zeros(components), [scale, 0.0], translation])


def _summary_images(batch, predicted, count: int = 3) -> np.ndarray:
    images = batch["image"][:count].numpy()
    if images.shape[-1] == 3:  # the MobileNetV2's BGR 0..255
        images = images[..., ::-1] / 255.0
    else:
        images = np.repeat(images, 3, axis=-1)
    return np.stack([
        draw_landmarks(image, [(gt, GROUND_TRUTH), (pred, PREDICTION)])
        for image, gt, pred in zip(
            images, batch["landmarks"][:count].numpy(), predicted[:count].numpy(), strict=True
        )
    ])  # fmt: skip


def training_parts(
    family: ModelFamily, config: ShapenetTrainingConfig, records: Path, replicas: int
) -> TrainingParts:
    """ShapeNet, Adam, the checkpoint (with the plateau state), the L1 step, the epoch-end
    validation and the plateau schedule for the shared trainer."""
    shapes, held_out = split_faces(config)
    shape_model = build_shape_model(
        shapes, config.num_components, config.pca_rotation_normalisation
    )
    model = family.build_model({"shapes": shape_model.tolist(), "backbone": config.backbone})
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=1e-8)
    optimizer.build(model.trainable_variables)
    checkpoint = family.checkpoint(model, optimizer)
    backbone = model.backbone
    directory = str(records)

    def make_dataset(first_step: int) -> tf.data.Dataset:
        # A resumed run continues with a new stream of samples rather than replaying the first.
        return training_dataset(
            directory, backbone, config.batch_size * replicas,
            config.seed * 1_000_003 + first_step, config.augmentation, held_out,
        )  # fmt: skip

    if config.head_init == "mean_transform":
        targets = next(iter(make_dataset(0)))["landmarks"].numpy()
        output = model.features.output_layer
        output.kernel.assign(tf.zeros_like(output.kernel))
        output.bias.assign(mean_transform_bias(shape_model, targets))
    steps_per_epoch = max(1, len(shapes) // (config.batch_size * replicas))
    max_steps = config.max_epochs * steps_per_epoch
    validation = validation_batches(
        directory, backbone, max(config.batch_size, 16), held_out,
        config.augmentation if config.augment_validation else None,
    )  # fmt: skip
    logging.info("%d training faces: %d steps an epoch, %d steps", len(shapes),
                 steps_per_epoch, max_steps)  # fmt: skip

    def replica_step(batch):
        with tf.GradientTape() as tape:
            predicted = model(batch["image"], training=True)
            loss = l1_loss(predicted, batch["landmarks"])
            scaled = loss / replicas
        gradients = tape.gradient(scaled, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss, tf.reshape(loss, [1]), {"predicted": predicted}

    @tf.function
    def squared_errors(batch):
        predicted = model(batch["image"], training=False)
        return tf.reduce_sum(tf.square(predicted - batch["landmarks"])), tf.size(predicted)

    recalibration = iter(make_dataset(-1))  # its own stream; built once (decodes the faces)

    def recalibrate(batches: int) -> None:
        if config.batch_norm_batches:
            recalibrate_batch_norm(model.features, recalibration, batches)

    def after_step(step: int) -> dict[str, float]:
        if step % steps_per_epoch:
            return {}
        recalibrate(max(1, config.batch_norm_batches // 20))
        total, count = 0.0, 0
        for batch in validation:
            errors, size = squared_errors(batch)
            total, count = total + float(errors), count + int(size)
        mse = total / max(count, 1)
        if checkpoint.plateau.update(mse, config.lr_patience):
            rate = float(optimizer.learning_rate.numpy()) * config.lr_factor
            optimizer.learning_rate.assign(rate)
            logging.info("epoch %d: validation MSE %.3f, no better for %d epochs: lr -> %g",
                         step // steps_per_epoch, mse, config.lr_patience, rate)  # fmt: skip
        return {"validation/mse": mse}

    return TrainingParts(
        model=model,
        optimizer=optimizer,
        checkpoint=checkpoint,
        replica_step=replica_step,
        make_dataset=make_dataset,
        loss_names=("l1",),
        batch_size=config.batch_size,
        max_steps=max_steps,
        write_images=lambda batch, outputs: tf.summary.image(
            "training/samples", _summary_images(batch, outputs["predicted"])
        ),
        after_step=after_step,
        finish=lambda: recalibrate(config.batch_norm_batches),
    )
