"""What eval_mdm.py and eval_hourglass.py share: their common flags and the watch loop.

A script defines its own flags after `define_evaluator_flags` and passes
`run_evaluator` a setup function: setup(eval_dir) prepares the model and data
once and returns score(checkpoint path) -> {image path: error}.
"""

from collections.abc import Callable
from pathlib import Path

import tensorflow as tf
from absl import app, flags

from data.errors import exit_on_data_error
from data.flags import define_box_flags
from evaluation.checkpoint_watcher import wait_for_training, watch
from evaluation.report import report_checkpoint

FLAGS = flags.FLAGS
Score = Callable[[str], dict[str, float]]


def define_evaluator_flags(checkpoint_dir: str, eval_dir: str, batch_size: int) -> None:
    """The original eval script's flags (with these defaults), the box flags, --batch_size
    and --timeout_secs."""
    flags.DEFINE_string("checkpoint_dir", checkpoint_dir, "Training directory to watch.")
    flags.DEFINE_string("eval_dir", eval_dir, "Where results and logs go.")
    flags.DEFINE_string("dataset_path", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_float("eval_interval_secs", 300, "Seconds between checks for checkpoints.")
    flags.DEFINE_boolean("run_once", False, "Evaluate the latest checkpoint and exit.")
    flags.DEFINE_integer("num_examples", None, "Evaluate only the first N faces (each once).")
    define_box_flags()
    flags.DEFINE_integer("batch_size", batch_size, "Faces per batch.")
    flags.DEFINE_float("timeout_secs", None, "Stop after this long without a new checkpoint.")


def evaluator_main(define_flags: Callable[[], None], setup: Callable[[Path], Score]) -> None:
    """An eval script's `__main__`: its flags, then `run_evaluator(setup)` under absl, with
    bad input reported as one line (exit code 2)."""
    define_flags()
    app.run(exit_on_data_error(lambda argv: run_evaluator(setup)))


def run_evaluator(setup: Callable[[Path], Score]) -> None:
    """Waits for the training directory (unless --run_once), then reports every new checkpoint."""
    if not FLAGS.run_once and not wait_for_training(
        FLAGS.checkpoint_dir, FLAGS.eval_interval_secs, FLAGS.timeout_secs
    ):
        return
    eval_dir = Path(FLAGS.eval_dir)
    eval_dir.mkdir(parents=True, exist_ok=True)
    score = setup(eval_dir)
    writer = tf.summary.create_file_writer(str(eval_dir))

    def evaluate(path: str, step: int) -> None:
        report_checkpoint(writer, eval_dir, path, step, score(path))

    watch(
        FLAGS.checkpoint_dir,
        str(eval_dir),
        evaluate,
        FLAGS.eval_interval_secs,
        FLAGS.run_once,
        FLAGS.timeout_secs,
    )
