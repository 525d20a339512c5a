"""FaceAligner: boxes in both layouts, one image for many boxes, empty batches, detection
with the model's calibration applied, and errors for unknown models."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from face_alignment_tf import FaceAligner
from face_alignment_tf.calibration import CALIBRATION_FILE, BoxCalibration
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.images import load_image
from face_alignment_tf.face_aligner import box_corners
from face_alignment_tf.families import load_aligner


@pytest.fixture(scope="module")
def faces(bundled_faces):
    records = discover_faces(bundled_faces)
    return [r.image_path for r in records], np.stack([r.box for r in records])


def test_box_layouts():
    flat = np.array([[10, 20, 50, 100], [0, 0, 5, 6]], float)
    expected = np.array([[[10, 20], [50, 20], [50, 100], [10, 100]],
                         [[0, 0], [5, 0], [5, 6], [0, 6]]], float)  # fmt: skip
    np.testing.assert_array_equal(box_corners(flat), expected)
    np.testing.assert_array_equal(box_corners(expected), expected)
    assert box_corners(np.zeros((0, 4))).shape == (0, 4, 2)
    with pytest.raises(ValueError, match=r"\[N, 4, 2\]"):
        box_corners(np.zeros((3, 5)))


def test_align_equals_the_family_aligner(smoke_run, faces):
    config, _ = smoke_run("mobilenet")
    paths, boxes = faces
    images = [load_image(p) for p in paths]
    expected = load_aligner(config.train_dir).predict(images, boxes)
    aligner = FaceAligner(config.train_dir, detector=None)
    np.testing.assert_allclose(aligner.align(paths, boxes), expected, atol=1e-4)
    lo, hi = boxes.min(1), boxes.max(1)
    flat = np.concatenate([lo, hi], axis=1)  # (y0, x0, y1, x1)
    np.testing.assert_allclose(aligner.align(images, flat), expected, atol=1e-4)
    # One image, several boxes; no boxes at all.
    twice = aligner.align(images[0], boxes[[0, 0]])
    np.testing.assert_allclose(twice, expected[[0, 0]], atol=1e-4)
    assert aligner.align(images[0], np.zeros((0, 4))).shape == (0, 68, 2)
    with pytest.raises(ValueError, match="2 images but 3 boxes"):
        aligner.align(images[:2], boxes[:3])
    with pytest.raises(ValueError, match="no detector"):
        aligner.detect_and_align(images[0])


def test_detect_and_align_applies_the_calibration(smoke_run, faces):
    config, _ = smoke_run("mobilenet")
    paths, _ = faces
    calibration = BoxCalibration(offset=(-0.1, 0.02), scale=(1.3, 1.1))
    stored = Path(config.train_dir) / CALIBRATION_FILE
    stored.write_text(json.dumps({"opencv": dataclasses.asdict(calibration)}))
    try:
        aligner = FaceAligner(config.train_dir, detector="opencv")
    finally:
        stored.unlink()  # the smoke run is shared with other tests
    assert aligner.calibration == calibration
    found = aligner.detect_and_align(paths)
    assert len(found) == len(paths) and sum(map(len, found)) >= 2
    for path, image_faces in zip(paths, found, strict=True):
        for face in image_faces:
            expected = aligner.align(path, calibration.apply(face.box[None]))[0]
            np.testing.assert_allclose(face.landmarks, expected, atol=1e-4)
            assert face.landmarks.shape == (68, 2) and np.isfinite(face.score)
    # One image in, one list of faces out; no face, no entry.
    assert len(aligner.detect_and_align(paths[0])) == len(found[0])
    assert aligner.detect_and_align(np.full((120, 120, 3), 90, np.uint8)) == []


def test_a_detector_without_a_calibration_takes_its_box_conventions(smoke_run):
    """blazeface-both draws its boxes as blazeface does: a model calibrated for blazeface
    alone serves it with that calibration; one of its own comes first."""
    config, _ = smoke_run("mobilenet")
    short = BoxCalibration(offset=(0.05, 0.0), scale=(0.9, 0.9))
    own = BoxCalibration(offset=(0.1, 0.0), scale=(1.2, 1.2))
    stored = Path(config.train_dir) / CALIBRATION_FILE
    try:
        stored.write_text(json.dumps({"blazeface": dataclasses.asdict(short)}))
        assert FaceAligner(config.train_dir, detector="blazeface-both").calibration == short
        stored.write_text(json.dumps({"blazeface": dataclasses.asdict(short),
                                      "blazeface-both": dataclasses.asdict(own)}))  # fmt: skip
        assert FaceAligner(config.train_dir, detector="blazeface-both").calibration == own
        assert FaceAligner(config.train_dir, detector="mtcnn").calibration == BoxCalibration()
    finally:
        stored.unlink()  # the smoke run is shared with other tests


def test_unknown_models_are_named(tmp_path):
    with pytest.raises(ValueError, match="nope: neither a shipped model"):
        FaceAligner(tmp_path / "nope")


def test_the_default_aligner_runs_without_tensorflow(bundled_faces):
    """The shipped model on LiteRT and BlazeFace: importing TensorFlow or Keras would fail."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    (photo,) = Path(bundled_faces).parent.glob("takeo.*[!s]")
    code = (
        "import sys; sys.modules['tensorflow'] = sys.modules['keras'] = None\n"
        "from face_alignment_tf import FaceAligner\n"
        f"faces = FaceAligner().detect_and_align({str(photo)!r})\n"
        "print(len(faces), faces[0].landmarks.shape)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "1" and "(68, 2)" in result.stdout
