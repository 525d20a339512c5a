"""Data loading, preprocessing, augmentation and tf.data pipelines.

Landmarks are (y, x) = (row, column) float arrays with pixel centres at integer
coordinates, as in menpo and the original MDM code. `menpo_compat` is imported
first so that menpo / menpofit work with numpy 2 and scipy >= 1.14.
"""

from data import menpo_compat  # noqa: F401  (must precede any menpo import)
