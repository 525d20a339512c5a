"""The absl flags every script that reads faces shares: where their boxes come from."""

from absl import flags
from face_alignment_tf.data.discovery import BOX_SOURCES


def define_box_flags() -> None:
    """--bbs_dir and --boxes."""
    flags.DEFINE_string(
        "bbs_dir", None, "Detector boxes root (default: nearest bbs/ above images)."
    )
    flags.DEFINE_enum(
        "boxes", "detector", BOX_SOURCES,
        "detector: the box files under bbs/; landmarks: the ground truth's bounding box "
        "(for sets without detector boxes such as AFLW2000-3D; an oracle at test time).",
    )  # fmt: skip
