"""`face-align predict` over many images and videos: one process or several, each once.

Each image's outputs (`face_alignment_tf.inputs`) are written whole by the process that
aligned it, so N workers write exactly what one would (the images are independent and
each process's pipeline is deterministic). With N workers the parent is one of them and
N - 1 are spawned processes (TensorFlow and LiteRT do not survive a fork), each with its
own `FaceAligner`; every worker claims the next image from a shared counter, so the parent
starts at once and the others join as they come up. Images whose outputs exist are
skipped unless `overwrite` (a stopped run resumes where it was).
"""

import dataclasses
import multiprocessing
import os
import queue
from pathlib import Path

import numpy as np

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.inputs import DRAWING_SUFFIX, RESULT_SUFFIX, is_video, output_suffixes
from face_alignment_tf.progress import Progress

POINT_ORDER = (
    "landmarks and box corners are (y, x) = (row, column) image pixels, 0-based, pixel "
    "centres at integer coordinates, of the upright image (EXIF orientation applied); "
    "landmarks in the iBUG 68-point order (0-16 jaw, 17-26 brows, 27-35 nose, 36-47 eyes, "
    "48-67 mouth); box corners clockwise from the top left"
)


@dataclasses.dataclass(frozen=True)
class PredictSettings:
    """What every worker needs: the aligner's settings and where outputs go."""

    model: str
    detector: str
    detect_max_side: int | None
    mirror: bool
    draw: bool
    output: Path
    smoothing: bool = True  # videos: the tracker's One-Euro filter


def face_record(face) -> dict:
    """A face's box, score and landmarks as JSON (a photo's `Face`, a frame's `TrackedFace`)."""
    return {
        "box": np.round(face.box, 2).tolist(),
        "score": round(face.score, 4),
        "landmarks": np.round(face.landmarks.astype(float), 2).tolist(),
    }


def face_json(image_path: Path, faces, model: str, detector: str, shape) -> dict:
    return {
        "image": str(image_path),
        "image_size": {"height": int(shape[0]), "width": int(shape[1])},
        "model": model,
        "detector": detector,
        "point_order": POINT_ORDER,
        "faces": [face_record(face) for face in faces],
    }


def write_outputs(target: Path, record: dict, drawing: np.ndarray | None) -> None:
    """The JSON (and the drawing) of one image, each written whole (a temporary file
    renamed), through Python's file API (any file name the system allows)."""
    from PIL import Image

    from face_alignment_tf.data.json_files import write_json_atomically

    target.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomically(f"{target}{RESULT_SUFFIX}", record)
    if drawing is not None:
        path = Path(f"{target}{DRAWING_SUFFIX}")
        partial = path.with_name(path.name + ".partial")
        Image.fromarray(drawing).save(partial, format="PNG")
        os.replace(partial, path)


def has_outputs(output: Path, name: Path, draw: bool) -> bool:
    """Whether an earlier run wrote every output this one would for `name`."""
    result, drawing = output_suffixes(name)
    suffixes = (result, drawing) if draw else (result,)
    return all(Path(f"{output / name}{suffix}").is_file() for suffix in suffixes)


class ImageWorker:
    """(index, image path, output name) -> (index, None, or the failure's line)."""

    def __init__(self, settings: PredictSettings):
        from face_alignment_tf.face_aligner import FaceAligner

        options = {"mirror": True} if settings.mirror else {}
        self.settings = settings
        self.aligner = FaceAligner(
            settings.model, settings.detector, settings.detect_max_side, **options
        )

    def __call__(self, task: tuple[int, Path, Path]) -> tuple[int, str | None]:
        from face_alignment_tf.data.images import load_image
        from face_alignment_tf.evaluation.drawing import draw_faces

        index, path, name = task
        settings = self.settings
        try:
            if is_video(path):
                self._video(path, name)
                return index, None
            image = load_image(path)
            faces = self.aligner.detect_and_align(image)
            record = face_json(path, faces, settings.model, settings.detector, image.shape)
            drawing = None
            if settings.draw:
                drawing = draw_faces(image, [(face.box, face.landmarks) for face in faces])
            write_outputs(settings.output / name, record, drawing)
        except DataError as error:
            return index, str(error)
        except OSError as error:
            return index, f"{path}: {error}"
        return index, None

    def _video(self, path: Path, name: Path) -> None:
        from face_alignment_tf.tracking import FaceTracker
        from face_alignment_tf.video import track_video

        settings = self.settings
        tracker = FaceTracker(aligner=self.aligner, smoothing=settings.smoothing)
        result, drawing = output_suffixes(name)
        target = settings.output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        header = {"model": settings.model, "detector": settings.detector,
                  "smoothing": settings.smoothing, "point_order": POINT_ORDER}  # fmt: skip
        track_video(path, Path(f"{target}{result}"), tracker, header,
                    Path(f"{target}{drawing}") if settings.draw else None)  # fmt: skip


def _claimed(next_task) -> int:
    """The index of the next image nobody has taken (the shared counter, incremented)."""
    with next_task.get_lock():
        index = next_task.value
        next_task.value += 1
    return index


def _serve(settings: PredictSettings, tasks: list, next_task, results) -> None:
    """A spawned worker: aligns claimed images until none is left, each result queued."""
    worker = ImageWorker(settings)
    while (index := _claimed(next_task)) < len(tasks):
        results.put(worker(tasks[index]))


def run_predictions(
    images: list[tuple[Path, Path]], settings: PredictSettings, workers: int = 1
) -> list[str]:
    """Aligns every (image path, output name) with `workers` processes (the parent and
    workers - 1 spawned ones); returns the failures' lines in the images' order."""
    tasks = [(index, path, name) for index, (path, name) in enumerate(images)]
    failures: dict[int, str] = {}
    progress = Progress(len(tasks))

    def record(result: tuple[int, str | None]) -> None:
        index, failure = result
        failures.update({index: failure} if failure else {})
        progress.update()

    if workers == 1:
        worker = ImageWorker(settings)
        for task in tasks:
            record(worker(task))
    else:
        context = multiprocessing.get_context("spawn")
        next_task, results = context.Value("q", 0), context.Queue()
        helpers = [context.Process(target=_serve, args=(settings, tasks, next_task, results),
                                   daemon=True) for _ in range(workers - 1)]  # fmt: skip
        for helper in helpers:
            helper.start()
        done, worker = 0, ImageWorker(settings)
        while (index := _claimed(next_task)) < len(tasks):
            record(worker(tasks[index]))
            done += 1
            while not results.empty():
                record(results.get())
                done += 1
        while done < len(tasks):
            try:
                record(results.get(timeout=1))
                done += 1
            except queue.Empty:
                if not any(helper.is_alive() for helper in helpers) and results.empty():
                    codes = [helper.exitcode for helper in helpers]
                    raise RuntimeError(f"a worker process stopped (exit codes {codes})") from None
        for helper in helpers:
            helper.join()
    progress.close()
    return [failures[index] for index in sorted(failures)]
