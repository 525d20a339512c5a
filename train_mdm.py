"""Trains MDM. Restarting with the same --train_dir resumes from its last checkpoint.

    python train_mdm.py --datasets='300w/lfpw/trainset/*.jpg:300w/afw/*.jpg' \
        --train_dir=runs/mdm

The faces are converted once to TFRecords under <train_dir>/records; checkpoints
(model, Adam state, weight EMA), model.json (config + reference shape) and
TensorBoard logs go to --train_dir.
"""

from absl import app, flags

from data.errors import exit_on_data_error
from data.flags import define_box_flags
from data.reference_shape import REFERENCE_ALIGNMENTS
from mdm.trainer import TrainingConfig, train
from training.distribution import STRATEGIES

FLAGS = flags.FLAGS


def define_flags() -> None:
    # The original's flags and defaults.
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_integer("batch_size", 60, "Images per batch.")
    flags.DEFINE_float("initial_learning_rate", 0.001, "Adam learning rate at step 0.")
    flags.DEFINE_float("learning_rate_decay_factor", 0.1, "Staircase decay factor.")
    flags.DEFINE_integer("decay_steps", 15000, "Steps between learning-rate decays.")
    flags.DEFINE_integer("max_steps", 100000, "Total training steps.")
    flags.DEFINE_float("max_seconds", None, "Stop (and checkpoint) after this much training time.")
    flags.DEFINE_string("train_dir", "ckpt/train", "Checkpoints and logs.")
    flags.DEFINE_integer("patch_size", 30, "Patch side in pixels.")
    flags.DEFINE_string(
        "pretrained_model_checkpoint_path", "", "Start from these weights (ignored on resume)."
    )
    # Additions.
    define_box_flags()
    flags.DEFINE_enum(
        "strategy", "default", STRATEGIES,
        "tf.distribute strategy: one device, all local devices, or the TF_CONFIG cluster.",
    )  # fmt: skip
    flags.DEFINE_integer("seed", 0, "Seed of the sampling and augmentation stream.")
    flags.DEFINE_integer("log_every", 10, "Steps between console/TensorBoard logs.")
    flags.DEFINE_integer("image_every", 100, "Steps between TensorBoard sample images.")
    flags.DEFINE_float("save_every_secs", 600, "Seconds between checkpoints.")
    flags.DEFINE_enum(
        "reference_alignment", "none", REFERENCE_ALIGNMENTS,
        "Mean shape: the original plain mean of the training shapes, or their Procrustes mean.",
    )  # fmt: skip


def main(argv: list[str]) -> None:
    del argv
    train(
        TrainingConfig(
            datasets=FLAGS.datasets,
            train_dir=FLAGS.train_dir,
            bbs_dir=FLAGS.bbs_dir,
            boxes=FLAGS.boxes,
            strategy=FLAGS.strategy,
            batch_size=FLAGS.batch_size,
            initial_learning_rate=FLAGS.initial_learning_rate,
            learning_rate_decay_factor=FLAGS.learning_rate_decay_factor,
            decay_steps=FLAGS.decay_steps,
            max_steps=FLAGS.max_steps,
            max_seconds=FLAGS.max_seconds,
            patch_size=FLAGS.patch_size,
            pretrained_model_checkpoint_path=FLAGS.pretrained_model_checkpoint_path or None,
            seed=FLAGS.seed,
            log_every=FLAGS.log_every,
            image_every=FLAGS.image_every,
            save_every_secs=FLAGS.save_every_secs,
            reference_alignment=FLAGS.reference_alignment,
        )
    )


if __name__ == "__main__":
    define_flags()
    app.run(exit_on_data_error(main))
