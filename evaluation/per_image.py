"""Collecting one error per evaluation image, whatever the model."""

from collections.abc import Iterable

import numpy as np


def collect_per_image(
    batches: Iterable[tuple[np.ndarray, np.ndarray]], num_examples: int | None = None
) -> dict[str, float]:
    """{image path: error} from (paths [B] (bytes or str), errors [B]) batches.

    Stops after `num_examples` images; an image seen twice or an empty set is an error
    (each face must count exactly once in a mean).
    """
    errors: dict[str, float] = {}
    for paths, values in batches:
        for path, error in zip(paths, np.asarray(values), strict=True):
            path = path.decode() if isinstance(path, bytes) else str(path)
            if path in errors:
                raise ValueError(f"{path} appears twice in the evaluation set")
            errors[path] = float(error)
            if num_examples is not None and len(errors) >= num_examples:
                return errors
    if not errors:
        raise ValueError("the evaluation set is empty")
    return errors


def error_array(errors: dict[str, float]) -> np.ndarray:
    """The errors of `collect_per_image` as float64 [N], in image order."""
    return np.fromiter(errors.values(), np.float64, len(errors))
