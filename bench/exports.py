"""The self-contained cascade exports against the Python aligners, face by face.

    python -m bench.exports --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Exports the shipped model (or --model) with `face-align export --parts=pipelines` to
TFLite and ONNX, runs each file as a deployer would (LiteRT's signature runner, ONNX
Runtime) on every face with its 300-W box, and reports per runtime: the distance of its
points to the Keras cascade's (the reference: the training crop's exact float warp) and
to the default LiteRT aligner's (OpenCV's fixed-point warp), mean and max in pixels, the
inter-ocular NME against the ground truth, and the median ms a face (one thread; the
Keras aligner retraces for every new image size, so its time is not a speed figure).
"""

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from absl import app, flags

from bench.robustness import faces_of, nme
from face_alignment_tf.export import export_model
from face_alignment_tf.face_aligner import DEFAULT_MODEL, FaceAligner
from face_alignment_tf.runtimes.functions import load_pipeline

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_string("datasets", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_string("bbs_dir", None, "300-W boxes root (default: nearest bbs/).")
    flags.DEFINE_string("model", DEFAULT_MODEL, "Shipped model name or train_dir.")


def timed(predict, image, box) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    points = predict(image, box)
    return np.asarray(points, np.float32), (time.perf_counter() - started) * 1e3


def aligner_points(aligner: FaceAligner):
    """(image, box) -> [68, 2] of a Python aligner."""
    return lambda image, box: aligner.align(image, box)[0]


def cascade_points(pipeline):
    """(image, box) -> [68, 2] of an exported cascade."""
    return lambda image, box: pipeline(image=image, box=box)["landmarks"]


def exports_report(datasets: str, bbs_dir: str | None, model: str) -> str:
    faces = faces_of(datasets, bbs_dir)
    aligners = {"Keras aligner": aligner_points(FaceAligner(model, runtime="keras")),
                "LiteRT aligner (default)": aligner_points(FaceAligner(model))}  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        runners = dict(aligners)
        for name in ("tflite", "onnx"):
            (path,) = export_model(model, name, Path(scratch) / name, parts="pipelines")
            runners[f"cascade{path.suffix}"] = cascade_points(load_pipeline(path))
        results = {name: [] for name in runners}
        for _, image, _, box in faces:
            box = np.asarray(box, np.float32)
            for name, run in runners.items():
                results[name].append(timed(run, image, box))
    reference = {name: np.stack([p for p, _ in results[name]]) for name in aligners}
    lines = [
        f"{len(faces)} faces, 300-W boxes; distances in pixels to each aligner's points",
        "",
        "| runtime | to Keras: mean / max px | to LiteRT aligner: mean / max px | NME % "
        "| ms a face (median) |",
        "|---|---:|---:|---:|---:|",
    ]
    truth = [landmarks for _, _, landmarks, _ in faces]
    for name, runs in results.items():
        points = np.stack([p for p, _ in runs])
        cells = []
        for other in aligners:
            distance = np.linalg.norm(points - reference[other], axis=-1)
            cells.append(f"{distance.mean():.4f} / {distance.max():.3f}")
        error = 100 * np.mean([nme(p, t) for p, t in zip(points, truth, strict=True)])
        milliseconds = statistics.median(ms for _, ms in runs)
        lines.append(f"| {name} | {cells[0]} | {cells[1]} | {error:.2f} | {milliseconds:.2f} |")
    return "\n".join([*lines, ""])


def main(argv: list[str]) -> None:
    del argv
    print(exports_report(FLAGS.datasets, FLAGS.bbs_dir, FLAGS.model))


if __name__ == "__main__":
    define_flags()
    app.run(main)
