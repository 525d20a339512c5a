"""Flags every benchmark shares: which faces, which trained models, where to work."""

from absl import flags


def define_model_flags() -> None:
    flags.DEFINE_string("datasets", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_string("bbs_dir", None, "300-W boxes root (default: nearest bbs/).")
    flags.DEFINE_string("mdm_dir", None, "A train_mdm.py --train_dir (latest checkpoint).")
    flags.DEFINE_list("hourglass_dirs", [], "train_hourglass.py --train_dirs.")
    flags.DEFINE_string("work_dir", "runs/bench", "Converted records, boxes, timing runs.")
