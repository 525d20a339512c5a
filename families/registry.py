"""The registry of model families: model.json's "family" -> the folder that fills the contract.

Adding a family: its folder with `family.py` defining `FAMILY`, one line here, and its
`train_<name>.py` / `eval_<name>.py`. Families are imported on first use, so looking one up
does not import the others.
"""

import importlib

from face_alignment_tf.families.contract import ModelFamily

# name -> module holding FAMILY.
FAMILY_MODULES = {
    "mdm": "face_alignment_tf.mdm.family",
    "hourglass": "face_alignment_tf.hourglass.family",
    "mobilenet": "face_alignment_tf.mobilenet.family",
    "shapenet": "face_alignment_tf.shapenet.family",
}


def family_names() -> tuple[str, ...]:
    return tuple(FAMILY_MODULES)


def get_family(name: str) -> ModelFamily:
    """The registered family `name`; ValueError listing the known ones otherwise."""
    if name not in FAMILY_MODULES:
        raise ValueError(f"unknown model family {name!r}; registered: {', '.join(FAMILY_MODULES)}")
    family = importlib.import_module(FAMILY_MODULES[name]).FAMILY
    if family.name != name:
        raise ValueError(f"{FAMILY_MODULES[name]}.FAMILY is named {family.name!r}, not {name!r}")
    return family
