"""Robustness benchmark: every model and dlib on the same perturbed photos and boxes.

    python -m bench.robustness \
        --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' \
        --model_dirs=runs/mn2-s2 --plot=docs/bench/robustness_failures.png

Each face of --datasets goes through every perturbation of `bench.perturbations` (fixed
seeds: the same inputs in every run). Given boxes: each model (the shipped default
first, then --model_dirs) and dlib's ERT predict from the perturbed image and box
(the 300-W box, moved with the pixels). With --detector_every=k (0: off), every k-th face
also goes through each system's own detector on the pixel-moving perturbations: the
front door of each model with each of --detectors (on the bounded copy, the model's
calibrated boxes; each detector runs once per image for all models) and dlib's HOG + ERT,
a face missed counting as a failure. Inter-ocular NME; mean / median, failure rate (> 0.08) and
AUC@0.08 per perturbation. Prints Markdown, saves the failure-rate plot (--plot) and the
per-face errors as JSON under --work_dir.
"""

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from absl import app, flags

from bench.dlib_peer import DlibLandmarker
from bench.flags import define_model_flags, model_label
from bench.perturbations import PERTURBATIONS, perturbed
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.images import load_image
from face_alignment_tf.detectors import DlibHogDetector, matching_index
from face_alignment_tf.evaluation.metrics import FAILURE_THRESHOLD, normalised_mean_error
from face_alignment_tf.evaluation.report import summarise
from face_alignment_tf.face_aligner import DEFAULT_MODEL, FaceAligner

FLAGS = flags.FLAGS
Predict = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (image, box [4, 2]) -> [68, 2]
# image -> (boxes [n, 4, 2], {method: points [n, 68, 2]})
Detect = Callable[[np.ndarray], tuple[np.ndarray, dict]]


def define_flags() -> None:
    flags.DEFINE_integer("seed", 0, "Seed of every perturbation's draws.")
    flags.DEFINE_integer(
        "detector_every", 0, "Also run each system's own detector on every k-th face (0: off)."
    )
    flags.DEFINE_string("plot", None, "Where the failure-rate plot goes (PNG).")
    flags.DEFINE_list("mirror_models", [], "Models (of --model_dirs or the default) also run "
                      "with mirror averaging, as a row of their own.")  # fmt: skip


def nme(prediction: np.ndarray, landmarks: np.ndarray) -> float:
    return float(normalised_mean_error(prediction, landmarks).numpy())


def faces_of(datasets: str, bbs_dir: str | None) -> list[tuple]:
    """(path, image uint8 RGB, landmarks [68, 2], box [4, 2]) of every face, in order."""
    return [
        (str(r.image_path), load_image(r.image_path), r.landmarks, r.box)
        for r in discover_faces(datasets, bbs_dir)
    ]


def perturbed_faces(faces, index: int, seed: int, every: int = 1):
    """(path, image, landmarks, box) of every `every`-th face under perturbation `index`;
    textures are cut from the next face's image."""
    for position in range(0, len(faces), every):
        path, image, landmarks, box = faces[position]
        other = faces[(position + 1) % len(faces)][1]
        yield (path, *perturbed(index, position, (image, landmarks, box), other, seed))


def boxed_errors(predict: Predict, faces, seed: int) -> dict[str, dict[str, float]]:
    """{perturbation: {path: NME}} of `predict` from the perturbed boxes."""
    return {
        perturbation.name: {
            path: nme(predict(image, box), landmarks)
            for path, image, landmarks, box in perturbed_faces(faces, index, seed)
        }
        for index, perturbation in enumerate(PERTURBATIONS)
    }


def detected_errors(detect: Detect, faces, seed: int, every: int) -> dict[str, dict]:
    """{method: {perturbation: {path: NME, inf when the face is missed}}} of detector
    pipelines sharing one detector (`detect(image) -> (boxes [n, 4, 2], {method: points
    [n, 68, 2]})`) on the perturbations that move pixels; the face is the detection
    overlapping its box."""
    results = {}
    for index, perturbation in enumerate(PERTURBATIONS):
        if not perturbation.moves_pixels:
            continue
        for path, image, landmarks, box in perturbed_faces(faces, index, seed, every):
            boxes, points = detect(image)
            match = matching_index(boxes, box)
            for method, predicted in points.items():
                error = np.inf if match is None else nme(predicted[match], landmarks)
                results.setdefault(method, {}).setdefault(perturbation.name, {})[path] = error
    return results


MIRRORED = " + mirror averaging"  # the suffix of a mirror-averaged variant's name


def model_predictors(models: list[str], mirrored: list[str] = ()) -> list[tuple[str, Predict]]:
    """(name, predict) of each model (shipped names or train_dirs), each folder once; those
    in `mirrored` a second time with mirror averaging."""
    predictors, seen = [], set()
    for model in models:
        aligner = FaceAligner(model, detector=None)
        folder = Path(aligner.model_dir).resolve()
        if folder in seen:
            continue
        seen.add(folder)
        name = model_label(aligner.trained.display_name, folder)
        variants = [(name, aligner)]
        if model in mirrored:
            variants.append((name + MIRRORED, FaceAligner(model, None, mirror=True)))
        for label, each in variants:
            predictors.append((label, lambda image, box, a=each: a.align(image, box[None])[0]))
    return predictors


