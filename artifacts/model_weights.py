"""Checkpointing every weight of a Keras 3 model with tf.train.Checkpoint.

tf.train.Checkpoint follows a Keras 3 layer's attributes, but not the layers a
Keras 3 layer keeps in Python lists (the hourglass stacks, a block's convs):
their weights would silently be left out (trainable ones only survive through
the optimiser's references; batch-norm statistics not at all). Keyed by their
unique Keras paths, every weight is saved and restored whatever the layer
structure. Every family's checkpoint is keyed this way (`families.contract`).
"""

import keras


def model_weights(model: keras.Model, trainable_only: bool = False) -> dict[str, keras.Variable]:
    """{path inside the model: variable} for all weights (trainable and not) of a built model,
    or only its trainable ones (in `model.trainable_variables` order).

    The model's own name is dropped from the paths: Keras numbers it per process
    ('heatmap_network_1'), so it must not be part of a checkpoint key.
    """
    variables = model.trainable_variables if trainable_only else model.weights
    weights = {_relative_path(model, variable): variable for variable in variables}
    if len(weights) != len(variables):
        raise ValueError(f"{model.name}: two weights share a path; cannot checkpoint by path")
    if not weights:
        raise ValueError(f"{model.name}: no weights (build the model before checkpointing it)")
    return weights


def _relative_path(model: keras.Model, variable: keras.Variable) -> str:
    prefix = f"{model.name}/"
    if not variable.path.startswith(prefix):
        raise ValueError(f"{variable.path}: not under the model's path {prefix!r}")
    return variable.path[len(prefix) :]
