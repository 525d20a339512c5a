"""face_alignment_tf.blazeface against hand-computed values (anchors, decoding, the
letterbox, MediaPipe's weighted suppression, the two networks' merge) and real faces: the
eye keypoints on the 300-W eye landmarks, the box mirrored with the image, a small face
that only the full-range network finds."""

from pathlib import Path

import numpy as np
import pytest

from face_alignment_tf.blazeface import (
    FULL_TO_SHORT_RANGE,
    MODELS,
    SMALL_FACE,
    BlazeFaceBothRanges,
    BlazeFaceDetector,
    anchor_centres,
    decode,
    letterbox,
    weighted_suppression,
)
from face_alignment_tf.detectors import corners


def test_anchors_sit_at_every_cell_centre():
    short, full = anchor_centres(MODELS["short"]), anchor_centres(MODELS["full"])
    assert short.shape == (896, 2) and full.shape == (2304, 2)
    np.testing.assert_allclose(short[:2], [[0.5 / 16, 0.5 / 16]] * 2)  # stride 8: 2 a cell
    np.testing.assert_allclose(short[2], [1.5 / 16, 0.5 / 16])  # x first
    np.testing.assert_allclose(short[512:518], [[0.5 / 8, 0.5 / 8]] * 6)  # stride 16: 6
    np.testing.assert_allclose(short[-1], [7.5 / 8, 7.5 / 8])
    np.testing.assert_allclose(full[48], [0.5 / 48, 1.5 / 48])  # the second row


def test_decoding_by_hand():
    raw = np.zeros((1, 16), np.float32)
    raw[0, :4] = [12.8, -6.4, 32.0, 16.0]  # centre shift (x, y), size (w, h): input pixels
    raw[0, 4:6] = [-12.8, 0.0]  # the first keypoint
    boxes, keypoints, scores = decode(raw, np.array([0.0]), np.array([[0.5, 0.5]]), 128)
    np.testing.assert_allclose(
        boxes[0], [64 + 12.8 - 16, 64 - 6.4 - 8, 64 + 12.8 + 16, 64 - 6.4 + 8]
    )
    np.testing.assert_allclose(keypoints[0, 0], [64 - 12.8, 64])
    np.testing.assert_allclose(keypoints[0, 1], [64, 64])
    assert scores[0] == pytest.approx(0.5)
    assert decode(raw, np.array([1e4]), np.array([[0.5, 0.5]]), 128)[2][0] == pytest.approx(1.0)


def test_weighted_suppression_averages_a_cluster_by_score():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60]], np.float64)
    keypoints = np.arange(3 * 12, dtype=np.float64).reshape(3, 6, 2)
    scores = np.array([0.6, 0.9, 0.7])
    kept, points, kept_scores = weighted_suppression(boxes, keypoints, scores)
    np.testing.assert_allclose(kept_scores, [0.9, 0.7])
    np.testing.assert_allclose(kept[0], (0.9 * boxes[1] + 0.6 * boxes[0]) / 1.5)
    np.testing.assert_allclose(points[0], (0.9 * keypoints[1] + 0.6 * keypoints[0]) / 1.5)
    np.testing.assert_allclose(kept[1], boxes[2])


def test_the_letterbox_keeps_the_aspect_and_centres_the_image():
    image = np.zeros((100, 200, 3), np.uint8)
    image[40:60, 150:170] = 255  # a bright square at (x 150..169, y 40..59)
    inputs, scale, offset = letterbox(image, 128)
    assert inputs.shape == (1, 128, 128, 3) and scale == pytest.approx(0.64)
    np.testing.assert_allclose(offset, [0, 32])
    assert inputs.min() == -1.0 and inputs.max() == pytest.approx(1.0)
    bright = np.argwhere(inputs[0, ..., 0] > 0)
    centre = bright.mean(0)[::-1]  # (x, y)
    np.testing.assert_allclose(centre, offset + scale * np.array([159.5, 49.5]), atol=1)


def test_a_real_face_keypoints_and_mirror(bundled_faces):
    from face_alignment_tf.data.images import load_image
    from face_alignment_tf.data.pts import read_pts

    (path,) = Path(bundled_faces).parent.glob("takeo.*[!s]")
    image, landmarks = load_image(path), read_pts(path.with_suffix(".pts"))
    detector = BlazeFaceDetector("short")
    boxes, scores = detector.detect(image)
    assert len(boxes) == 1 and scores[0] > 0.5
    eyes = detector.keypoints[0, :2]  # (y, x): the image-left eye first
    truth = np.stack([landmarks[36:42].mean(0), landmarks[42:48].mean(0)])
    distance = np.linalg.norm(truth[1] - truth[0])
    assert np.linalg.norm(eyes - truth, axis=1).max() < 0.2 * distance
    flipped, _ = detector.detect(np.ascontiguousarray(image[:, ::-1]))
    width = image.shape[1]
    mirrored = np.stack([flipped[0][:, 0], width - 1 - flipped[0][:, 1]], -1)
    np.testing.assert_allclose(np.sort(mirrored, 0), np.sort(boxes[0], 0), atol=0.03 * width)


