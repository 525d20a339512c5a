"""Evaluates heatmap-network checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_hourglass.py --checkpoint_dir=runs/hg2-d3-cab --eval_dir=runs/hg2-d3-cab/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

The same watcher and reports as eval_mdm.py: mean / median NME, failure rate
and AUC at 0.08 and a CED plot in TensorBoard (--eval_dir), errors-<step>.json
per checkpoint. The NME normaliser defaults to the landmark type's (2D:
eye-centre distance as SDU; 3D: sqrt of the ground-truth box area); pass
--normaliser=inter_ocular for the 300-W standard. Crops come from the detector
boxes; --crop=oracle uses SDU's crop from the ground truth (an oracle: it
knows the answer's position, scale and roll).
"""

from pathlib import Path

import tensorflow as tf
from absl import app, flags

from data.flags import define_box_flags
from evaluation.checkpoint_watcher import watch
from evaluation.metrics import NORMALISERS
from evaluation.records import prepare_evaluation_records
from evaluation.report import report_checkpoint
from hourglass.evaluator import DECODERS, evaluate_batches
from hourglass.pipeline import CROPS, evaluation_dataset
from hourglass.presets import LANDMARK_NORMALISERS
from hourglass.training_files import load_model_description
from training.model_weights import model_weights

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_string("checkpoint_dir", "ckpt/hourglass", "Training directory to watch.")
    flags.DEFINE_string("eval_dir", "ckpt/hourglass_eval", "Where results and logs go.")
    flags.DEFINE_string("dataset_path", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_integer("eval_interval_secs", 300, "Seconds between checks for checkpoints.")
    flags.DEFINE_boolean("run_once", False, "Evaluate the latest checkpoint and exit.")
    flags.DEFINE_integer("num_examples", None, "Evaluate only the first N faces (each once).")
    define_box_flags()
    flags.DEFINE_integer("batch_size", 32, "Faces per batch.")
    flags.DEFINE_enum(
        "normaliser", None, NORMALISERS, "NME normaliser (default: by the model's landmark type)."
    )
    flags.DEFINE_enum("decoder", "argmax", list(DECODERS), "Heatmap decoder (argmax: SDU's).")
    flags.DEFINE_enum(
        "crop", "box", CROPS, "box: from the detector box; oracle: SDU's ground-truth crop."
    )
    flags.DEFINE_float("timeout_secs", None, "Stop after this long without a new checkpoint.")


def main(argv: list[str]) -> None:
    del argv
    eval_dir = Path(FLAGS.eval_dir)
    eval_dir.mkdir(parents=True, exist_ok=True)
    model, landmark_type, reference_shape = load_model_description(FLAGS.checkpoint_dir)
    normaliser = FLAGS.normaliser or LANDMARK_NORMALISERS[landmark_type]
    checkpoint = tf.train.Checkpoint(weights=model_weights(model))
    records = prepare_evaluation_records(
        FLAGS.dataset_path, eval_dir, reference_shape, FLAGS.bbs_dir, FLAGS.boxes
    )
    dataset = evaluation_dataset(str(records), FLAGS.batch_size, FLAGS.crop, landmark_type)
    writer = tf.summary.create_file_writer(str(eval_dir))

    def evaluate(path: str, step: int) -> None:
        checkpoint.restore(path).expect_partial()
        per_image = evaluate_batches(model, dataset, normaliser, FLAGS.decoder, FLAGS.num_examples)
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
