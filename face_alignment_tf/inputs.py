"""What `face-align predict` reads and where each result goes, decided before any work.

Given files are read whatever their suffix; given folders are searched recursively for
files with an image or video suffix (IMAGE_SUFFIXES, VIDEO_SUFFIXES), following symbolic
links to folders once (a loop, or a folder reached twice, is reported and not searched
again). Each input's outputs keep its whole file name and its path below the folder it was
found in: `<output>/<relative path>/<name>.json` (`a/b.c.jpg` -> `a/b.c.jpg.json`) and,
drawn, `<name>.landmarks.png`; for a video `<name>.jsonl` and `<name>.landmarks.mp4`.
Nothing is silently skipped: files without an image suffix are
counted by suffix, dangling links and missing paths are failures, and the tool's own
drawings and the output folder (when it lies inside a searched folder) are not inputs.
Two inputs that would write the same output, or an output that would replace an input,
are refused before anything is written.
"""

import collections
import dataclasses
import os
from pathlib import Path

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jfif", ".jpe", ".png", ".bmp", ".tif", ".tiff", ".webp",
                  ".gif", ".ppm", ".pgm", ".pbm"}  # fmt: skip
VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg"}
RESULT_SUFFIX = ".json"
DRAWING_SUFFIX = ".landmarks.png"
VIDEO_RESULT_SUFFIX = ".jsonl"
VIDEO_DRAWING_SUFFIX = ".landmarks.mp4"


def is_video(path: Path) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def output_suffixes(path: Path) -> tuple[str, str]:
    """(result, drawing) suffixes of an input's outputs: a photo's or a video's."""
    if is_video(path):
        return VIDEO_RESULT_SUFFIX, VIDEO_DRAWING_SUFFIX
    return RESULT_SUFFIX, DRAWING_SUFFIX


@dataclasses.dataclass
class Inputs:
    """images: (image path, output path without suffix relative to --output);
    failures: one line each; notes: skipped files and folders, one line each."""

    images: list[tuple[Path, Path]] = dataclasses.field(default_factory=list)
    failures: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)


class InputError(ValueError):
    """The inputs cannot be processed as given (clashing outputs, nothing to read)."""


def is_drawing(path: Path) -> bool:
    """A drawing this tool wrote: `<image name>.landmarks.png`, `<video>.landmarks.mp4`."""
    name = path.name
    for suffix, inputs in (
        (DRAWING_SUFFIX, IMAGE_SUFFIXES),
        (VIDEO_DRAWING_SUFFIX, VIDEO_SUFFIXES),
    ):
        if name.endswith(suffix) and Path(name[: -len(suffix)]).suffix.lower() in inputs:
            return True
    return False


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _search(root: Path, output: Path, found: Inputs) -> None:
    """Adds the images below `root` to `found`, following folder links once."""
    real_root, visited = Path(os.path.realpath(root)), set()
    others = collections.Counter()
    for folder, subfolders, names in os.walk(root, followlinks=True):
        real = Path(os.path.realpath(folder))
        if real in visited:
            found.notes.append(f"{folder}: a folder reached twice (a symbolic-link loop?), "
                               "searched once")  # fmt: skip
            subfolders.clear()
            continue
        visited.add(real)
        if output != real_root and _inside(real, output):
            found.notes.append(f"{folder}: the output folder, not searched for inputs")
            subfolders.clear()
            continue
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if not path.exists():
                found.failures.append(f"{path}: dangling symbolic link")
            elif is_drawing(path):
                others["drawings of earlier runs (.landmarks.png)"] += 1
            elif path.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES:
                found.images.append((path, path.relative_to(root)))
            else:
                others[path.suffix.lower() or "no suffix"] += 1
    if others:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(others.items()))
        found.notes.append(f"{root}: skipped files that are not images: {counts}")


def find_inputs(paths: list[str | Path], output: str | Path) -> Inputs:
    """The images of `paths` (files and folders) and their output names under `output`;
    InputError when two would write the same output, one would replace an input, or there
    is no image at all."""
    output = Path(os.path.realpath(output))
    found = Inputs()
    for given in map(Path, paths):
        if given.is_dir():
            _search(given, output, found)
        elif given.exists():
            found.images.append((given, Path(given.name)))
        elif given.is_symlink():
            found.failures.append(f"{given}: dangling symbolic link")
        else:
            found.failures.append(f"{given}: no such file or folder")
    unique = {(os.path.realpath(path), name): (path, name) for path, name in found.images}
    found.images = list(unique.values())
    sources = collections.defaultdict(list)
    for path, name in found.images:
        sources[name].append(path)
    clashes = [
        f"{', '.join(map(str, paths))} would all write {name}{output_suffixes(name)[0]}"
        for name, paths in sources.items()
        if len(paths) > 1
    ]
    inputs = {Path(os.path.realpath(path)) for path, _ in found.images}
    for _, name in found.images:
        for suffix in output_suffixes(name):
            target = output / f"{name}{suffix}"
            if Path(os.path.realpath(target)) in inputs:
                clashes.append(f"{target}: an input, which an output would replace")
    if clashes:
        raise InputError("outputs would clash (rename or give them separately): "
                         + "; ".join(clashes))  # fmt: skip
    if not found.images and not found.failures:
        raise InputError(f"no images in {', '.join(map(str, paths))}"
                         + (f" ({'; '.join(found.notes)})" if found.notes else ""))  # fmt: skip
    return found
