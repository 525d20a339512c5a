"""The error raised for bad input data."""

import functools
import sys
from collections.abc import Callable
from pathlib import Path


class DataError(ValueError):
    """Bad input data: names the offending file (or glob) and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):  # keeps (path, problem) across process pools
        return (DataError, (self.path, self.problem))


def exit_on_data_error(main: Callable[[list[str]], None]) -> Callable[[list[str]], None]:
    """Wraps a script's main: bad input ends it with one clear line on stderr and exit code 2,
    not a traceback."""

    @functools.wraps(main)
    def wrapped(argv: list[str]) -> None:
        try:
            main(argv)
        except DataError as error:
            print(f"error: {error}", file=sys.stderr, flush=True)
            sys.exit(2)

    return wrapped
