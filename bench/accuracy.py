"""Side-by-side accuracy on 300-W: our trained models and dlib, on the same faces and boxes.

    python -m bench.accuracy \
        --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' \
        --model_dirs=runs/mdm-300w,runs/hg2-final \
        --work_dir=runs/bench --ced_dir=docs/bench

Initialisations, each given alike to every method:
* 'bbs': the 300-W detector boxes;
* 'mtcnn', 'opencv', 'dlib-hog': a face detector run on the image
  (`face_alignment_tf.detectors`); the
  detection that overlaps the 300-W box most (IoU >= 0.3) is the face's box.
  Faces it misses are counted in the table and in a "missed = failure" failure
  rate, never silently dropped. A model with a calibration for that detector
  (`face_alignment_tf.calibration`) gets a second row with the calibrated boxes: the
  front door's pipeline (`FaceAligner(model, detector)`).
Inter-ocular NME (outer eye corners 36/45), mean and median, failure rate and AUC at 0.08,
split by subset. Each trained model is scored by its family's evaluator with its default
settings (MDM: EMA weights, mirrored averaging; hourglass: detector-box crop, SDU's argmax).
Prints Markdown; one CED plot per initialisation (all methods on one chart).
"""

import json
import time
from pathlib import Path

import numpy as np
from absl import app, flags

from bench.dlib_peer import DlibLandmarker
from bench.flags import define_model_flags, model_label
from face_alignment_tf.calibration import BoxCalibration, read_calibrations
from face_alignment_tf.data.discovery import box_candidates, discover_faces
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.images import load_image
from face_alignment_tf.data.pts import read_pts, write_pts
from face_alignment_tf.detectors import detector_names, make_detector, matching_box
from face_alignment_tf.evaluation.ced_plot import save_ced_plot
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.evaluation.records import prepare_evaluation_records
from face_alignment_tf.evaluation.report import summarise
from face_alignment_tf.families import ScoreSettings, load_trained_model

FLAGS = flags.FLAGS
INITIALISATIONS = ("bbs", *detector_names())


def define_flags() -> None:
    flags.DEFINE_list("initialisations", list(INITIALISATIONS), "Box sources to compare.")
    flags.DEFINE_string("ced_dir", None, "Where accuracy_ced_<initialisation>.png go.")


def detect_boxes(records, detector_name: str, bbs_root: Path, datasets: str) -> list[str]:
    """Writes the detector's boxes in the bbs/ layout under bbs_root; returns the images
    whose face it missed. Reuses an earlier run on the same datasets."""
    done = bbs_root.parent / "detections.json"
    if done.is_file() and json.loads(done.read_text())["datasets"] == datasets:
        return json.loads(done.read_text())["missed"]
    detector, missed = make_detector(detector_name), []
    for record in records:
        box = matching_box(detector.detect(load_image(record.image_path))[0], record.box)
        if box is None:
            missed.append(str(record.image_path))
            continue
        target = box_candidates(record.image_path, bbs_root)[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        write_pts(target, box)
    done.write_text(json.dumps({"datasets": datasets, "missed": missed}))
    return missed


def write_calibrated_boxes(
    records, missed: list[str], detected_root: Path, calibration: BoxCalibration, root: Path
) -> None:
    """The detector's boxes (bbs/ layout under detected_root) mapped by a model's
    calibration, in the bbs/ layout under root."""
    for record in records:
        if str(record.image_path) in missed:
            continue
        box = read_pts(box_candidates(record.image_path, detected_root)[0], 4)
        target = box_candidates(record.image_path, root)[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        write_pts(target, calibration.apply(box))


def dlib_method():
    landmarker = DlibLandmarker()

    def errors(datasets: str, bbs_dir: str, work: Path) -> dict[str, float]:
        del work  # dlib reads the images directly
        scored = {}
        for record in discover_faces(datasets, bbs_dir):
            prediction = landmarker.predict(load_image(record.image_path), record.box)
            scored[str(record.image_path)] = float(
                normalised_mean_error(prediction, record.landmarks).numpy()
            )
        return scored

    return "dlib ERT (shape_predictor_68)", errors


def trained_model_method(train_dir: str):
    trained = load_trained_model(train_dir)

    def errors(datasets: str, bbs_dir: str, work: Path) -> dict[str, float]:
        records = prepare_evaluation_records(datasets, work, trained.reference_shape, bbs_dir)
        return trained.score(records, ScoreSettings(normaliser="inter_ocular"))

    return model_label(trained.display_name, train_dir), errors


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


def accuracy_report(work: Path) -> str:
    """The Markdown tables, one per initialisation; CED plots under --ced_dir."""
    records = discover_faces(FLAGS.datasets, FLAGS.bbs_dir)
    methods = [dlib_method(), *map(trained_model_method, FLAGS.model_dirs)]
    method_calibrations = [{}, *map(read_calibrations, FLAGS.model_dirs)]
    lines = []
    for initialisation in FLAGS.initialisations:
        if initialisation == "bbs":
            datasets, bbs_dir, missed = FLAGS.datasets, FLAGS.bbs_dir, []
        elif initialisation in detector_names():
            bbs_dir = str(work / initialisation / "bbs")
            missed = detect_boxes(records, initialisation, Path(bbs_dir), FLAGS.datasets)
            datasets = ":".join(
                str(r.image_path) for r in records if str(r.image_path) not in missed
            )
        else:
            raise ValueError(f"initialisation must be one of {INITIALISATIONS}, got "
                             f"{initialisation!r}")  # fmt: skip
        lines += [
            f"#### Initialisation: {initialisation} ({len(records)} faces, {len(missed)} "
            "missed by the detector)",
            "",
            "| method | subset | faces scored | faces missed | mean NME % | median NME % "
            "| failure % | failure % (missed = failed) | AUC@0.08 | seconds |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        curves = {}
        for index, ((name, errors_of), calibrations) in enumerate(
            zip(methods, method_calibrations, strict=True)
        ):
            runs = [(name, bbs_dir, initialisation)]
            if initialisation in calibrations:  # the front door's pipeline
                calibrated = work / initialisation / f"calibrated-{index}" / "bbs"
                write_calibrated_boxes(records, missed, Path(bbs_dir),
                                       calibrations[initialisation], calibrated)  # fmt: skip
                runs.append((f"{name} + box calibration", str(calibrated),
                             f"{initialisation}-calibrated"))  # fmt: skip
            for label, boxes_dir, records_name in runs:
                started = time.time()
                errors = errors_of(datasets, boxes_dir, work / f"method-{index}" / records_name)
                lines += table_rows(label, errors, missed, time.time() - started)
                curves[label] = np.fromiter(errors.values(), float)
        if FLAGS.ced_dir:
            path = Path(FLAGS.ced_dir) / f"accuracy_ced_{initialisation}.png"
            save_ced_plot(curves, path, title=f"{initialisation} boxes, inter-ocular NME")
            lines += ["", f"![CED, {initialisation} boxes]({path})"]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    del argv
    print(accuracy_report(Path(FLAGS.work_dir)))


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(exit_on_data_error(main))
