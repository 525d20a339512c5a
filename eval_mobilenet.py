"""Evaluates MobileNetV2 checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_mobilenet.py --checkpoint_dir=runs/mobilenet-stage2 \
        --eval_dir=runs/mobilenet-stage2/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

A stage-2 train_dir evaluates the whole cascade (stage 1 on the face box, stage 2 on the
box of stage 1's points). The same watcher and reports as the other evaluators; NME
inter-ocular unless --normaliser (eye_centre: SDU's and the loss's distance).
"""

from face_alignment_tf.drivers.evaluate import evaluator_main
from face_alignment_tf.mobilenet.family import FAMILY

if __name__ == "__main__":
    evaluator_main(FAMILY)
