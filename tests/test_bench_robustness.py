"""bench.robustness's scoring: a missed face is a failure, never dropped; only the
perturbations that move pixels go to the detector pipelines."""

import math

import numpy as np
import pytest

from bench.perturbations import PERTURBATIONS
from bench.robustness import detected_errors, summary_rows
from tests.test_bench_perturbations import face


def test_misses_count_as_failures_and_stay_out_of_the_mean():
    rows = summary_rows({"none": {"a": 0.05, "b": math.inf, "c": 0.10, "d": 0.03}})
    row = rows["none"]
    assert row["faces"] == 4 and row["missed"] == 1
    assert row["failure_rate_0.08"] == pytest.approx(2 / 4)
    assert row["mean_nme"] == pytest.approx(0.06)


def test_detector_pipelines_see_the_pixel_perturbations_and_misses():
    image, landmarks, box = face()
    faces = [("a.jpg", image, landmarks, box), ("b.jpg", image, landmarks, box)]
    calls = []

    def detect(pixels):
        calls.append(pixels.shape)
        if pixels.shape != image.shape:  # rotated canvases: "missed"
            return np.zeros((0, 4, 2)), {"exact": [], "shifted": []}
        return box[None], {"exact": [landmarks], "shifted": [landmarks + 100]}

    results = detected_errors(detect, faces, seed=0, every=1)
    moving = [p.name for p in PERTURBATIONS if p.moves_pixels]
    assert len(calls) == 2 * len(moving)  # one detection per image for both methods
    errors = results["exact"]
    assert list(errors) == moving and "box shift 10 %" not in errors
    assert errors["rotation 30°"] == {"a.jpg": math.inf, "b.jpg": math.inf}
    assert errors["greyscale"] == {"a.jpg": 0.0, "b.jpg": 0.0}
    assert results["shifted"]["greyscale"]["a.jpg"] > 1
