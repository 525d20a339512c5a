"""The error raised for bad input data."""

from pathlib import Path


class DataError(ValueError):
    """Bad input data: names the offending file (or glob) and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):  # keeps (path, problem) across process pools
        return (DataError, (self.path, self.problem))
