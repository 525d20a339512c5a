"""The family harness: what every registered family must do, run over the registry.

A new family gets these tests by registering; its own test files pin what is particular
to it.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.artifacts.model_file import read_model_file
from face_alignment_tf.checkpoint_averaging import checkpointed_variables
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.drivers.evaluate import run_evaluator
from face_alignment_tf.evaluation.checkpoint_watcher import step_results
from face_alignment_tf.evaluation.settings import EvaluatorSettings
from face_alignment_tf.families import family_names, get_family, open_trained_model

FAMILIES = family_names()


def test_the_registry_lists_every_family_once():
    assert {"mdm", "hourglass"} <= set(FAMILIES) and len(set(FAMILIES)) == len(FAMILIES)
    for name in FAMILIES:
        family = get_family(name)
        assert family.name == name and family.train_script == f"train_{name}.py"
        assert (Path(__file__).parents[1] / family.train_script).is_file()
        assert (Path(__file__).parents[1] / family.eval_script).is_file()
    with pytest.raises(ValueError, match="unknown model family 'nope'; registered: mdm"):
        get_family("nope")


@pytest.mark.parametrize("name", FAMILIES)
def test_config_and_model_json_rebuild_the_architecture(smoke_run, name):
    family = get_family(name)
    config, _ = smoke_run(name)
    found, description = read_model_file(config.train_dir)
    assert found == name
    trained = open_trained_model(config.train_dir, name)
    model = trained.model
    # Keras config round trip.
    clone = type(model).from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    # model.json -> the trained architecture: every weight of the rebuilt model is in the
    # checkpoint with its shape, and the checkpoint holds no weight the model lacks.
    saved = {
        name: shape
        for name, shape in tf.train.list_variables(tf.train.latest_checkpoint(config.train_dir))
        if name.startswith("weights/")
    }
    assert len(saved) == len(model.weights)
    assert sorted(map(tuple, saved.values())) == sorted(tuple(w.shape) for w in model.weights)
    trained.restore()  # asserts every model weight was matched
    assert family.display_name(description)


@pytest.mark.parametrize("name", FAMILIES)
def test_a_checkpoint_restores_every_weight_into_a_fresh_model(smoke_run, name, tmp_path):
    """Weights, batch-norm statistics and extra state (MDM's EMA), each set to random values,
    come back exactly in a model built from scratch."""
    family = get_family(name)
    config, _ = smoke_run(name)
    model_config = open_trained_model(config.train_dir).description["config"]
    rng = np.random.default_rng(0)
    source = family.checkpoint(family.build_model(model_config))
    assert checkpointed_variables(source)
    for variable in checkpointed_variables(source):
        variable.assign(rng.normal(size=variable.shape).astype(variable.numpy().dtype))
    path = source.save(str(tmp_path / "ckpt"))
    target = family.checkpoint(family.build_model(model_config))
    target.restore(path).assert_consumed()
    pairs = zip(checkpointed_variables(source), checkpointed_variables(target), strict=True)
    for saved, restored in pairs:
        np.testing.assert_array_equal(saved.numpy(), restored.numpy(), err_msg=saved.name)


@pytest.mark.parametrize("name", FAMILIES)
def test_a_two_step_run_and_an_evaluator_pass_on_the_bundled_faces(
    smoke_run, bundled_faces, name, tmp_path
):
    config, result = smoke_run(name)
    assert result["step"] == 2 and np.isfinite(result["loss"])
    assert tf.train.latest_checkpoint(config.train_dir).endswith("ckpt-2")
    settings = EvaluatorSettings(
        checkpoint_dir=config.train_dir, eval_dir=str(tmp_path / "eval"),
        dataset_path=bundled_faces, run_once=True, boxes=config.boxes,
    )  # fmt: skip
    assert run_evaluator(settings, name) == 1
    (path,) = step_results(tmp_path / "eval", 2)
    results = json.loads(path.read_text())
    errors = list(results["per_image"].values())
    assert len(errors) == len(list(Path(bundled_faces).parent.glob("*.pts")))
    assert all(np.isfinite(errors)) and min(errors) > 0
    assert results["summary"]["mean_nme"] == pytest.approx(np.mean(errors))


def square_box(centre, side) -> np.ndarray:
    (y, x), half = centre, side / 2
    return np.array([[y - half, x - half], [y + half, x - half], [y + half, x + half],
                     [y - half, x + half]])  # fmt: skip


@pytest.mark.parametrize("name", FAMILIES)
def test_the_aligner_moves_the_points_with_the_image(smoke_run, name):
    """The same face pasted 17 rows down and 31 columns right, with its box moved alike:
    the same points, moved alike (integer shifts change no sample of any crop)."""
    config, _ = smoke_run(name)
    trained = open_trained_model(config.train_dir, name).restore()
    aligner = trained.aligner()
    image = np.random.default_rng(0).integers(0, 256, (200, 180, 3), np.uint8)
    box = square_box((100.0, 90.0), 80.0)
    shifted = np.zeros((250, 240, 3), np.uint8)
    shifted[17:217, 31:211] = image
    other = np.random.default_rng(1).integers(0, 256, (200, 180, 3), np.uint8)
    before, after, elsewhere = aligner.predict(
        [image, shifted, other], np.stack([box, box + [17, 31], box])
    )
    assert before.shape == (68, 2) and before.dtype == np.float32
    np.testing.assert_allclose(after, before + [17, 31], atol=2e-3)
    # The points come from the pixels: another image in the same box moves them.
    assert np.all(np.isfinite(before)) and np.abs(elsewhere - before).max() > 1e-4


@pytest.mark.parametrize("name", FAMILIES)
def test_the_aligner_reads_integer_arrays_by_value_and_checks_its_inputs(smoke_run, name):
    """Issue 15 #9: an int32/int64 array of 0..255 is the same image as its uint8 copy (it
    was divided by the type's maximum: a black image); an empty batch gives an empty result.
    #7: a zero-area, non-finite or off-image box is refused, naming the box."""
    config, _ = smoke_run(name)
    aligner = open_trained_model(config.train_dir, name).restore().aligner()
    image = np.random.default_rng(2).integers(0, 256, (120, 100, 3), np.uint8)
    box = square_box((60.0, 50.0), 60.0)
    expected = aligner.predict([image], box[None])
    for dtype in (np.int32, np.int64):
        np.testing.assert_array_equal(aligner.predict([image.astype(dtype)], box[None]), expected)
    empty = aligner.predict([], np.zeros((0, 4, 2)))
    assert empty.shape == (0, 68, 2) and empty.dtype == np.float32
    bad_boxes = {
        "degenerate box": np.full((4, 2), 50.0),
        "non-finite": np.where(np.eye(4, 2, dtype=bool), np.nan, box),
        "lies outside the 100x120 image": box + [500.0, 0.0],
    }
    for message, bad in bad_boxes.items():
        with pytest.raises(DataError, match=f"box 1 of the batch: .*{message}"):
            aligner.predict([image, image], np.stack([box, bad]))
