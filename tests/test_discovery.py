"""Dataset discovery from --datasets globs, with the original box rule and clear errors."""

import pickle

import numpy as np
import pytest

from face_alignment_tf.data.discovery import box_candidates, discover_faces, split_globs
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.pts import write_pts


def test_finds_images_landmarks_and_boxes_by_the_original_rule(make_dataset):
    root = make_dataset({"lfpw/trainset": 3, "afw": 2})
    records = discover_faces(f"{root}/lfpw/trainset/*.png:{root}/afw/*.png")
    assert [r.image_path.name for r in records] == [
        "face_000.png",
        "face_001.png",
        "face_002.png",
    ] + [
        "face_000.png",
        "face_001.png",
    ]
    assert records[0].box_path == root / "bbs/lfpw/trainset/face_000.pts"
    assert records[3].box_path == root / "bbs/afw/face_000.pts"
    assert records[0].landmarks.shape == (68, 2) and records[0].box.shape == (4, 2)


def test_explicit_bbs_dir_and_broad_glob(make_dataset, tmp_path):
    root = make_dataset({"afw": 2})
    moved = tmp_path / "boxes"
    (root / "bbs").rename(moved)
    with pytest.raises(DataError, match="no bbs/ directory"):
        discover_faces(f"{root}/afw/*.png")
    records = discover_faces(f"{root}/afw/*", bbs_dir=moved)  # '*' also matches the .pts files
    assert len(records) == 2


def test_set_rule_order():
    from pathlib import Path

    bbs = Path("/b")
    assert box_candidates(Path("/d/lfpw/testset/x.png"), bbs)[0] == bbs / "lfpw/testset/x.pts"
    assert box_candidates(Path("/d/afw/x.png"), bbs)[0] == bbs / "afw/x.pts"


def test_duplicate_matches_listed_once(make_dataset):
    root = make_dataset({"afw": 2})
    assert len(discover_faces(f"{root}/afw/*.png:{root}/afw/face_000.png")) == 2


def test_split_globs():
    assert split_globs("a/*.jpg:b/*.png:") == ["a/*.jpg", "b/*.png"]


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda root: (root / "afw/face_001.pts").unlink(), "landmark file does not exist"),
        (lambda root: (root / "bbs/afw/face_001.pts").unlink(), "no detector box file"),
        (
            lambda root: (root / "afw/face_001.pts").write_text("n_points: 2\n{\n1 2\n3 4\n}\n"),
            "expected 68 points, found 2",
        ),
        (lambda root: (root / "afw/face_001.txt").write_text("x"), "not an image file"),
    ],
)
def test_bad_input_names_the_file(make_dataset, damage, message):
    root = make_dataset({"afw": 2})
    damage(root)
    with pytest.raises(DataError, match=message) as error:
        discover_faces(f"{root}/afw/*")
    assert "face_001" in str(error.value)


def test_empty_glob(tmp_path):
    with pytest.raises(DataError, match="matches no image files") as error:
        discover_faces(f"{tmp_path}/nothing/*.jpg")
    assert "nothing" in str(error.value)


def test_data_error_survives_pickling():
    error = pickle.loads(pickle.dumps(DataError("a.png", "broken")))
    assert (error.path, error.problem, str(error)) == ("a.png", "broken", "a.png: broken")
    assert np.isfinite(1.0)


def test_symlinked_data_keeps_the_given_paths(make_dataset, tmp_path):
    root = make_dataset({"afw": 1})
    link = tmp_path / "linked"
    link.symlink_to(root, target_is_directory=True)
    records = discover_faces(f"{link}/afw/*.png")
    assert records[0].box_path == link / "bbs/afw/face_000.pts"


def test_a_symlink_loop_is_named(make_dataset):
    """Issue 15 #10: it was a bare `RuntimeError: Symlink loop` from pathlib."""
    root = make_dataset({"afw": 1})
    loop = root / "afw" / "loop.png"
    loop.symlink_to(loop)
    with pytest.raises(DataError, match=r"loop\.png: symbolic link loop"):
        discover_faces(f"{root}/afw/*.png")


def test_a_degenerate_box_is_named(make_dataset):
    """Issue 15 #7: 4 equal points failed inside menpo without naming the file."""
    root = make_dataset({"afw": 2})
    write_pts(root / "bbs/afw/face_001.pts", np.full((4, 2), 30.0))
    with pytest.raises(DataError, match=r"bbs/afw/face_001\.pts: degenerate box"):
        discover_faces(f"{root}/afw/*.png")
