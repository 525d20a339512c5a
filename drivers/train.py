"""Training any registered family: records, model.json, the shared loop.

    train(get_family("mdm"), MdmTrainingConfig(datasets=..., train_dir=...))

The family supplies its pieces (`ModelFamily.training_parts`); everything else is
the same for every family: the strategy, the run lock (one trainer per train_dir,
`training.run_lock`), the converted records under <train_dir>/records (once; a resume
must use the same faces), model.json (chief only; a resume must describe the same model)
and `training.loop.run_training_loop`.
"""

import contextlib

from absl import app

from face_alignment_tf.artifacts.model_file import check_resumable, write_model_file
from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.config.settings import config_from_flags, define_flags_of
from face_alignment_tf.data.errors import exit_on_data_error
from face_alignment_tf.data.output_dir import make_output_dir
from face_alignment_tf.data.tfrecords import read_metadata
from face_alignment_tf.families.contract import ModelFamily
from face_alignment_tf.training.distribution import is_chief, make_strategy
from face_alignment_tf.training.loop import LoopSettings, run_training_loop
from face_alignment_tf.training.records import prepare_training_records
from face_alignment_tf.training.run_lock import RunLock


def train(family: ModelFamily, config: RunConfig) -> dict:
    """Trains (or resumes) `family` with `config`; returns {'step', 'loss'} of the last step.

    Batch sizes are per replica (see `training.distribution`).
    """
    strategy = make_strategy(config.strategy)
    chief, replicas = is_chief(strategy), strategy.num_replicas_in_sync
    if chief:
        make_output_dir(config.train_dir, "train_dir")
    with RunLock(config.train_dir) if chief else contextlib.nullcontext():
        records = prepare_training_records(
            config.datasets, config.train_dir, config.bbs_dir, config.reference_alignment,
            config.boxes, chief,
        )  # fmt: skip
        metadata = read_metadata(records)
        with strategy.scope():
            parts = family.training_parts(config, records, metadata, replicas)
        if chief:
            description = family.describe(parts.model, config, metadata)
            check_resumable(config.train_dir, family.name, description)
            write_model_file(config.train_dir, family.name, description)
        return run_training_loop(
            LoopSettings.of(config, parts.batch_size * replicas, parts.max_steps),
            strategy,
            parts.checkpoint,
            parts.optimizer,
            parts.replica_step,
            parts.make_dataset,
            parts.loss_names,
            write_images=parts.write_images,
            write_summaries=parts.write_summaries,
            finish=parts.finish,
            after_step=parts.after_step,
            before_save=parts.before_save,
        )


def training_main(family: ModelFamily) -> None:
    """A train script's `__main__`: the flags of `family.config_class`'s declared settings,
    then `train` under absl, bad input reported as one line (exit code 2)."""
    define_flags_of(family.config_class)
    app.run(exit_on_data_error(lambda argv: train(family, config_from_flags(family.config_class))))
