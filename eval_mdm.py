"""Evaluates MDM checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_mdm.py --checkpoint_dir=runs/mdm --eval_dir=runs/mdm/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Uses the EMA (averaged) weights and mirrored averaging, like the original;
reports mean NME (inter-ocular unless --normaliser), failure rate and AUC at 0.08
and a CED plot to TensorBoard (--eval_dir), and writes errors-<step>-<key>.json per
checkpoint. Started before the trainer, it waits for the training directory.
"""

from absl import flags
from face_alignment_tf.data.landmarks import MIRROR_RULES
from face_alignment_tf.drivers.evaluate import define_evaluator_flags, evaluator_main


def define_flags() -> None:
    define_evaluator_flags("ckpt/train", "ckpt/eval", batch_size=60)
    flags.DEFINE_boolean("mirrored_averaging", True, "Average with the mirrored prediction.")
    flags.DEFINE_enum(
        "mirror_rule", "corrected", MIRROR_RULES, "x -> W-1-x, or the original |W-x|."
    )


if __name__ == "__main__":
    evaluator_main("mdm", define_flags, ("mirrored_averaging", "mirror_rule"))
