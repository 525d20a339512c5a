"""Reading and writing landmark files in the iBUG `.pts` format.

Files store `x y` per line, 1-based; arrays here are (y, x), 0-based, exactly as
menpo's PTS importer returns them (swap the columns, subtract 1).
"""

from pathlib import Path

import numpy as np

from face_alignment_tf.data.errors import DataError


def read_pts(path: str | Path, num_points: int | None = None) -> np.ndarray:
    """Reads a .pts file into a float64 [n, 2] (y, x) array.

    Raises DataError naming the file when it is missing, malformed, or does not
    hold `num_points` points (when given).
    """
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise DataError(path, "landmark file does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(path, f"cannot read landmark file: {error}") from None
    lines = [line.strip() for line in text.splitlines()]
    try:
        begin, end = lines.index("{"), lines.index("}")
    except ValueError:
        raise DataError(path, "not a .pts file: no '{' ... '}' block") from None
    declared = None
    for line in lines[:begin]:
        key, _, value = line.partition(":")
        if key.strip() == "n_points":
            try:
                declared = int(value)
            except ValueError:
                raise DataError(path, f"bad n_points header {line!r}") from None
    rows = []
    for number, line in enumerate(lines[begin + 1 : end], start=begin + 2):
        if not line:
            continue
        fields = line.split()
        try:
            values = [float(field) for field in fields]
        except ValueError:
            raise DataError(path, f"line {number}: non-numeric value in {line!r}") from None
        if len(values) != 2 or not np.all(np.isfinite(values)):
            raise DataError(path, f"line {number}: expected two finite numbers, got {line!r}")
        rows.append(values)
    if declared is not None and declared != len(rows):
        raise DataError(path, f"header says n_points: {declared} but the file has {len(rows)}")
    if num_points is not None and len(rows) != num_points:
        raise DataError(path, f"expected {num_points} points, found {len(rows)}")
    points = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
    return points[:, ::-1] - 1.0


def write_pts(path: str | Path, points: np.ndarray) -> None:
    """Writes (y, x) 0-based points as a 1-based `x y` .pts file."""
    points = np.asarray(points, dtype=np.float64)
    body = "\n".join(f"{x + 1:.6f} {y + 1:.6f}" for y, x in points)
    Path(path).write_text(f"version: 1\nn_points: {len(points)}\n{{\n{body}\n}}\n")
