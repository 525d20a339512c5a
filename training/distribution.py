"""tf.distribute for the custom training loops: strategies, roles, data, and directories.

* 'default': one device (tf.distribute's default strategy, no-op).
* 'mirrored': MirroredStrategy, every local GPU (or the CPU) a replica.
* 'multi_worker': MultiWorkerMirroredStrategy over the machines in TF_CONFIG.

Batch flags are per replica; a step consumes per-replica x replicas examples.
Only the chief writes summaries, model.json and the checkpoints of train_dir;
other workers must still save (saving mirrored variables is collective), into
their own `<train_dir>/workers/<task>` directory. train_dir must be on a
filesystem every worker sees (the chief converts the records once; everyone
resumes from its checkpoints).
"""

import json
import os
import time
from pathlib import Path

import tensorflow as tf
from absl import logging

from face_alignment_tf.config.run_config import STRATEGIES


def make_strategy(name: str) -> tf.distribute.Strategy:
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":
        if "TF_CONFIG" not in os.environ:
            raise ValueError("--strategy=multi_worker needs TF_CONFIG (README: 'Several machines')")
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"strategy must be one of {STRATEGIES}, got {name!r}")


def task(strategy: tf.distribute.Strategy) -> tuple[str | None, int]:
    """(task type, task id) of this process; (None, 0) outside a cluster."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return None, 0
    return resolver.task_type, int(resolver.task_id)


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """The chief task, or worker 0 when the cluster has no chief."""
    task_type, task_id = task(strategy)
    if task_type is None or task_type == "chief":
        return True
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    return task_type == "worker" and task_id == 0 and "chief" not in cluster


def checkpoint_dir(train_dir: str, strategy: tf.distribute.Strategy) -> str:
    """Where this process saves: train_dir for the chief, a directory of its own otherwise."""
    if is_chief(strategy):
        return train_dir
    task_type, task_id = task(strategy)
    return str(Path(train_dir) / "workers" / f"{task_type}_{task_id}")


def distribute(dataset: tf.data.Dataset, strategy: tf.distribute.Strategy):
    """A dataset batched by the global batch, split across replicas (and workers, by element)."""
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return strategy.experimental_distribute_dataset(dataset.with_options(options))


def wait_for_chief(path: Path, timeout_secs: float = 3600) -> None:
    """Non-chief workers wait for a file the chief writes (the converted records)."""
    started = time.monotonic()
    if not path.exists():
        logging.info("waiting for the chief to write %s", path)
    while not path.exists():
        if time.monotonic() - started > timeout_secs:
            raise TimeoutError(f"{path}: the chief did not write it in {timeout_secs:.0f} s")
        time.sleep(1.0)
