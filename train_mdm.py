"""Trains MDM. Restarting with the same --train_dir resumes from its last checkpoint.

    python train_mdm.py --datasets='300w/lfpw/trainset/*.jpg:300w/afw/*.jpg' \
        --train_dir=runs/mdm

The faces are converted once to TFRecords under <train_dir>/records; checkpoints
(model, Adam state, weight EMA), model.json (config + reference shape) and
TensorBoard logs go to --train_dir.
"""

from absl import flags
from face_alignment_tf.config.flags import define_run_flags
from face_alignment_tf.data.reference_shape import REFERENCE_ALIGNMENTS
from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.mdm.family import FAMILY


def define_flags() -> None:
    # The original's flags and defaults.
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_integer("batch_size", 60, "Images per batch (per replica).")
    flags.DEFINE_float("initial_learning_rate", 0.001, "Adam learning rate at step 0.")
    flags.DEFINE_float("learning_rate_decay_factor", 0.1, "Staircase decay factor.")
    flags.DEFINE_integer("decay_steps", 15000, "Steps between learning-rate decays.")
    flags.DEFINE_integer("max_steps", 100000, "Total training steps.")
    flags.DEFINE_string("train_dir", "ckpt/train", "Checkpoints and logs.")
    flags.DEFINE_integer("patch_size", 30, "Patch side in pixels.")
    flags.DEFINE_string(
        "pretrained_model_checkpoint_path", "", "Start from these weights (ignored on resume)."
    )
    # Additions.
    define_run_flags(seed=0)
    flags.DEFINE_enum(
        "reference_alignment", "none", REFERENCE_ALIGNMENTS,
        "Mean shape: the original plain mean of the training shapes, or their Procrustes mean.",
    )  # fmt: skip


if __name__ == "__main__":
    training_main(FAMILY, define_flags)
