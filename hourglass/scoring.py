"""Scoring a heatmap network on evaluation crops (SPEC B.6).

The last stack's heatmaps are decoded to (y, x) in the 128 crop and compared
with the ground truth mapped into the same crop. The crop is a similarity
transform, so the normalised error is the one in the original image (to about
0.1 %: the conversion's rescale rounds the image to whole pixels per axis).
SDU's quantisation of the ground truth to the crop grid (quirk B.10 #2) is not
reproduced.
"""

from collections.abc import Iterable

import tensorflow as tf

from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.evaluation.per_image import collect_per_image
from face_alignment_tf.hourglass.heatmaps import decode_argmax, decode_subpixel
from face_alignment_tf.hourglass.network import HourglassNetwork

DECODERS = {"argmax": decode_argmax, "subpixel": decode_subpixel}


def predict_batches(
    model: HourglassNetwork, batches: Iterable[dict], decoders: Iterable[str] = ("argmax",)
):
    """Yields (paths [B], ground truth [B, 68, 2], {decoder: predictions [B, 68, 2]}) per batch
    of `hourglass.pipeline.evaluation_dataset`; the network runs once per batch."""
    decoders = {name: DECODERS[name] for name in decoders}

    @tf.function(reduce_retracing=True)
    def last_heatmaps(images):
        return model(images, training=False)[-1]

    for batch in batches:
        heatmaps = last_heatmaps(batch["image"])
        predictions = {name: decode(heatmaps).numpy() for name, decode in decoders.items()}
        yield batch["path"].numpy(), batch["landmarks"].numpy(), predictions


def errors_by_protocol(
    model: HourglassNetwork,
    batches: Iterable[dict],
    normalisers: Iterable[str],
    decoders: Iterable[str] = tuple(DECODERS),
    num_examples: int | None = None,
) -> dict[tuple[str, str], dict[str, float]]:
    """{(decoder, normaliser): {image path: error}} from one pass of the network
    (over the first `num_examples` faces when given)."""
    normalisers, decoders = list(normalisers), list(decoders)
    collected: dict[tuple[str, str], list] = {(d, n): [] for d in decoders for n in normalisers}
    seen = 0
    for paths, truth, predictions in predict_batches(model, batches, decoders):
        for decoder in decoders:
            for normaliser in normalisers:
                errors = normalised_mean_error(predictions[decoder], truth, normaliser).numpy()
                collected[decoder, normaliser].append((paths, errors))
        seen += len(paths)
        if num_examples is not None and seen >= num_examples:
            break
    return {key: collect_per_image(value, num_examples) for key, value in collected.items()}


def evaluate_batches(
    model: HourglassNetwork,
    batches: Iterable[dict],
    normaliser: str,
    decoder: str = "argmax",
    num_examples: int | None = None,
) -> dict[str, float]:
    """{image path: normalised error} with one decoder and one normaliser."""
    return errors_by_protocol(model, batches, [normaliser], [decoder], num_examples)[
        decoder, normaliser
    ]
