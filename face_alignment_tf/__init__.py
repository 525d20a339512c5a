"""The toolkit's front package: `FaceAligner` (68 landmarks for any photo with a shipped
model and a face detector), the shipped pretrained models (`available_models`,
`load_pretrained`, each verified by the sha256 sums of its MANIFEST.json), the `face-align`
command line and exports.

The names below are imported on first use, so that `python -m face_alignment_tf.<module>`
runs its module without importing it twice.

One namespace: everything installed lives under `face_alignment_tf` (`face_alignment_tf.data`,
`face_alignment_tf.mdm`, ...). In the repository those packages are the top-level folders
(data/, mdm/, ...; setup.py's `package_dir` maps them into this package in a wheel); run from
a source checkout (an editable install, a script or a test in the repository or in a
`git worktree` of it), this package's path also holds the checkout's root, so that
`face_alignment_tf.data` is that checkout's data/ folder.
"""

import importlib
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
if (_CHECKOUT / "setup.py").is_file() and (_CHECKOUT / "families" / "registry.py").is_file():
    __path__.append(str(_CHECKOUT))

_EXPORTS = {
    "Face": "face_alignment_tf.face_aligner",
    "FaceAligner": "face_alignment_tf.face_aligner",
    "PretrainedModelError": "face_alignment_tf.pretrained",
    "available_models": "face_alignment_tf.pretrained",
    "load_pretrained": "face_alignment_tf.pretrained",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'face_alignment_tf' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
