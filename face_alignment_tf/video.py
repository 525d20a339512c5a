"""A video file to landmarks: every frame through a `FaceTracker`, one JSON-lines file, and
with `draw` the video annotated (OpenCV's VideoCapture / VideoWriter, the FFmpeg that
opencv-python ships).

The JSON-lines file: a first line describing the video ({"video", "fps", "frames",
"width", "height", "model", "detector", "smoothing", "point_order"}), then one line a
frame: {"frame": index, "time": seconds, "faces": [{"id", "box", "score", "landmarks",
"tracked"}]} with boxes and landmarks as (y, x) pixels (`tracked`: re-aligned from the
previous frame; false: detected). It is written as `<name>.partial` and renamed when the
last frame is in, so a file under the final name is complete.
"""

import json
import os
from pathlib import Path

import cv2

from face_alignment_tf.batch import face_record
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.evaluation.drawing import draw_faces
from face_alignment_tf.tracking import FaceTracker

DEFAULT_FPS = 30.0


def face_records(faces) -> list[dict]:
    return [{"id": face.id, **face_record(face), "tracked": face.tracked} for face in faces]


def track_video(
    path: Path, results: Path, tracker: FaceTracker, header: dict, drawing: Path | None = None
) -> int:
    """Writes `results` (JSON lines, module docstring) for the video at `path`, and the
    annotated video at `drawing` when given; returns the number of frames. DataError
    naming the file when it cannot be read as a video."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise DataError(path, "cannot read video (not a video, or a codec OpenCV lacks)")
    fps = capture.get(cv2.CAP_PROP_FPS) or DEFAULT_FPS
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    partial = results.with_name(results.name + ".partial")
    writer = None
    if drawing is not None:
        drawn = drawing.with_name(drawing.stem + ".partial" + drawing.suffix)
        writer = cv2.VideoWriter(str(drawn), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    index = 0
    try:
        with open(partial, "w") as out:
            description = {"video": str(path), "fps": fps, "frames": frames, "width": width,
                           "height": height, **header}  # fmt: skip
            out.write(json.dumps(description) + "\n")
            while True:
                ok, frame = capture.read()
                if not ok:
                    break
                rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
                faces = tracker.update(rgb, index / fps)
                out.write(json.dumps({"frame": index, "time": round(index / fps, 4),
                                      "faces": face_records(faces)}) + "\n")  # fmt: skip
                if writer is not None:
                    annotated = draw_faces(rgb, [(face.box, face.landmarks) for face in faces])
                    writer.write(cv2.cvtColor(annotated, cv2.COLOR_RGB2BGR))
                index += 1
    finally:
        capture.release()
        if writer is not None:
            writer.release()
    if index == 0:
        partial.unlink(missing_ok=True)
        raise DataError(path, "no frame could be decoded")
    os.replace(partial, results)
    if writer is not None:
        os.replace(drawn, drawing)
    return index
