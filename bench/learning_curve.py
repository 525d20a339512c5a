"""Learning curves of watched runs: mean NME (and failure rate) of every evaluated
checkpoint against its step, from the evaluators' errors-<step>-<key>.json.

    python -m bench.learning_curve --eval_dirs=runs/mn-s1/eval,runs/mn-s2/eval \
        --labels='stage 1,stage 2' --plot=docs/bench/learning_curves.png

Each eval_dir is one curve (a run's steps continue the one before when --offsets give
its first step); only results of one test set per eval_dir are read (the newest key, or
--key). Prints a Markdown table and saves the plot.
"""

import json
from pathlib import Path

import numpy as np
from absl import app, flags

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_list("eval_dirs", None, "Evaluators' --eval_dir, one curve each.", required=True)
    flags.DEFINE_list("labels", None, "A label per eval_dir (default: the folder).")
    flags.DEFINE_list("offsets", None, "Steps added to each eval_dir's steps (default 0).")
    flags.DEFINE_string("plot", None, "Where the PNG goes.")


def curve(eval_dir: str | Path) -> list[tuple[int, float, float]]:
    """(step, mean NME, failure rate) of each evaluated checkpoint of the test set of the
    newest results file, by step."""
    files = sorted(Path(eval_dir).glob("errors-*-*.json"), key=lambda p: p.stat().st_mtime)
    if not files:
        raise FileNotFoundError(f"{eval_dir}: no errors-<step>-<key>.json yet")
    key = files[-1].stem.split("-", 2)[2]
    points = []
    for path in Path(eval_dir).glob(f"errors-*-{key}.json"):
        result = json.loads(path.read_text())
        summary = result["summary"]
        points.append((int(result["step"]), summary["mean_nme"], summary["failure_rate_0.08"]))
    return sorted(points)


def save_plot(curves: dict[str, list[tuple[int, float, float]]], path: Path) -> None:
    from face_alignment_tf.evaluation.ced_plot import plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=100)
    for label, points in curves.items():
        steps, nme, _ = zip(*points, strict=True)
        axes.plot(steps, 100 * np.array(nme), marker=".", label=label)
    axes.set(xlabel="training step (batch 64)", ylabel="mean NME % (inter-ocular)")
    axes.set_ylim(bottom=0, top=min(20.0, axes.get_ylim()[1]))
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def main(argv: list[str]) -> None:
    del argv
    labels = FLAGS.labels or [Path(d).parent.name for d in FLAGS.eval_dirs]
    offsets = [int(o) for o in FLAGS.offsets] if FLAGS.offsets else [0] * len(FLAGS.eval_dirs)
    curves = {}
    print("| run | step | mean NME % | failure % |\n|---|---:|---:|---:|")
    for eval_dir, label, offset in zip(FLAGS.eval_dirs, labels, offsets, strict=True):
        curves[label] = [(step + offset, nme, fail) for step, nme, fail in curve(eval_dir)]
        for step, nme, fail in curves[label]:
            print(f"| {label} | {step} | {100 * nme:.2f} | {100 * fail:.1f} |")
    if FLAGS.plot:
        save_plot(curves, Path(FLAGS.plot))


if __name__ == "__main__":
    define_flags()
    app.run(main)
