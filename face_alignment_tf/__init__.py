"""The toolkit's front package: pretrained models shipped with it (`available_models`,
`load_pretrained`), each verified by the sha256 sums of its MANIFEST.json."""

from face_alignment_tf.pretrained import (
    PretrainedModelError,
    available_models,
    load_pretrained,
)

__all__ = ["PretrainedModelError", "available_models", "load_pretrained"]
