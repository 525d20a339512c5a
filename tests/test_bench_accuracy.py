"""bench.accuracy: box matching, the table's arithmetic, and the peer on a real face."""

import importlib.util

import numpy as np
import pytest

from bench.accuracy import iou, matching_box, table_rows
from data.discovery import discover_faces
from evaluation.metrics import normalised_mean_error


def box(top, left, bottom, right) -> np.ndarray:
    return np.array([[top, left], [bottom, left], [bottom, right], [top, right]], float)


def test_iou_by_hand():
    assert iou(box(0, 0, 10, 10), box(0, 0, 10, 10)) == pytest.approx(1.0)
    assert iou(box(0, 0, 10, 10), box(20, 20, 30, 30)) == 0.0
    # Shifted by half a side: intersection 50, union 150.
    assert iou(box(0, 0, 10, 10), box(0, 5, 10, 15)) == pytest.approx(1 / 3)


def test_matching_box_takes_the_best_overlap_above_the_threshold():
    reference = box(0, 0, 10, 10)
    detections = np.stack([box(0, 5, 10, 15), box(1, 1, 10, 10), box(50, 50, 60, 60)])
    np.testing.assert_array_equal(matching_box(detections, reference), detections[1])
    assert matching_box(detections[2:], reference) is None
    assert matching_box(np.zeros((0, 4, 2)), reference) is None


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


needs_bench_extra = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("dlib", "mtcnn", "face_recognition_models")),
    reason="the benchmark peer is an optional extra: pip install '.[bench]'",
)


@needs_bench_extra
@pytest.mark.parametrize("detector", ["mtcnn", "dlib-hog"])
def test_detectors_find_the_300w_face(shared_300w, detector):
    from bench.detectors import DETECTORS
    from data.preprocessing import read_image_uint8

    record = discover_faces(f"{shared_300w}/lfpw/testset/image_0001.jpg")[0]
    detections = DETECTORS[detector]().detect(read_image_uint8(record.image_path))
    assert detections.ndim == 3 and detections.shape[1:] == (4, 2)
    assert matching_box(detections, record.box) is not None


@needs_bench_extra
def test_dlib_points_are_yx_and_accurate(shared_300w):
    from bench.dlib_peer import DlibLandmarker
    from data.preprocessing import read_image_uint8

    records = discover_faces(f"{shared_300w}/lfpw/testset/image_000[1-5].jpg")
    landmarker = DlibLandmarker()
    predictions = np.stack(
        [landmarker.predict(read_image_uint8(r.image_path), r.box) for r in records]
    )
    errors = normalised_mean_error(predictions, np.stack([r.landmarks for r in records]))
    assert float(np.median(errors)) < 0.08  # swapped axes would be far off
