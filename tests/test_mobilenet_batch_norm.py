"""Batch-norm statistics recomputed as the mean of the batch statistics."""

import keras
import numpy as np
import pytest

from face_alignment_tf.backbones.batch_norm import recalibrate_batch_norm


def test_the_moving_statistics_become_the_mean_of_the_batches_statistics():
    inputs = keras.Input((3,))
    outputs = keras.layers.BatchNormalization(momentum=0.999)(keras.layers.Dense(3)(inputs))
    network = keras.Model(inputs, outputs)
    dense, norm = network.layers[1], network.layers[2]
    rng = np.random.default_rng(0)
    batches = [{"image": rng.normal(i, 1 + i, (16, 3)).astype(np.float32)} for i in range(4)]
    recalibrate_batch_norm(network, iter(batches), count=3)
    features = [dense(b["image"]).numpy() for b in batches[:3]]
    np.testing.assert_allclose(
        norm.moving_mean.numpy(), np.mean([f.mean(0) for f in features], 0), rtol=1e-5
    )
    np.testing.assert_allclose(
        norm.moving_variance.numpy(), np.mean([f.var(0) for f in features], 0), rtol=1e-4
    )
    assert norm.momentum == pytest.approx(0.999)
