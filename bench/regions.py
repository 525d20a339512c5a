"""Where the error is: each model's inter-ocular error region by region of the face.

    python -m bench.regions --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' \
        --model_dirs=runs/mn2-s2-80

The shipped default, each of --model_dirs and dlib (unless --nodlib) align every face from
its given 300-W box (the front door's aligner: LiteRT where the family has it). For each
region of the 68-point markup (`data.landmarks.REGIONS_68`: jaw, brows, nose, eyes, mouth)
the mean over faces of its points' mean error, over the inter-ocular distance, and the
region's share of the whole NME (its points' summed error over all points' summed error).
Prints one Markdown table, a row per predictor.
"""

import numpy as np
from absl import app, flags

from bench.dlib_peer import DlibLandmarker
from bench.flags import define_model_flags
from bench.robustness import faces_of, model_predictors
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.landmarks import REGIONS_68
from face_alignment_tf.evaluation.metrics import normalised_point_errors
from face_alignment_tf.face_aligner import DEFAULT_MODEL

FLAGS = flags.FLAGS


def region_errors(point_errors: np.ndarray) -> dict[str, dict[str, float]]:
    """{region: {"mean": mean over faces of the region's mean point error, "share": the
    region's fraction of the summed error}} of normalised point errors [faces, 68], with
    "all" first (its share 1)."""
    point_errors = np.asarray(point_errors, np.float64)
    total = point_errors.sum()
    rows = {"all": {"mean": float(point_errors.mean()), "share": 1.0}}
    for region, indices in REGIONS_68.items():
        errors = point_errors[:, list(indices)]
        rows[region] = {"mean": float(errors.mean()), "share": float(errors.sum() / total)}
    return rows


def regions_table(title: str, rows: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Markdown: a row per predictor, each region's mean error % (share of the NME %)."""
    regions = ["all", *REGIONS_68]
    lines = [
        f"#### {title}",
        "",
        "| predictor | " + " | ".join(f"{region}: NME % (share %)" for region in regions) + " |",
        "|---|" + "---:|" * len(regions),
    ]
    for name, errors in rows.items():
        cells = [f"{100 * errors[r]['mean']:.2f} ({100 * errors[r]['share']:.0f})" for r in regions]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def main(argv) -> None:
    del argv
    faces = faces_of(FLAGS.datasets, FLAGS.bbs_dir)
    predictors = model_predictors([DEFAULT_MODEL, *FLAGS.model_dirs])
    if FLAGS.dlib:
        dlib = DlibLandmarker()
        predictors.append(("dlib ERT (shape_predictor_68)", dlib.predict))
    landmarks = np.stack([each for _, _, each, _ in faces])
    rows = {}
    for name, predict in predictors:
        points = np.stack([predict(image, box) for _, image, _, box in faces])
        rows[name] = region_errors(normalised_point_errors(points, landmarks).numpy())
    title = f"given boxes ({len(faces)} faces), inter-ocular NME by region"
    print("\n".join(regions_table(title, rows)), flush=True)


if __name__ == "__main__":
    define_model_flags()
    app.run(exit_on_data_error(main))
