"""Trains a stacked Hourglass / SAT heatmap network. Restarting with the same --train_dir resumes.

    python train_hourglass.py --network=hourglass --block=cab --depth=3 --stacks=2 \
        --datasets='300w/lfpw/trainset/*.jpg:300w/helen/trainset/*.jpg:300w/afw/*.jpg' \
        --train_dir=runs/hg2-d3-cab

The flags follow SDU's train.py (--network --block --depth --stacks --lr
--lr_epoch_step --per_batch_size); the defaults train Hourglass2(d=3)-CAB as
the SDU README does. Faces are converted once to TFRecords under
<train_dir>/records; checkpoints, model.json and TensorBoard logs go to --train_dir.
"""

from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.hourglass.family import FAMILY

if __name__ == "__main__":
    training_main(FAMILY)
