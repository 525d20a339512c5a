"""The checkpoint-watching evaluator every eval script runs, for any registered family.

    eval_<family>.py: its own flags, then evaluator_main(family name, its options)

It waits for the training directory (unless --run_once), rebuilds the model from
model.json (`families.TrainedModel`), converts the test faces once under
<eval_dir>/records with the model's reference shape, and for each new checkpoint
restores its inference weights, scores every face (`ModelFamily.score`) and reports
(TensorBoard, errors-<step>-<key>.json, a console line).
"""

import dataclasses
from collections.abc import Callable, Sequence

import tensorflow as tf
from absl import app, flags
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.flags import define_box_flags
from face_alignment_tf.data.output_dir import make_output_dir
from face_alignment_tf.evaluation.checkpoint_watcher import (
    newest_checkpoint_to_evaluate,
    wait_for_training,
    watch,
)
from face_alignment_tf.evaluation.metrics import NORMALISERS
from face_alignment_tf.evaluation.records import evaluation_key, prepare_evaluation_records
from face_alignment_tf.evaluation.report import report_checkpoint
from face_alignment_tf.families.contract import ScoreSettings
from face_alignment_tf.families.trained_model import TrainedModel

FLAGS = flags.FLAGS


@dataclasses.dataclass(frozen=True)
class EvaluatorSettings:
    """The shared evaluator flags' values."""

    checkpoint_dir: str
    eval_dir: str
    dataset_path: str
    eval_interval_secs: float = 300
    run_once: bool = False
    num_examples: int | None = None
    bbs_dir: str | None = None
    boxes: str = "detector"
    batch_size: int | None = None
    normaliser: str | None = None
    timeout_secs: float | None = None


def define_evaluator_flags(checkpoint_dir: str, eval_dir: str, batch_size: int) -> None:
    """The original eval script's flags (with these defaults), the box flags, --batch_size,
    --normaliser and --timeout_secs."""
    flags.DEFINE_string("checkpoint_dir", checkpoint_dir, "Training directory to watch.")
    flags.DEFINE_string("eval_dir", eval_dir, "Where results and logs go.")
    flags.DEFINE_string("dataset_path", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_float("eval_interval_secs", 300, "Seconds between checks for checkpoints.")
    flags.DEFINE_boolean("run_once", False, "Evaluate the latest checkpoint and exit.")
    flags.DEFINE_integer("num_examples", None, "Evaluate only the first N faces (each once).")
    define_box_flags()
    flags.DEFINE_integer("batch_size", batch_size, "Faces per batch.")
    flags.DEFINE_enum(
        "normaliser", None, NORMALISERS, "NME normaliser (default: the model family's)."
    )
    flags.DEFINE_float("timeout_secs", None, "Stop after this long without a new checkpoint.")


def settings_from_flags() -> EvaluatorSettings:
    names = [field.name for field in dataclasses.fields(EvaluatorSettings)]
    return EvaluatorSettings(**{name: getattr(FLAGS, name) for name in names})


def evaluator_main(
    family: str, define_flags: Callable[[], None], option_flags: Sequence[str] = ()
) -> None:
    """An eval script's `__main__`: the shared and the family's flags, then `run_evaluator`
    under absl, bad input reported as one line (exit code 2). `option_flags` name the
    family's own flags, passed to its `score` as keyword arguments of the same names."""
    define_flags()

    def main(argv: list[str]) -> None:
        del argv
        options = {name: getattr(FLAGS, name) for name in option_flags}
        run_evaluator(settings_from_flags(), family, **options)

    app.run(exit_on_data_error(main))


def run_evaluator(settings: EvaluatorSettings, family: str | None = None, **options) -> int:
    """Reports every new checkpoint of settings.checkpoint_dir (a `family` model when given);
    returns how many were evaluated."""
    if not settings.run_once and not wait_for_training(
        settings.checkpoint_dir, settings.eval_interval_secs, settings.timeout_secs
    ):
        return 0
    trained = TrainedModel(settings.checkpoint_dir, family)
    if settings.run_once:  # before converting the test faces
        newest_checkpoint_to_evaluate(settings.checkpoint_dir)
    eval_dir = make_output_dir(settings.eval_dir, "eval_dir")
    records = prepare_evaluation_records(
        settings.dataset_path, eval_dir, trained.reference_shape, settings.bbs_dir,
        settings.boxes,
    )  # fmt: skip
    writer = tf.summary.create_file_writer(str(eval_dir))
    score_settings = ScoreSettings(settings.normaliser, settings.batch_size, settings.num_examples)
    evaluated = {
        "dataset_path": settings.dataset_path,
        "boxes": settings.boxes,
        "normaliser": settings.normaliser,
        "num_examples": settings.num_examples,
        **options,
    }
    key = evaluation_key(records, evaluated)

    def evaluate(path: str, step: int) -> None:
        errors = trained.restore(path).score(records, score_settings, **options)
        report_checkpoint(writer, eval_dir, path, step, errors, key, evaluated)

    return watch(
        settings.checkpoint_dir,
        str(eval_dir),
        evaluate,
        settings.eval_interval_secs,
        settings.run_once,
        settings.timeout_secs,
        key,
    )
