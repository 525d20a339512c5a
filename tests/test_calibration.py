"""Detector calibration: a box convention shifted and scaled on purpose is recovered by the
fit and undone by `apply`; a fit on real detections is stored beside the model."""

import json

import numpy as np
import pytest

from face_alignment_tf.calibration import (
    CALIBRATION_FILE,
    BoxCalibration,
    fit_detector_calibration,
    read_calibrations,
)
from face_alignment_tf.detectors import corners


def test_apply_by_hand():
    box = np.array(corners(10, 20, 50, 100), float)  # h 40, w 80, centre (30, 60)
    moved = BoxCalibration(offset=(0.25, -0.1), scale=(1.5, 0.5)).apply(box)
    # centre (30 + 10, 60 - 8), size (60, 40)
    np.testing.assert_allclose(moved, corners(10, 32, 70, 72))
    np.testing.assert_allclose(BoxCalibration().apply(box[None]), box[None])


def test_a_shifted_box_convention_is_recovered_and_undone():
    rng = np.random.default_rng(0)
    lo = rng.uniform(0, 200, (50, 2))
    targets = np.stack([corners(*a, *(a + s)) for a, s in zip(lo, rng.uniform(40, 90, (50, 2)),
                                                            strict=True)])  # fmt: skip
    # A detector whose boxes sit 12 % of their height lower and are 0.8 x 0.9 the size.
    truth = BoxCalibration(offset=(-0.12, 0.03), scale=(1 / 0.8, 1 / 0.9))
    size = targets.max(1) - targets.min(1)
    centre = (targets.max(1) + targets.min(1)) / 2 + [0.12 * 0.8, -0.03 * 0.9] * size
    half = size * [0.8, 0.9] / 2
    detected = np.stack([corners(*a, *b) for a, b in zip(centre - half, centre + half,
                                                         strict=True)])  # fmt: skip
    fitted = BoxCalibration.fit(detected, targets)
    np.testing.assert_allclose(fitted.offset, truth.offset, atol=1e-9)
    np.testing.assert_allclose(fitted.scale, truth.scale, atol=1e-9)
    np.testing.assert_allclose(fitted.apply(detected), targets, atol=1e-9)
    with pytest.raises(ValueError, match="matching boxes"):
        BoxCalibration.fit(detected[:0], targets[:0])


def test_a_fit_on_real_detections_is_stored_beside_the_model(bundled_faces, tmp_path):
    entry = fit_detector_calibration(tmp_path, "opencv", bundled_faces)
    assert entry["faces"] + entry["missed"] == 4 and entry["faces"] >= 2
    stored = json.loads((tmp_path / CALIBRATION_FILE).read_text())
    assert stored == {"opencv": entry}
    calibration = read_calibrations(tmp_path)["opencv"]
    assert list(calibration.offset) == entry["offset"]
    assert list(calibration.scale) == entry["scale"]
    # The bundled faces' boxes are their landmarks' bounding boxes: a Haar box is wider.
    assert 0.5 < calibration.scale[1] < 1.0
    assert read_calibrations(tmp_path / "elsewhere") == {}
