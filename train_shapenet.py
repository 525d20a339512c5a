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

from absl import flags
from face_alignment_tf.config.flags import define_run_flags
from face_alignment_tf.drivers.train import training_main
from face_alignment_tf.shapenet.backbones import BACKBONES
from face_alignment_tf.shapenet.family import FAMILY
from face_alignment_tf.shapenet.pca import ROTATION_NORMALISATIONS
from face_alignment_tf.shapenet.pipeline import CROP_SOURCES
from face_alignment_tf.shapenet.trainer import HEAD_INITS


def define_flags() -> None:
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_string("train_dir", "ckpt/shapenet", "Checkpoints and logs.")
    flags.DEFINE_enum("backbone", "shapenet", list(BACKBONES), "Network under the shape head.")
    flags.DEFINE_integer("num_components", 25, "PCA components K (the head predicts K + 4).")
    flags.DEFINE_enum(
        "pca_rotation_normalisation", "none", list(ROTATION_NORMALISATIONS),
        "Level each shape before the PCA: none (the seed's), on the outer eye corners, or on "
        "the seed's points 37/46 (upper eyelids).",
    )  # fmt: skip
    flags.DEFINE_integer("batch_size", 1, "Crops per batch (per replica); the original's is 1.")
    flags.DEFINE_float("learning_rate", 1e-4, "Adam learning rate at the start.")
    flags.DEFINE_float("lr_factor", 0.1, "ReduceLROnPlateau factor.")
    flags.DEFINE_integer("lr_patience", 5, "Epochs without a better validation MSE.")
    flags.DEFINE_integer("max_epochs", 200, "Training epochs.")
    flags.DEFINE_float("validation_fraction", 0.1, "Training faces held out for validation.")
    flags.DEFINE_integer("rotation_degrees", 90, "Rotation augmentation +- this (shapenet).")
    flags.DEFINE_integer("offset", 30, "Offset augmentation +- this many pixels (shapenet).")
    flags.DEFINE_enum(
        "crop_source", "box", CROP_SOURCES,
        "Training crops around the face box (the evaluator's) or the ground truth (original).",
    )  # fmt: skip
    flags.DEFINE_boolean(
        "original_clamping", False,
        "The original's crop bounds clamped to [0, min(H, W)] and unpadded, anisotropic crops "
        "near borders.",
    )  # fmt: skip
    flags.DEFINE_boolean(
        "augment_validation", False, "Augment the validation crops too, as the original."
    )
    flags.DEFINE_enum(
        "head_init", "mean_transform", HEAD_INITS,
        "Output layer: the mean shape on an average crop, or random (the original).",
    )  # fmt: skip
    flags.DEFINE_integer(
        "batch_norm_batches", 200,
        "MobileNetV2 backbone: batches over which the BN statistics are recomputed at the end "
        "(1/20 of them before each epoch's validation); 0 keeps the moving averages.",
    )  # fmt: skip
    define_run_flags(seed=0)


if __name__ == "__main__":
    training_main(FAMILY, define_flags)
