"""Evaluates hourglass / SAT checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_hourglass.py --checkpoint_dir=runs/hg2-d3-cab --eval_dir=runs/hg2-d3-cab/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

The same watcher and reports as eval_mdm.py: mean / median NME, failure rate
and AUC at 0.08 and a CED plot in TensorBoard (--eval_dir), errors-<step>-<key>.json
per checkpoint. The NME normaliser defaults to the landmark type's (2D:
eye-centre distance as SDU; 3D: sqrt of the ground-truth box area); pass
--normaliser=inter_ocular for the 300-W standard. Crops come from the detector
boxes; --crop=oracle uses SDU's crop from the ground truth (an oracle: it
knows the answer's position, scale and roll).
"""

from face_alignment_tf.drivers.evaluate import evaluator_main
from face_alignment_tf.hourglass.family import FAMILY

if __name__ == "__main__":
    evaluator_main(FAMILY)
