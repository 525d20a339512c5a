"""Stacked Hourglass and Scale Aggregation Topology (SAT) heatmap networks (SDU, MXNet)."""

from hourglass.network import HourglassNetwork
from hourglass.presets import PRESETS, build

__all__ = ["PRESETS", "HourglassNetwork", "build"]
