"""ShapeNet's output layer (SPEC C.1): PCA shape parameters and a similarity transform ->
landmarks.

Parameters [B, K + 4] = [p_1..p_K | s | theta | t_1, t_2]: the shape is
mean + sum_k p_k E_k ((y, x) points, the PCA's order), then each point (a, b) goes to
(s cos(theta) a + s sin(theta) b + t_1, -s sin(theta) a + s cos(theta) b + t_2): t_1 is a
y-translation. No constraint on s (linear in it), no perspective division. The mean and
components are constants of the graph, not weights (so the parameter counts are the
backbone's).
"""

import keras
import numpy as np
import tensorflow as tf

TRANSFORM_PARAMETERS = {2: 4, 3: 9}  # scale, rotation, translation counts summed


def similarity_transform_2d(points, scale, angle, translation) -> tf.Tensor:
    """points [B, N, 2], scale and angle [B], translation [B, 2] -> [B, N, 2] (SPEC C.1.2)."""
    cos, sin = (tf.cos(angle) * scale)[:, None], (tf.sin(angle) * scale)[:, None]
    a, b = points[..., 0], points[..., 1]
    first = cos * a + sin * b + translation[:, None, 0]
    second = -sin * a + cos * b + translation[:, None, 1]
    return tf.stack([first, second], axis=-1)


def rotation_matrix_3d(yaw, pitch, roll) -> tf.Tensor:
    """[B, 3, 3]: the original's zyx-convention matrix (its element layout, rows as written
    in `_ensemble_3d_matrix`)."""
    cy, sy, cp, sp, cr, sr = (tf.cos(yaw), tf.sin(yaw), tf.cos(pitch), tf.sin(pitch),
                              tf.cos(roll), tf.sin(roll))  # fmt: skip
    rows = [
        [cp * cr, cp * sr, -sp],
        [sy * sp * cr - cy * sr, sy * sp * sr + cy * cr, sy * cp],
        [cy * sp * cr + sy * sr, cy * sp * sr - sy * cr, cy * cp],
    ]
    return tf.stack([tf.stack(row, axis=-1) for row in rows], axis=-2)


def similarity_transform_3d(points, parameters) -> tf.Tensor:
    """points [B, N, 3], parameters [B, 9] = [s_1 s_2 s_3 | yaw pitch roll | t_1 t_2 t_3] ->
    [B, N, 3]. As in the original, only s_1 scales (s_2 and s_3 are dead outputs)."""
    scale = parameters[:, 0]
    rotation = rotation_matrix_3d(parameters[:, 3], parameters[:, 4], parameters[:, 5])
    matrix = rotation * scale[:, None, None]
    return tf.einsum("bij,bnj->bni", matrix, points) + parameters[:, None, 6:9]


@keras.saving.register_keras_serializable(package="shapenet")
class HomogeneousShapeLayer(keras.layers.Layer):
    """[B, K + T] parameters -> [B, N, D] points, D = 2 ((y, x), T = 4) or 3 (T = 9).

    shapes: [K + 1, N, D], the mean shape then K components (`shapenet.pca`).
    """

    def __init__(self, shapes, **kwargs):
        super().__init__(**kwargs)
        shapes = np.asarray(shapes, np.float32)
        if shapes.ndim != 3 or shapes.shape[-1] not in TRANSFORM_PARAMETERS or len(shapes) < 1:
            raise ValueError(f"shapes must be [K + 1, N, 2 or 3], got {shapes.shape}")
        self.shapes = shapes
        self.num_components = len(shapes) - 1
        self.dims = shapes.shape[-1]
        self.num_parameters = self.num_components + TRANSFORM_PARAMETERS[self.dims]

    def call(self, parameters):
        parameters = tf.convert_to_tensor(parameters, tf.float32)
        k = self.num_components
        mean, components = tf.constant(self.shapes[0]), tf.constant(self.shapes[1:])
        points = mean + tf.einsum("bk,knd->bnd", parameters[:, :k], components)
        if self.dims == 3:
            return similarity_transform_3d(points, parameters[:, k:])
        return similarity_transform_2d(
            points, parameters[:, k], parameters[:, k + 1], parameters[:, k + 2 : k + 4]
        )

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.shapes.shape[1], self.dims)

    def get_config(self) -> dict:
        return {**super().get_config(), "shapes": self.shapes.tolist()}
