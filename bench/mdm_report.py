"""Summarises an MDM evaluation directory for BENCHMARKS.md.

    python bench/mdm_report.py --eval_dir=runs/mdm/eval --ced_png=docs/mdm_300w_common_ced.png

Reads every errors-<step>-<key>.json written by eval_mdm.py, adds the error of the
initialisation alone (the reference shape placed in the detector box, from the
evaluation records), prints a Markdown table (one row per checkpoint) and draws
the CED of the initialisation and of the last checkpoint.
"""

import json
from pathlib import Path

import numpy as np
from absl import app, flags

from face_alignment_tf.evaluation.ced_plot import save_ced_plot
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.evaluation.report import summarise
from face_alignment_tf.mdm.pipeline import evaluation_dataset

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_string("eval_dir", None, "An eval_mdm.py --eval_dir.", required=True)
    flags.DEFINE_string("ced_png", None, "Where to save the CED plot (optional).")


def initialisation_errors(records: Path) -> np.ndarray:
    errors = [
        normalised_mean_error(batch["initial"], batch["landmarks"]).numpy()
        for batch in evaluation_dataset(str(records), batch_size=100)
    ]
    return np.concatenate(errors)


def row(name: str, summary: dict) -> str:
    return (
        f"| {name} | {summary['num_images']} | {100 * summary['mean_nme']:.2f} | "
        f"{100 * summary['median_nme']:.2f} | {100 * summary['failure_rate_0.08']:.1f} | "
        f"{summary['auc_0.08']:.3f} |"
    )


def main(argv: list[str]) -> None:
    del argv
    eval_dir = Path(FLAGS.eval_dir)
    results = [json.loads(path.read_text()) for path in sorted(eval_dir.glob("errors-*.json"))]
    if not results:
        raise SystemExit(f"{eval_dir}: no errors-*.json (run eval_mdm.py first)")
    initial = initialisation_errors(eval_dir / "records")
    print("| model | faces | mean NME % | median NME % | failure % (>0.08) | AUC@0.08 |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row("initialisation only (mean shape in the box)", summarise(initial)))
    for result in results:
        print(row(f"MDM step {result['step']}", result["summary"]))
    if FLAGS.ced_png:
        last = results[-1]
        save_ced_plot(
            {
                "initialisation": initial,
                f"MDM step {last['step']}": np.fromiter(last["per_image"].values(), float),
            },
            FLAGS.ced_png,
            title="300-W common subset (554 faces), inter-ocular NME",
        )
        print(f"\nCED plot: {FLAGS.ced_png}")


if __name__ == "__main__":
    define_flags()
    app.run(main)
