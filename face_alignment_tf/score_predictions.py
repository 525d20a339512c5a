"""Scores `face-align predict` output against ground truth: per-face inter-ocular NME.

    python -m face_alignment_tf.score_predictions --predictions=build/demo/shipped \
        --datasets='build/demo/faces/faces/*'

For each annotated image (`<stem>.pts` beside it) the prediction JSON under --predictions
whose "image" is that file is read and the detected face whose box overlaps the ground
truth's bounding box most
(IoU >= 0.3, `detectors.matching_box`) is scored; an image without such a face is listed
as missed. Prints one line per image and the mean.
"""

import json
import os
from pathlib import Path

import numpy as np

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.detectors import matching_index


def predicted_faces(predictions: str | Path) -> dict[str, list[dict]]:
    """{real path of the image: its faces} of every prediction JSON below `predictions`;
    DataError when it is not a folder or holds none."""
    if not Path(predictions).is_dir():
        raise DataError(predictions, "not a folder (give face-align predict's --output)")
    found = {}
    for path in Path(predictions).rglob("*.json"):
        record = json.loads(path.read_text())
        if isinstance(record, dict) and "image" in record and "faces" in record:
            found[os.path.realpath(record["image"])] = record["faces"]
    if not found:
        raise DataError(predictions, "holds no face-align predict output (*.json with "
                        "'image' and 'faces')")  # fmt: skip
    return found


def score_predictions(predictions: str | Path, datasets: str) -> dict[str, float | None]:
    """{image path: NME of its matched face, or None when no face matched}."""
    from face_alignment_tf.data.discovery import discover_faces
    from face_alignment_tf.evaluation.metrics import normalised_mean_error

    scores, predicted = {}, predicted_faces(predictions)
    for record in discover_faces(datasets, boxes="landmarks"):
        faces = predicted.get(os.path.realpath(record.image_path), [])
        boxes = np.asarray([face["box"] for face in faces], np.float64).reshape(-1, 4, 2)
        index = matching_index(boxes, record.box)  # the ground truth's bounding box
        if index is None:
            scores[str(record.image_path)] = None
            continue
        error = normalised_mean_error(np.asarray(faces[index]["landmarks"]), record.landmarks)
        scores[str(record.image_path)] = float(error)
    return scores


def summary_line(scores: dict[str, float | None]) -> str:
    """The mean NME of the matched faces and the count missed (`score_predictions`' output)."""
    found = [error for error in scores.values() if error is not None]
    if not found:
        return f"no face found in any of the {len(scores)} annotated images"
    return (f"mean inter-ocular NME {100 * np.mean(found):.2f} % over {len(found)} faces "
            f"({len(scores) - len(found)} missed)")  # fmt: skip


if __name__ == "__main__":
    from absl import app, flags

    from face_alignment_tf.data.errors import exit_on_data_error

    flags.DEFINE_string("predictions", None, "face-align predict's --output.", required=True)
    flags.DEFINE_string("datasets", None, "Annotated images (colon-separated globs).",
                        required=True)  # fmt: skip

    def main(argv):
        del argv
        from face_alignment_tf.quiet import import_tensorflow_quietly

        import_tensorflow_quietly()
        scores = score_predictions(flags.FLAGS.predictions, flags.FLAGS.datasets)
        for image, error in scores.items():
            print(f"{image}: " + ("no face found" if error is None else f"NME {100 * error:.2f} %"))
        print(summary_line(scores))

    app.run(exit_on_data_error(main))
