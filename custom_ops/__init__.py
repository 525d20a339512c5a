"""Compiled TensorFlow ops: MDM's landmark patch extraction."""

from face_alignment_tf.custom_ops.extract_patches_op import (
    compiled_op_available,
    compiled_op_load_error,
    extract_patches,
    extract_patches_tf,
)

__all__ = [
    "compiled_op_available",
    "compiled_op_load_error",
    "extract_patches",
    "extract_patches_tf",
]
