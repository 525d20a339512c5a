"""MDM at batch 1 against its weight-read floor, measured in one process.

    python -m bench.mdm_latency --datasets='300w/lfpw/testset/*.jpg' [--patch_size=30]

At batch 1 MDM's time goes into reading its recurrent layer's dense kernel ((68 x 4 x 4 x 128
features + 512) x 512 floats, 322 MB for 30-pixel patches) once per step, 4 steps. The floor
is 4 x the time of one read of a kernel of that size (a [2, K] x [K, 512] product in a
tf.function: the direct and mirrored faces run as one batch of 2). The aligner
(`mdm.aligner.MdmAligner`, mirrored averaging on, random weights: speed does not depend on
them) is timed on whole 300-W images + boxes, preprocessing included. Prints Markdown.
"""

import statistics
import time

import numpy as np
import tensorflow as tf
from absl import app, flags

from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.images import load_image

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_integer("patch_size", 30, "MDM's patch size.")
    flags.DEFINE_integer("faces", 16, "Faces timed, each `passes` times.")
    flags.DEFINE_integer("passes", 2, "Timed passes over the faces.")


def median_seconds(function, repeats: int) -> float:
    function()  # warm-up (tracing)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def latency_report() -> str:
    from face_alignment_tf.mdm.aligner import MdmAligner
    from face_alignment_tf.mdm.model import MDM

    records = discover_faces(FLAGS.datasets)[: FLAGS.faces]
    images = [load_image(r.image_path) for r in records]
    model = MDM(patch_size=FLAGS.patch_size)
    model.build()
    reference = np.mean([r.landmarks for r in records], axis=0)
    aligner = MdmAligner(model, reference)
    for record, image in zip(records, images, strict=True):  # every face size traced once
        aligner.predict([image], record.box[None])
    latencies = []
    for _ in range(FLAGS.passes):
        for record, image in zip(records, images, strict=True):
            start = time.perf_counter()
            aligner.predict([image], record.box[None])
            latencies.append(time.perf_counter() - start)
    latency = statistics.median(latencies)

    kernel = model.recurrent.kernel
    read = tf.function(lambda x: tf.reduce_sum(tf.matmul(x, kernel)))
    features = tf.ones([2, kernel.shape[0]])
    one_read = median_seconds(lambda: read(features).numpy(), 20)
    floor = model.num_iterations * one_read
    megabytes = kernel.shape[0] * kernel.shape[1] * 4 / 1e6
    return "\n".join([
        "| patch | dense kernel MB | one read ms (GB/s) | floor: 4 reads ms "
        "| aligner batch 1, mirrored: median ms | × floor |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {FLAGS.patch_size} | {megabytes:.0f} | {1e3 * one_read:.1f} "
        f"({megabytes / 1e3 / one_read:.1f}) | {1e3 * floor:.1f} | {1e3 * latency:.1f} "
        f"| {latency / floor:.2f} |",
    ])  # fmt: skip


def main(argv: list[str]) -> None:
    del argv
    print(latency_report())


if __name__ == "__main__":
    define_flags()
    app.run(main)
