"""Summaries of per-image errors: numbers, TensorBoard scalars and images, JSON files."""

from pathlib import Path

import numpy as np
import tensorflow as tf

from data.json_files import write_json_atomically
from evaluation.ced_plot import ced_figure, figure_to_rgb
from evaluation.metrics import FAILURE_THRESHOLD, area_under_ced, failure_rate


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
    path: str | Path, checkpoint: str, step: int, summary: dict, per_image: dict
) -> None:
    """One checkpoint's results: summary and {image path: error}, written atomically."""
    content = {"checkpoint": checkpoint, "step": step, "summary": summary, "per_image": per_image}
    write_json_atomically(path, content)
