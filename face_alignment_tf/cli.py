"""face-align: 68 facial landmarks for every face in photos, with a shipped model and a
face detector; and exports of a model for other runtimes.

    face-align predict photo.jpg photos/ --output=landmarks/ [--model] [--detector] [--draw]
        [--mirror]
    face-align export --model=mobilenet-photo-cascade-300w --format=tflite --output=exported/

predict: image files and folders (searched recursively; `face_alignment_tf.inputs` says
which files are read and where each output goes: `<name>.json`, and with --draw
`<name>.landmarks.png`, the folders' structure kept). Each JSON holds the image's faces'
boxes, scores and 68 landmarks as (y, x) pixels. A file that cannot be read is reported by
name and the run goes on; the command then exits 1 listing every failure. Usage errors
(a bad --output, clashing outputs, no images) stop before the model loads, with exit 2.
An image without faces gives an empty list. No input file is ever written.
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.detectors import detector_names
from face_alignment_tf.face_aligner import (
    DEFAULT_DETECT_MAX_SIDE,
    DEFAULT_DETECTOR,
    DEFAULT_MODEL,
)
from face_alignment_tf.inputs import (
    DRAWING_SUFFIX,
    RESULT_SUFFIX,
    InputError,
    find_inputs,
)
from face_alignment_tf.quiet import import_tensorflow_quietly
from face_alignment_tf.runtimes.formats import FORMATS

POINT_ORDER = (
    "landmarks and box corners are (y, x) = (row, column) image pixels, 0-based, pixel "
    "centres at integer coordinates, of the upright image (EXIF orientation applied); "
    "landmarks in the iBUG 68-point order (0-16 jaw, 17-26 brows, 27-35 nose, 36-47 eyes, "
    "48-67 mouth); box corners clockwise from the top left"
)


def face_json(image_path: Path, faces, model: str, detector: str, shape) -> dict:
    return {
        "image": str(image_path),
        "image_size": {"height": int(shape[0]), "width": int(shape[1])},
        "model": model,
        "detector": detector,
        "point_order": POINT_ORDER,
        "faces": [
            {
                "box": np.round(face.box, 2).tolist(),
                "score": round(face.score, 4),
                "landmarks": np.round(face.landmarks.astype(float), 2).tolist(),
            }
            for face in faces
        ],
    }


def writable_folder(path: str | Path) -> Path:
    """`path` as a folder that exists and can be written (made if needed); DataError
    naming it otherwise."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise DataError(folder, "exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(folder, f"cannot create the folder: {error.strerror or error}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(folder, "the folder is not writable")
    return folder


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


def predict(args: argparse.Namespace) -> int:
    output = writable_folder(args.output)
    found = find_inputs(args.paths, output)
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    import_tensorflow_quietly()
    from face_alignment_tf.data.images import load_image
    from face_alignment_tf.evaluation.drawing import draw_faces
    from face_alignment_tf.face_aligner import FaceAligner

    options = {"mirror": True} if args.mirror else {}
    aligner = FaceAligner(args.model, args.detector, args.detect_max_side, **options)
    failures, aligned, total = list(found.failures), 0, len(found.images)
    show_progress = sys.stderr.isatty()
    for index, (path, name) in enumerate(found.images, start=1):
        if show_progress:
            print(f"\r[{index}/{total}] {path}", end="", file=sys.stderr, flush=True)
        try:
            image = load_image(path)
            faces = aligner.detect_and_align(image)
            record = face_json(path, faces, str(args.model), args.detector, image.shape)
            boxes = [(face.box, face.landmarks) for face in faces]
            write_outputs(output / name, record, draw_faces(image, boxes) if args.draw else None)
        except (DataError, OSError) as error:
            failures.append(f"{path}: {error}" if not isinstance(error, DataError) else str(error))
            continue
        aligned += 1
    if show_progress:
        print(file=sys.stderr)
    print(f"{aligned} of {total} images aligned into {output}")
    if failures:
        print(f"{len(failures)} failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


def export(args: argparse.Namespace) -> int:
    from face_alignment_tf.export import empty_folder, export_model

    empty_folder(args.output)
    import_tensorflow_quietly()
    for path in export_model(args.model, args.format, args.output):
        print(path)
    return 0


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("face-alignment-tf")
    except PackageNotFoundError:
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    formatter = argparse.ArgumentDefaultsHelpFormatter
    main = argparse.ArgumentParser(
        prog="face-align", description=__doc__.split("\n\n")[0], formatter_class=formatter
    )
    main.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = main.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "predict", help="68 landmarks for every face of images",
        description=__doc__.split("\n\n")[2], formatter_class=formatter,
    )  # fmt: skip
    run.add_argument("paths", nargs="+", help="image files or folders (recursive)")
    run.add_argument("--output", required=True, help="folder for the JSON (and PNG) files")
    run.add_argument("--model", default=DEFAULT_MODEL, help="shipped model name or train_dir")
    run.add_argument("--detector", default=DEFAULT_DETECTOR, choices=detector_names(),
                     help="face detector (its boxes are calibrated to the model's)")  # fmt: skip
    run.add_argument("--detect_max_side", type=int, default=DEFAULT_DETECT_MAX_SIDE,
                     help="detect on a copy at most this many pixels on its longer side "
                     "(landmarks use the full image)")  # fmt: skip
    run.add_argument("--draw", action="store_true",
                     help="also write <name>.landmarks.png: box, points and contours")  # fmt: skip
    run.add_argument("--mirror", action="store_true",
                     help="average with the mirrored face's points (twice the landmark "
                     "time; models that support it)")  # fmt: skip
    run.set_defaults(function=predict)
    out = commands.add_parser("export", help="write a model's networks for other runtimes",
                              formatter_class=formatter)  # fmt: skip
    out.add_argument("--model", default=DEFAULT_MODEL, help="shipped model name or train_dir")
    out.add_argument("--format", required=True, choices=sorted(FORMATS), help="runtime format")
    out.add_argument("--output", required=True, help="a new or empty folder for the files")
    out.set_defaults(function=export)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.function(args)
    except (DataError, InputError, ValueError, ImportError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
