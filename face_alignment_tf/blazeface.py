"""BlazeFace (Bazarevsky et al. 2019), MediaPipe's face detector, on LiteRT with numpy.

The two networks of MediaPipe 0.10.21's face detection (Apache 2.0; the files of its wheel,
`mediapipe/modules/face_detection/`, shipped unchanged in `detector_models/blazeface/`
with the licence): 'short' (128x128 input, faces within about 2 m of the camera) and
'full' (192x192, sparse weights, up to about 5 m). What MediaPipe's graph does around them
is written out here from its calculators' settings (face_detection_*_range_common.pbtxt):

* the image letterboxed into the square input (aspect kept, centred, zero border), RGB
  scaled to [-1, 1];
* SSD anchors with fixed size 1 at every cell centre: strides 8, 16, 16, 16 with 2 anchors
  a layer (short: 16x16x2 + 8x8x6 = 896), or stride 4 with 1 (full: 48x48 = 2304);
* each anchor's 16 regressed values: box centre (x, y) and size (w, h), then 6 keypoints
  (x, y), divided by the input size and added to the anchor centre; score: the sigmoid of
  the logit clipped to +-100;
* detections above the score threshold (0.5 short, 0.6 full), merged by MediaPipe's
  weighted non-maximum suppression (IoU 0.3: each cluster's box is the score-weighted
  mean of its members', its score the best one's).

Boxes come back as (y, x) corners in image pixels, clockwise from the top left, as every
detector's (`face_alignment_tf.detectors`); `keypoints` [n, 6, 2] (y, x): the eyes (image
left first), nose tip, mouth centre, the ear tragions.

`BlazeFaceBothRanges` runs both networks on an image and keeps one detection per face: the
short-range network's, but the full-range network's (its box mapped into the short-range
convention) for faces under SMALL_FACE of the image's longer side and for those the
short-range network misses. That one misses faces under about a tenth of the longer side
(all at 6 %), the full-range one a few faces filling much of the image (BENCHMARKS.md,
small faces).
"""

import dataclasses
from pathlib import Path

import cv2
import numpy as np

from face_alignment_tf.calibration import BoxCalibration
from face_alignment_tf.detectors import MIN_IOU, corner_array, iou
from face_alignment_tf.runtimes.functions import LiteRtFunction

MODEL_DIR = Path(__file__).resolve().parent / "detector_models" / "blazeface"
RAW_SCORE_LIMIT = 100.0
SUPPRESSION_IOU = 0.3
# Full-range boxes -> the short-range network's box convention: `BoxCalibration.fit` of the
# full-range boxes to the short-range ones of the same faces, the 941 of every 2nd 300-W
# training face (LFPW and HELEN trainsets, AFW) that both find (IoU median 0.79 -> 0.84;
# BENCHMARKS.md, small faces, 2026-12-05).
FULL_TO_SHORT_RANGE = BoxCalibration(offset=(0.0419, 0.0018), scale=(0.9419, 0.9421))
# Below this fraction of the image's longer side a face is the full-range network's.
SMALL_FACE = 0.15


@dataclasses.dataclass(frozen=True)
class BlazeFaceModel:
    """One of the two networks and its graph settings."""

    file: str
    input_size: int
    strides: tuple[int, ...]
    anchors_per_layer: int
    min_score: float


MODELS = {
    "short": BlazeFaceModel("face_detection_short_range.tflite", 128, (8, 16, 16, 16), 2, 0.5),
    "full": BlazeFaceModel("face_detection_full_range_sparse.tflite", 192, (4,), 1, 0.6),
}


def anchor_centres(model: BlazeFaceModel) -> np.ndarray:
    """float32 [A, 2] (x, y) in [0, 1] of the input: SsdAnchorsCalculator with fixed-size
    anchors, layers of one stride sharing their feature map."""
    centres, layer = [], 0
    while layer < len(model.strides):
        stride = model.strides[layer]
        same = sum(1 for s in model.strides[layer:] if s == stride)
        cells = int(np.ceil(model.input_size / stride))
        y, x = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        grid = (np.stack([x, y], -1).reshape(-1, 1, 2) + 0.5) / cells
        centres.append(np.repeat(grid, same * model.anchors_per_layer, axis=1).reshape(-1, 2))
        layer += same
    return np.concatenate(centres).astype(np.float32)


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float, np.ndarray]:
    """(the [1, size, size, 3] float32 input in [-1, 1], the image's scale into it, the
    image's (x, y) offset in it): aspect kept, centred, zero border."""
    height, width = image.shape[:2]
    scale = size / max(height, width)
    shape = (max(1, round(width * scale)), max(1, round(height * scale)))
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, shape, interpolation=method)
    offset = np.array([(size - resized.shape[1]) / 2, (size - resized.shape[0]) / 2])
    canvas = np.zeros((size, size, 3), np.float32)
    top, left = int(offset[1]), int(offset[0])
    canvas[top : top + resized.shape[0], left : left + resized.shape[1]] = resized / 127.5 - 1.0
    return canvas[None], scale, np.array([left, top], np.float64)


