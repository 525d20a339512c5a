"""Summaries of per-image errors: numbers, TensorBoard scalars and images, JSON files."""

from pathlib import Path

import numpy as np
import tensorflow as tf
from absl import logging

from face_alignment_tf.data.json_files import write_json_atomically
from face_alignment_tf.evaluation.ced_plot import ced_figure, figure_to_rgb
from face_alignment_tf.evaluation.checkpoint_watcher import results_path
from face_alignment_tf.evaluation.metrics import FAILURE_THRESHOLD, area_under_ced, failure_rate
from face_alignment_tf.evaluation.per_image import error_array


def summarise(errors) -> dict[str, float]:
    """Mean / median NME, failure rate and AUC at 0.08, and the image count."""
    errors = np.asarray(errors, np.float64)
    return {
        "num_images": int(errors.size),
        "mean_nme": float(errors.mean()),
        "median_nme": float(np.median(errors)),
        "failure_rate_0.08": failure_rate(errors, FAILURE_THRESHOLD),
        "auc_0.08": area_under_ced(errors, FAILURE_THRESHOLD),
    }


def write_tensorboard(writer, step: int, summary: dict, errors, prefix: str = "eval") -> None:
    """Scalars `<prefix>/<name>` and the CED plot `<prefix>/ced` at `step`."""
    with writer.as_default(step=step):
        for name, value in summary.items():
            if name != "num_images":
                tf.summary.scalar(f"{prefix}/{name}", value)
        image = figure_to_rgb(ced_figure({f"step {step}": np.asarray(errors)}, title=prefix))
        tf.summary.image(f"{prefix}/ced", image[None])
    writer.flush()


def write_json(
    path: str | Path,
    checkpoint: str,
    step: int,
    summary: dict,
    per_image: dict,
    evaluated: dict | None = None,
) -> None:
    """One checkpoint's results: summary, {image path: error} and what was `evaluated` (test
    set and settings), written atomically."""
    content = {
        "checkpoint": checkpoint,
        "step": step,
        "evaluated": evaluated or {},
        "summary": summary,
        "per_image": per_image,
    }
    write_json_atomically(path, content)


def report_checkpoint(
    writer,
    eval_dir: str | Path,
    checkpoint: str,
    step: int,
    per_image: dict[str, float],
    key: str,
    evaluated: dict,
) -> dict:
    """Everything an evaluator reports for one checkpoint: TensorBoard scalars and CED,
    errors-<step>-<key>.json, a log line and a console line. Returns the summary."""
    errors = error_array(per_image)
    summary = summarise(errors)
    write_tensorboard(writer, step, summary, errors)
    write_json(results_path(eval_dir, step, key), checkpoint, step, summary, per_image, evaluated)
    logging.info(
        "%s: %d faces, mean NME %.4f, failure rate %.2f%%, AUC@0.08 %.4f",
        checkpoint,
        summary["num_images"],
        summary["mean_nme"],
        100 * summary["failure_rate_0.08"],
        summary["auc_0.08"],
    )
    print(f"step {step}: " + ", ".join(f"{k} {v:.4f}" for k, v in summary.items()), flush=True)
    return summary
