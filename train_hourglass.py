"""Trains a stacked Hourglass / SAT heatmap network. Restarting with the same --train_dir resumes.

    python train_hourglass.py --network=hourglass --block=cab --depth=3 --stacks=2 \
        --datasets='300w/lfpw/trainset/*.jpg:300w/helen/trainset/*.jpg:300w/afw/*.jpg' \
        --train_dir=runs/hg2-d3-cab

The flags follow SDU's train.py (--network --block --depth --stacks --lr
--lr_epoch_step --per_batch_size); the defaults train Hourglass2(d=3)-CAB as
the SDU README does. Faces are converted once to TFRecords under
<train_dir>/records; checkpoints, model.json and TensorBoard logs go to --train_dir.
"""

from absl import flags
from face_alignment_tf.config.flags import define_run_flags
from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.hourglass.blocks import BLOCKS
from face_alignment_tf.hourglass.family import FAMILY
from face_alignment_tf.hourglass.network import TOPOLOGIES
from face_alignment_tf.hourglass.presets import LANDMARK_TYPES


def define_flags() -> None:
    # SDU's flags.
    flags.DEFINE_enum("network", "hourglass", TOPOLOGIES, "Topology: hourglass or SAT grid.")
    flags.DEFINE_enum("block", "cab", BLOCKS, "Building block.")
    flags.DEFINE_integer("depth", 3, "Hourglass depth (net_n); the SAT grid is built for 3.")
    flags.DEFINE_integer("stacks", 2, "Stacked modules.")
    flags.DEFINE_float("lr", 1e-4, "Nadam learning rate.")
    flags.DEFINE_list(
        "lr_epoch_step", ["20", "35", "45"], "Epochs where lr x 0.2; the last one ends training."
    )
    flags.DEFINE_integer("per_batch_size", 16, "Images per batch (per replica).")
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_string("train_dir", "ckpt/hourglass", "Checkpoints and logs.")
    flags.DEFINE_enum("landmark_type", "2d", LANDMARK_TYPES, "2d, or 3d (AFLW2000-3D style).")
    # Additions.
    flags.DEFINE_integer("sigma", 1, "Gaussian sigma of the heatmap targets (0: one pixel).")
    define_run_flags(seed=727)


if __name__ == "__main__":
    training_main(FAMILY, define_flags)
