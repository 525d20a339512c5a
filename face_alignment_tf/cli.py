"""face-align: 68 facial landmarks for every face in photos, with a shipped model and a
face detector; and exports of a model for other runtimes.

    face-align predict photo.jpg photos/ clip.mp4 --output=landmarks/ [--model] [--detector]
        [--draw] [--mirror] [--workers=N] [--overwrite] [--no_smoothing]
    face-align export --model=mobilenet-photo-cascade-300w --format=tflite --output=exported/

predict: image and video files and folders (searched recursively; `face_alignment_tf.inputs`
says which files are read and where each output goes: `<name>.json`, and with --draw
`<name>.landmarks.png`, the folders' structure kept). Each JSON holds the image's faces'
boxes, scores and 68 landmarks as (y, x) pixels; a video gives `<name>.jsonl`, a line a
frame (`face_alignment_tf.video`: faces tracked from frame to frame, smoothed), and with
--draw `<name>.landmarks.mp4`. With --workers=N, N processes share the inputs (the same
outputs as one); a rerun skips the inputs whose outputs exist (--overwrite redoes them).
A file that cannot be read is reported by name and the run goes on; the command then
exits 1 listing every failure. Usage errors (a bad --output, clashing outputs, no images)
stop before the model loads, with exit 2.
An image without faces gives an empty list. No input file is ever written.
"""

import argparse
import os
import sys
from pathlib import Path

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.detectors import detector_names
from face_alignment_tf.export import EXPORT_PARTS
from face_alignment_tf.face_aligner import (
    DEFAULT_DETECT_MAX_SIDE,
    DEFAULT_DETECTOR,
    DEFAULT_MODEL,
)
from face_alignment_tf.inputs import InputError, find_inputs
from face_alignment_tf.quiet import import_tensorflow_quietly
from face_alignment_tf.runtimes.formats import FORMATS


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


def predict(args: argparse.Namespace) -> int:
    from face_alignment_tf.batch import PredictSettings, has_outputs, run_predictions
    from face_alignment_tf.face_aligner import check_model

    if args.workers < 1:
        raise ValueError(f"--workers must be at least 1, got {args.workers}")
    output = writable_folder(args.output)
    found = find_inputs(args.paths, output)
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    check_model(args.model)
    total = len(found.images)
    todo = [(path, name) for path, name in found.images
            if args.overwrite or not has_outputs(output, name, args.draw)]  # fmt: skip
    skipped = total - len(todo)
    if skipped:
        print(f"note: {skipped} of {total} images have their outputs in {output} from an "
              "earlier run: skipped (--overwrite redoes them)", file=sys.stderr)  # fmt: skip
    settings = PredictSettings(
        str(args.model),
        args.detector,
        args.detect_max_side,
        args.mirror,
        args.draw,
        output,
        smoothing=not args.no_smoothing,
    )
    failed = run_predictions(todo, settings, min(args.workers, max(len(todo), 1)))
    failures = [*found.failures, *failed]
    aligned = len(todo) - len(failed)
    note = f" ({skipped} skipped: outputs exist)" if skipped else ""
    print(f"{aligned} of {len(todo)} images aligned into {output}{note}")
    if failures:
        print(f"{len(failures)} failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


def export(args: argparse.Namespace) -> int:
    from face_alignment_tf.export import empty_folder, export_model

    empty_folder(args.output)
    import_tensorflow_quietly()
    for path in export_model(args.model, args.format, args.output, args.parts):
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
    run.add_argument("paths", nargs="+", help="image and video files or folders (recursive)")
    run.add_argument("--output", required=True, help="folder for the results (and drawings)")
    run.add_argument("--model", default=DEFAULT_MODEL, help="shipped model name or train_dir")
    run.add_argument("--detector", default=DEFAULT_DETECTOR, choices=detector_names(),
                     help="face detector (its boxes are calibrated to the model's)")  # fmt: skip
    run.add_argument("--detect_max_side", type=int, default=DEFAULT_DETECT_MAX_SIDE,
                     help="detect on a copy at most this many pixels on its longer side "
                     "(landmarks use the full image)")  # fmt: skip
    run.add_argument("--draw", action="store_true",
                     help="also write <name>.landmarks.png (videos: .landmarks.mp4): box, "
                     "points and contours")  # fmt: skip
    run.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes aligning inputs in parallel (each loads the model)",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="redo inputs whose outputs exist (by default a rerun skips them)",
    )
    run.add_argument(
        "--no_smoothing",
        action="store_true",
        help="videos: the tracked landmarks as they are (no One-Euro filter)",
    )
    run.add_argument("--mirror", action="store_true",
                     help="average with the mirrored face's points (twice the landmark "
                     "time; models that support it)")  # fmt: skip
    run.set_defaults(function=predict)
    out = commands.add_parser("export", help="write a model for other runtimes: its whole "
                              "cascade as one file, and its networks",
                              formatter_class=formatter)  # fmt: skip
    out.add_argument("--model", default=DEFAULT_MODEL, help="shipped model name or train_dir")
    out.add_argument("--format", required=True, choices=sorted(FORMATS), help="runtime format")
    out.add_argument("--output", required=True, help="a new or empty folder for the files")
    out.add_argument("--parts", default="all", choices=EXPORT_PARTS,
                     help="pipelines: the self-contained graphs (image + box -> landmarks: "
                     "cascade.tflite); networks: the bare networks (crops -> outputs)")  # fmt: skip
    out.set_defaults(function=export)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.function(args)
    except (DataError, InputError, ValueError, ImportError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
