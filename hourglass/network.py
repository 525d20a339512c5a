"""The stacked heatmap network: stem, S stacks (hourglass or SAT), heads (SPEC B.3)."""

import keras

from face_alignment_tf.hourglass.blocks import make_block
from face_alignment_tf.hourglass.hourglass_module import HourglassModule
from face_alignment_tf.hourglass.sat_grid import SATGrid
from face_alignment_tf.hourglass.sdu_layers import ConvBNReLU, batch_norm, conv

TOPOLOGIES = ("hourglass", "satnet")


@keras.saving.register_keras_serializable(package="hourglass")
class HourglassNetwork(keras.Model):
    """Stacked Hourglass / SAT landmark heatmap network.

    Input: RGB images [B, 128, 128, 3] with values 0..255 (normalised in the
    graph: (x - 127.5) / 128). Output: a list of `stacks` heatmaps [B, 64, 64,
    num_landmarks], one per stack; the last is the prediction. Heatmap row/col
    index (y, x) = landmark position / 2 in the 128 crop.

    Stem: conv3x3(64)-BN-ReLU, block 64->128, max-pool, block 128->128, block
    128->256. Per stack: body, block, 1x1(256)-BN-ReLU ('ll'), 1x1(num_landmarks,
    bias) heatmap; between stacks x = shortcut + 1x1(ll) + 1x1(heatmap) (biases).
    """

    def __init__(
        self,
        topology: str = "hourglass",
        block: str = "cab",
        depth: int = 3,
        stacks: int = 2,
        num_landmarks: int = 68,
        filters: int = 256,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if topology not in TOPOLOGIES:
            raise ValueError(f"topology must be one of {TOPOLOGIES}, got {topology!r}")
        self.topology, self.block, self.depth = topology, block, depth
        self.stacks, self.num_landmarks, self.filters = stacks, num_landmarks, filters
        self.normalise = keras.layers.Rescaling(1.0 / 128.0, offset=-127.5 / 128.0)
        self.stem_conv = conv(64, 3, "stem_conv")
        self.stem_bn = batch_norm("stem_bn")
        self.res_0 = make_block(block, 128, False, "res_0")
        self.pool = keras.layers.MaxPooling2D(2)
        self.res_1 = make_block(block, 128, True, "res_1")
        self.res_2 = make_block(block, filters, False, "res_2")
        self.bodies, self.units, self.lls, self.heads, self.merges = [], [], [], [], []
        for i in range(stacks):
            self.bodies.append(
                HourglassModule(depth, block, filters, name=f"stack{i}_hourglass")
                if topology == "hourglass"
                else SATGrid(block, filters, name=f"stack{i}_sat")
            )
            self.units.append(make_block(block, filters, True, f"stack{i}_unit0"))
            self.lls.append(ConvBNReLU(filters, 1, name=f"stack{i}_ll"))
            self.heads.append(conv(num_landmarks, 1, f"heatmap{i}", use_bias=True))
            if i < stacks - 1:
                self.merges.append(
                    (
                        conv(filters, 1, f"stack{i}_ll2", use_bias=True),
                        conv(filters, 1, f"stack{i}_out2", use_bias=True),
                    )
                )

    def call(self, images, training=None):
        x = keras.ops.relu(self.stem_bn(self.stem_conv(self.normalise(images)), training=training))
        x = self.res_0(x, training=training)
        x = self.res_1(self.pool(x), training=training)
        x = self.res_2(x, training=training)
        heatmaps = []
        for i in range(self.stacks):
            shortcut = x
            x = self.units[i](self.bodies[i](x, training=training), training=training)
            ll = self.lls[i](x, training=training)
            heatmaps.append(self.heads[i](ll))
            if i < self.stacks - 1:
                to_ll, to_heatmap = self.merges[i]
                x = shortcut + to_ll(ll) + to_heatmap(heatmaps[-1])
        return heatmaps

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "topology": self.topology,
            "block": self.block,
            "depth": self.depth,
            "stacks": self.stacks,
            "num_landmarks": self.num_landmarks,
            "filters": self.filters,
        }
