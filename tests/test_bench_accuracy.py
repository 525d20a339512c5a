"""bench.accuracy: the table's arithmetic, and the peer on a real face."""

import importlib.util

import numpy as np
import pytest

from bench.accuracy import table_rows
from bench.flags import model_label
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.evaluation.metrics import normalised_mean_error


def test_table_rows_count_missed_faces_as_failures():
    errors = {"/d/lfpw/a.jpg": 0.02, "/d/lfpw/b.jpg": 0.10, "/d/helen/c.jpg": 0.04}
    missed = ["/d/helen/d.jpg"]
    rows = table_rows("m", errors, missed, seconds=3)
    cells = {row.split(" | ")[1]: row.strip("| ").split(" | ") for row in rows}
    assert set(cells) == {"all", "helen", "lfpw"}
    # all: 3 scored, 1 missed, mean 5.33 %, median 4 %, 1 of 3 failed; with missed 2 of 4.
    assert cells["all"][2:8] == ["3", "1", "5.33", "4.00", "33.3", "50.0"]
    assert cells["helen"][2:8] == ["1", "1", "4.00", "4.00", "0.0", "50.0"]
    assert cells["lfpw"][2:8] == ["2", "0", "6.00", "6.00", "50.0", "50.0"]


def test_models_are_named_by_family_and_folder():
    # Two runs of one family whose latest checkpoints share a number stay apart.
    first, second = (model_label("MobileNetV2 cascade", f"/runs/{n}/") for n in ("a", "b"))
    assert first == "MobileNetV2 cascade (a)" and second == "MobileNetV2 cascade (b)"


needs_bench_extra = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("dlib", "face_recognition_models")),
    reason="the benchmark peer is an optional extra: pip install '.[bench]'",
)


@needs_bench_extra
def test_dlib_points_are_yx_and_accurate(shared_300w):
    from bench.dlib_peer import DlibLandmarker
    from face_alignment_tf.data.images import load_image

    records = discover_faces(f"{shared_300w}/lfpw/testset/image_000[1-5].jpg")
    landmarker = DlibLandmarker()
    predictions = np.stack([landmarker.predict(load_image(r.image_path), r.box) for r in records])
    errors = normalised_mean_error(predictions, np.stack([r.landmarks for r in records]))
    assert float(np.median(errors)) < 0.08  # swapped axes would be far off
