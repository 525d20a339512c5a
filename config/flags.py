"""The absl flags every train script shares, and a training config from the flags' values."""

import dataclasses

from absl import flags
from face_alignment_tf.data.flags import define_box_flags
from face_alignment_tf.training.distribution import STRATEGIES

FLAGS = flags.FLAGS


def define_run_flags(seed: int) -> None:
    """--bbs_dir --boxes --max_seconds --seed --log_every --image_every --save_every_secs
    --strategy."""
    define_box_flags()
    flags.DEFINE_float("max_seconds", None, "Stop (and checkpoint) after this much training time.")
    flags.DEFINE_integer("seed", seed, "Seed of the sampling and augmentation stream.")
    flags.DEFINE_integer("log_every", 10, "Steps between console/TensorBoard logs.")
    flags.DEFINE_integer("image_every", 100, "Steps between TensorBoard sample images.")
    flags.DEFINE_float("save_every_secs", 600, "Seconds between checkpoints.")
    flags.DEFINE_enum(
        "strategy", "default", STRATEGIES,
        "tf.distribute strategy: one device, all local devices, or the TF_CONFIG cluster.",
    )  # fmt: skip


def config_from_flags(config_class: type):
    """A training config (dataclass) whose fields take the values of the flags of the same
    names (--datasets, --train_dir, the run flags, the family's own); the other fields keep
    their defaults."""
    names = [field.name for field in dataclasses.fields(config_class) if field.name in FLAGS]
    return config_class(**{name: getattr(FLAGS, name) for name in names})
