"""Output directories given on the command line, checked before anything is written."""

from pathlib import Path

from face_alignment_tf.data.errors import DataError


def make_output_dir(path: str | Path, flag: str) -> Path:
    """`path` (the value of --`flag`), created if needed; DataError when it is a file or
    cannot be created."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise DataError(path, f"--{flag} is a file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(path, f"cannot create --{flag}: {error.strerror}") from None
    return path
