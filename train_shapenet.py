"""Trains ShapeNet (a CNN predicting PCA shape parameters and a similarity transform).
Rerunning resumes.

    python train_shapenet.py --train_dir=runs/shapenet \
        --datasets='300w/lfpw/trainset/*.jpg:300w/helen/trainset/*.jpg:300w/afw/*.jpg'
    python train_shapenet.py --backbone=mobilenet_v2 --batch_size=64 --train_dir=... --datasets=...

The original's settings: the 224x224 grey network, K = 25 PCA components of the training
shapes, L1 loss, Adam 1e-4, the rate x 0.1 after 5 epochs without a better validation MSE
(on --validation_fraction of the training faces, held out), 200 epochs, batch 1, rotation
+-90 degrees and offsets +-30 px. --backbone=mobilenet_v2 puts the same shape head on the
MobileNetV2 regressor, its crops and augmentation. Faces are converted once to TFRecords
under <train_dir>/records; checkpoints, model.json and TensorBoard logs go to --train_dir.
"""

from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.shapenet.family import FAMILY

if __name__ == "__main__":
    training_main(FAMILY)
