"""face_alignment_tf.tracking and .video: the One-Euro filter against its closed form; on
synthetic clips of a bundled face with exact landmarks, tracking as accurate as detecting
every frame, smoothing that takes most of a still face's jitter, a lost face dropped and
found again; `face-align predict clip.mp4` writing its JSON lines and annotated video."""

import json
import math
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.synthetic_clip import jitter, moving_clip, still_clip
from face_alignment_tf.data.images import load_image
from face_alignment_tf.data.pts import read_pts
from face_alignment_tf.face_aligner import FaceAligner
from face_alignment_tf.tracking import FaceTracker, OneEuroFilter
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def face(bundled_faces):
    (path,) = Path(bundled_faces).parent.glob("lenna.*[!s]")
    return load_image(path), read_pts(path.with_suffix(".pts")).astype(np.float64)


def nme(points, truth) -> float:
    distance = np.linalg.norm(truth[36] - truth[45])
    return float(np.mean(np.linalg.norm(np.asarray(points) - truth, axis=-1)) / distance)


def test_one_euro_filter_closed_form():
    still = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    assert [float(still(np.array(3.0), t / 30)) for t in range(5)] == pytest.approx([3.0] * 5)
    step = OneEuroFilter(min_cutoff=2.0, beta=0.0)
    step(np.zeros(2), 0.0)
    alpha = 1 / (1 + 1 / (2 * math.pi * 2.0) / 0.1)  # tau / Te
    np.testing.assert_allclose(step(np.ones(2), 0.1), alpha)
    fast = OneEuroFilter(min_cutoff=2.0, beta=10.0)  # speed raises the cutoff: less lag
    fast(np.zeros(2), 0.0)
    assert np.all(fast(np.ones(2), 0.1) > alpha)


def test_tracking_is_as_accurate_as_detecting_every_frame(face):
    image, points = face
    clip = list(moving_clip(image, points, frames=90))
    detector = FaceAligner()
    per_frame = [min(nme(f.landmarks, truth) for f in detector.detect_and_align(frame))
                 for frame, truth, _ in clip]  # fmt: skip
    tracker = FaceTracker(aligner=detector)
    results = [tracker.update(frame, time) for frame, _, time in clip]
    assert all(len(faces) == 1 for faces in results)
    assert sum(faces[0].tracked for faces in results) >= 0.8 * len(clip)
    assert len({faces[0].id for faces in results}) == 1
    tracked = [
        nme(faces[0].landmarks, truth) for faces, (_, truth, _) in zip(results, clip, strict=True)
    ]
    assert np.mean(tracked) <= np.mean(per_frame) + 0.005


def test_smoothing_takes_most_of_a_still_faces_jitter(face):
    image, points = face
    clip = list(still_clip(image, points, frames=60))
    aligner = FaceAligner()
    raw, smoothed = FaceTracker(aligner=aligner, smoothing=False), FaceTracker(aligner=aligner)
    ratio = jitter([raw.update(f, t)[0].landmarks for f, _, t in clip]) / jitter(
        [smoothed.update(f, t)[0].landmarks for f, _, t in clip]
    )
    assert ratio >= 3


def test_a_lost_face_is_dropped_and_found_again(face):
    image, points = face
    frames = [frame for frame, _, _ in moving_clip(image, points, frames=90)][:10]
    blank = np.full_like(frames[0], 90)
    tracker = FaceTracker(detect_every=0)
    ids = [[f.id for f in tracker.update(frame, i / 30)] for i, frame in
           enumerate(frames[:5] + [blank] * 3 + frames[5:])]  # fmt: skip
    assert ids[:5] == [[0]] * 5 and ids[5:8] == [[], [], []]
    assert ids[8:] == [[1]] * 5  # detected again, as a new face


def test_predict_a_video_writes_json_lines_and_an_annotated_video(face, tmp_path):
    image, points = face
    clip = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (640, 480))
    for frame, _, _ in moving_clip(image, points, frames=30):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    result = subprocess.run(
        [sys.executable, "-m", "face_alignment_tf", "predict", str(clip),
         f"--output={tmp_path / 'out'}", "--draw"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out" / "clip.mp4.jsonl").read_text().splitlines()
    header, frames = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert header["fps"] == 30 and header["frames"] == 30 and header["smoothing"] is True
    assert [f["frame"] for f in frames] == list(range(30))
    assert all(len(f["faces"]) == 1 and len(f["faces"][0]["landmarks"]) == 68 for f in frames)
    assert not frames[0]["faces"][0]["tracked"] and frames[1]["faces"][0]["tracked"]
    annotated = cv2.VideoCapture(str(tmp_path / "out" / "clip.mp4.landmarks.mp4"))
    assert int(annotated.get(cv2.CAP_PROP_FRAME_COUNT)) == 30
