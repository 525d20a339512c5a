"""Declared settings: each field of a config dataclass declared once, with its default, help
text and choices; the absl flags are made from the declarations, and a config from the
flags' values.

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class MyConfig(RunConfig):
        patch_size: int = setting(30, "Patch side in pixels.")

    define_flags_of(MyConfig)               # --patch_size (default 30), and RunConfig's flags
    config = config_from_flags(MyConfig)

A subclass may give an inherited setting a new default with a plain annotation
(`seed: int = 727`): its help and choices stay the declaration's. Fields without a
declaration (no help) are not flags. Types: bool, int, float, str (with choices: an enum),
`X | None` (unset: None), tuple (a comma list, handed to the config as strings).
"""

import dataclasses
import sys
import types
import typing
from typing import Any

from absl import flags

from face_alignment_tf.data.errors import DataError

FLAGS = flags.FLAGS


def setting(default: Any = dataclasses.MISSING, help: str = "", choices=None) -> Any:
    """A dataclass field with its flag's help text and allowed values (no default: the flag
    is required)."""
    return dataclasses.field(default=default, metadata={"help": help, "choices": choices})


@dataclasses.dataclass(frozen=True)
class Declared:
    """One declared setting as a flag: its name, type, default, help and choices."""

    name: str
    kind: type
    default: Any
    help: str
    choices: tuple | None

    @property
    def required(self) -> bool:
        return self.default is dataclasses.MISSING


def _declaration(config_class: type, name: str) -> dict | None:
    for klass in config_class.__mro__:
        field = getattr(klass, "__dataclass_fields__", {}).get(name)
        if field is not None and field.metadata.get("help"):
            return dict(field.metadata)
    return None


def _base_type(annotation) -> type:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return typing.get_origin(annotation) or annotation


def declared_settings(config_class: type) -> list[Declared]:
    """The declared settings of a config dataclass, in field order."""
    hints = typing.get_type_hints(config_class)
    found = []
    for field in dataclasses.fields(config_class):
        declaration = _declaration(config_class, field.name)
        if declaration is None:
            continue
        choices = declaration["choices"]
        found.append(
            Declared(
                field.name, _base_type(hints[field.name]), field.default, declaration["help"],
                tuple(choices) if choices is not None else None,
            )
        )  # fmt: skip
    return found


def define_flags_of(config_class: type, flag_values: flags.FlagValues = FLAGS) -> None:
    """An absl flag in `flag_values` for every declared setting of `config_class` (a
    required one: no default), listed as the running script's own (its --help)."""
    for item in declared_settings(config_class):
        default, required = (None, True) if item.required else (item.default, False)
        text = item.help
        if item.choices is not None and item.kind is not str:
            text = f"{text} One of {', '.join(map(str, item.choices))}."
        where = {"required": required, "flag_values": flag_values, "module_name": sys.argv[0]}
        if item.kind is bool:
            flags.DEFINE_boolean(item.name, default, text, **where)
        elif item.kind is str and item.choices is not None:
            flags.DEFINE_enum(item.name, default, list(item.choices), text, **where)
        elif item.kind is int:
            flags.DEFINE_integer(item.name, default, text, **where)
        elif item.kind is float:
            flags.DEFINE_float(item.name, default, text, **where)
        elif item.kind is str:
            flags.DEFINE_string(item.name, default, text, **where)
        elif item.kind is tuple:
            listed = None if default is None else [str(value) for value in default]
            flags.DEFINE_list(item.name, listed, text, **where)
        else:
            raise TypeError(f"{config_class.__name__}.{item.name}: no flag for {item.kind}")


def config_from_flags(config_class: type, flag_values: flags.FlagValues = FLAGS):
    """`config_class` with every declared setting taken from its flag."""
    values = {}
    for item in declared_settings(config_class):
        value = getattr(flag_values, item.name)
        values[item.name] = tuple(value) if item.kind is tuple and value is not None else value
    return config_class(**values)


def flag_error(name: str, value, problem: str) -> DataError:
    """A bad setting, reported as `error: --<name>=<value>: <problem>` by the scripts."""
    return DataError(f"--{name}={value}", problem)


def require_at_least(config, minimum: float, *names: str) -> None:
    """flag_error unless every named field (None: unset, allowed) is at least `minimum`."""
    for name in names:
        value = getattr(config, name)
        if value is not None and not value >= minimum:
            raise flag_error(name, value, f"must be at least {minimum}")


def require_positive(config, *names: str) -> None:
    """flag_error unless every named field (None: unset, allowed) is above 0."""
    for name in names:
        value = getattr(config, name)
        if value is not None and not value > 0:
            raise flag_error(name, value, "must be above 0")


def require_declared_choices(config) -> None:
    """flag_error unless every declared setting with choices holds one of them (or None,
    where None is its default)."""
    for item in declared_settings(type(config)):
        value = getattr(config, item.name)
        if (
            item.choices is None
            or value in item.choices
            or (value is None and item.default is None)
        ):
            continue
        raise flag_error(item.name, value, f"must be one of {', '.join(map(str, item.choices))}")
