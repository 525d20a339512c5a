"""Evaluates MDM checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_mdm.py --checkpoint_dir=runs/mdm --eval_dir=runs/mdm/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Uses the EMA (averaged) weights and mirrored averaging, like the original;
reports mean NME (inter-ocular), failure rate and AUC at 0.08 and a CED plot
to TensorBoard (--eval_dir), and writes errors-<step>.json per checkpoint.
Started before the trainer, it waits for the training directory.
"""

from pathlib import Path

import tensorflow as tf
from absl import flags

from data.landmarks import MIRROR_RULES
from data.pipeline import evaluation_dataset
from evaluation.evaluator_script import define_evaluator_flags, evaluator_main
from evaluation.records import prepare_evaluation_records
from mdm.evaluator import evaluate_batches
from mdm.moving_average import ExponentialMovingAverage
from mdm.training_files import load_model_description

FLAGS = flags.FLAGS


def define_flags() -> None:
    define_evaluator_flags("ckpt/train", "ckpt/eval", batch_size=60)
    flags.DEFINE_boolean("mirrored_averaging", True, "Average with the mirrored prediction.")
    flags.DEFINE_enum(
        "mirror_rule", "corrected", MIRROR_RULES, "x -> W-1-x, or the original |W-x|."
    )


def setup(eval_dir: Path):
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

    def score(path: str) -> dict[str, float]:
        checkpoint.restore(path).expect_partial()
        with ema.averaged_weights(model.trainable_variables):
            return evaluate_batches(
                model, dataset, FLAGS.mirrored_averaging, FLAGS.mirror_rule, FLAGS.num_examples
            )

    return score


if __name__ == "__main__":
    evaluator_main(define_flags, setup)
