"""evaluation.report: the summary numbers of per-image errors."""

import numpy as np
import pytest

from face_alignment_tf.evaluation.report import summarise


def test_summary_numbers():
    errors = np.array([0.01, 0.03, 0.05, 0.2])
    summary = summarise(errors)
    assert summary["num_images"] == 4
    assert summary["mean_nme"] == pytest.approx(0.0725)
    assert summary["median_nme"] == pytest.approx(0.04)
    assert summary["failure_rate_0.08"] == 0.25
    assert 0 < summary["auc_0.08"] < 0.75
