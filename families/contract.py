"""The family contract: what every model family provides to the shared trainer, evaluator,
loader, aligners, bench and tests.

A family is one folder (mdm/, hourglass/, ...) with a `family.py` whose `FAMILY` object
subclasses `ModelFamily`, one line in `families.registry`, and its two scripts
(`train_<name>.py`, `eval_<name>.py`). Nothing outside the folder branches on its name.

A trained model lives in a train_dir: model.json (`{"family": name, "config": {...},
"reference_shape": [[y, x] * 68], ...}`: whatever `describe` wrote) and checkpoints of
the object `checkpoint` makes. Landmarks are (y, x) pixels everywhere.
"""

import abc
import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import keras
import numpy as np
import tensorflow as tf

from face_alignment_tf.artifacts.model_weights import model_weights
from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.runtimes.formats import ExportablePipeline

if TYPE_CHECKING:  # the training loop's types only: using a model does not import training
    from face_alignment_tf.training.loop import ReplicaStep, SummaryWriter


class Aligner(Protocol):
    """Whole images + face boxes -> landmarks."""

    def predict(self, images: Sequence[np.ndarray], boxes) -> np.ndarray:
        """images: N arrays [H, W] or [H, W, 1|3|4], values as `data.images` reads them;
        boxes: [N, 4, 2] (y, x) corners, checked by `data.boxes.checked_batch` (DataError for
        a box with no area, non-finite or off its image). Returns float32 [N, 68, 2] (y, x)
        image pixels; [0, 68, 2] for an empty batch."""


@dataclasses.dataclass(frozen=True)
class TrainingParts:
    """One run's family-specific pieces for `drivers.train.train` (made in the
    strategy's scope). `batch_size` is per replica; `replica_step` as in `training.loop`."""

    model: keras.Model
    optimizer: keras.optimizers.Optimizer
    checkpoint: tf.train.Checkpoint
    replica_step: "ReplicaStep"
    make_dataset: Callable[[int], tf.data.Dataset]
    loss_names: Sequence[str]
    batch_size: int
    max_steps: int
    write_images: "SummaryWriter | None" = None
    write_summaries: "SummaryWriter | None" = None
    finish: Callable[[], None] | None = None  # after the last step, before the last save
    # After every update: scalars to log at that step (`training.loop.run_training_loop`).
    after_step: Callable[[int], dict[str, float]] | None = None
    before_save: Callable[[], None] | None = None  # before every periodic checkpoint


@dataclasses.dataclass(frozen=True)
class ExportableNetwork:
    """A network as exported: its input shape without the batch, and what its input and
    output hold (written beside the exported files)."""

    network: keras.Model
    input_shape: tuple[int, ...]
    description: str


# Where a family's evaluator may crop a face from: its box (the result), or its ground truth
# (the original code's test crop of some families: an oracle, an upper bound).
EVALUATION_CROPS = ("box", "oracle")


def check_evaluation_crop(crop: str) -> None:
    if crop not in EVALUATION_CROPS:
        raise ValueError(f"crop must be one of {EVALUATION_CROPS}, got {crop!r}")


@dataclasses.dataclass(frozen=True)
class ScoreSettings:
    """How every family scores: the NME normaliser (None: the family's default, e.g. MDM's
    inter-ocular, a 2D heatmap network's eye-centre distance), faces per batch (None: the
    family's default) and the first `num_examples` faces only (None: all)."""

    normaliser: str | None = None
    batch_size: int | None = None
    num_examples: int | None = None


DEFAULT_SCORING = ScoreSettings()


