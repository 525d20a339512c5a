"""Keeping a resumed run's TensorBoard curves single-valued.

A run killed after logging step s but before checkpointing it resumes from an earlier step
and logs s again. Before it resumes, `drop_events_after` rewrites the run's event files
without the events past the checkpoint's step (and without a torn last record), so every
step appears once in the logs, whatever reads them.
"""

import os
from pathlib import Path

import tensorflow as tf
from absl import logging

EVENT_FILE_GLOB = "events.out.tfevents.*"


def _records(path: Path) -> tuple[list[bytes], bool]:
    """The records of a TFRecord file and whether its end was torn (unreadable)."""
    records = []
    try:
        for record in tf.data.TFRecordDataset(str(path)):
            records.append(record.numpy())
    except tf.errors.DataLossError:
        return records, True
    return records, False


def drop_events_after(logdir: str | Path, step: int) -> int:
    """Removes events with a step above `step` from the event files directly in `logdir`;
    returns how many were removed."""
    for temporary in Path(logdir).glob(f".{EVENT_FILE_GLOB}.tmp"):  # an interrupted rewrite
        temporary.unlink()
    removed = 0
    for path in sorted(Path(logdir).glob(EVENT_FILE_GLOB)):
        records, torn = _records(path)
        kept = [r for r in records if tf.compat.v1.Event.FromString(r).step <= step]
        if len(kept) == len(records) and not torn:
            continue
        temporary = path.with_name(f".{path.name}.tmp")
        with tf.io.TFRecordWriter(str(temporary)) as writer:
            for record in kept:
                writer.write(record)
        os.replace(temporary, path)
        removed += len(records) - len(kept)
        logging.info(
            "%s: dropped %d events after step %d%s", path, len(records) - len(kept), step,
            " and a torn last record" if torn else "",
        )  # fmt: skip
    return removed
