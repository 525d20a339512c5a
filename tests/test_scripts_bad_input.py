"""The train scripts stop on bad data before training: one line naming the file, exit code 2."""

import subprocess
import sys

import cv2
import numpy as np
import pytest

from data.discovery import discover_faces
from data.preprocessing import prepare_training_face
from data.pts import write_pts
from tests.conftest import ROOT


def damage_points(root):
    write_pts(root / "afw/face_001.pts", np.ones((67, 2)))


def truncate_image(root):
    data = (root / "afw/face_001.png").read_bytes()
    (root / "afw/face_001.png").write_bytes(data[: len(data) // 3])


def box_outside(root):
    write_pts(
        root / "bbs/afw/face_001.pts", np.array([[900, 900], [990, 900], [990, 990], [900, 990.0]])
    )


@pytest.mark.parametrize(
    "script, damage, message",
    [
        ("train_mdm.py", damage_points, "face_001.pts: expected 68 points, found 67"),
        ("train_hourglass.py", truncate_image, "face_001.png: cannot read image"),
        ("train_hourglass.py", box_outside, "face_001.png: detector box"),
    ],
)
def test_bad_face_stops_the_script(make_dataset, tmp_path, script, damage, message):
    root = make_dataset({"afw": 3})
    damage(root)
    command = [
        sys.executable, str(ROOT / script), f"--datasets={root}/afw/*.png",
        f"--train_dir={tmp_path / 'run'}",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 2
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: ") and message in last_line
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "run" / "checkpoint").exists()


def test_an_image_smaller_than_a_patch_is_rescaled_to_the_reference_size(make_dataset):
    """A tiny face is not an error: like every face it is rescaled so that its shape has the
    reference shape's size, so the 30-pixel patches see the same face scale as for any other."""
    root = make_dataset({"afw": 1})
    image = root / "afw/face_000.png"
    (record,) = discover_faces(f"{root}/afw/*.png")
    small = cv2.resize(cv2.imread(str(image)), (28, 32), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(image), small)
    scale = np.array([32 / 160, 28 / 140])
    write_pts(image.with_suffix(".pts"), record.landmarks * scale)
    write_pts(root / "bbs/afw/face_000.pts", record.box * scale)
    (small_record,) = discover_faces(f"{root}/afw/*.png")
    reference = record.landmarks - record.landmarks.mean(0)
    face = prepare_training_face(small_record, reference)
    extent = np.ptp(face.landmarks, axis=0)
    # Within the rounding of the rescaled image to whole pixels (a few % on a 28 px image).
    np.testing.assert_allclose(extent, np.ptp(reference, axis=0), rtol=0.05)
    assert min(face.pixels.shape[:2]) > 30
