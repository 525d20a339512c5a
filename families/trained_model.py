"""A trained model of a family, rebuilt from its train_dir: model.json + a checkpoint.

It takes the family itself (a family's own code loads its models without the registry);
`families.registry.open_trained_model` finds the family from model.json."""

from pathlib import Path

import numpy as np

from face_alignment_tf.artifacts.model_file import checkpoint_to_load, read_model_file
from face_alignment_tf.families.contract import DEFAULT_SCORING, Aligner, ModelFamily, ScoreSettings


class TrainedModel:
    """The model described by <train_dir>/model.json, built once; `restore` loads a
    checkpoint's inference weights into it (again for each checkpoint an evaluator scores).

    family: the family that model.json must name; description: model.json without
    "family"; checkpoint_path: the one last restored.
    """

    def __init__(self, train_dir: str | Path, family: ModelFamily):
        self.train_dir = Path(train_dir)
        _, self.description = read_model_file(train_dir, family.name)
        self.family = family
        description = self.description
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
