"""Caffe's "inv" learning-rate policy (SPEC D.3): lr_t = base * (1 + gamma t) ^ -power."""

import keras


@keras.saving.register_keras_serializable(package="mobilenet")
class InverseDecay(keras.optimizers.schedules.LearningRateSchedule):
    """base (1 + gamma step)^-power; the original: 1e-4, gamma 1e-5, power 0.75."""

    def __init__(self, base: float = 1e-4, gamma: float = 1e-5, power: float = 0.75):
        self.base, self.gamma, self.power = base, gamma, power

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        return self.base * keras.ops.power(1.0 + self.gamma * step, -self.power)

    def get_config(self) -> dict:
        return {"base": self.base, "gamma": self.gamma, "power": self.power}
