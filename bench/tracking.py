"""Video: `FaceTracker` on synthetic clips of a 300-W test face (`bench.synthetic_clip`).

    python -m bench.tracking --photo=300w/helen/testset/2968560214_1.jpg

On the moving clip (300 frames of 640x480, the face moved, turned and zoomed smoothly):
the NME of detecting and aligning every frame (`FaceAligner.detect_and_align`) against
tracking with and without smoothing, and the time per frame of each, tracked frames and
detection frames apart (median ms; frames/s = 1000 / median). On the still clip (100
frames, fresh camera noise each): the jitter (mean frame-to-frame motion of the points)
with and without smoothing. --model: the cascade (default: the shipped one); --betas: the
smoothing's speed coefficient, a row (and a jitter) per value (default: the tracker's own).
"""

import inspect
import time

import numpy as np
from absl import app, flags

from bench.robustness import nme
from bench.synthetic_clip import jitter, moving_clip, still_clip
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.images import load_image
from face_alignment_tf.face_aligner import DEFAULT_MODEL, FaceAligner
from face_alignment_tf.tracking import FaceTracker

FLAGS = flags.FLAGS


def closest(faces, truth) -> float:
    return min((nme(face.landmarks, truth) for face in faces), default=np.inf)


def tracking_report(
    photo: str, betas: list[float] | None = None, model: str = DEFAULT_MODEL
) -> str:
    record = discover_faces(photo)[0]
    image, points = load_image(record.image_path), np.asarray(record.landmarks, np.float64)
    clip = list(moving_clip(image, points))
    aligner = FaceAligner(model)
    rows = []
    times, errors = [], []
    for frame, truth, _ in clip:
        started = time.perf_counter()
        faces = aligner.detect_and_align(frame)
        times.append(1000 * (time.perf_counter() - started))
        errors.append(closest(faces, truth))
    rows.append(("detect + align every frame", np.mean(errors), np.median(times), None, 0))
    default_beta = inspect.signature(FaceTracker).parameters["beta"].default
    settings = [(True, beta) for beta in betas or [default_beta]] + [(False, default_beta)]
    for smoothing, beta in settings:
        tracker = FaceTracker(aligner=aligner, smoothing=smoothing, beta=beta)
        tracked, detected, errors = [], [], []
        for frame, truth, moment in clip:
            started = time.perf_counter()
            faces = tracker.update(frame, moment)
            elapsed = 1000 * (time.perf_counter() - started)
            (tracked if faces and faces[0].tracked else detected).append(elapsed)
            errors.append(closest(faces, truth))
        name = f"tracking, smoothing on (beta {beta:g})" if smoothing else "tracking, smoothing off"
        rows.append((name, np.mean(errors), np.median(tracked), np.median(detected), len(tracked)))
    still = list(still_clip(image, points))
    jitters = {}
    for smoothing, beta in [(False, default_beta), *settings[:-1]]:
        tracker = FaceTracker(aligner=aligner, smoothing=smoothing, beta=beta)
        jitters[beta if smoothing else None] = jitter(
            [tracker.update(f, t)[0].landmarks for f, _, t in still]
        )
    lines = [
        f"Moving clip: {len(clip)} frames of 640x480, one face.",
        "",
        "| pipeline | mean NME % | frames tracked | ms a tracked frame (frames/s) "
        "| ms a detection frame |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, error, first, second, count in rows:
        if second is None:  # every frame detected
            lines.append(
                f"| {name} | {100 * error:.2f} | 0 | - | {first:.2f} ({1000 / first:.0f}/s) |"
            )
        else:
            lines.append(f"| {name} | {100 * error:.2f} | {count} | {first:.2f} "
                         f"({1000 / first:.0f}/s) | {second:.2f} |")  # fmt: skip
    raw = jitters.pop(None)
    smoothed = ", ".join(f"{value:.3f} px with beta {beta:g} ({raw / value:.1f}x less)"
                         for beta, value in jitters.items())  # fmt: skip
    lines += [
        "",
        f"Still clip ({len(still)} frames, camera noise std 4): jitter {raw:.3f} px a frame "
        f"without smoothing, {smoothed}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    del argv
    print(tracking_report(FLAGS.photo, [float(beta) for beta in FLAGS.betas], FLAGS.model))


if __name__ == "__main__":
    flags.DEFINE_string("photo", None, "The 300-W test photo (with its .pts).", required=True)
    flags.DEFINE_string("model", DEFAULT_MODEL, "A shipped model's name or a train_dir.")
    flags.DEFINE_list("betas", [], "Smoothing speed coefficients, a row each (default: the "
                      "tracker's).")  # fmt: skip
    app.run(main)
