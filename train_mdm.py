"""Trains MDM. Restarting with the same --train_dir resumes from its last checkpoint.

    python train_mdm.py --datasets='300w/lfpw/trainset/*.jpg:300w/afw/*.jpg' \
        --train_dir=runs/mdm

The faces are converted once to TFRecords under <train_dir>/records; checkpoints
(model, Adam state, weight EMA), model.json (config + reference shape) and
TensorBoard logs go to --train_dir.
"""

from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.mdm.family import FAMILY

if __name__ == "__main__":
    training_main(FAMILY)
