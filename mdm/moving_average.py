"""The exponential moving average of weights that MDM evaluates with (SPEC A.7)."""

import contextlib
from collections.abc import Mapping, Sequence

import tensorflow as tf


class ExponentialMovingAverage(tf.Module):
    """Shadow copies of variables, averaged as TF1's ExponentialMovingAverage(num_updates).

    decay_t = min(max_decay, (1 + t) / (10 + t)) for step t, so the average
    warms up quickly and then settles at `max_decay` (0.9999 in MDM). Only the
    shadows belong to this module (they are checkpointed with it, keyed like the
    variables: {path: shadow}); the averaged variables are passed to `apply` and
    `averaged_weights`, in the order of the mapping given at construction.
    """

    def __init__(self, variables: Mapping[str, tf.Variable], max_decay: float = 0.9999, name="ema"):
        super().__init__(name=name)
        self.max_decay = max_decay
        with self.name_scope:
            self.shadows = {
                # Every replica computes the same average: keep the first's (tf.distribute).
                key: tf.Variable(
                    variable,
                    trainable=False,
                    name=f"shadow_{index}",
                    aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA,
                )
                for index, (key, variable) in enumerate(variables.items())
            }

    def decay(self, step) -> tf.Tensor:
        step = tf.cast(step, tf.float32)
        return tf.minimum(self.max_decay, (1.0 + step) / (10.0 + step))

    def apply(self, variables: Sequence[tf.Variable], step) -> None:
        """shadow <- decay * shadow + (1 - decay) * variable, for every variable."""
        decay = self.decay(step)
        for shadow, variable in zip(self.shadows.values(), variables, strict=True):
            shadow.assign(decay * shadow + (1.0 - decay) * tf.convert_to_tensor(variable))

    @contextlib.contextmanager
    def averaged_weights(self, variables: Sequence[tf.Variable]):
        """Temporarily swaps the averaged weights into `variables`."""
        saved = [tf.identity(v) for v in variables]
        for variable, shadow in zip(variables, self.shadows.values(), strict=True):
            variable.assign(shadow)
        try:
            yield
        finally:
            for variable, value in zip(variables, saved, strict=True):
                variable.assign(value)
