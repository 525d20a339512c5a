"""The evaluator's settings, declared once (`config.settings`): the shared ones here, each
family's own (its directories, batch and options) in a subclass, the family's
`evaluation_config_class`. The fields a subclass adds are its `score` options."""

import dataclasses

from face_alignment_tf.config.run_config import BoxSettings
from face_alignment_tf.config.settings import require_at_least, require_declared_choices, setting
from face_alignment_tf.evaluation.metrics import NORMALISERS


@dataclasses.dataclass(frozen=True, kw_only=True)
class EvaluatorSettings(BoxSettings):
    """The original eval scripts' settings, the box settings, the batch, the normaliser and a
    timeout; a family's subclass gives the directories and the batch their defaults."""

    checkpoint_dir: str = setting(help="Training directory to watch.")
    eval_dir: str = setting(help="Where results and logs go.")
    dataset_path: str = setting(help="Colon-separated test image globs.")
    eval_interval_secs: float = setting(300.0, "Seconds between checks for checkpoints.")
    run_once: bool = setting(False, "Evaluate the latest checkpoint and exit.")
    num_examples: int | None = setting(None, "Evaluate only the first N faces (each once).")
    batch_size: int | None = setting(None, "Faces per batch.")
    normaliser: str | None = setting(
        None, "NME normaliser (default: the model family's).", NORMALISERS
    )
    timeout_secs: float | None = setting(None, "Stop after this long without a new checkpoint.")

    def __post_init__(self):
        require_declared_choices(self)
        require_at_least(self, 1, "num_examples", "batch_size")

    def options(self) -> dict:
        """The family's own settings (the fields a subclass adds), as `score` options."""
        shared = {field.name for field in dataclasses.fields(EvaluatorSettings)}
        return {
            field.name: getattr(self, field.name)
            for field in dataclasses.fields(self)
            if field.name not in shared
        }
