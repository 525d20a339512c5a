"""The MDM model: patch features + a recurrent fully-connected layer, 4 steps (SPEC A.6)."""

import keras
import tensorflow as tf

from face_alignment_tf.custom_ops import extract_patches
from face_alignment_tf.mdm.patch_features import PatchFeatureExtractor, weight_initializer


@keras.saving.register_keras_serializable(package="mdm")
class MDM(keras.Model):
    """Mnemonic Descent Method.

    Called as `model(images, inits)`:
      images: float32 [B, H, W, 3] in [0, 1];
      inits: float32 [B, N, 2] initial landmarks, (y, x) pixel coordinates.
    Returns {'final': [B, N, 2], 'steps': [B, T, N, 2]}, the cumulative
    estimates inits + Delta_t after each of the T steps, all (y, x).

    Per step, patches of `patch_size` around the current estimate (no gradient
    through their positions) go through one shared `PatchFeatureExtractor`;
    the features of all N patches, concatenated with the previous hidden state,
    feed a Dense(hidden_units, tanh) layer, and a linear Dense(2N) predicts the
    update. 80,558,632 parameters for N=68, patch 30 (56,048,168 for patch 26).
    """

    def __init__(
        self,
        num_landmarks: int = 68,
        patch_size: int = 30,
        num_iterations: int = 4,
        hidden_units: int = 512,
        patch_mode: str = "recommended",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_landmarks = num_landmarks
        self.patch_size = patch_size
        self.num_iterations = num_iterations
        self.hidden_units = hidden_units
        self.patch_mode = patch_mode
        self.patch_features = PatchFeatureExtractor(name="convnet")
        self.recurrent = keras.layers.Dense(
            hidden_units, activation="tanh", kernel_initializer=weight_initializer(), name="rnn_fc"
        )
        self.prediction = keras.layers.Dense(
            2 * num_landmarks, kernel_initializer=weight_initializer(), name="rnn_pred"
        )

    def build(self, images_shape=None, inits_shape=None):
        patch_shape = (None, self.patch_size, self.patch_size, 3)
        self.patch_features.build(patch_shape)
        feature_shape = self.patch_features.compute_output_shape(patch_shape)
        feature_size = self.num_landmarks * feature_shape[1] * feature_shape[2] * feature_shape[3]
        self.recurrent.build((None, feature_size + self.hidden_units))
        self.prediction.build((None, self.hidden_units))

    def call(self, images, inits, training=None):
        images = tf.convert_to_tensor(images, tf.float32)
        inits = tf.convert_to_tensor(inits, tf.float32)
        batch = tf.shape(images)[0]
        delta = tf.zeros_like(inits)
        hidden = tf.zeros([batch, self.hidden_units], images.dtype)
        steps = []
        for _ in range(self.num_iterations):
            centres = tf.stop_gradient(inits + delta)
            patches = extract_patches(images, centres, self.patch_size, self.patch_mode)
            patches = tf.reshape(patches, [-1, self.patch_size, self.patch_size, 3])
            features = tf.reshape(self.patch_features(patches), [batch, -1])
            hidden = self.recurrent(tf.concat([features, hidden], axis=1))
            delta += tf.reshape(self.prediction(hidden), [batch, self.num_landmarks, 2])
            steps.append(inits + delta)
        return {"final": steps[-1], "steps": tf.stack(steps, axis=1)}

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_landmarks": self.num_landmarks,
            "patch_size": self.patch_size,
            "num_iterations": self.num_iterations,
            "hidden_units": self.hidden_units,
            "patch_mode": self.patch_mode,
        }
