"""The checkpoint-watching evaluator every eval script runs, for any registered family.

    eval_<family>.py: evaluator_main(FAMILY), flags from FAMILY.evaluation_config_class

It waits for the training directory (unless --run_once), rebuilds the model from
model.json (`families.TrainedModel`), converts the test faces once under
<eval_dir>/records with the model's reference shape, and for each new checkpoint
restores its inference weights, scores every face (`ModelFamily.score`) and reports
(TensorBoard, errors-<step>-<key>.json, a console line).
"""

import tensorflow as tf
from absl import app

from face_alignment_tf.config.settings import config_from_flags, define_flags_of
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.output_dir import make_output_dir
from face_alignment_tf.evaluation.checkpoint_watcher import (
    newest_checkpoint_to_evaluate,
    wait_for_training,
    watch,
)
from face_alignment_tf.evaluation.records import evaluation_key, prepare_evaluation_records
from face_alignment_tf.evaluation.report import report_checkpoint
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families.contract import ModelFamily, ScoreSettings
from face_alignment_tf.families.registry import open_trained_model


def evaluator_main(family: ModelFamily) -> None:
    """An eval script's `__main__`: the flags of the family's `evaluation_config_class`, then
    `run_evaluator` under absl, bad input reported as one line (exit code 2)."""
    settings_class = family.evaluation_config_class
    define_flags_of(settings_class)
    app.run(
        exit_on_data_error(
            lambda argv: run_evaluator(config_from_flags(settings_class), family.name)
        )
    )


def run_evaluator(settings: EvaluatorSettings, family: str | None = None) -> int:
    """Reports every new checkpoint of settings.checkpoint_dir (a `family` model when given)
    and returns how many were evaluated; the settings' `options()` (a family's own settings)
    go to the family's `score`."""
    options = settings.options()
    if not settings.run_once and not wait_for_training(
        settings.checkpoint_dir, settings.eval_interval_secs, settings.timeout_secs
    ):
        return 0
    trained = open_trained_model(settings.checkpoint_dir, family)
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
