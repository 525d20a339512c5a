"""The toolkit's front package: `FaceAligner` (68 landmarks for any photo with a shipped
model and a face detector), the shipped pretrained models (`available_models`,
`load_pretrained`, each verified by the sha256 sums of its MANIFEST.json), the `face-align`
command line and exports.

The names below are imported on first use, so that `python -m face_alignment_tf.<module>`
runs its module without importing it twice.
"""

import importlib

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
