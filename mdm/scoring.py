"""Scoring an MDM checkpoint on converted evaluation faces (SPEC A.8).

Each face is evaluated exactly once. With mirrored averaging (the original's
evaluation), the model also runs on the mirrored image from the mirrored
initialisation; that prediction is mapped back with the image's own width and
averaged with the direct one. The error is computed in the rescaled frame (the
normalised error is scale-invariant).
"""

from collections.abc import Iterable

import tensorflow as tf

from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.evaluation.per_image import collect_per_image
from face_alignment_tf.mdm.model import MDM
from face_alignment_tf.mdm.pipeline import unmirror_predictions


def predict(
    model: MDM,
    images,
    inits,
    mirrored_images=None,
    mirrored_inits=None,
    shapes=None,
    mirror_rule: str = "corrected",
) -> tf.Tensor:
    """Final [B, 68, 2] estimates, mirrored-averaged when the mirrored inputs are given.

    The direct and mirrored faces run as one batch of 2B (each dense kernel is read once
    per step for both; the faces do not interact in the network)."""
    if mirrored_images is None:
        return model(images, inits, training=False)["final"]
    both = model(
        tf.concat([images, mirrored_images], 0), tf.concat([inits, mirrored_inits], 0),
        training=False,
    )["final"]  # fmt: skip
    prediction, mirrored = tf.split(both, 2)
    return (prediction + unmirror_predictions(mirrored, shapes, mirror_rule)) / 2.0


def evaluate_batches(
    model: MDM,
    batches: Iterable[dict],
    mirrored_averaging: bool = True,
    mirror_rule: str = "corrected",
    num_examples: int | None = None,
    normaliser: str = "inter_ocular",
) -> dict[str, float]:
    """{image path: normalised error} over the batches of `mdm.pipeline.evaluation_dataset`
    (the first `num_examples` when given)."""

    def batch_errors():
        for batch in batches:
            if mirrored_averaging:
                prediction = predict(
                    model,
                    batch["image"],
                    batch["initial"],
                    batch["mirrored_image"],
                    batch["mirrored_initial"],
                    batch["shape"],
                    mirror_rule,
                )
            else:
                prediction = predict(model, batch["image"], batch["initial"])
            errors = normalised_mean_error(prediction, batch["landmarks"], normaliser)
            yield batch["path"].numpy(), errors.numpy()

    return collect_per_image(batch_errors(), num_examples)
