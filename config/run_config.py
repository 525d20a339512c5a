"""What every training run has besides its model: data, time budget, logging, saving, devices."""

import dataclasses

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.training.loop import LoopSettings


def flag_error(name: str, value, problem: str) -> DataError:
    """A bad setting, reported as `error: --<name>=<value>: <problem>` by the scripts."""
    return DataError(f"--{name}={value}", problem)


def require_at_least(config, minimum: float, *names: str) -> None:
    """flag_error unless every named field (None: unset, allowed) is at least `minimum`."""
    for name in names:
        value = getattr(config, name)
        if value is not None and not value >= minimum:
            raise flag_error(name, value, f"must be at least {minimum}")


def require_positive(config, *names: str) -> None:
    """flag_error unless every named field (None: unset, allowed) is above 0."""
    for name in names:
        value = getattr(config, name)
        if value is not None and not value > 0:
            raise flag_error(name, value, "must be above 0")


def require_choice(config, name: str, choices) -> None:
    value = getattr(config, name)
    if value not in choices:
        raise flag_error(name, value, f"must be one of {', '.join(map(str, choices))}")


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """The fields every family's training config shares (each family's config extends it)."""

    datasets: str
    train_dir: str
    bbs_dir: str | None = None
    boxes: str = "detector"
    # How the records' reference shape is built (data.reference_shape.REFERENCE_ALIGNMENTS).
    reference_alignment: str = "none"
    max_seconds: float | None = None
    seed: int = 0
    log_every: int = 10
    image_every: int = 100
    save_every_secs: float = 600.0
    max_checkpoints: int = 3
    strategy: str = "default"

    def __post_init__(self):
        """Settings checked before any work (subclasses extend this, calling it first)."""
        if not self.datasets or not self.datasets.strip(":"):
            raise flag_error("datasets", self.datasets, "no dataset globs given")
        if not self.train_dir:
            raise flag_error("train_dir", self.train_dir, "a training directory is required")
        require_positive(self, "max_seconds")
        require_at_least(self, 0, "save_every_secs")
        require_at_least(self, 1, "log_every", "image_every", "max_checkpoints")

    def loop_settings(self, batch_size: int, max_steps: int) -> LoopSettings:
        """Settings of the shared loop; batch_size counts all replicas."""
        return LoopSettings(
            train_dir=self.train_dir,
            batch_size=batch_size,
            max_steps=max_steps,
            max_seconds=self.max_seconds,
            log_every=self.log_every,
            image_every=self.image_every,
            save_every_secs=self.save_every_secs,
            max_checkpoints=self.max_checkpoints,
        )
