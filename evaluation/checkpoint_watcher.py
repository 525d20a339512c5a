"""The continuous evaluator loop shared by every eval script.

Waits for a training directory and its checkpoints and calls `evaluate(path, step)`
once for each new one. Results are keyed by the checkpoint's step and by `key`, a
fingerprint of what is evaluated (test faces and settings): a checkpoint whose results
file for that key exists is not evaluated again (so a restarted evaluator resumes), and
a new test set in an old evaluation directory is scored. A checkpoint that disappears
before or while it is read (the trainer keeps only its last few) or does not restore
(a broken save) is logged and skipped; the watcher goes on with the next.
"""

import time
from collections.abc import Callable
from pathlib import Path

import tensorflow as tf
from absl import logging

from face_alignment_tf.artifacts.checkpoints import (
    checkpoint_problem,
    checkpoint_step,
    newest_good_checkpoint,
)
from face_alignment_tf.artifacts.model_file import MODEL_FILE
from face_alignment_tf.data.errors import DataError


def results_path(eval_dir: str | Path, step: int, key: str) -> Path:
    """errors-<step>-<key>.json: one checkpoint's results on what `key` fingerprints."""
    return Path(eval_dir) / f"errors-{step:08d}-{key}.json"


def step_results(eval_dir: str | Path, step: int) -> list[Path]:
    """The results files of checkpoint `step`, one per test set (and settings) evaluated."""
    return sorted(Path(eval_dir).glob(f"errors-{step:08d}-*.json"))


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


def newest_checkpoint_to_evaluate(checkpoint_dir: str) -> str:
    """The newest checkpoint of `checkpoint_dir` that restores; DataError when none does."""
    newest = newest_good_checkpoint(checkpoint_dir)
    if newest is None:
        raise DataError(checkpoint_dir, "no checkpoint to evaluate yet (has training saved one?)")
    return newest


def watch(
    checkpoint_dir: str,
    eval_dir: str,
    evaluate: Callable[[str, int], None],
    interval_secs: float = 300,
    run_once: bool = False,
    timeout_secs: float | None = None,
    key: str = "all",
) -> int:
    """Evaluates each new checkpoint exactly once per `key`; returns how many were evaluated.

    run_once: evaluate the newest checkpoint that restores and return. Otherwise poll
    every `interval_secs` until `timeout_secs` pass without a new checkpoint
    (forever when None).
    """
    Path(eval_dir).mkdir(parents=True, exist_ok=True)
    if run_once:
        paths = [newest_checkpoint_to_evaluate(checkpoint_dir)]
    else:
        if not Path(checkpoint_dir).is_dir():
            logging.info("waiting for %s to appear", checkpoint_dir)
        paths = tf.train.checkpoints_iterator(checkpoint_dir, interval_secs, timeout_secs)
    evaluated = 0
    for path in paths:
        step = checkpoint_step(path)
        if results_path(eval_dir, step, key).exists():
            logging.info("%s already evaluated", path)
            continue
        try:
            evaluate(path, step)
        except (tf.errors.NotFoundError, tf.errors.DataLossError) as error:
            if not tf.io.gfile.exists(f"{path}.index"):
                logging.warning("%s was deleted while being evaluated; skipped (%s)", path, error)
                continue
            problem = checkpoint_problem(path)
            if problem is None:
                raise
            logging.warning("%s does not restore; skipped (%s)", path, problem)
            continue
        evaluated += 1
    return evaluated
