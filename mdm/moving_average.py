"""The exponential moving average of weights that MDM evaluates with (SPEC A.7)."""

import contextlib

import tensorflow as tf


class ExponentialMovingAverage(tf.Module):
    """Shadow copies of variables, averaged as TF1's ExponentialMovingAverage(num_updates).

    decay_t = min(max_decay, (1 + t) / (10 + t)) for step t, so the average
    warms up quickly and then settles at `max_decay` (0.9999 in MDM). A
    tf.Module, so its shadow variables go into checkpoints with the model.
    """

    def __init__(self, variables, max_decay: float = 0.9999, name: str = "ema"):
        super().__init__(name=name)
        self.max_decay = max_decay
        self._variables = list(variables)
        with self.name_scope:
            self.shadows = [
                tf.Variable(variable, trainable=False, name=f"shadow_{index}")
                for index, variable in enumerate(self._variables)
            ]

    def decay(self, step) -> tf.Tensor:
        step = tf.cast(step, tf.float32)
        return tf.minimum(self.max_decay, (1.0 + step) / (10.0 + step))

    def apply(self, step) -> None:
        """shadow <- decay * shadow + (1 - decay) * variable, for every variable."""
        decay = self.decay(step)
        for shadow, variable in zip(self.shadows, self._variables, strict=True):
            shadow.assign(decay * shadow + (1.0 - decay) * tf.convert_to_tensor(variable))

    @contextlib.contextmanager
    def averaged_weights(self):
        """Temporarily swaps the averaged weights into the variables."""
        saved = [tf.identity(v) for v in self._variables]
        for variable, shadow in zip(self._variables, self.shadows, strict=True):
            variable.assign(shadow)
        try:
            yield
        finally:
            for variable, value in zip(self._variables, saved, strict=True):
                variable.assign(value)
