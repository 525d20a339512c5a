"""What every training run has besides its model: data, time budget, logging, saving, devices."""

import dataclasses

from training.loop import LoopSettings


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
