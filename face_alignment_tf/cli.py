"""The `face-align` command line (also `python -m face_alignment_tf`).

    face-align predict photo.jpg photos/ --output=landmarks/ [--model] [--detector] [--draw]
        [--mirror]
    face-align export --model=mobilenet-cascade-300w --format=tflite --output=exported/

predict: images and folders (searched recursively for image files); one JSON per image
(`<stem>.json`, folders' structure kept) holding its faces' boxes, scores and 68 landmarks
as (y, x) pixels, and with --draw an annotated `<stem>.png`. A file that cannot be read is
reported by name and the run goes on; the command then exits 1 listing every failure. An
image without faces gives an empty list.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from data.errors import DataError
from face_alignment_tf.export import FORMATS
from face_alignment_tf.face_aligner import DEFAULT_DETECTOR, DEFAULT_MODEL

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".ppm",
                  ".pgm", ".pbm"}  # fmt: skip
POINT_ORDER = (
    "landmarks and box corners are (y, x) = (row, column) image pixels, 0-based, pixel "
    "centres at integer coordinates, of the upright image (EXIF orientation applied); "
    "landmarks in the iBUG 68-point order (0-16 jaw, 17-26 brows, 27-35 nose, 36-47 eyes, "
    "48-67 mouth); box corners clockwise from the top left"
)


def image_files(paths: list[str]) -> list[tuple[Path, Path]]:
    """(image, its output stem relative to --output) for files and folders (recursive);
    paths that do not exist are left out (`predict` reports them)."""
    found = []
    for given in map(Path, paths):
        if given.is_dir():
            found += [
                (path, path.relative_to(given).with_suffix(""))
                for path in sorted(given.rglob("*"))
                if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES
            ]
        elif given.exists():
            found.append((given, Path(given.stem)))
    return found


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


def predict(args: argparse.Namespace) -> int:
    from data.images import load_image
    from evaluation.drawing import PREDICTION, draw_landmarks
    from face_alignment_tf.face_aligner import FaceAligner

    files = image_files(args.paths)
    failures = [f"{path}: no such file or folder" for path in map(Path, args.paths)
                if not path.exists()]  # fmt: skip
    aligner = FaceAligner(args.model, args.detector, **({"mirror": True} if args.mirror else {}))
    output, aligned = Path(args.output), 0
    for index, (path, stem) in enumerate(files, start=1):
        print(f"\r[{index}/{len(files)}] {path}", end="", file=sys.stderr, flush=True)
        try:
            image = load_image(path)
        except DataError as error:
            failures.append(str(error))
            continue
        faces = aligner.detect_and_align(image)
        target = output / stem
        target.parent.mkdir(parents=True, exist_ok=True)
        record = face_json(path, faces, str(args.model), args.detector, image.shape)
        target.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
        if args.draw:
            import cv2

            shapes = [(face.landmarks, PREDICTION) for face in faces]
            radius = max(1, round(max(image.shape[:2]) / 400))
            drawn = draw_landmarks(image / 255.0, shapes, radius)
            cv2.imwrite(str(target.with_suffix(".png")), drawn[..., ::-1])
        aligned += 1
    print(file=sys.stderr)
    print(f"{aligned} of {len(files)} images aligned into {output}")
    if failures:
        print(f"{len(failures)} failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


def export(args: argparse.Namespace) -> int:
    from face_alignment_tf.export import export_model

    for path in export_model(args.model, args.format, args.output):
        print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="face-align", description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    run = commands.add_parser("predict", help="68 landmarks for every face of images")
    run.add_argument("paths", nargs="+", help="image files or folders (recursive)")
    run.add_argument("--output", required=True, help="folder for the JSON (and PNG) files")
    run.add_argument("--model", default=DEFAULT_MODEL, help="shipped model name or train_dir")
    run.add_argument("--detector", default=DEFAULT_DETECTOR,
                     choices=["mtcnn", "opencv", "dlib-hog"])  # fmt: skip
    run.add_argument("--draw", action="store_true", help="also write annotated PNGs")
    run.add_argument("--mirror", action="store_true",
                     help="average with the mirrored face's points (slower; models that "
                     "support it)")  # fmt: skip
    run.set_defaults(function=predict)
    out = commands.add_parser("export", help="write a model's networks for other runtimes")
    out.add_argument("--model", default=DEFAULT_MODEL, help="shipped model name or train_dir")
    out.add_argument("--format", required=True, choices=sorted(FORMATS))
    out.add_argument("--output", required=True, help="folder for the exported files")
    out.set_defaults(function=export)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.function(args)
    except (DataError, ValueError, ImportError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
