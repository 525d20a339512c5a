"""Evaluates MDM checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_mdm.py --checkpoint_dir=runs/mdm --eval_dir=runs/mdm/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Uses the EMA (averaged) weights and mirrored averaging, like the original;
reports mean NME (inter-ocular unless --normaliser), failure rate and AUC at 0.08
and a CED plot to TensorBoard (--eval_dir), and writes errors-<step>-<key>.json per
checkpoint. Started before the trainer, it waits for the training directory.
"""

from face_alignment_tf.drivers.evaluate import evaluator_main
from face_alignment_tf.mdm.family import FAMILY

if __name__ == "__main__":
    evaluator_main(FAMILY)
