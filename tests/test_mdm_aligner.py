"""MdmAligner: the evaluator's numbers from whole images, and the EMA weights of a train_dir."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.artifacts.model_file import write_model_file
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.preprocessing import (
    evaluation_frame,
    load_face,
    prepare_evaluation_face,
    read_image,
)
from face_alignment_tf.data.reference_shape import build_reference_shape
from face_alignment_tf.evaluation.metrics import normalised_mean_error
from face_alignment_tf.evaluation.records import prepare_evaluation_records
from face_alignment_tf.families import load_aligner
from face_alignment_tf.mdm.aligner import MdmAligner
from face_alignment_tf.mdm.family import FAMILY
from face_alignment_tf.mdm.pipeline import evaluation_dataset
from face_alignment_tf.mdm.scoring import evaluate_batches
from tests.conftest import write_afw_faces


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    """A random MDM (14 px patches) whose EMA shadows differ from its weights, saved as a
    train_dir."""
    root = tmp_path_factory.mktemp("aligner")
    records = discover_faces(write_afw_faces(root, count=5, seed=3))
    reference = build_reference_shape(np.stack([r.landmarks for r in records]))
    tf.keras.utils.set_random_seed(0)
    config = {"patch_size": 14}
    model = FAMILY.build_model(config)
    checkpoint = FAMILY.checkpoint(model)
    ema = checkpoint.ema
    rng = np.random.default_rng(1)
    for shadow, variable in zip(ema.shadows.values(), model.trainable_variables, strict=True):
        # Large enough that the updates move the points by pixels.
        shadow.assign(variable * 0.5 + rng.normal(0, 0.05, variable.shape).astype(np.float32))
    train_dir = root / "train"
    checkpoint.save(str(train_dir / "ckpt"))
    write_model_file(train_dir, "mdm", {"config": config, "reference_shape": reference.tolist()})
    return root, records, reference, model, ema, train_dir


@pytest.mark.parametrize("mirrored_averaging", [True, False])
def test_whole_image_errors_equal_the_evaluators(saved_run, mirrored_averaging):
    root, records, reference, model, ema, _ = saved_run
    converted = prepare_evaluation_records(
        f"{root}/afw/*.png", root / f"eval-{mirrored_averaging}", reference, None
    )
    dataset = evaluation_dataset(str(converted), 2, include_mirrored=mirrored_averaging)
    with ema.averaged_weights(model.trainable_variables):
        expected = evaluate_batches(model, dataset, mirrored_averaging)
        aligner = MdmAligner(model, reference, mirrored_averaging=mirrored_averaging)
        images = [read_image(r.image_path).pixels_with_channels_at_back() for r in records]
        landmarks = aligner.predict(images, np.stack([r.box for r in records]))
    assert landmarks.shape == (len(records), 68, 2)
    truth = np.stack([r.landmarks for r in records])
    image_errors = normalised_mean_error(landmarks, truth).numpy()
    for record, prediction, image_error in zip(records, landmarks, image_errors, strict=True):
        # The evaluator scores in the rescaled frame: map the prediction there.
        face = prepare_evaluation_face(record, reference)
        _, to_image = evaluation_frame(load_face(record), reference, record.image_path)
        to_frame = np.linalg.inv(to_image)
        in_frame = prediction @ to_frame[:2, :2].T + to_frame[:2, 2]
        error = float(normalised_mean_error(in_frame[None], face.landmarks[None])[0])
        # Records keep the rescaled image as 8-bit PNG; the aligner keeps floats.
        assert error == pytest.approx(expected[str(record.image_path)], rel=1e-3)
        # menpo's rescale is anisotropic by < 1 %, so the image-frame error differs slightly.
        assert image_error == pytest.approx(error, rel=1e-2)
        # The (random) network moved the points away from the initialisation.
        assert np.abs(in_frame - face.initial).max() > 0.5


def test_uint8_and_unit_float_images_give_the_same_landmarks(saved_run):
    _, records, reference, model, _, _ = saved_run
    aligner = MdmAligner(model, reference)
    pixels = read_image(records[0].image_path).pixels_with_channels_at_back()
    as_uint8 = np.round(pixels * 255).astype(np.uint8)
    boxes = records[0].box[None]
    np.testing.assert_allclose(
        aligner.predict([as_uint8], boxes), aligner.predict([pixels], boxes), atol=1e-3
    )


def test_a_loaded_train_dir_holds_the_ema_weights(saved_run):
    *_, ema, train_dir = saved_run
    aligner = load_aligner(train_dir)
    assert isinstance(aligner, MdmAligner)
    for variable, shadow in zip(
        aligner.model.trainable_variables, ema.shadows.values(), strict=True
    ):
        np.testing.assert_array_equal(variable.numpy(), shadow.numpy())


def test_mismatched_inputs_are_refused(saved_run):
    _, records, reference, model, _, _ = saved_run
    with pytest.raises(ValueError, match="2 images but 1 boxes"):
        MdmAligner(model, reference).predict([np.zeros((50, 50, 3))] * 2, records[0].box[None])
