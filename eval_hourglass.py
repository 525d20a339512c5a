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
from absl import flags

from evaluation.evaluator_script import define_evaluator_flags, evaluator_main
from evaluation.metrics import NORMALISERS
from evaluation.records import prepare_evaluation_records
from hourglass.evaluator import DECODERS, evaluate_batches
from hourglass.pipeline import CROPS, evaluation_dataset
from hourglass.presets import LANDMARK_NORMALISERS
from hourglass.training_files import load_model_description
from training.model_weights import model_weights

FLAGS = flags.FLAGS


def define_flags() -> None:
    define_evaluator_flags("ckpt/hourglass", "ckpt/hourglass_eval", batch_size=32)
    flags.DEFINE_enum(
        "normaliser", None, NORMALISERS, "NME normaliser (default: by the model's landmark type)."
    )
    flags.DEFINE_enum("decoder", "argmax", list(DECODERS), "Heatmap decoder (argmax: SDU's).")
    flags.DEFINE_enum(
        "crop", "box", CROPS, "box: from the detector box; oracle: SDU's ground-truth crop."
    )


def setup(eval_dir: Path):
    model, landmark_type, reference_shape = load_model_description(FLAGS.checkpoint_dir)
    normaliser = FLAGS.normaliser or LANDMARK_NORMALISERS[landmark_type]
    checkpoint = tf.train.Checkpoint(weights=model_weights(model))
    records = prepare_evaluation_records(
        FLAGS.dataset_path, eval_dir, reference_shape, FLAGS.bbs_dir, FLAGS.boxes
    )
    dataset = evaluation_dataset(str(records), FLAGS.batch_size, FLAGS.crop, landmark_type)

    def score(path: str) -> dict[str, float]:
        checkpoint.restore(path).expect_partial()
        return evaluate_batches(model, dataset, normaliser, FLAGS.decoder, FLAGS.num_examples)

    return score


if __name__ == "__main__":
    evaluator_main(define_flags, setup)
