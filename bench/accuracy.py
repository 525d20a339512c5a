"""Side-by-side accuracy on 300-W: our trained models and dlib, on the same faces and boxes.

    python bench/accuracy.py \
        --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' \
        --mdm_dir=runs/mdm-300w --hourglass_dirs=runs/hg2-d3-cab-300w \
        --work_dir=runs/bench --ced_png=bench/results/accuracy_ced.png

Two initialisations, each given alike to every method:
* 'bbs': the 300-W detector boxes;
* 'dlib-hog': dlib's HOG face detector run on the image; the detection that overlaps the
  300-W box most (IoU >= 0.3) is the face's box. Faces it misses are counted in the table
  and in a "missed = failure" failure rate, never silently dropped.
Inter-ocular NME (outer eye corners 36/45), mean and median, failure rate and AUC at 0.08,
split by subset. MDM uses its EMA weights and mirrored averaging (as its evaluator);
heatmap networks the detector-box crop and SDU's argmax decoder. Prints Markdown.
"""

import time
from pathlib import Path

import numpy as np
import tensorflow as tf
from absl import app, flags

from bench.dlib_peer import DlibDetector, DlibLandmarker
from data.discovery import box_candidates, discover_faces
from data.errors import exit_on_data_error
from data.pipeline import evaluation_dataset as mdm_evaluation_dataset
from data.preprocessing import read_image
from data.pts import write_pts
from evaluation.ced_plot import save_ced_plot
from evaluation.metrics import normalised_mean_error
from evaluation.records import prepare_evaluation_records
from evaluation.report import summarise
from hourglass.evaluator import evaluate_batches as hourglass_errors
from hourglass.pipeline import evaluation_dataset as hourglass_evaluation_dataset
from hourglass.training_files import load_model_description as load_hourglass
from mdm.evaluator import evaluate_batches as mdm_errors
from mdm.moving_average import ExponentialMovingAverage
from mdm.training_files import load_model_description as load_mdm
from training.model_weights import model_weights

FLAGS = flags.FLAGS
MIN_IOU = 0.3


