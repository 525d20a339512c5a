"""Times one landmarker on whole images, alone in its process (run by bench/speed.py).

    python -m bench.inference_timing --method=runs/mdm-300w \
        --datasets='300w/lfpw/testset/*.jpg' --output=timing.json

Methods: 'dlib' (the 68-point ERT predictor) or the train_dir of any model family (its
aligner with the family's defaults, as in the accuracy table: MDM with EMA weights and
mirrored averaging, hourglass with the box crop and argmax). Each call maps decoded
uint8 RGB images and their 300-W boxes to 68 (y, x) points in image pixels,
preprocessing included.

Written to --output as JSON: seconds to load the model (constructor to ready, no
imports) and of the first call (TF traces it), per-call latencies at batch 1 and
batch B (after a warm-up pass over every face, so no call retraces), the
process's resident memory after imports and at its peak.
"""

import json
import resource
import time

import numpy as np
from absl import app, flags

from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.images import load_image

FLAGS = flags.FLAGS


def define_timing_flags(methods: str) -> None:
    """The flags every timing script shares: what is timed (`methods` describes --method's
    values), on which faces, and where the JSON result goes."""
    flags.DEFINE_string("method", None, methods, required=True)
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_string("bbs_dir", None, "300-W boxes root (default: nearest bbs/).")
    flags.DEFINE_string("runtime", None, "The aligner's runtime, for families with several.")
    flags.DEFINE_integer("faces", 32, "Faces to time on (the first of --datasets).")
    flags.DEFINE_string("output", None, "Where to write the JSON result.", required=True)


def define_flags() -> None:
    define_timing_flags("dlib, or a train_dir of any family.")
    flags.DEFINE_boolean("mirror", False, "The aligner's mirror averaging (families with it).")
    flags.DEFINE_integer("batch1_passes", 2, "Timed passes over the faces one at a time.")
    flags.DEFINE_integer("batch_calls", 5, "Timed calls on all the faces at once; the large "
                         "batch is --faces.")  # fmt: skip


def timing_faces() -> tuple[list[np.ndarray], np.ndarray]:
    """The first --faces faces of --datasets: decoded uint8 RGB images and their boxes
    [N, 4, 2] (y, x)."""
    records = discover_faces(FLAGS.datasets, FLAGS.bbs_dir)[: FLAGS.faces]
    return [load_image(record.image_path) for record in records], np.stack(
        [record.box for record in records]
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux carries that over
    from the parent through fork and exec, so a child would report its parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status")


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def load_landmarker(method: str, runtime: str | None = None, mirror: bool = False):
    """predict(images, boxes) -> [N, 68, 2] for the method."""
    if method == "dlib":
        from bench.dlib_peer import DlibLandmarker

        landmarker = DlibLandmarker()
        return lambda images, boxes: np.stack(
            [landmarker.predict(image, box) for image, box in zip(images, boxes, strict=True)]
        )
    from face_alignment_tf.families import load_aligner

    options = {"runtime": runtime} if runtime else {}
    return load_aligner(method, **options, **({"mirror": True} if mirror else {})).predict


def timed(function, *arguments) -> float:
    start = time.perf_counter()
    function(*arguments)
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    del argv
    if FLAGS.method != "dlib":
        import tensorflow as tf  # noqa: F401 -- counted with the imports, not the load

        from face_alignment_tf.artifacts.model_file import read_model_file
        from face_alignment_tf.families import get_family

        get_family(read_model_file(FLAGS.method)[0])  # the family's modules
    images, boxes = timing_faces()
    rss_after_imports = current_rss_mb()

    start = time.perf_counter()
    predict = load_landmarker(FLAGS.method, FLAGS.runtime, FLAGS.mirror)
    load_seconds = time.perf_counter() - start
    first_call = timed(predict, images[:1], boxes[:1])
    for index in range(len(images)):  # warm-up: every face size once
        predict(images[index : index + 1], boxes[index : index + 1])
    batch1 = [
        timed(predict, images[index : index + 1], boxes[index : index + 1])
        for _ in range(FLAGS.batch1_passes)
        for index in range(len(images))
    ]
    predict(images, boxes)  # warm-up of the large batch
    batch = [timed(predict, images, boxes) for _ in range(FLAGS.batch_calls)]
    result = {
        "method": FLAGS.method,
        "faces": len(images),
        "load_seconds": load_seconds,
        "first_call_seconds": first_call,
        "batch1_seconds": batch1,
        "batch_seconds": batch,
        "rss_after_imports_mb": rss_after_imports,
        "peak_rss_mb": peak_rss_mb(),
    }
    with open(FLAGS.output, "w") as file:
        json.dump(result, file, indent=1)


if __name__ == "__main__":
    define_flags()
    app.run(main)
