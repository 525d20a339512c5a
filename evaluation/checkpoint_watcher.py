"""The continuous evaluator loop shared by every eval script.

Waits for a training directory and its checkpoints and calls `evaluate(path, step)`
once for each new one; a checkpoint whose results file already exists in the
evaluation directory is not evaluated again (so a restarted evaluator resumes).
A checkpoint that disappears before or while it is read (the trainer keeps only
its last few) is logged and skipped; the watcher goes on with the next.
"""

import re
import time
from collections.abc import Callable
from pathlib import Path

import tensorflow as tf
from absl import logging

from training.model_file import MODEL_FILE


def checkpoint_step(path: str) -> int:
    """The step number of a CheckpointManager path (`.../ckpt-1200` -> 1200)."""
    match = re.search(r"-(\d+)$", path)
    if match is None:
        raise ValueError(f"{path}: not a numbered checkpoint")
    return int(match.group(1))


def results_path(eval_dir: str | Path, step: int) -> Path:
    return Path(eval_dir) / f"errors-{step:08d}.json"


def wait_for_training(
    checkpoint_dir: str, interval_secs: float = 300, timeout_secs: float | None = None
) -> bool:
    """Waits until the trainer has written <checkpoint_dir>/model.json (it does so before its
    first step); False when `timeout_secs` pass first. Logs once while waiting."""
    path = Path(checkpoint_dir) / MODEL_FILE
    started = time.monotonic()
    if not path.is_file():
        logging.info("waiting for %s (written when training starts)", path)
    while not path.is_file():
        if timeout_secs is not None and time.monotonic() - started >= timeout_secs:
            return False
        time.sleep(interval_secs)
    return True


def watch(
    checkpoint_dir: str,
    eval_dir: str,
    evaluate: Callable[[str, int], None],
    interval_secs: float = 300,
    run_once: bool = False,
    timeout_secs: float | None = None,
) -> int:
    """Evaluates each new checkpoint exactly once; returns how many were evaluated.

    run_once: evaluate the latest checkpoint (if any) and return. Otherwise poll
    every `interval_secs` until `timeout_secs` pass without a new checkpoint
    (forever when None).
    """
    Path(eval_dir).mkdir(parents=True, exist_ok=True)
    if run_once:
        latest = tf.train.latest_checkpoint(checkpoint_dir)
        if latest is None:
            raise FileNotFoundError(f"{checkpoint_dir}: no checkpoint to evaluate")
        paths = [latest]
    else:
        if not Path(checkpoint_dir).is_dir():
            logging.info("waiting for %s to appear", checkpoint_dir)
        paths = tf.train.checkpoints_iterator(checkpoint_dir, interval_secs, timeout_secs)
    evaluated = 0
    for path in paths:
        step = checkpoint_step(path)
        if results_path(eval_dir, step).exists():
            logging.info("%s already evaluated", path)
            continue
        try:
            evaluate(path, step)
        except tf.errors.NotFoundError as error:
            if tf.io.gfile.exists(f"{path}.index"):
                raise
            logging.warning("%s was deleted while being evaluated; skipped (%s)", path, error)
            continue
        evaluated += 1
    return evaluated
