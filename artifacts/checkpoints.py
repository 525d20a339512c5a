"""The checkpoints of a train_dir: finding the newest one that restores, and cleaning up.

Layout (`tf.train.CheckpointManager`'s): `<dir>/ckpt-<step>.index` + `.data-*` shards, and
the state file `<dir>/checkpoint` listing them. A process killed while saving can leave a
`ckpt-<step>_temp` folder, data shards without an index, an index whose data is incomplete,
or a state file naming a checkpoint that is gone; a disk can corrupt any of them.

A checkpoint counts as good when its index opens and every tensor it lists reads back
(the bundle reader checks each tensor's size and CRC). `newest_good_checkpoint` only looks;
`recover_checkpoints` (the trainer's chief, before it resumes) also removes what is broken
and rewrites the state file so retention keeps counting from the good ones.
"""

import json
import os
import re
import shutil
from pathlib import Path

import tensorflow as tf
from absl import logging

CHECKPOINT_NAME = "ckpt"
STATE_FILE = "checkpoint"
_INDEX = re.compile(rf"^{CHECKPOINT_NAME}-(\d+)\.index$")
_DATA = re.compile(rf"^{CHECKPOINT_NAME}-(\d+)\.data-\d+-of-\d+$")
_LEFTOVER = re.compile(rf"^({CHECKPOINT_NAME}-\d+_temp.*|{STATE_FILE}\.tmp.*)$")


def checkpoint_path(directory: str | Path, step: int) -> str:
    """The prefix of step `step`'s checkpoint in `directory`."""
    return os.path.join(str(directory), f"{CHECKPOINT_NAME}-{step}")


def indexed_steps(directory: str | Path) -> list[int]:
    """Steps with a `.index` file in `directory`, newest first."""
    if not Path(directory).is_dir():
        return []
    steps = [int(m.group(1)) for p in Path(directory).iterdir() if (m := _INDEX.match(p.name))]
    return sorted(steps, reverse=True)


def checkpoint_problem(path: str) -> str | None:
    """Why the checkpoint at prefix `path` cannot be restored, or None when it is good."""
    try:
        reader = tf.train.load_checkpoint(path)
        for name in reader.get_variable_to_shape_map():
            reader.get_tensor(name)
    except (tf.errors.OpError, ValueError) as error:
        message = getattr(error, "message", str(error)).strip().splitlines()[0]
        return message[:300]
    return None


def newest_good_checkpoint(directory: str | Path) -> str | None:
    """The prefix of the newest checkpoint in `directory` that restores, or None; each newer
    one skipped is logged with the reason."""
    for step in indexed_steps(directory):
        path = checkpoint_path(directory, step)
        problem = checkpoint_problem(path)
        if problem is None:
            return path
        logging.warning("skipping %s: %s", path, problem)
    return None


def _remove(path: Path, reason: str) -> None:
    logging.warning("removing %s (%s)", path, reason)
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def recover_checkpoints(directory: str | Path) -> str | None:
    """The newest good checkpoint of `directory` (None: none), after removing every newer
    broken one, data shards without an index and interrupted saves' leftovers, and rewriting
    the state file to list the remaining checkpoints (oldest first, by step)."""
    directory = Path(directory)
    if not directory.is_dir():
        return None
    newest = None
    for step in indexed_steps(directory):
        path = checkpoint_path(directory, step)
        problem = checkpoint_problem(path)
        if problem is None:
            newest = path
            break
        for file in directory.glob(f"{CHECKPOINT_NAME}-{step}.*"):
            _remove(file, f"the checkpoint cannot be restored: {problem}")
    kept = set(indexed_steps(directory))
    for entry in directory.iterdir():
        data = _DATA.match(entry.name)
        if _LEFTOVER.match(entry.name):
            _remove(entry, "left by an interrupted save")
        elif data and int(data.group(1)) not in kept:
            _remove(entry, "checkpoint data without its index")
    steps = sorted(kept)
    if not steps:
        (directory / STATE_FILE).unlink(missing_ok=True)
        return None
    write_state_file(directory, steps)
    return newest


def write_state_file(directory: Path, steps: list[int]) -> None:
    """The state file (a text CheckpointState, as CheckpointManager writes it, with relative
    paths) listing `steps`' checkpoints, oldest first, with their files' times, so that
    retention deletes the oldest once newer ones are saved."""
    names = [Path(checkpoint_path(directory, step)).name for step in steps]
    times = [os.path.getmtime(directory / f"{name}.index") for name in names]
    lines = [f"model_checkpoint_path: {json.dumps(names[-1])}"]
    lines += [f"all_model_checkpoint_paths: {json.dumps(name)}" for name in names]
    lines += [f"all_model_checkpoint_timestamps: {time!r}" for time in times]
    lines.append(f"last_preserved_timestamp: {min(times) - 1!r}")
    temporary = directory / f"{STATE_FILE}.tmp-recovery"
    temporary.write_text("\n".join(lines) + "\n")
    os.replace(temporary, directory / STATE_FILE)


def checkpoint_step(path: str) -> int:
    """The step number of a checkpoint prefix (`.../ckpt-1200` -> 1200)."""
    match = re.search(r"-(\d+)$", path)
    if match is None:
        raise ValueError(f"{path}: not a numbered checkpoint")
    return int(match.group(1))
