"""Would a third cascade stage help? Stage 2 run again on its own points, pass after pass.

    python -m bench.cascade_passes \
        --datasets='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' --passes=3

The cheapest third stage: one more crop around the last points through the same stage-2
network (`mobilenet.cascade`: its crop and its weights), with no training. Each trained
MobileNetV2 cascade (the shipped default first, then --model_dirs) is scored after stage 1
and after every stage-2 pass, on the given boxes, one image at a time (Keras path).
Inter-ocular NME; prints one Markdown table per model.
"""

import numpy as np
import tensorflow as tf
from absl import app, flags

from bench.flags import define_model_flags, model_label
from bench.robustness import faces_of, markdown_table, nme, summary_rows
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.images import unit_rgb_pixels
from face_alignment_tf.face_aligner import DEFAULT_MODEL, FaceAligner
from face_alignment_tf.mobilenet.cascade import MobileNetCascade, landmarks_in_images
from face_alignment_tf.mobilenet.crops import stage_crop_matrix

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_integer("passes", 3, "Stage-2 passes to score (2 and more: the extra stages).")


def pass_by_pass(cascade: MobileNetCascade, passes: int):
    """images [1, H, W, 3], boxes [1, 4, 2] -> [1 + passes, 1, 68, 2] (y, x): the points
    after stage 1 and after each stage-2 pass."""
    if cascade.stage_2 is None:
        raise ValueError("cascade_passes needs a two-stage cascade")

    @tf.function(reduce_retracing=True)
    def run(images, boxes):
        points, last = [], boxes
        for stage in [1] + [2] * passes:
            network = cascade.stage(stage)
            matrices = stage_crop_matrix(stage, last, cascade.stage2_crop, network.input_size)
            last = landmarks_in_images(network, images, matrices)
            points.append(last)
        return tf.stack(points)

    return run


def depth_errors(errors: np.ndarray) -> dict[str, dict[int, float]]:
    """errors [faces, 1 + passes] -> {cascade depth: {face index: NME}} (summary_rows' input)."""
    return {
        "stage 1" if depth == 0 else f"stage-2 pass {depth}": dict(enumerate(errors[:, depth]))
        for depth in range(errors.shape[1])
    }


def main(argv) -> None:
    del argv
    faces = faces_of(FLAGS.datasets, FLAGS.bbs_dir)
    for model in [DEFAULT_MODEL, *FLAGS.model_dirs]:
        aligner = FaceAligner(model, detector=None)
        trained = aligner.trained
        run = pass_by_pass(trained.model, FLAGS.passes)
        errors = []
        for path, image, landmarks, box in faces:
            pixels = unit_rgb_pixels(image, path)[None]
            points = run(tf.constant(pixels), tf.constant(box[None], tf.float32)).numpy()
            errors.append([nme(each[0], landmarks) for each in points])
        rows = summary_rows(depth_errors(np.asarray(errors)))
        name = model_label(trained.display_name, aligner.model_dir)
        title = f"{name}, given boxes ({len(errors)} faces)"
        print("\n".join(markdown_table(title, rows, first_column="after")), flush=True)


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(exit_on_data_error(main))
