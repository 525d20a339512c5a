"""What limits a cascade: its first stage, or the stages after it? Each model's whole
cascade from the box against its later stages alone started from the true points.

    python -m bench.cascade_bound \
        --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' \
        --model_dirs=runs/mn2-s2-96 --perturbations='none,occlusion 40 % texture'

The shipped default and each of --model_dirs (models whose aligner can refine: a
two-stage cascade) align every face of --datasets under each of --perturbations (names of
`bench.perturbations`, the robustness benchmark's seeded draws): once from the given box
(the whole cascade, as `FaceAligner.align`) and once by `refine` from the face's true
(y, x) points, as if a perfect first stage had found them. Where the two agree the first
stage costs nothing and the later stages' own error is the cascade's floor; their gap is
the most that a better first stage could win. Prints two Markdown tables per model, one
per start.
"""

from collections.abc import Callable

import numpy as np
from absl import app, flags

from bench.flags import define_model_flags, model_label
from bench.perturbations import PERTURBATIONS
from bench.robustness import faces_of, markdown_table, nme, perturbed_faces, summary_rows
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.face_aligner import DEFAULT_MODEL, FaceAligner

FLAGS = flags.FLAGS
START_FROM_BOX, START_FROM_TRUTH = "cascade from the box", "later stages from the true points"


def unknown_perturbations(names: list[str]) -> list[str]:
    """Those of `names` that are not a perturbation of `bench.perturbations`."""
    return sorted(set(names) - {perturbation.name for perturbation in PERTURBATIONS})


def define_flags() -> None:
    flags.DEFINE_list("perturbations", ["none"], "Names of bench.perturbations' perturbations.")
    flags.DEFINE_integer("seed", 0, "Seed of every perturbation's draws.")
    flags.register_validator(
        "perturbations", lambda names: not unknown_perturbations(names),
        "names a perturbation that bench.perturbations does not have",
    )  # fmt: skip


def bound_errors(
    align: Callable[[np.ndarray, np.ndarray], np.ndarray],
    refine: Callable[[np.ndarray, np.ndarray], np.ndarray],
    faces,
    perturbations: list[str],
    seed: int,
) -> dict[str, dict[str, dict[str, float]]]:
    """{start: {perturbation: {path: NME}}} of `align(image, box [4, 2])` (START_FROM_BOX)
    and `refine(image, true points [68, 2])` (START_FROM_TRUTH), both -> [68, 2] (y, x),
    on `faces` (`bench.robustness.faces_of`) under each named perturbation."""
    names = [perturbation.name for perturbation in PERTURBATIONS]
    unknown = unknown_perturbations(perturbations)
    if unknown:
        raise ValueError(f"unknown perturbations {unknown}; known: {names}")
    errors = {START_FROM_BOX: {}, START_FROM_TRUTH: {}}
    for name in perturbations:
        for path, image, landmarks, box in perturbed_faces(faces, names.index(name), seed):
            errors[START_FROM_BOX].setdefault(name, {})[path] = nme(align(image, box), landmarks)
            errors[START_FROM_TRUTH].setdefault(name, {})[path] = nme(
                refine(image, np.asarray(landmarks, np.float64)), landmarks
            )
    return errors


def main(argv) -> None:
    del argv
    faces = faces_of(FLAGS.datasets, FLAGS.bbs_dir)
    for model in [DEFAULT_MODEL, *FLAGS.model_dirs]:
        aligner = FaceAligner(model, detector=None)
        title = model_label(aligner.trained.display_name, aligner.model_dir)
        if not getattr(aligner.landmarker, "can_refine", False):
            print(f"#### {title}\n\nnot a cascade that refines: no bound\n", flush=True)
            continue
        errors = bound_errors(
            lambda image, box, a=aligner: a.align(image, box[None])[0],
            aligner.landmarker.refine, faces, FLAGS.perturbations, FLAGS.seed,
        )  # fmt: skip
        for start, rows in errors.items():
            print("\n".join(markdown_table(f"{title}: {start}", summary_rows(rows))), flush=True)


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(exit_on_data_error(main))
