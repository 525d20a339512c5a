"""Kills a real trainer with SIGKILL at random moments, then lets it finish (for
tests/test_checkpoints.py).

    python -m tests.kill_harness --datasets='faces/*.png' --train_dir=run --report=r.json

Imports TensorFlow and the trainer once, then forks every run: each child is a fresh
trainer process running `drivers.train.train` on a tiny MDM (a checkpoint every step),
killed with SIGKILL after a random delay: odd runs counted from the fork (so some kills land
while the trainer starts), even runs from the moment it logs the start of training (so
however loaded the machine, half the kills land in training and leave checkpoints to
resume from and to damage). Before chosen runs the newest checkpoint is
damaged the way issue 15 found it: its `.index` deleted, then 100 bytes of it overwritten.
Before each run the harness works out, on its own, which checkpoint that run must resume
from (the newest whose every tensor reads back) and writes it to the report with the
run's log; a last run trains 3 steps further and ends normally.
"""

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

import tensorflow as tf
from absl import app, flags

from face_alignment_tf.drivers.train import train
from face_alignment_tf.families import get_family

FLAGS = flags.FLAGS
ITERATIONS = "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"
SABOTAGE = {4: "delete_index", 7: "corrupt_index"}  # run -> damage before it (or the next)
TRAINING_STARTED = "training from step"  # training.loop's line once the trainer is ready
START_TIMEOUT = 600.0  # seconds a child may take to start training


def expected_resume_step(train_dir: Path) -> int:
    """The step stored in the newest checkpoint whose index and tensors all read (0: none)."""
    indexed = sorted(train_dir.glob("ckpt-*.index"), key=lambda p: int(p.stem.split("-")[1]))
    for index in reversed(indexed):
        try:
            reader = tf.train.load_checkpoint(str(index.with_suffix("")))
            for name in reader.get_variable_to_shape_map():
                reader.get_tensor(name)
            return int(reader.get_tensor(ITERATIONS))
        except Exception:  # noqa: BLE001 -- any failure means "not restorable"
            continue
    return 0


def damage_newest(train_dir: Path, how: str) -> str | None:
    """Deletes or corrupts the newest checkpoint's index when an older one exists."""
    indexed = sorted(train_dir.glob("ckpt-*.index"), key=lambda p: int(p.stem.split("-")[1]))
    if len(indexed) < 2:
        return None
    newest = indexed[-1]
    if how == "delete_index":
        newest.unlink()
    else:
        content = bytearray(newest.read_bytes())
        start = max(0, len(content) // 2 - 50)
        content[start : start + 100] = os.urandom(min(100, len(content) - start))
        newest.write_bytes(bytes(content))
    return newest.name


def run_child(config, log: Path) -> int:
    pid = os.fork()
    if pid == 0:
        descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        code = 0
        try:
            train(get_family("mdm"), config)
        except BaseException as error:  # noqa: BLE001 -- reported through the exit code
            print(f"child failed: {error!r}", file=sys.stderr, flush=True)
            code = 1
        os._exit(code)
    return pid


def wait_for_training(pid: int, log: Path) -> None:
    """Returns once the child `pid` has logged TRAINING_STARTED to `log`; raises when it
    exits first or takes longer than START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    while not log.is_file() or TRAINING_STARTED not in log.read_text(errors="replace"):
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            raise RuntimeError(f"the trainer exited before training: {log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {TRAINING_STARTED!r} after {START_TIMEOUT:g} s: {log}")
        time.sleep(0.05)


def main(argv: list[str]) -> None:
    del argv
    train_dir = Path(FLAGS.train_dir)
    family = get_family("mdm")
    settings = dict(
        datasets=FLAGS.datasets, train_dir=str(train_dir), batch_size=2, patch_size=14,
        hidden_units=32, log_every=1, image_every=1000, save_every_secs=0,
    )  # fmt: skip
    rng = random.Random(FLAGS.seed)
    runs, pending = [], []
    for number in range(1, FLAGS.kills + 1):
        if number in SABOTAGE:
            pending.append(SABOTAGE[number])
        damage = damaged = None
        if pending and (damaged := damage_newest(train_dir, pending[0])):
            damage = pending.pop(0)
        log = train_dir.parent / f"run-{number}.log"
        expected = expected_resume_step(train_dir)
        delay = rng.uniform(FLAGS.min_delay, FLAGS.max_delay)
        pid = run_child(family.config_class(max_steps=100_000, **settings), log)
        clock = "training" if number % 2 == 0 else "fork"
        if clock == "training":
            wait_for_training(pid, log)
            delay -= FLAGS.min_delay  # the start took at least that
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        runs.append({
            "log": str(log), "expected_step": expected, "delay": delay, "clock": clock,
            "damage": damage, "damaged": damaged,
            "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
        })  # fmt: skip
    expected = expected_resume_step(train_dir)
    log = train_dir.parent / "final.log"
    pid = run_child(family.config_class(max_steps=expected + 3, **settings), log)
    _, status = os.waitpid(pid, 0)
    final = {"log": str(log), "expected_step": expected, "max_steps": expected + 3,
             "exit_code": os.waitstatus_to_exitcode(status)}  # fmt: skip
    Path(FLAGS.report).write_text(json.dumps({"runs": runs, "final": final}, indent=1))


if __name__ == "__main__":
    flags.DEFINE_string("datasets", None, "Training images.", required=True)
    flags.DEFINE_string("train_dir", None, "The run's directory.", required=True)
    flags.DEFINE_string("report", None, "Where the JSON report goes.", required=True)
    flags.DEFINE_integer("kills", 10, "Runs killed with SIGKILL.")
    flags.DEFINE_integer("seed", 0, "Seed of the kill delays.")
    flags.DEFINE_float("min_delay", 2.0, "Shortest time before a kill, seconds (from the "
                       "fork; from the start of training, this less).")  # fmt: skip
    flags.DEFINE_float("max_delay", 10.0, "Longest time before a kill, seconds (as min_delay).")
    app.run(main)
