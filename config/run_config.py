"""What every training run has besides its model (data, time budget, logging, saving,
devices), and where any script's faces take their boxes from; declared once
(`config.settings`), the flags made from the declarations."""

import dataclasses

from face_alignment_tf.config.settings import (
    flag_error,
    require_at_least,
    require_declared_choices,
    require_positive,
    setting,
)
from face_alignment_tf.data.discovery import BOX_SOURCES
from face_alignment_tf.data.reference_shape import REFERENCE_ALIGNMENTS

# tf.distribute strategies (`training.distribution.make_strategy`).
STRATEGIES = ("default", "mirrored", "multi_worker")


@dataclasses.dataclass(frozen=True, kw_only=True)
class BoxSettings:
    """Where faces' boxes come from (every script that reads faces)."""

    bbs_dir: str | None = setting(None, "Detector boxes root (default: nearest bbs/ above images).")
    boxes: str = setting(
        "detector",
        "detector: the box files under bbs/; landmarks: the ground truth's bounding box (for "
        "sets without detector boxes such as AFLW2000-3D; an oracle at test time).",
        BOX_SOURCES,
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunConfig(BoxSettings):
    """The settings every family's training config shares (each family's config extends it
    and gives train_dir its default)."""

    datasets: str = setting(help="Colon-separated image globs.")
    train_dir: str = setting(help="Checkpoints and logs.")
    reference_alignment: str = setting(
        "none",
        "Mean shape of the records: the original plain mean of the training shapes, or their "
        "Procrustes mean.",
        REFERENCE_ALIGNMENTS,
    )
    max_seconds: float | None = setting(None, "Stop (and checkpoint) after this much training.")
    seed: int = setting(0, "Seed of the sampling and augmentation stream.")
    log_every: int = setting(10, "Steps between console/TensorBoard logs.")
    image_every: int = setting(100, "Steps between TensorBoard sample images.")
    save_every_secs: float = setting(600.0, "Seconds between checkpoints.")
    max_checkpoints: int = setting(3, "Checkpoints kept (the newest).")
    strategy: str = setting(
        "default",
        "tf.distribute strategy: one device, all local devices, or the TF_CONFIG cluster.",
        STRATEGIES,
    )

    def __post_init__(self):
        """Settings checked before any work (subclasses extend this, calling it first)."""
        if not self.datasets or not self.datasets.strip(":"):
            raise flag_error("datasets", self.datasets, "no dataset globs given")
        if not self.train_dir:
            raise flag_error("train_dir", self.train_dir, "a training directory is required")
        require_declared_choices(self)
        require_positive(self, "max_seconds")
        require_at_least(self, 0, "save_every_secs")
        require_at_least(self, 1, "log_every", "image_every", "max_checkpoints")
