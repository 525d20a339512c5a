"""Reading TensorBoard logs back: the scalars a run wrote."""

from pathlib import Path


def read_scalars(logdir: str | Path) -> dict[str, list[tuple[int, float]]]:
    """{tag: [(step, value)]} of the scalar summaries in a log directory, and '_tags':
    every tag (images and histograms included)."""
    import tensorflow as tf
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    accumulator.Reload()
    tags = accumulator.Tags()["tensors"]
    values = {
        tag: [(e.step, tf.make_ndarray(e.tensor_proto)) for e in accumulator.Tensors(tag)]
        for tag in tags
    }
    return {
        tag: [(step, float(value)) for step, value in events]
        for tag, events in values.items()
        if events and events[0][1].ndim == 0
    } | {"_tags": tags}
