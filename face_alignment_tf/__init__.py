"""The toolkit's front package: `FaceAligner` (68 landmarks for any photo with a shipped
model and a face detector), the shipped pretrained models (`available_models`,
`load_pretrained`, each verified by the sha256 sums of its MANIFEST.json), the `face-align`
command line and exports."""

from face_alignment_tf.face_aligner import Face, FaceAligner
from face_alignment_tf.pretrained import (
    PretrainedModelError,
    available_models,
    load_pretrained,
)

__all__ = ["Face", "FaceAligner", "PretrainedModelError", "available_models", "load_pretrained"]
