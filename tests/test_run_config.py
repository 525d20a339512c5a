"""Training settings are checked when the config is made, before any work (issue 15 #11)."""

import pytest

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.hourglass.trainer import HourglassTrainingConfig
from face_alignment_tf.mdm.trainer import MdmTrainingConfig
from face_alignment_tf.mobilenet.trainer import MobilenetTrainingConfig

RUN = {"datasets": "faces/*.png", "train_dir": "run"}


@pytest.mark.parametrize(
    "config_class, settings, message",
    [
        (MdmTrainingConfig, {"batch_size": 0}, "--batch_size=0: must be at least 1"),
        (MdmTrainingConfig, {"max_steps": -5}, "--max_steps=-5: must be at least 1"),
        (MdmTrainingConfig, {"patch_size": 1}, "--patch_size=1: patches must be at least 10 px"),
        (MdmTrainingConfig, {"patch_size": 9}, "--patch_size=9: patches must be at least 10 px"),
        (
            MdmTrainingConfig,
            {"initial_learning_rate": -1e-3},
            "--initial_learning_rate=-0.001: must",
        ),
        (HourglassTrainingConfig, {"per_batch_size": 0}, "--per_batch_size=0: must be at least 1"),
        (
            HourglassTrainingConfig,
            {"lr_epoch_step": ["0"]},
            "--lr_epoch_step=0: must be increasing",
        ),
        (HourglassTrainingConfig, {"lr_epoch_step": ["5", "5"]}, "--lr_epoch_step=5,5: must"),
        (HourglassTrainingConfig, {"lr_epoch_step": ["x"]}, "not whole numbers"),
        (MobilenetTrainingConfig, {"batch_size": 0}, "--batch_size=0: must be at least 1"),
        (MobilenetTrainingConfig, {"stage": 2}, "--stage1_dir=None: stage 2 needs"),
        (MobilenetTrainingConfig, {"max_shift": -0.1}, "--max_shift=-0.1: must be at least 0"),
        (MdmTrainingConfig, {"max_seconds": 0.0}, "--max_seconds=0.0: must be above 0"),
        (MdmTrainingConfig, {"log_every": 0}, "--log_every=0: must be at least 1"),
        (MdmTrainingConfig, {"datasets": ":"}, "--datasets=:: no dataset globs given"),
    ],
)
def test_bad_settings_name_the_flag(config_class, settings, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(")):
        config_class(**(RUN | settings))


def test_the_smallest_valid_settings_pass():
    assert MdmTrainingConfig(**RUN, patch_size=10, batch_size=1, max_steps=1).patch_size == 10
    assert HourglassTrainingConfig(**RUN, lr_epoch_step=["1"]).lr_epoch_step == (1,)
