"""Trains one stage of the MobileNetV2 landmark regressor. Rerunning resumes.

    python train_mobilenet.py --stage=1 --train_dir=runs/mobilenet-stage1 \
        --datasets='300w/lfpw/trainset/*.jpg:300w/helen/trainset/*.jpg:300w/afw/*.jpg'
    python train_mobilenet.py --stage=2 --stage1_dir=runs/mobilenet-stage1 \
        --train_dir=runs/mobilenet-stage2 --datasets=...

The original's solver: Adam base_lr 1e-4 on the "inv" policy, weight decay 5e-4, batch 64;
loss WeightEuclideanLoss with the per-sample eye-centre normaliser (--loss_normaliser=
original for the layer's formula) or --loss=wing. Faces are converted once to TFRecords
under <train_dir>/records; checkpoints, model.json and TensorBoard logs go to --train_dir.
A stage-2 train_dir holds the whole cascade.
"""

from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.mobilenet.family import FAMILY

if __name__ == "__main__":
    training_main(FAMILY)
