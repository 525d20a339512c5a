"""mdm.scoring.predict: the direct and mirrored faces in one batch give what two separate
calls give."""

import numpy as np

from face_alignment_tf.families import load_trained_model
from face_alignment_tf.mdm.pipeline import unmirror_predictions
from face_alignment_tf.mdm.scoring import predict


def test_one_batch_of_direct_and_mirrored_faces_equals_two_calls(smoke_run):
    config, _ = smoke_run("mdm")
    model = load_trained_model(config.train_dir).model
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (2, 170, 150, 3)).astype(np.float32)
    mirrored_images = images[:, :, ::-1].copy()
    inits = (rng.uniform(40, 110, (2, 68, 2))).astype(np.float32)
    mirrored_inits = inits * [1, -1] + [0, 149]
    shapes = np.array([[170, 150], [170, 150]], np.int32)
    direct = model(images, inits, training=False)["final"].numpy()
    mirrored = model(mirrored_images, mirrored_inits, training=False)["final"]
    expected = (direct + unmirror_predictions(mirrored, shapes, "corrected").numpy()) / 2
    together = predict(model, images, inits, mirrored_images, mirrored_inits, shapes).numpy()
    np.testing.assert_allclose(together, expected, atol=1e-4)
    np.testing.assert_allclose(predict(model, images, inits).numpy(), direct, atol=1e-5)
