"""A family's training step with its input pipeline against the same step on one batch
held in memory, side by side in one process: how much of the network's rate the trainer
keeps.

    python -m bench.train_step_rate --family=mobilenet --datasets='300w/afw/*.jpg' \
        --settings=loss=wing,photometric=photos --steps=60

Both loops run the family's own `replica_step` (its optimiser, loss and weight decay) under
one tf.function, after --warmup steps each; "network only" feeds one batch drawn from the
pipeline again and again, "trainer" draws every batch from `make_dataset`, as the shared
loop does. The two alternate in --rounds rounds of --steps each (network, trainer, then
trainer, network, ...), so that the machine's minute-to-minute swings fall on both, and
every step is timed: the rates are from the median step (a neighbour's burst on the VM
moves a mean by several points), the mean step's beside them. Prints a Markdown row
(steps/s, examples/s, the trainer's share of the network's rate).
"""

import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import tensorflow as tf
from absl import app, flags

from face_alignment_tf.data.tfrecords import read_metadata
from face_alignment_tf.families import get_family
from face_alignment_tf.training.records import prepare_training_records

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_string("family", "mobilenet", "A registered family.")
    flags.DEFINE_string("datasets", None, "Training image globs.", required=True)
    flags.DEFINE_list("settings", [], "name=value fields of the family's training config.")
    flags.DEFINE_integer("steps", 60, "Steps timed in each loop of a round.")
    flags.DEFINE_integer("rounds", 4, "Rounds of the two loops, alternating which goes first.")
    flags.DEFINE_integer("warmup", 5, "Untimed steps before each loop (tracing, autotune).")
    flags.DEFINE_string("work_dir", None, "Where the records are converted (default: a temp dir).")


def typed_settings(config_class: type, settings: list[str]) -> dict:
    """'name=value' strings as the config fields' types."""
    types = {field.name: field.type for field in dataclasses.fields(config_class)}
    values = {}
    for setting in settings:
        name, value = setting.split("=", 1)
        kind = types[name]
        values[name] = kind(value) if kind in (int, float, str) else value
    return values


def rate_summary(network_seconds: list[float], trainer_seconds: list[float]) -> dict:
    """Steps/s of each loop from its median and its mean step time (seconds a step)."""
    summary = {}
    for name, seconds in (("network", network_seconds), ("trainer", trainer_seconds)):
        summary[f"{name}_steps_per_sec"] = 1 / statistics.median(seconds)
        summary[f"{name}_mean_steps_per_sec"] = 1 / statistics.fmean(seconds)
    return summary


def step_rates(family_name: str, datasets: str, settings: dict, steps: int, warmup: int,
               rounds: int, work: Path) -> dict:  # fmt: skip
    """`rate_summary` of the two loops' steps over all rounds, and 'batch_size'."""
    family = get_family(family_name)
    config = family.config_class(datasets=datasets, train_dir=str(work), **settings)
    records = prepare_training_records(datasets, work, None)
    parts = family.training_parts(config, records, read_metadata(records), 1)
    step = tf.function(lambda batch: parts.replica_step(batch)[0])
    batches = iter(parts.make_dataset(0))
    held = next(batches)
    loops = {"network": lambda: held, "trainer": lambda: next(batches)}

    def timed(next_batch, count: int) -> list[float]:
        seconds = []
        for _ in range(count):
            started = time.perf_counter()
            step(next_batch()).numpy()
            seconds.append(time.perf_counter() - started)
        return seconds

    for next_batch in loops.values():
        timed(next_batch, warmup)
    seconds = {name: [] for name in loops}
    for round_index in range(rounds):
        order = list(loops) if round_index % 2 == 0 else list(loops)[::-1]
        for name in order:
            seconds[name] += timed(loops[name], steps)
    return {**rate_summary(seconds["network"], seconds["trainer"]), "batch_size": parts.batch_size}


def markdown_row(label: str, rates: dict) -> str:
    batch = rates["batch_size"]
    network, trainer = rates["network_steps_per_sec"], rates["trainer_steps_per_sec"]
    share = trainer / network
    mean_share = rates["trainer_mean_steps_per_sec"] / rates["network_mean_steps_per_sec"]
    return (
        f"| {label} | {batch} | {network:.2f} ({network * batch:.0f} ex/s) "
        f"| {trainer:.2f} ({trainer * batch:.0f} ex/s) | {100 * share:.0f} % "
        f"(mean steps: {100 * mean_share:.0f} %) |"
    )


HEADER = (
    "| family and settings | batch | network only: steps/s (median step) | trainer: steps/s "
    "(median step) | trainer / network |\n|---|---:|---:|---:|---:|"
)


def main(argv: list[str]) -> None:
    del argv
    family = get_family(FLAGS.family)
    settings = typed_settings(family.config_class, FLAGS.settings)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(FLAGS.work_dir or scratch)
        rates = step_rates(FLAGS.family, FLAGS.datasets, settings, FLAGS.steps, FLAGS.warmup,
                           FLAGS.rounds, work)  # fmt: skip
    label = f"{FLAGS.family} {', '.join(FLAGS.settings) or 'defaults'}"
    print(HEADER)
    print(markdown_row(label, rates))


if __name__ == "__main__":
    define_flags()
    app.run(main)
