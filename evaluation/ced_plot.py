"""Cumulative error distribution plots as images (for TensorBoard and reports)."""

import io
from pathlib import Path

import cv2
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)

from face_alignment_tf.evaluation.metrics import FAILURE_THRESHOLD, cumulative_error_distribution


def ced_figure(curves: dict[str, np.ndarray], max_error: float = 0.09, title: str = ""):
    """A matplotlib figure of CED curves, one per named error array."""
    grid = np.linspace(0.0, max_error, 181)
    figure, axes = plt.subplots(figsize=(6, 4.5), dpi=100)
    for name, errors in curves.items():
        axes.plot(grid, cumulative_error_distribution(errors, grid), label=name, linewidth=2)
    axes.axvline(FAILURE_THRESHOLD, color="grey", linestyle=":", linewidth=1)
    axes.set(xlim=(0, max_error), ylim=(0, 1), xlabel="normalised point-to-point error",
             ylabel="fraction of images", title=title)  # fmt: skip
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    return figure


def figure_to_rgb(figure) -> np.ndarray:
    """Renders a figure to a uint8 [H, W, 3] array and closes it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    image = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    return image[..., ::-1].copy()


def save_ced_plot(curves: dict[str, np.ndarray], path: str | Path, title: str = "") -> None:
    """Draws `ced_figure(curves, title=title)` into a PNG file (parent folders created)."""
    figure = ced_figure(curves, title=title)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