def define_flags() -> None:
    flags.DEFINE_string("datasets", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_string("bbs_dir", None, "300-W boxes root (default: nearest bbs/).")
    flags.DEFINE_string("mdm_dir", None, "A train_mdm.py --train_dir (latest checkpoint).")
    flags.DEFINE_list("hourglass_dirs", [], "train_hourglass.py --train_dirs.")
    flags.DEFINE_list("initialisations", ["bbs", "dlib-hog"], "Box sources to compare.")
    flags.DEFINE_string("work_dir", "runs/bench", "Converted records and detected boxes.")
    flags.DEFINE_string("ced_png", None, "CED plot of every method (first initialisation).")


def rgb_uint8(path) -> np.ndarray:
    image = read_image(path)
    return np.ascontiguousarray((image.pixels_with_channels_at_back() * 255).round(), np.uint8)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    lo, hi = np.maximum(a.min(0), b.min(0)), np.minimum(a.max(0), b.max(0))
    inter = np.prod(np.clip(hi - lo, 0, None))
    area = lambda box: np.prod(box.max(0) - box.min(0))  # noqa: E731
    return float(inter / (area(a) + area(b) - inter))


def detect_boxes(records, bbs_root: Path) -> list[str]:
    """Writes dlib-HOG boxes in the bbs/ layout; returns the images whose face was missed."""
    detector, missed = DlibDetector(), []
    for record in records:
        boxes = detector.detect(rgb_uint8(record.image_path))
        overlaps = [iou(box, record.box) for box in boxes]
        if not overlaps or max(overlaps) < MIN_IOU:
            missed.append(str(record.image_path))
            continue
        target = box_candidates(record.image_path, bbs_root)[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        write_pts(target, boxes[int(np.argmax(overlaps))])
    return missed


def dlib_method():
    landmarker = DlibLandmarker()

    def errors(datasets: str, bbs_dir: str, work: Path) -> dict[str, float]:
        del work  # dlib reads the images directly
        scored = {}
        for record in discover_faces(datasets, bbs_dir):
            prediction = landmarker.predict(rgb_uint8(record.image_path), record.box)
            scored[str(record.image_path)] = float(
                normalised_mean_error(prediction, record.landmarks).numpy()
            )
        return scored

    return "dlib ERT (shape_predictor_68)", errors


def mdm_method(train_dir: str):
    model, reference_shape = load_mdm(train_dir)
    model.build()
    ema = ExponentialMovingAverage(model.trainable_variables)
    path = tf.train.latest_checkpoint(train_dir)
    tf.train.Checkpoint(model=model, ema=ema).restore(path).expect_partial()

    def errors(datasets: str, bbs_dir: str, work: Path) -> dict[str, float]:
        records = prepare_evaluation_records(datasets, work, reference_shape, bbs_dir)
        with ema.averaged_weights(model.trainable_variables):
            return mdm_errors(model, mdm_evaluation_dataset(str(records), 60, True))

    return f"MDM ({Path(path).name})", errors


def hourglass_method(train_dir: str):
    model, landmark_type, reference_shape = load_hourglass(train_dir)
    path = tf.train.latest_checkpoint(train_dir)
    tf.train.Checkpoint(weights=model_weights(model)).restore(path).expect_partial()

    def errors(datasets: str, bbs_dir: str, work: Path) -> dict[str, float]:
        records = prepare_evaluation_records(datasets, work, reference_shape, bbs_dir)
        dataset = hourglass_evaluation_dataset(str(records), 32, "box", landmark_type)
        return hourglass_errors(model, dataset, "inter_ocular")

    name = f"{model.topology}{model.stacks}(d={model.depth})-{model.block} ({Path(path).name})"
    return name, errors


def subset(path: str) -> str:
    parts = Path(path).parts
    return next((part for part in parts if part in ("lfpw", "helen", "afw", "ibug")), "other")


def table_rows(name: str, errors: dict[str, float], missed: list[str], seconds: float):
    rows = []
    groups = {"all": list(errors)} | {
        key: [p for p in errors if subset(p) == key] for key in sorted({subset(p) for p in errors})
    }
    for group, paths in groups.items():
        if not paths:
            continue
        summary = summarise([errors[p] for p in paths])
        lost = len(missed) if group == "all" else sum(subset(p) == group for p in missed)
        with_missed = (summary["failure_rate_0.08"] * len(paths) + lost) / (len(paths) + lost)
        rows.append(
            f"| {name} | {group} | {len(paths)} | {lost} | {100 * summary['mean_nme']:.2f} | "
            f"{100 * summary['median_nme']:.2f} | {100 * summary['failure_rate_0.08']:.1f} | "
            f"{100 * with_missed:.1f} | {summary['auc_0.08']:.3f} | {seconds:.0f} |"
        )
    return rows


def main(argv: list[str]) -> None:
    del argv
    work = Path(FLAGS.work_dir)
    records = discover_faces(FLAGS.datasets, FLAGS.bbs_dir)
    methods = [dlib_method()]
    if FLAGS.mdm_dir:
        methods.append(mdm_method(FLAGS.mdm_dir))
    methods += [hourglass_method(directory) for directory in FLAGS.hourglass_dirs]
    curves = {}
    for initialisation in FLAGS.initialisations:
        if initialisation == "bbs":
            datasets, bbs_dir, missed = FLAGS.datasets, FLAGS.bbs_dir, []
        elif initialisation == "dlib-hog":
            bbs_dir = str(work / "dlib-hog" / "bbs")
            missed = detect_boxes(records, Path(bbs_dir))
            datasets = ":".join(
                str(r.image_path) for r in records if str(r.image_path) not in missed
            )
        else:
            raise ValueError(f"unknown initialisation {initialisation!r}")
        print(f"\n### Initialisation: {initialisation} ({len(records)} faces, "
              f"{len(missed)} missed by the detector)\n")  # fmt: skip
        print(
            "| method | subset | faces scored | faces missed | mean NME % | median NME % "
            "| failure % | failure % (missed = failed) | AUC@0.08 | seconds |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, errors_of in methods:
            started = time.time()
            errors = errors_of(datasets, bbs_dir, work / name.split(" ")[0] / initialisation)
            for row in table_rows(name, errors, missed, time.time() - started):
                print(row, flush=True)
            if initialisation == FLAGS.initialisations[0]:
                curves[name] = np.fromiter(errors.values(), float)
    if FLAGS.ced_png:
        title = f"{FLAGS.initialisations[0]} boxes, inter-ocular NME"
        save_ced_plot(curves, FLAGS.ced_png, title=title)
        print(f"\nCED plot: {FLAGS.ced_png}")


if __name__ == "__main__":
    define_flags()
    app.run(exit_on_data_error(main))
