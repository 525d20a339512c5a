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

from absl import flags
from face_alignment_tf.config.flags import define_run_flags
from face_alignment_tf.data.photometric import PRESETS
from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.mobilenet.crops import STAGE2_CROPS
from face_alignment_tf.mobilenet.family import FAMILY
from face_alignment_tf.mobilenet.loss import LOSS_NORMALISERS, LOSSES
from face_alignment_tf.mobilenet.trainer import STAGE2_INITS


def define_flags() -> None:
    # The original solver's settings.
    flags.DEFINE_integer("batch_size", 64, "Crops per batch (per replica).")
    flags.DEFINE_float("base_lr", 1e-4, "Adam learning rate at step 0 ('inv' policy).")
    flags.DEFINE_float("lr_gamma", 1e-5, "'inv' policy: lr = base_lr (1 + gamma step)^-power.")
    flags.DEFINE_float("lr_power", 0.75, "'inv' policy power.")
    flags.DEFINE_float("weight_decay", 5e-4, "Coupled L2 weight decay.")
    flags.DEFINE_integer("max_steps", 1_000_000, "Total training steps (Caffe's max_iter).")
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_string("train_dir", "ckpt/mobilenet", "Checkpoints and logs.")
    # The cascade and the losses.
    flags.DEFINE_integer("stage", 1, "1: crops of the face box; 2: of stage 1's predictions.")
    flags.DEFINE_string("stage1_dir", None, "The stage-1 train_dir (stage 2).")
    flags.DEFINE_enum(
        "stage2_init", "stage1", STAGE2_INITS,
        "Stage 2's starting weights: stage 1's, or a fresh random init.",
    )  # fmt: skip
    flags.DEFINE_enum(
        "stage2_crop", "box", STAGE2_CROPS,
        "How stage 2 crops around stage 1's points: their box (the original design), or "
        "aligned: the points turned level by the tilt of the eye line first (ours).",
    )  # fmt: skip
    flags.DEFINE_float("max_shift", 0.1, "Box jitter: shift, a fraction of the crop, each axis.")
    flags.DEFINE_float("max_scale", 0.1, "Box jitter: zoom 1 +- this.")
    flags.DEFINE_float("max_rotation_degrees", 30.0, "Box jitter: rotation +- this.")
    flags.DEFINE_enum(
        "photometric", "none", list(PRESETS),
        "Photometric augmentation (data.photometric): none (the original's) or photos "
        "(colour, greyscale, low light, blur, low resolution, occlusion, JPEG).",
    )  # fmt: skip
    flags.DEFINE_enum("loss", "euclidean", LOSSES, "WeightEuclideanLoss or Wing loss.")
    flags.DEFINE_enum(
        "loss_normaliser", "eye_centre", LOSS_NORMALISERS,
        "eye_centre: the sample's own eye-centre distance; original: (x36,y39)-(x42,y45).",
    )  # fmt: skip
    flags.DEFINE_integer(
        "batch_norm_batches", 200, "Training batches over which the batch-norm statistics are "
        "recomputed when the run ends (0: keep the moving averages).",
    )  # fmt: skip
    define_run_flags(seed=0)


if __name__ == "__main__":
    training_main(FAMILY, define_flags)
