"""Weight averaging over a run's checkpoints (stochastic weight averaging, Izmailov et al.
2018, on the checkpoints a run saved): a run on a plateau hovers around a better point
than any one of its checkpoints.

    python -m face_alignment_tf.checkpoint_averaging --train_dir=runs/mn2-s2 \
        --first_step=20000 --output_dir=runs/mn2-s2-average

Every floating-point variable the family checkpoints (weights, batch-norm statistics, extra
state such as MDM's weight average) is the mean over the checkpoints from --first_step on;
other variables keep the newest checkpoint's values. The result is a train_dir of its own
(model.json and calibration.json copied, one checkpoint numbered by the newest step) that
every evaluator, benchmark, aligner and `face_alignment_tf.pretrained` loads as any other.
"""

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from face_alignment_tf.artifacts.checkpoints import checkpoint_path, indexed_steps
from face_alignment_tf.artifacts.model_dir import save_model_dir
from face_alignment_tf.data.errors import DataError, exit_on_data_error
from face_alignment_tf.families.registry import open_trained_model


def checkpointed_variables(checkpoint: tf.train.Checkpoint) -> list[tf.Variable]:
    """Every variable a checkpoint object saves, in its dependency order."""
    return [
        node for node in tf.train.TrackableView(checkpoint).descendants()
        if isinstance(node, (keras.Variable, tf.Variable))
    ]  # fmt: skip


def average_checkpoints(train_dir: str | Path, first_step: int, output_dir: str | Path) -> str:
    """Writes the average of train_dir's checkpoints from `first_step` on into output_dir
    (which must not exist yet); returns the new checkpoint's prefix."""
    train_dir, output_dir = Path(train_dir), Path(output_dir)
    steps = sorted(step for step in indexed_steps(train_dir) if step >= first_step)
    if not steps:
        raise DataError(train_dir, f"no checkpoint at or after step {first_step} to average")
    if output_dir.exists():
        raise DataError(output_dir, "already exists (the average goes into a new train_dir)")
    trained = open_trained_model(train_dir)
    checkpoint = trained.family.checkpoint(trained.model)
    variables = checkpointed_variables(checkpoint)
    sums = [np.zeros(v.shape, np.float64) for v in variables]
    for step in steps:  # the newest last: its non-floating values stay
        checkpoint.restore(checkpoint_path(train_dir, step)).assert_existing_objects_matched()
        for total, variable in zip(sums, variables, strict=True):
            total += variable.numpy()
    for total, variable in zip(sums, variables, strict=True):
        dtype = tf.as_dtype(variable.dtype)
        if dtype.is_floating:
            variable.assign((total / len(steps)).astype(dtype.as_numpy_dtype))
    output_dir.mkdir(parents=True)
    return save_model_dir(checkpoint, train_dir, output_dir, steps[-1])


if __name__ == "__main__":
    from absl import app, flags

    flags.DEFINE_string("train_dir", None, "The run whose checkpoints to average.", required=True)
    flags.DEFINE_integer("first_step", 0, "Average the checkpoints of this step and later.")
    flags.DEFINE_string("output_dir", None, "The new train_dir (must not exist).", required=True)

    def main(argv):
        del argv
        flags_ = flags.FLAGS
        print(average_checkpoints(flags_.train_dir, flags_.first_step, flags_.output_dir))

    app.run(exit_on_data_error(main))
