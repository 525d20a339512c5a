"""shapenet.trainer: the original network trains and evaluates through the shared loop; the
plateau schedule and the mean-transform start, by hand."""

import numpy as np

from face_alignment_tf.drivers.train import train
from face_alignment_tf.families import get_family, open_trained_model
from face_alignment_tf.shapenet.trainer import PlateauState, mean_transform_bias
from face_alignment_tf.training.logged_scalars import read_scalars


def test_the_original_network_trains_validates_and_evaluates(bundled_faces, tmp_path):
    """One epoch of the 224x224 grey network on the bundled faces (one held out)."""
    family = get_family("shapenet")
    config = family.config_class(
        datasets=bundled_faces, train_dir=str(tmp_path / "run"), boxes="landmarks",
        num_components=3, max_epochs=1, validation_fraction=0.25, log_every=1,
    )  # fmt: skip
    result = train(family, config)
    assert result["step"] == 3 and np.isfinite(result["loss"])
    scalars = read_scalars(config.train_dir)
    assert [step for step, _ in scalars["validation/mse"]] == [3]
    assert [step for step, _ in scalars["loss/total"]] == [1, 2, 3]
    trained = open_trained_model(config.train_dir, "shapenet").restore()
    assert np.asarray(trained.description["config"]["shapes"]).shape == (4, 68, 2)
    assert trained.display_name == "ShapeNet (K=3)"
    levelled = {**trained.description, "pca_rotation_normalisation": "outer_eye_corners"}
    assert family.display_name(levelled) == "ShapeNet (K=3, levelled PCA)"


def test_the_plateau_drops_the_rate_after_patience_epochs_without_a_better_score():
    plateau = PlateauState()
    scores = [5.0, 4.0, 4.5, 4.2, 3.99999, 6.0, 4.1, 3.0, 3.5]  # 3.99999: within the threshold
    drops = [plateau.update(score, patience=3) for score in scores]
    # Better at 5.0, 4.0; then 4 epochs not better (4.5 4.2 4.0 6.0): the 4th drops the rate.
    assert drops == [False, False, False, False, False, True, False, False, False]
    assert float(plateau.best.numpy()) == 3.0


def test_the_mean_transform_puts_the_mean_shape_on_the_targets():
    rng = np.random.default_rng(0)
    shape_model = rng.normal(size=(4, 68, 2)) * 50
    shape_model[0] -= shape_model[0].mean(0)
    targets = np.stack([1.7 * shape_model[0] + [30.0, 40.0]] * 3)
    bias = mean_transform_bias(shape_model, targets)
    np.testing.assert_allclose(bias, [0, 0, 0, 1.7, 0, 30, 40], atol=1e-9)
