"""A trained model of any family, rebuilt from its train_dir: model.json + a checkpoint."""

from pathlib import Path

import numpy as np
from face_alignment_tf.artifacts.model_file import checkpoint_to_load, read_model_file
from face_alignment_tf.families.contract import DEFAULT_SCORING, Aligner, ModelFamily, ScoreSettings
from face_alignment_tf.families.registry import get_family


class TrainedModel:
    """The model described by <train_dir>/model.json, built once; `restore` loads a
    checkpoint's inference weights into it (again for each checkpoint an evaluator scores).

    family: the registered family (`expected_family` must match when given);
    description: model.json without "family"; checkpoint_path: the one last restored.
    """

    def __init__(self, train_dir: str | Path, expected_family: str | None = None):
        self.train_dir = Path(train_dir)
        found, description = read_model_file(train_dir, expected_family)
        self.family: ModelFamily = get_family(found)
        self.description = description
        self.model = self.family.build_model(description["config"])
        self._checkpoint = self.family.checkpoint(self.model)
        self.checkpoint_path: str | None = None

    @property
    def reference_shape(self) -> np.ndarray:
        """float32 [68, 2] (y, x): the training set's mean shape, which sets the scale of the
        evaluation records (SPEC A.8)."""
        return np.asarray(self.description["reference_shape"], np.float32)

    def restore(self, checkpoint: str | None = None) -> "TrainedModel":
        """Loads `checkpoint` (default: the latest of train_dir); every weight of the model
        must be in it."""
        path = checkpoint_to_load(self.train_dir, checkpoint)
        self._checkpoint.restore(path).assert_existing_objects_matched().expect_partial()
        self.family.use_inference_weights(self._checkpoint)
        self.checkpoint_path = path
        return self

    def score(
        self, records: Path, settings: ScoreSettings = DEFAULT_SCORING, **options
    ) -> dict[str, float]:
        """{image path: error} on converted evaluation records (`ModelFamily.score`)."""
        return self.family.score(self.model, self.description, records, settings, **options)

    def aligner(self, **options) -> Aligner:
        return self.family.aligner(self.model, self.description, self.checkpoint_path, **options)

    @property
    def display_name(self) -> str:
        return self.family.display_name(self.description)


def load_trained_model(
    train_dir: str | Path, checkpoint: str | None = None, expected_family: str | None = None
) -> TrainedModel:
    """The model of any family's train_dir with `checkpoint`'s (default: the latest)
    inference weights."""
    return TrainedModel(train_dir, expected_family).restore(checkpoint)


def load_aligner(train_dir: str | Path, checkpoint: str | None = None, **options) -> Aligner:
    """The whole-image aligner of any family's train_dir (latest checkpoint by default)."""
    return load_trained_model(train_dir, checkpoint).aligner(**options)
