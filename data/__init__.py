"""Data loading, preprocessing, augmentation and tf.data pipelines.

Landmarks are (y, x) = (row, column) float arrays with pixel centres at integer
coordinates, as in menpo and the original MDM code. Modules that import menpo import
`data.menpo_compat` first (menpo / menpofit with numpy 2 and scipy >= 1.14); importing this
package patches nothing.
"""
