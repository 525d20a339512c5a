"""Evaluates MDM checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_mdm.py --checkpoint_dir=runs/mdm --eval_dir=runs/mdm/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Uses the EMA (averaged) weights and mirrored averaging, like the original;
reports mean NME (inter-ocular), failure rate and AUC at 0.08 and a CED plot
to TensorBoard (--eval_dir), and writes errors-<step>.json per checkpoint.
"""

from pathlib import Path

import tensorflow as tf
from absl import app, flags

from data.flags import define_box_flags
from data.landmarks import MIRROR_RULES
from data.pipeline import evaluation_dataset
from evaluation.checkpoint_watcher import watch
from evaluation.records import prepare_evaluation_records
from evaluation.report import report_checkpoint
from mdm.evaluator import evaluate_batches
from mdm.moving_average import ExponentialMovingAverage
from mdm.training_files import load_model_description

FLAGS = flags.FLAGS


def define_flags() -> None:
    # The original's flags.
    flags.DEFINE_string("checkpoint_dir", "ckpt/train", "Training directory to watch.")
    flags.DEFINE_string("eval_dir", "ckpt/eval", "Where results and logs go.")
    flags.DEFINE_string("dataset_path", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_integer("eval_interval_secs", 300, "Seconds between checks for checkpoints.")
    flags.DEFINE_boolean("run_once", False, "Evaluate the latest checkpoint and exit.")
    flags.DEFINE_integer("num_examples", None, "Evaluate only the first N faces (each once).")
    # Additions.
    define_box_flags()
    flags.DEFINE_integer("batch_size", 60, "Faces per batch.")
    flags.DEFINE_boolean("mirrored_averaging", True, "Average with the mirrored prediction.")
    flags.DEFINE_enum(
        "mirror_rule", "corrected", MIRROR_RULES, "x -> W-1-x, or the original |W-x|."
    )
    flags.DEFINE_float("timeout_secs", None, "Stop after this long without a new checkpoint.")


def main(argv: list[str]) -> None:
    del argv
    eval_dir = Path(FLAGS.eval_dir)
    eval_dir.mkdir(parents=True, exist_ok=True)
    model, reference_shape = load_model_description(FLAGS.checkpoint_dir)
    model.build()
    ema = ExponentialMovingAverage(model.trainable_variables)
    checkpoint = tf.train.Checkpoint(model=model, ema=ema)
    records = prepare_evaluation_records(
        FLAGS.dataset_path, eval_dir, reference_shape, FLAGS.bbs_dir, FLAGS.boxes
    )
    dataset = evaluation_dataset(
        str(records), FLAGS.batch_size, FLAGS.mirrored_averaging, FLAGS.mirror_rule
    )
    writer = tf.summary.create_file_writer(str(eval_dir))

    def evaluate(path: str, step: int) -> None:
        checkpoint.restore(path).expect_partial()
        with ema.averaged_weights(model.trainable_variables):
            per_image = evaluate_batches(
                model, dataset, FLAGS.mirrored_averaging, FLAGS.mirror_rule, FLAGS.num_examples
            )
        report_checkpoint(writer, eval_dir, path, step, per_image)

    watch(
        FLAGS.checkpoint_dir,
        str(eval_dir),
        evaluate,
        FLAGS.eval_interval_secs,
        FLAGS.run_once,
        FLAGS.timeout_secs,
    )


if __name__ == "__main__":
    define_flags()
    app.run(main)
