"""Writes augmented training samples and their landmark patches to TensorBoard.

    python -m face_alignment_tf.mdm.preview --records=build/demo/records/train --logdir=logs/preview

A quick look at what the network will see: each sample with its ground truth
(green) and synthetic initialisation (blue), and the 68 patches extracted around
the initialisation by `custom_ops.extract_patches`.
"""

import numpy as np
import tensorflow as tf
from absl import app, flags

from face_alignment_tf.custom_ops import extract_patches
from face_alignment_tf.evaluation.drawing import GROUND_TRUTH, INITIAL, draw_landmarks, patch_mosaic
from face_alignment_tf.mdm.pipeline import training_dataset

FLAGS = flags.FLAGS


def define_flags() -> None:
    """Command-line flags (defined only when run as a script)."""
    flags.DEFINE_string("records", None, "A converted training set.", required=True)
    flags.DEFINE_string("logdir", None, "TensorBoard log directory.", required=True)
    flags.DEFINE_integer("num_samples", 4, "Samples to draw.")
    flags.DEFINE_integer("patch_size", 30, "Patch size.")
    flags.DEFINE_integer("seed", 0, "Augmentation seed.")


def main(argv: list[str]) -> None:
    del argv
    batch = next(iter(training_dataset(FLAGS.records, FLAGS.num_samples, FLAGS.seed)))
    patches = extract_patches(batch["image"], batch["initial"], FLAGS.patch_size).numpy()
    samples = [
        draw_landmarks(image, [(gt, GROUND_TRUTH), (initial, INITIAL)])
        for image, gt, initial in zip(
            batch["image"].numpy(),
            batch["landmarks"].numpy(),
            batch["initial"].numpy(),
            strict=True,
        )
    ]
    writer = tf.summary.create_file_writer(FLAGS.logdir)
    with writer.as_default(step=0):
        tf.summary.image("samples", np.stack(samples), max_outputs=FLAGS.num_samples)
        tf.summary.image(
            "patches", np.stack([patch_mosaic(p) for p in patches]), max_outputs=FLAGS.num_samples
        )
    writer.close()
    print(f"wrote {len(samples)} samples and patch mosaics to {FLAGS.logdir}")


if __name__ == "__main__":
    define_flags()
    app.run(main)
