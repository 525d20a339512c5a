"""Faces small in the photo: bench.end_to_end's pipelines on zoomed-out photos.

    python -m bench.small_faces --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Every --every-th photo is placed at a seeded random spot of a mid-grey 4:3 canvas whose
longer side makes the face's 300-W box side the given fraction of it (a photo already
that wide is left as it is); the photo's own pixels are unchanged, so only the face's size
relative to the frame moves, as from a portrait to a group or full-length photo. Each
detector (--detectors) runs with the shipped model through `FaceAligner.detect_and_align`
(the 1280-px detection copy, the calibration, the landmark step), and dlib's HOG + ERT with
its own detector. Per fraction and pipeline: the faces found (a detection matching the
face's box, IoU >= 0.3), the failures counting a missed face as failed, the found faces'
inter-ocular NME and the time a photo (canvas pixels in hand). Prints Markdown.
"""

import numpy as np
from absl import app, flags

from bench.dlib_peer import DlibLandmarker
from bench.end_to_end import dlib_pipeline, measure, our_pipeline
from bench.flags import define_model_flags
from bench.robustness import faces_of
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.face_aligner import DEFAULT_MODEL

FLAGS = flags.FLAGS
CANVAS_GREY = 128
CANVAS_ASPECT = 0.75  # height / width


def define_flags() -> None:
    flags.DEFINE_integer("every", 4, "Use every k-th photo of --datasets.")
    flags.DEFINE_list("fractions", ["0.5", "0.25", "0.15", "0.1", "0.06"],
                      "Face box side / the canvas's longer side.")  # fmt: skip
    flags.DEFINE_integer("seed", 0, "Seed of the photos' places on their canvases.")


def zoomed_out(image: np.ndarray, landmarks: np.ndarray, box: np.ndarray, fraction: float,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """(canvas uint8 [H', W', 3], landmarks, box moved with the photo) for a face whose box
    side is `fraction` of the canvas's width (landmarks [68, 2], box [4, 2], (y, x))."""
    width = int(np.ptp(box, axis=0).max() / fraction)
    height, photo_width = image.shape[:2]
    if width <= max(height, photo_width):
        return image, landmarks, box
    canvas = np.full((max(height, round(width * CANVAS_ASPECT)), width, 3), CANVAS_GREY, np.uint8)
    top = int(rng.integers(0, canvas.shape[0] - height + 1))
    left = int(rng.integers(0, width - photo_width + 1))
    canvas[top : top + height, left : left + photo_width] = image
    shift = np.array([top, left], np.float64)
    return canvas, landmarks + shift, box + shift


def small_faces_report() -> str:
    faces = faces_of(FLAGS.datasets, FLAGS.bbs_dir)[:: FLAGS.every]
    pipelines = [our_pipeline(DEFAULT_MODEL, detector) for detector in FLAGS.detectors]
    if FLAGS.dlib:
        pipelines.append(dlib_pipeline(1, DlibLandmarker()))
    lines = [
        "| face side / photo side | pipeline | photos | faces found | failure % (missed = "
        "failed) | mean NME % (found) | median ms / photo |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for fraction in map(float, FLAGS.fractions):
        zoomed = [
            (path, *zoomed_out(image, np.asarray(landmarks, np.float64),
                               np.asarray(box, np.float64), fraction,
                               np.random.default_rng([FLAGS.seed, index])))
            for index, (path, image, landmarks, box) in enumerate(faces)
        ]  # fmt: skip
        for name, run in pipelines:
            row = measure(run, zoomed)
            failed = row["photos"] - row["found"]
            if row["found"]:
                failed += row["failure_rate"] * row["found"]
            lines.append(
                f"| {fraction:g} | {name} | {row['photos']} | {row['found']} | "
                f"{100 * failed / row['photos']:.1f} | {100 * row['mean_nme']:.2f} | "
                f"{row['median_ms']:.1f} |"
            )
    return "\n".join([*lines, ""])


def main(argv: list[str]) -> None:
    del argv
    print(small_faces_report(), flush=True)


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(exit_on_data_error(main))
