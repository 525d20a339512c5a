"""Would two trained models averaged beat either? Each alone, and the mean of their points.

    python -m bench.cascade_ensemble \
        --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' \
        --model_dirs=runs/mn2-s2-96 --mirror

The shipped default and each of --model_dirs align every face from its given box (the
front door's aligner: LiteRT where the family has it); the ensemble is the mean of their
(y, x) points, face by face: every network runs, so it costs their sum. With --mirror,
each model also with mirror averaging, and the ensemble of those. Inter-ocular NME;
prints one Markdown table, a row per predictor and per ensemble.
"""

import numpy as np
from absl import app, flags

from bench.flags import define_model_flags
from bench.robustness import (
    MIRRORED,
    faces_of,
    markdown_table,
    model_predictors,
    nme,
    summary_rows,
)
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.face_aligner import DEFAULT_MODEL

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_boolean("mirror", False, "Also every model with mirror averaging, and "
                         "their ensemble.")  # fmt: skip


def ensemble_errors(
    points: dict[str, np.ndarray], landmarks: np.ndarray, ensembles: dict[str, list[str]]
) -> dict[str, dict[int, float]]:
    """{row: {face index: NME}} of each predictor's points [faces, 68, 2] (y, x) and of
    each ensemble (its members' points averaged), against landmarks [faces, 68, 2]."""
    rows = dict(points)
    for name, members in ensembles.items():
        rows[name] = np.mean([points[member] for member in members], axis=0)
    return {
        name: {face: nme(each[face], landmarks[face]) for face in range(len(landmarks))}
        for name, each in rows.items()
    }


def main(argv) -> None:
    del argv
    faces = faces_of(FLAGS.datasets, FLAGS.bbs_dir)
    models = [DEFAULT_MODEL, *FLAGS.model_dirs]
    predictors = model_predictors(models, mirrored=models if FLAGS.mirror else [])
    points = {
        name: np.stack([predict(image, box) for _, image, _, box in faces])
        for name, predict in predictors
    }
    plain = [name for name in points if not name.endswith(MIRRORED)]
    if len(plain) < 2:
        raise app.UsageError("an ensemble needs a --model_dirs model besides the default")
    ensembles = {f"ensemble of the {len(plain)} models": plain}
    if FLAGS.mirror:
        mirrored = [name for name in points if name.endswith(MIRRORED)]
        ensembles[f"ensemble of the {len(plain)} models, each mirror-averaged"] = mirrored
    landmarks = np.stack([each for _, _, each, _ in faces])
    rows = summary_rows(ensemble_errors(points, landmarks, ensembles))
    title = f"given boxes ({len(faces)} faces)"
    print("\n".join(markdown_table(title, rows, first_column="predictor")), flush=True)


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(exit_on_data_error(main))
