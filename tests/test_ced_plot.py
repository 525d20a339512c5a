"""evaluation.ced_plot: CED figures render to images."""

import numpy as np

from face_alignment_tf.evaluation.ced_plot import ced_figure, figure_to_rgb


def test_ced_plot_renders():
    image = figure_to_rgb(ced_figure({"a": np.random.default_rng(0).random(50) * 0.1}))
    assert image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8
    assert image.std() > 10  # not blank
