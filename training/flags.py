"""The absl flags both train scripts share, and their values as RunConfig fields."""

from absl import flags

from data.flags import define_box_flags
from training.distribution import STRATEGIES

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


def run_flag_values() -> dict:
    """The flags of `define_run_flags` as RunConfig keyword arguments."""
    names = ("bbs_dir", "boxes", "max_seconds", "seed", "log_every", "image_every",
             "save_every_secs", "strategy")  # fmt: skip
    return {name: getattr(FLAGS, name) for name in names}