class FixedDetections:
    """A stand-in network: the same (boxes, scores) and keypoints on every image."""

    def __init__(self, boxes, scores):
        self.boxes = np.asarray(boxes, np.float64).reshape(-1, 4, 2)
        self.scores = np.asarray(scores)
        self.keypoints = np.arange(len(self.scores) * 12, dtype=np.float64).reshape(-1, 6, 2)

    def detect(self, image):
        return self.boxes, self.scores


def square(top, left, side):
    return corners(top, left, top + side, left + side)


def merged(near, far):
    detector = BlazeFaceBothRanges.__new__(BlazeFaceBothRanges)
    detector.short, detector.full = near, far
    return detector


def test_both_ranges_keep_one_detection_per_face():
    """A 1000-px image: a large face both networks find (the short-range box kept), a small
    one both find (the full-range box kept, mapped), one only the full-range network finds
    (added, mapped), one only the short-range network finds (kept)."""
    image = np.zeros((1000, 800, 3), np.uint8)
    small = SMALL_FACE * 1000
    near = FixedDetections(
        [square(100, 100, 400), square(700, 100, 0.8 * small), square(700, 600, 100)],
        [0.9, 0.6, 0.7],
    )
    far = FixedDetections(
        [square(110, 110, 380), square(700, 100, 0.8 * small), square(50, 600, 0.5 * small)],
        [0.8, 0.95, 0.85],
    )
    detector = merged(near, far)
    boxes, scores = detector.detect(image)
    mapped = FULL_TO_SHORT_RANGE.apply(far.boxes)
    np.testing.assert_allclose(boxes, [near.boxes[0], near.boxes[2], mapped[1], mapped[2]])
    np.testing.assert_allclose(scores, [0.9, 0.7, 0.95, 0.85])
    np.testing.assert_allclose(
        detector.keypoints, np.concatenate([near.keypoints[[0, 2]], far.keypoints[[1, 2]]])
    )


def test_both_ranges_with_one_network_finding_nothing():
    image = np.zeros((1000, 800, 3), np.uint8)
    one = FixedDetections([square(100, 100, 400)], [0.9])
    none = FixedDetections(np.zeros((0, 4, 2)), np.zeros(0))
    boxes, scores = merged(one, none).detect(image)
    np.testing.assert_allclose(boxes, one.boxes)
    np.testing.assert_allclose(scores, [0.9])
    boxes, scores = merged(none, one).detect(image)
    np.testing.assert_allclose(boxes, FULL_TO_SHORT_RANGE.apply(one.boxes))
    assert boxes.shape == (1, 4, 2) and scores.shape == (1,)
    boxes, scores = merged(none, none).detect(image)
    assert boxes.shape == (0, 4, 2) and scores.shape == (0,)


def test_both_ranges_map_full_range_boxes_by_their_fit():
    """FULL_TO_SHORT_RANGE by hand: the centre moves down 4.19 % and right 0.18 % of the
    box's side, the side shrinks to 94.2 %."""
    (box,) = FULL_TO_SHORT_RANGE.apply(np.array([square(100, 200, 1000)]))
    lo, hi = box.min(0), box.max(0)
    np.testing.assert_allclose((lo + hi) / 2, [600 + 41.9, 700 + 1.8])
    np.testing.assert_allclose(hi - lo, [941.9, 942.1])


def test_both_ranges_find_a_small_face(bundled_faces):
    """Einstein's face, about a tenth of his photo's height: the short-range network misses
    it, the merged detector finds it (IoU >= 0.3 with the box of his landmarks) and, on
    Lenna's large face, returns the short-range detection as it is."""
    from face_alignment_tf.data.images import load_image
    from face_alignment_tf.data.pts import read_pts
    from face_alignment_tf.detectors import corner_array, matching_index

    folder = Path(bundled_faces).parent
    einstein = load_image(folder / "einstein.jpg")
    landmarks = read_pts(folder / "einstein.pts")
    truth = corner_array(*landmarks.min(0), *landmarks.max(0))
    both = BlazeFaceBothRanges()
    assert matching_index(BlazeFaceDetector("short").detect(einstein)[0], truth) is None
    assert matching_index(both.detect(einstein)[0], truth) is not None
    lenna = load_image(folder / "lenna.png")
    alone = BlazeFaceDetector("short").detect(lenna)
    for expected, found in zip(alone, both.detect(lenna), strict=True):
        np.testing.assert_array_equal(found, expected)