class ModelFamily(abc.ABC):
    """What a model family provides. Subclasses set the class attributes and fill the
    abstract methods; the rest has defaults that fit most families."""

    name: str  # model.json's "family", the folder, the scripts' suffix
    config_class: type[RunConfig]  # the training config; its defaults are the original's
    # The evaluator's settings: EvaluatorSettings with the family's directories, batch and
    # own options (its eval script's flags; the added fields go to `score`).
    evaluation_config_class: type[EvaluatorSettings]
    # The smallest configuration that still runs every piece (tests and demos):
    # RunConfig fields and model settings, given to `config_class`.
    smoke_settings: dict = {}
    # The aligner's `runtime` options, the default first (bench times each); () for a
    # family with one runtime.
    runtimes: tuple[str, ...] = ()

    @abc.abstractmethod
    def build_model(self, config: dict) -> keras.Model:
        """The model of model.json's "config", its weights created."""

    @abc.abstractmethod
    def describe(self, model: keras.Model, config: RunConfig, metadata: dict) -> dict:
        """model.json's content (without "family") for a model trained with `config` on
        records with `metadata`: {"config": constructor arguments, "reference_shape", ...}."""

    def checkpoint(
        self, model: keras.Model, optimizer: keras.optimizers.Optimizer | None = None
    ) -> tf.train.Checkpoint:
        """THE checkpoint object of the family's models, for trainer, loader, evaluator, bench
        and tests alike: every weight keyed by its path in the model
        (`artifacts.model_weights`), the family's `extra_state`, and the optimiser when
        training."""
        state = self.extra_state(model) | ({"optimizer": optimizer} if optimizer else {})
        return tf.train.Checkpoint(weights=model_weights(model), **state)

    def extra_state(self, model: keras.Model) -> dict[str, tf.Module]:
        """State checkpointed beside the weights (default none; MDM: its weight average,
        keyed by weight path too), reachable as attributes of the checkpoint object."""
        del model
        return {}

    def use_inference_weights(self, checkpoint: tf.train.Checkpoint) -> None:
        """After a restore: put the weights the family evaluates with into the model
        (default: those saved; MDM: its moving average)."""
        del checkpoint

    @abc.abstractmethod
    def training_parts(
        self, config: RunConfig, records: Path, metadata: dict, replicas: int
    ) -> TrainingParts:
        """Model, optimiser, checkpoint (from `checkpoint`), replica step, data and summaries
        of one run on the converted training `records`."""

    @abc.abstractmethod
    def score(
        self,
        model: keras.Model,
        description: dict,
        records: Path,
        settings: ScoreSettings = DEFAULT_SCORING,
        **options,
    ) -> dict[str, float]:
        """{image path: normalised error} of each face of the converted evaluation `records`
        (once each); options: the family's own evaluation settings (its eval flags)."""

    @abc.abstractmethod
    def aligner(
        self, model: keras.Model, description: dict, checkpoint: str | None = None, **options
    ) -> Aligner:
        """The whole-image aligner of a model; `checkpoint`: the path its weights came from
        (a family may keep converted runtimes beside it)."""

    def write_runtimes(
        self, model: keras.Model, checkpoint: str, quantization_records: Path | None = None
    ) -> list[Path]:
        """Converts the runtimes the family's aligner loads beside `checkpoint` (a shipped
        model carries them); returns the files written (default none). With converted
        training records a family may write integer runtimes calibrated on them where that
        costs no accuracy (none by default)."""
        del model, checkpoint, quantization_records
        return []

    def exportable_networks(self, model: keras.Model) -> dict[str, "ExportableNetwork"]:
        """The networks `face-align export` writes, by file stem (default none: the family
        cannot be exported); the crops and decoding around them stay the family's."""
        del model
        return {}

    def exportable_pipelines(self, model: keras.Model) -> dict[str, ExportablePipeline]:
        """The self-contained graphs `face-align export` writes beside the networks (image
        in, landmarks out), by file stem; default none."""
        del model
        return {}

    @abc.abstractmethod
    def display_name(self, description: dict) -> str:
        """The model's name in tables, e.g. 'MDM (patch 30)', 'Hourglass2(d=3)-CAB'."""

    @abc.abstractmethod
    def throughput_flags(self, num_faces: int, steps: int) -> list[str]:
        """Flags of `train_<name>.py` for a training-throughput run of at least `steps`
        steps at the original's batch on `num_faces` faces; one of them is
        `--<batch flag>=<n>` (bench.speed reads the batch from it)."""

    def score_batch_size(self, settings: ScoreSettings) -> int:
        """Faces per scoring batch: the settings', else the family's evaluator default."""
        return settings.batch_size or self.evaluation_config_class.batch_size

    @property
    def train_script(self) -> str:
        return f"train_{self.name}.py"

    @property
    def eval_script(self) -> str:
        return f"eval_{self.name}.py"
