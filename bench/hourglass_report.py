"""Scores one heatmap-network checkpoint under every protocol, for BENCHMARKS.md.

    python bench/hourglass_report.py --checkpoint_dir=runs/hg2-d3-cab \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg' \
        --ced_png=docs/hg2_d3_cab_300w_common_ced.png

One network pass per crop ('box': from the detector box, the fair protocol;
'oracle': SDU's crop from the ground truth) scores both decoders ('argmax':
SDU's, 'subpixel') under the inter-ocular (300-W standard) and eye-centre
(SDU 2D) normalisers. Prints a Markdown table and optionally draws the CED
curves (inter-ocular) of both crops with each decoder.
"""

from pathlib import Path

from absl import app, flags

from face_alignment_tf.artifacts.checkpoints import checkpoint_step
from face_alignment_tf.config.run_config import BoxSettings
from face_alignment_tf.config.settings import define_flags_of
from face_alignment_tf.evaluation.ced_plot import save_ced_plot
from face_alignment_tf.evaluation.per_image import error_array
from face_alignment_tf.evaluation.records import prepare_evaluation_records
from face_alignment_tf.evaluation.report import summarise
from face_alignment_tf.families import load_trained_model
from face_alignment_tf.families.contract import EVALUATION_CROPS
from face_alignment_tf.hourglass.pipeline import evaluation_dataset
from face_alignment_tf.hourglass.scoring import DECODERS, errors_by_protocol

FLAGS = flags.FLAGS
NORMALISERS = ("inter_ocular", "eye_centre")


def define_flags() -> None:
    flags.DEFINE_string("checkpoint_dir", None, "A train_hourglass.py --train_dir.", required=True)
    flags.DEFINE_string("checkpoint", None, "Checkpoint to score (default: the latest).")
    flags.DEFINE_string("dataset_path", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_string("eval_dir", None, "Where the test records go (default: <dir>/bench).")
    define_flags_of(BoxSettings)
    flags.DEFINE_integer("batch_size", 32, "Faces per batch.")
    flags.DEFINE_string("ced_png", None, "Where to save the CED plot (optional).")


def main(argv: list[str]) -> None:
    del argv
    trained = load_trained_model(FLAGS.checkpoint_dir, FLAGS.checkpoint, "hourglass")
    model, landmark_type = trained.model, trained.description["landmark_type"]
    path = trained.checkpoint_path
    eval_dir = Path(FLAGS.eval_dir or Path(FLAGS.checkpoint_dir) / "bench")
    records = prepare_evaluation_records(
        FLAGS.dataset_path, eval_dir, trained.reference_shape, FLAGS.bbs_dir, FLAGS.boxes
    )
    print(f"checkpoint {path} (step {checkpoint_step(path)}), {FLAGS.dataset_path}\n")
    print(
        "| crop | decoder | faces | inter-ocular NME % | median % | failure % (>0.08) "
        "| AUC@0.08 | eye-centre NME % |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    curves = {}
    for crop in EVALUATION_CROPS:
        dataset = evaluation_dataset(str(records), FLAGS.batch_size, crop, landmark_type)
        results = errors_by_protocol(model, dataset, NORMALISERS, tuple(DECODERS))
        for decoder in DECODERS:
            inter_ocular = error_array(results[decoder, "inter_ocular"])
            eye_centre = summarise(error_array(results[decoder, "eye_centre"]))
            summary = summarise(inter_ocular)
            print(
                f"| {crop} | {decoder} | {summary['num_images']} | "
                f"{100 * summary['mean_nme']:.2f} | {100 * summary['median_nme']:.2f} | "
                f"{100 * summary['failure_rate_0.08']:.1f} | {summary['auc_0.08']:.3f} | "
                f"{100 * eye_centre['mean_nme']:.2f} |",
                flush=True,
            )
            curves[f"{crop} crop, {decoder}"] = inter_ocular
    if FLAGS.ced_png:
        title = f"step {checkpoint_step(path)}, inter-ocular NME"
        save_ced_plot(curves, FLAGS.ced_png, title=title)
        print(f"\nCED plot: {FLAGS.ced_png}")


if __name__ == "__main__":
    define_flags()
    app.run(main)
