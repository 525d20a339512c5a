"""config.settings: every family's training config and evaluator settings declare their
fields once; the flags made from them parse back into the same config, and bad values
are one `--name=value: problem` error."""

import dataclasses

import pytest
from absl import flags

from face_alignment_tf.config.run_config import RunConfig
from face_alignment_tf.config.settings import (
    config_from_flags,
    declared_settings,
    define_flags_of,
    setting,
)
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.families import family_names, get_family


@dataclasses.dataclass(frozen=True, kw_only=True)
class Example(RunConfig):
    train_dir: str = "ckpt/example"
    rate: float = setting(0.5, "A rate.")
    mode: str = setting("a", "A mode.", ("a", "b"))
    epochs: tuple[int, ...] = setting((1, 2), "Epochs.")
    fast: bool = setting(False, "Fast.")
    count: int | None = setting(None, "A count.")
    seed: int = 7
    hidden: int = 3  # not declared: not a flag


def parsed(config_class, *argv: str):
    values = flags.FlagValues()
    define_flags_of(config_class, values)
    values(["script", *argv])
    return values, config_from_flags(config_class, values)


def test_flags_parse_back_into_the_config():
    values, config = parsed(Example, "--datasets=a/*.jpg", "--mode=b", "--epochs=3,4", "--fast")
    assert config == Example(datasets="a/*.jpg", mode="b", epochs=("3", "4"), fast=True)
    assert config.train_dir == "ckpt/example" and config.seed == 7 and config.count is None
    assert "hidden" not in values and values["seed"].default == 7
    assert values["seed"].help == "Seed of the sampling and augmentation stream."  # inherited
    assert "--rate: A rate." in values.main_module_help()  # the script's --help lists them
    with pytest.raises(flags.IllegalFlagValueError, match="datasets"):
        parsed(Example)  # required: no default
    assert values["mode"].flag_type() == "string enum" and values["epochs"].default == ["1", "2"]


def test_a_bad_choice_is_one_flag_error():
    with pytest.raises(DataError, match=r"--strategy=remote: must be one of default, mirrored"):
        Example(datasets="a", strategy="remote")
    with pytest.raises(flags.IllegalFlagValueError):
        parsed(Example, "--datasets=a", "--mode=c")


@pytest.mark.parametrize("name", family_names())
def test_every_family_declares_its_settings_once(name):
    family = get_family(name)
    for config_class in (family.config_class, family.evaluation_config_class):
        declared = {item.name: item for item in declared_settings(config_class)}
        required = {"datasets"} if config_class is family.config_class else {"dataset_path"}
        assert {n for n, item in declared.items() if item.required} == required
        values = flags.FlagValues()
        define_flags_of(config_class, values)  # every type has a flag
        fields = {field.name: field for field in dataclasses.fields(config_class)}
        for item in declared.values():  # the flag's default is the field's
            if not item.required:
                assert values[item.name].default == (
                    [str(v) for v in fields[item.name].default]
                    if item.kind is tuple
                    else fields[item.name].default
                ), item.name
    options = set(family.evaluation_config_class(checkpoint_dir="c", eval_dir="e",
                                                  dataset_path="d").options())  # fmt: skip
    assert options == {
        "mdm": {"mirrored_averaging", "mirror_rule"}, "hourglass": {"decoder", "crop"},
        "mobilenet": set(), "shapenet": {"crop"},
    }[name]  # fmt: skip