def detector_pipelines(models: list[str], detector: str) -> Detect:
    """The front door's pipeline of each model with `detector` (on the bounded copy, the
    model's calibration, its aligner), detecting once per image for all of them."""
    aligners = {}
    for model in models:
        aligner = FaceAligner(model, detector=detector)
        name = model_label(aligner.trained.display_name, aligner.model_dir)
        aligners.setdefault(f"{name}, {detector} calibrated", aligner)
    first = next(iter(aligners.values()))

    def detect(image):
        boxes, _ = first.detect(image)
        return boxes, {name: a.align_detections(image, boxes) for name, a in aligners.items()}

    return detect


def dlib_pipeline(landmarker: DlibLandmarker) -> Detect:
    detector = DlibHogDetector(upsample=1)

    def detect(image):
        boxes, _ = detector.detect(image)
        points = [landmarker.predict(image, box) for box in boxes]
        return boxes, {"dlib HOG (upsample 1) + ERT": points}

    return detect


def summary_rows(errors: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """{perturbation: summarise(...)} with misses (inf) counted as failures."""
    rows = {}
    for name, per_face in errors.items():
        values = np.array(list(per_face.values()), np.float64)
        found = values[np.isfinite(values)]
        summary = summarise(found) if found.size else {"mean_nme": np.nan, "median_nme": np.nan}
        failures = np.sum(~np.isfinite(values) | (values > FAILURE_THRESHOLD))
        rows[name] = {
            **summary,
            "faces": int(values.size),
            "missed": int(np.sum(~np.isfinite(values))),
            "failure_rate_0.08": float(failures / values.size),
            "auc_0.08": float(summarise(np.where(np.isfinite(values), values, 1.0))["auc_0.08"]),
        }
    return rows


def markdown_table(
    title: str, rows: dict[str, dict[str, float]], first_column: str = "perturbation"
) -> list[str]:
    """summary_rows' rows as a Markdown table under a `title` heading, one row each."""
    lines = [
        f"#### {title}",
        "",
        f"| {first_column} | faces | missed | mean NME % | median NME % | failure % | AUC@0.08 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['faces']} | {row['missed']} | {100 * row['mean_nme']:.2f} | "
            f"{100 * row['median_nme']:.2f} | {100 * row['failure_rate_0.08']:.1f} | "
            f"{row['auc_0.08']:.3f} |"
        )
    return [*lines, ""]


def save_failure_plot(tables: dict[str, dict[str, dict[str, float]]], path: Path) -> None:
    """Failure rate by perturbation, one line per method."""
    from face_alignment_tf.evaluation.ced_plot import plt

    names = [p.name for p in PERTURBATIONS]
    figure, axes = plt.subplots(figsize=(11, 5), dpi=100)
    for method, rows in tables.items():
        xs = [i for i, name in enumerate(names) if name in rows]
        axes.plot(xs, [100 * rows[names[i]]["failure_rate_0.08"] for i in xs], marker="o",
                  label=method)  # fmt: skip
    axes.set_xticks(range(len(names)), names, rotation=45, ha="right")
    axes.set(ylabel="failure rate % (NME > 0.08 or missed)", ylim=(0, 100))
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def robustness_report(work: Path) -> str:
    faces = faces_of(FLAGS.datasets, FLAGS.bbs_dir)
    methods: list[tuple[str, Callable[[], dict]]] = []
    for name, predict in model_predictors([DEFAULT_MODEL, *FLAGS.model_dirs],
                                          FLAGS.mirror_models):  # fmt: skip
        methods.append(
            (f"{name}, given boxes", lambda p=predict: boxed_errors(p, faces, FLAGS.seed))
        )
    landmarker = DlibLandmarker() if FLAGS.dlib else None
    if landmarker is not None:
        methods.append(("dlib ERT, given boxes",
                        lambda: boxed_errors(landmarker.predict, faces, FLAGS.seed)))  # fmt: skip
    if FLAGS.detector_every:
        every = FLAGS.detector_every
        models = [DEFAULT_MODEL, *FLAGS.model_dirs]
        pipelines = [detector_pipelines(models, detector) for detector in FLAGS.detectors]
        pipelines += [dlib_pipeline(landmarker)] if landmarker else []
        for detect in pipelines:
            methods.append(("", lambda d=detect: detected_errors(d, faces, FLAGS.seed, every)))
    tables, lines = {}, []
    work.mkdir(parents=True, exist_ok=True)
    for name, run in methods:
        started = time.time()
        # Detector pipelines give several methods at once; given-box runs one.
        results = {name: run()} if name else {
            f"{method}, own detector, 1 face in {FLAGS.detector_every}": errors
            for method, errors in run().items()
        }  # fmt: skip
        for method, errors in results.items():
            tables[method] = summary_rows(errors)
            lines += markdown_table(f"{method} ({time.time() - started:.0f} s)", tables[method])
            slug = "".join(c if c.isalnum() else "-" for c in method)[:80]
            (work / f"robustness-{slug}.json").write_text(json.dumps(errors, allow_nan=True))
    if FLAGS.plot:
        save_failure_plot(tables, Path(FLAGS.plot))
        lines += [f"![Failure rate by perturbation]({FLAGS.plot})", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    del argv
    print(robustness_report(Path(FLAGS.work_dir) / "robustness"))


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(exit_on_data_error(main))
