"""face_alignment_tf.detectors: box overlap and matching by hand; each detector finds a
real 300-W face, in (y, x) corners with one score per box."""

import importlib.util

import numpy as np
import pytest

from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.images import load_image
from face_alignment_tf.detectors import calibration_names, corners, iou, make_detector, matching_box


def box(top, left, bottom, right) -> np.ndarray:
    return np.array(corners(top, left, bottom, right), float)


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


def test_blazeface_both_is_calibrated_as_blazeface_where_it_has_no_fit_of_its_own():
    assert calibration_names("blazeface-both") == ("blazeface-both", "blazeface")
    assert calibration_names("mtcnn") == ("mtcnn",)


def test_an_unknown_detector_is_named():
    with pytest.raises(ValueError, match="'haar'"):
        make_detector("haar")


@pytest.mark.parametrize(
    "detector",
    [
        "mtcnn",
        "opencv",
        "blazeface",
        "blazeface-full",
        "blazeface-both",
        pytest.param(
            "dlib-hog",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("dlib") is None,
                reason="dlib is an optional extra: pip install '.[bench]'",
            ),
        ),
    ],
)
def test_detectors_find_the_300w_face(shared_300w, detector):
    record = discover_faces(f"{shared_300w}/lfpw/testset/image_0001.jpg")[0]
    image = load_image(record.image_path)
    boxes, scores = make_detector(detector).detect(image)
    assert boxes.ndim == 3 and boxes.shape[1:] == (4, 2) and scores.shape == (len(boxes),)
    found = matching_box(boxes, record.box)
    assert found is not None
    # (y, x) corners clockwise from the top left, inside the image.
    (top, left), (bottom, right) = found.min(0), found.max(0)
    np.testing.assert_array_equal(found, box(top, left, bottom, right))
    assert 0 <= top < bottom <= image.shape[0] and 0 <= left < right <= image.shape[1]
    # Nothing is found in a flat grey image.
    assert len(make_detector(detector).detect(np.full((200, 200, 3), 128, np.uint8))[0]) == 0
