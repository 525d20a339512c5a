"""Photo to landmarks, end to end: each detector with the shipped model (or --model_dirs)
and dlib's two HOG + ERT pipelines, on the same photos, in one process.

    python -m bench.end_to_end --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Each pipeline takes a photo's decoded RGB pixels and returns every face with 68 points
(ours: `FaceAligner.detect_and_align`, detection on the bounded copy, the model's
calibration, the landmark step); each call is timed (the first photo, a warm-up, is not).
Per pipeline: median and mean ms per photo, photos/s (1000 / mean), the photos' faces
found (a detection matching the photo's 300-W box, IoU >= 0.3) and the inter-ocular NME of
the found faces (mean, failure rate > 0.08). Decoding (`data.images.load_image`) is timed
apart: every pipeline adds it. Prints Markdown; `--json` keeps the numbers.
"""

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from absl import app, flags

from bench.dlib_peer import DlibLandmarker
from bench.flags import define_model_flags, model_label
from bench.robustness import faces_of, nme
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.detectors import DlibHogDetector, matching_index
from face_alignment_tf.evaluation.metrics import FAILURE_THRESHOLD
from face_alignment_tf.face_aligner import DEFAULT_MODEL, FaceAligner

FLAGS = flags.FLAGS
# pixels -> (boxes [n, 4, 2] (y, x), landmarks [n, 68, 2] (y, x))
Pipeline = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def define_flags() -> None:
    flags.DEFINE_integer("every", 1, "Use every k-th photo of --datasets.")
    flags.DEFINE_string("json", None, "Where the numbers go (JSON).")


def our_pipeline(model: str, detector: str) -> tuple[str, Pipeline]:
    aligner = FaceAligner(model, detector)
    name = f"{model_label(aligner.trained.display_name, aligner.model_dir)} + {detector}"

    def run(pixels):
        faces = aligner.detect_and_align(pixels)
        boxes = np.array([face.box for face in faces]).reshape(-1, 4, 2)
        return boxes, np.array([face.landmarks for face in faces]).reshape(-1, 68, 2)

    return name, run


def dlib_pipeline(upsample: int, landmarker: DlibLandmarker) -> tuple[str, Pipeline]:
    detector = DlibHogDetector(upsample)

    def run(pixels):
        boxes, _ = detector.detect(pixels)
        points = [landmarker.predict(pixels, box) for box in boxes]
        return boxes, np.array(points).reshape(-1, 68, 2)

    return f"dlib HOG (upsample {upsample}) + ERT", run


def measure(pipeline: Pipeline, faces: list[tuple]) -> dict:
    """Times per photo (ms, warm-up excluded), faces found and their NMEs."""
    pipeline(faces[0][1])
    times, errors, found = [], [], 0
    for _, pixels, landmarks, box in faces:
        started = time.perf_counter()
        boxes, points = pipeline(pixels)
        times.append(1000 * (time.perf_counter() - started))
        match = matching_index(boxes, box)
        if match is not None:
            found += 1
            errors.append(nme(points[match], landmarks))
    errors = np.array(errors)
    return {
        "photos": len(faces), "found": found, "median_ms": float(np.median(times)),
        "mean_ms": float(np.mean(times)), "photos_per_s": float(1000 / np.mean(times)),
        "mean_nme": float(errors.mean()) if found else float("nan"),
        "failure_rate": float(np.mean(errors > FAILURE_THRESHOLD)) if found else float("nan"),
    }  # fmt: skip


def decode_ms(paths: list[str]) -> float:
    from face_alignment_tf.data.images import load_image

    times = []
    for path in paths:
        started = time.perf_counter()
        load_image(path)
        times.append(1000 * (time.perf_counter() - started))
    return float(np.median(times))


def end_to_end_report() -> tuple[str, dict]:
    faces = faces_of(FLAGS.datasets, FLAGS.bbs_dir)[:: FLAGS.every]
    pipelines = [our_pipeline(model, detector) for model in [DEFAULT_MODEL, *FLAGS.model_dirs]
                 for detector in FLAGS.detectors]  # fmt: skip
    if FLAGS.dlib:
        landmarker = DlibLandmarker()
        pipelines += [dlib_pipeline(upsample, landmarker) for upsample in (1, 0)]
    results = {name: measure(run, faces) for name, run in pipelines}
    reference = results.get("dlib HOG (upsample 1) + ERT")
    lines = [
        f"Decoding a photo (`load_image`, not in the times below): median "
        f"{decode_ms([path for path, *_ in faces[:50]]):.1f} ms.",
        "",
        "| pipeline | photos | faces found | median ms / photo | photos/s | vs dlib (up 1) "
        "| mean NME % (found) | failure % (found) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        ratio = f"{row['photos_per_s'] / reference['photos_per_s']:.2f}x" if reference else "-"
        lines.append(
            f"| {name} | {row['photos']} | {row['found']} | {row['median_ms']:.1f} | "
            f"{row['photos_per_s']:.1f} | {ratio} | {100 * row['mean_nme']:.2f} | "
            f"{100 * row['failure_rate']:.1f} |"
        )
    return "\n".join([*lines, ""]), results


def main(argv: list[str]) -> None:
    del argv
    table, results = end_to_end_report()
    print(table)
    if FLAGS.json:
        Path(FLAGS.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(exit_on_data_error(main))
