"""Evaluates MDM checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_mdm.py --checkpoint_dir=runs/mdm --eval_dir=runs/mdm/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Uses the EMA (averaged) weights and mirrored averaging, like the original;
reports mean NME (inter-ocular), failure rate and AUC at 0.08 and a CED plot
to TensorBoard (--eval_dir), and writes errors-<step>.json per checkpoint.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf
from absl import app, flags, logging

from data.convert import convert
from data.landmarks import MIRROR_RULES
from data.pipeline import evaluation_dataset
from data.tfrecords import read_metadata
from evaluation.checkpoint_watcher import results_path, watch
from evaluation.report import summarise, write_json, write_tensorboard
from mdm.evaluator import error_array, evaluate_batches
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
    flags.DEFINE_string(
        "bbs_dir", None, "Detector boxes root (default: nearest bbs/ above images)."
    )
    flags.DEFINE_integer("batch_size", 60, "Faces per batch.")
    flags.DEFINE_boolean("mirrored_averaging", True, "Average with the mirrored prediction.")
    flags.DEFINE_enum(
        "mirror_rule", "corrected", MIRROR_RULES, "x -> W-1-x, or the original |W-x|."
    )
    flags.DEFINE_float("timeout_secs", None, "Stop after this long without a new checkpoint.")


def prepare_records(dataset_path: str, eval_dir: Path, reference_shape, bbs_dir) -> Path:
    """Converts the test faces once per (datasets, reference shape)."""
    records = eval_dir / "records"
    try:
        metadata = read_metadata(records)
        if metadata["datasets"] == dataset_path and np.allclose(
            metadata["reference_shape"], reference_shape
        ):
            return records
    except FileNotFoundError:
        pass
    convert(dataset_path, records, "eval", bbs_dir, reference_shape)
    return records


def main(argv: list[str]) -> None:
    del argv
    eval_dir = Path(FLAGS.eval_dir)
    eval_dir.mkdir(parents=True, exist_ok=True)
    model, reference_shape = load_model_description(FLAGS.checkpoint_dir)
    model.build()
    ema = ExponentialMovingAverage(model.trainable_variables)
    checkpoint = tf.train.Checkpoint(model=model, ema=ema)
    records = prepare_records(FLAGS.dataset_path, eval_dir, reference_shape, FLAGS.bbs_dir)
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
        errors = error_array(per_image)
        summary = summarise(errors)
        write_tensorboard(writer, step, summary, errors)
        write_json(results_path(eval_dir, step), path, step, summary, per_image)
        logging.info(
            "%s: %d faces, mean NME %.4f, failure rate %.2f%%, AUC@0.08 %.4f",
            path,
            summary["num_images"],
            summary["mean_nme"],
            100 * summary["failure_rate_0.08"],
            summary["auc_0.08"],
        )
        print(f"step {step}: " + ", ".join(f"{k} {v:.4f}" for k, v in summary.items()), flush=True)

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
