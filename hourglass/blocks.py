"""`make_block`: the SDU `conv_block` switch, with its fallbacks (SPEC B.3.4)."""

import keras

from face_alignment_tf.hourglass.cab_block import CABlock
from face_alignment_tf.hourglass.hpm_block import HPMBlock
from face_alignment_tf.hourglass.inception_block import InceptionBlock
from face_alignment_tf.hourglass.residual_block import ResidualBlock

BLOCKS = ("resnet", "inception", "hpm", "cab")


def make_block(kind: str, filters: int, dim_match: bool, name: str) -> keras.layers.Layer:
    """A block of `kind`; inception falls back to resnet and CAB to HPM when channels change."""
    if kind == "resnet" or (kind == "inception" and not dim_match):
        return ResidualBlock(filters, dim_match, name=name)
    if kind == "inception":
        return InceptionBlock(filters, name=name)
    if kind == "hpm" or (kind == "cab" and not dim_match):
        return HPMBlock(filters, dim_match, name=name)
    if kind == "cab":
        return CABlock(filters, name=name)
    raise ValueError(f"block must be one of {BLOCKS}, got {kind!r}")