def decode(raw: np.ndarray, logits: np.ndarray, anchors: np.ndarray, size: int):
    """(boxes [A, 4] (xmin, ymin, xmax, ymax), keypoints [A, 6, 2] (x, y), scores [A]) in
    input pixels, from the regressors [A, 16] and logits [A]."""
    centre = raw[:, :2] / size + anchors
    half = raw[:, 2:4] / size / 2
    boxes = np.concatenate([centre - half, centre + half], axis=1) * size
    keypoints = (raw[:, 4:16].reshape(-1, 6, 2) / size + anchors[:, None]) * size
    clipped = np.clip(logits.astype(np.float64), -RAW_SCORE_LIMIT, RAW_SCORE_LIMIT)
    scores = 1.0 / (1.0 + np.exp(-clipped))
    return boxes, keypoints, scores


def box_iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of one (xmin, ymin, xmax, ymax) box with each of `others` [n, 4]."""
    lo, hi = np.maximum(box[:2], others[:, :2]), np.minimum(box[2:], others[:, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=1)
    area = lambda b: np.prod(b[..., 2:] - b[..., :2], axis=-1)  # noqa: E731
    return inter / np.maximum(area(box) + area(others) - inter, 1e-12)


def weighted_suppression(boxes, keypoints, scores, threshold: float = SUPPRESSION_IOU):
    """MediaPipe's WEIGHTED non-maximum suppression: best first, every remaining detection
    overlapping it by more than `threshold` joins its cluster, whose box and keypoints are
    the score-weighted mean of the members'; the cluster's score is the best one's."""
    order = np.argsort(-scores, kind="stable")
    kept_boxes, kept_points, kept_scores = [], [], []
    while len(order):
        overlaps = box_iou(boxes[order[0]], boxes[order])
        members, order = order[overlaps > threshold], order[overlaps <= threshold]
        weights = scores[members][:, None]
        kept_boxes.append((boxes[members] * weights).sum(0) / weights.sum())
        kept_points.append((keypoints[members] * weights[:, :, None]).sum(0) / weights.sum())
        kept_scores.append(scores[members[0]])
    return np.array(kept_boxes).reshape(-1, 4), np.array(kept_points).reshape(-1, 6, 2), \
        np.array(kept_scores)  # fmt: skip


class BlazeFaceDetector:
    """detect(uint8 [H, W, 3] RGB) -> (boxes float64 [n, 4, 2] (y, x) corners, scores [n]);
    `keypoints` of the last call: [n, 6, 2] (y, x) image pixels."""

    def __init__(self, model: str = "short", num_threads: int = 1):
        if model not in MODELS:
            raise ValueError(f"BlazeFace model must be one of {sorted(MODELS)}, got {model!r}")
        self.model = MODELS[model]
        self.network = LiteRtFunction(MODEL_DIR / self.model.file, num_threads)
        self.anchors = anchor_centres(self.model)
        self.keypoints = np.zeros((0, 6, 2))

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        size = self.model.input_size
        inputs, scale, offset = letterbox(np.asarray(image), size)
        outputs = [output[0] for output in self.network.outputs(inputs)]
        raw, logits = sorted(outputs, key=lambda array: -array.shape[-1])  # [A, 16], [A, 1]
        logits = logits[:, 0]
        boxes, keypoints, scores = decode(raw, logits, self.anchors, size)
        keep = scores >= self.model.min_score
        boxes, keypoints, scores = weighted_suppression(boxes[keep], keypoints[keep], scores[keep])
        boxes = (boxes.reshape(-1, 2, 2) - offset) / scale  # (x, y) image pixels
        self.keypoints = ((keypoints - offset) / scale)[..., ::-1]
        corners = corner_array(boxes[:, 0, 1], boxes[:, 0, 0], boxes[:, 1, 1], boxes[:, 1, 0])
        return corners.reshape(-1, 4, 2), scores.astype(np.float64)


class BlazeFaceBothRanges:
    """detect(uint8 [H, W, 3] RGB) -> (boxes float64 [n, 4, 2] (y, x) corners, scores [n]):
    both networks' detections, one per face, full-range boxes mapped by FULL_TO_SHORT_RANGE
    so that one box calibration serves every box. Where both find a face (IoU >=
    `detectors.MIN_IOU`), the short-range box is kept unless it is smaller than
    SMALL_FACE of the image's longer side (under about 19 px of the short-range network's
    128-px input, below its range). `keypoints` of the last call: [n, 6, 2] (y, x),
    in the same order."""

    def __init__(self, num_threads: int = 1):
        self.short = BlazeFaceDetector("short", num_threads)
        self.full = BlazeFaceDetector("full", num_threads)
        self.keypoints = np.zeros((0, 6, 2))

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        near, near_scores = self.short.detect(image)
        far, far_scores = self.full.detect(image)
        far = FULL_TO_SHORT_RANGE.apply(far)
        small = SMALL_FACE * max(image.shape[:2])
        small_far = [box for box in far if np.ptp(box, axis=0).max() < small]
        kept_near = [
            index for index, box in enumerate(near)
            if np.ptp(box, axis=0).max() >= small or all(iou(box, f) < MIN_IOU for f in small_far)
        ]  # fmt: skip
        kept_far = [
            index for index, box in enumerate(far)
            if all(iou(box, near[n]) < MIN_IOU for n in kept_near)
        ]  # fmt: skip
        self.keypoints = np.concatenate(
            [self.short.keypoints[kept_near], self.full.keypoints[kept_far]]
        )
        return (
            np.concatenate([near[kept_near], far[kept_far]]),
            np.concatenate([near_scores[kept_near], far_scores[kept_far]]),
        )
