"""Stacked Hourglass and Scale Aggregation Topology (SAT) heatmap networks (SDU, MXNet)."""

from face_alignment_tf.hourglass.network import HourglassNetwork
from face_alignment_tf.hourglass.presets import PRESETS, build

__all__ = ["PRESETS", "HourglassNetwork", "build"]
