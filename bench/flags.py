"""Flags every benchmark shares: which faces, which trained models (and the name their
rows go by), where to work."""

from pathlib import Path

from absl import flags


def model_label(display_name: str, model_dir: str | Path) -> str:
    """A trained model's name in every bench table: its family's name and its folder's
    (two runs of one family, or a run's checkpoints of one number, stay apart)."""
    return f"{display_name} ({Path(str(model_dir)).name})"


def define_model_flags() -> None:
    flags.DEFINE_string("datasets", None, "Colon-separated test image globs.", required=True)
    flags.DEFINE_string("bbs_dir", None, "300-W boxes root (default: nearest bbs/).")
    flags.DEFINE_list(
        "model_dirs", [], "Train_dirs of any model family (their latest checkpoints)."
    )
    flags.register_validator(
        "model_dirs", lambda dirs: all(dirs), "--model_dirs has an empty entry (a stray comma?)"
    )
    flags.DEFINE_string("work_dir", "runs/bench", "Converted records, boxes, timing runs.")
    flags.DEFINE_list("detectors",
                      ["blazeface-both", "blazeface", "blazeface-full", "mtcnn", "opencv"],
                      "Our detectors, each with every model (end-to-end and own-detector "
                      "tables).")  # fmt: skip
    flags.DEFINE_boolean("dlib", True, "Benchmark dlib's pipelines too (the [bench] extra).")
